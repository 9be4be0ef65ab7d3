package nfield.data.nerf;

import nfield.fuzz.Scratch;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Fuzz target (Jazzer, {@code tools/fuzz.sh}): COLMAP sparse models, binary or text by the
 * property {@code nfield.fuzz.format} (bin, txt). The first byte of an input picks the file it
 * replaces (its value mod 3: cameras, images, points3D); the rest of the input is that file, and
 * the other two are those of a valid model of four images (two cameras, OPENCV and
 * OPENCV_FISHEYE), whose images are there. Any input must give posed images that pass
 * {@link PosedImagesCheck} or the reader's own error naming the model's folder.
 */
public final class ColmapFuzz {
    static final String[] STEMS = {"cameras", "images", "points3D"};
    private static final Path[] DIRS = new Path[2];

    private ColmapFuzz() {}

    /** The valid model's three files, in {@link #STEMS}' order. */
    static byte[][] model(boolean binary) {
        List<ColmapFiles.Cam> cams = List.of(ColmapReaderTest.OPENCV, ColmapReaderTest.FISHEYE);
        List<ColmapFiles.Img> ims = ColmapReaderTest.ring(4);
        List<ColmapFiles.Pt> pts = ColmapReaderTest.points(12, 5);
        if (binary) return new byte[][] {ColmapFiles.camerasBin(cams), ColmapFiles.imagesBin(ims), ColmapFiles.pointsBin(pts)};
        return new byte[][] {ColmapFiles.camerasTxt(cams).getBytes(), ColmapFiles.imagesTxt(ims).getBytes(), ColmapFiles.pointsTxt(pts).getBytes()};
    }

    private static synchronized Path dir(boolean binary) {
        int i = binary ? 0 : 1;
        if (DIRS[i] == null) {
            Path d = Scratch.dir("colmap-" + (binary ? "bin" : "txt"));
            for (ColmapFiles.Img m : ColmapReaderTest.ring(4)) {
                NerfFiles.flatPng(d.resolve("images").resolve(m.name()), ColmapReaderTest.W, ColmapReaderTest.H, 0x806040FF);
            }
            DIRS[i] = d;
        }
        return DIRS[i];
    }

    public static void fuzzerTestOneInput(byte[] data) {
        boolean binary = !"txt".equals(System.getProperty("nfield.fuzz.format", "bin"));
        Path root = dir(binary), model = root.resolve("sparse/0");
        byte[][] files = model(binary);
        if (data.length > 0) files[Math.floorMod(data[0], 3)] = java.util.Arrays.copyOfRange(data, 1, data.length);
        for (int i = 0; i < 3; i++) Scratch.write(model.resolve(STEMS[i] + (binary ? ".bin" : ".txt")), files[i]);
        try {
            PosedImagesCheck.check(ColmapReader.read(root, LoadOptions.DEFAULT));
        } catch (IOException e) {
            PosedImagesCheck.named(e, root.toString());
        }
    }
}
