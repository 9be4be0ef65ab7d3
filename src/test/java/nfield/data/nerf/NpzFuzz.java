package nfield.data.nerf;

import nfield.fuzz.Scratch;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Fuzz target (Jazzer, {@code tools/fuzz.sh}): tiny-NeRF {@code .npz} files (a zip of
 * {@code images}, {@code poses} and {@code focal} arrays). Any input must give posed images that
 * pass {@link PosedImagesCheck} or the reader's own error naming the file.
 */
public final class NpzFuzz {
    private static Path dir;

    private NpzFuzz() {}

    public static void fuzzerTestOneInput(byte[] data) {
        synchronized (NpzFuzz.class) {
            if (dir == null) dir = Scratch.dir("npz");
        }
        Path npz = Scratch.write(dir.resolve("fuzz.npz"), data);
        try {
            PosedImagesCheck.check(NpzReader.read(npz, LoadOptions.DEFAULT));
        } catch (IOException e) {
            PosedImagesCheck.named(e, npz.toString());
        }
    }
}
