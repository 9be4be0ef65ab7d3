package nfield.data.nerf;

import nfield.fuzz.Scratch;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Fuzz target (Jazzer, {@code tools/fuzz.sh}): {@code transforms*.json} (the NeRF synthetic,
 * instant-ngp and nerfstudio layouts) in a folder holding two small RGBA images, {@code r_0.png}
 * and {@code images/r_1.png}, and a mask, {@code masks/r_0.png}. Any input must give posed images
 * that pass {@link PosedImagesCheck} or the reader's own error naming the file.
 */
public final class TransformsFuzz {
    private static Path dir;

    private TransformsFuzz() {}

    private static synchronized Path dir() {
        if (dir == null) {
            Path d = Scratch.dir("transforms");
            NerfFiles.rgbaPng(d.resolve("r_0.png"), 8, 6, (x, y) -> (x * 30) << 24 | (y * 40) << 16 | 0x80FF);
            NerfFiles.rgbaPng(d.resolve("images/r_1.png"), 8, 6, (x, y) -> (y * 40) << 24 | (x * 30) << 8 | (x < 4 ? 0xFF : 0x40));
            NerfFiles.flatPng(d.resolve("masks/r_0.png"), 8, 6, 0xFFFFFFFF);
            dir = d;
        }
        return dir;
    }

    public static void fuzzerTestOneInput(byte[] data) {
        Path json = Scratch.write(dir().resolve("transforms_train.json"), data);
        try {
            PosedImagesCheck.check(TransformsReader.read(json, LoadOptions.DEFAULT));
        } catch (IOException e) {
            PosedImagesCheck.named(e, json.toString());
        }
    }
}
