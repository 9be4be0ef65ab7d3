package nfield.data.nerf;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import static nfield.data.nerf.NerfFiles.AT_Z4;
import static nfield.data.nerf.NerfFiles.f4;
import static nfield.data.nerf.NerfFiles.flatPng;
import static nfield.data.nerf.NerfFiles.frame;
import static nfield.data.nerf.NerfFiles.npy;
import static nfield.data.nerf.NerfFiles.poses;
import static nfield.data.nerf.NerfFiles.text;
import static nfield.data.nerf.NerfFiles.transforms;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every bad input gives a NerfFormatException whose message starts with the file's path and says
 * what is wrong and where, before any image is decoded or any array allocated.
 */
class NerfMalformedTest {
    @TempDir
    Path dir;

    private static final String ANGLE = "\"camera_angle_x\": 0.7";

    /** The message reading {@code file} gives, checked to start with the path and to contain {@code parts}. */
    private static String error(Path file, LoadOptions opt, String... parts) {
        String m = assertThrows(NerfFormatException.class, () -> NerfData.read(file, opt)).getMessage();
        assertTrue(m.startsWith(file + ": "), m);
        for (String part : parts) assertTrue(m.contains(part), "'" + part + "' missing in: " + m);
        return m;
    }

    private String jsonError(String json, String... parts) {
        return error(text(dir.resolve("transforms_train.json"), json), LoadOptions.DEFAULT, parts);
    }

    private Path png(String name, int w, int h) {
        return flatPng(dir.resolve(name), w, h, 0xFFFFFFFF);
    }

    // ---- transforms json

    @Test
    void everyMissingImageIsListed() {
        png("train/r_0.png", 4, 4);
        png("train/r_2.png", 4, 4);
        String m = jsonError(transforms(ANGLE, frame("./train/r_0", AT_Z4), frame("./train/r_1", AT_Z4), frame("./train/r_2", AT_Z4),
                        frame("./train/r_3.png", AT_Z4), frame("train/r_4", AT_Z4)),
                "3 of 5 image files are missing:",
                "\n  ./train/r_1 (no " + dir.resolve("train/r_1") + ", nor with .png, .jpg, .jpeg)",
                "\n  ./train/r_3.png (no " + dir.resolve("train/r_3.png"),
                "\n  train/r_4 (no ");
        assertEquals(4, m.split("\n").length, m);
    }

    @Test
    void lensModelsOutsideWhatIsRead() {
        png("a.png", 4, 4);
        jsonError(transforms(ANGLE + ", \"camera_model\": \"FOV\"", frame("a", AT_Z4)),
                "top level: 'camera_model' \"FOV\" is not one nfield reads: OPENCV, OPENCV_FISHEYE, PINHOLE", "image_undistorter");
        jsonError(transforms(ANGLE, frame("a", AT_Z4, "\"camera_model\": 3")), "frame 0 (a): 'camera_model' 3 is not one nfield reads");
        jsonError(transforms(ANGLE + ", \"camera_model\": \"PINHOLE\", \"k1\": 0.1", frame("a", AT_Z4)),
                "frame 0 (a): 'camera_model' is PINHOLE but 'k1' is 0.1: remove it, or say OPENCV");
        jsonError(transforms(ANGLE + ", \"camera_model\": \"OPENCV_FISHEYE\", \"p2\": 0.01", frame("a", AT_Z4)),
                "frame 0 (a): a fisheye lens has no tangential terms, but p1 0.0, p2 0.01");
        jsonError(transforms(ANGLE + ", \"camera_model\": \"OPENCV\", \"is_fisheye\": true", frame("a", AT_Z4)),
                "'is_fisheye' is true but 'camera_model' is \"OPENCV\"");
        jsonError(transforms(ANGLE + ", \"is_fisheye\": 1", frame("a", AT_Z4)), "'is_fisheye' must be true or false, got 1");
        jsonError(transforms(ANGLE + ", \"k2\": \"0.1\"", frame("a", AT_Z4)), "top level: 'k2' must be a finite number, got \"0.1\"");
        jsonError(transforms(ANGLE, frame("a", AT_Z4, "\"p1\": NaN")), "frame 0 (a): 'p1' must be a finite number, got \"NaN\"");
    }

    @Test
    void masksThatCannotBeUsed() {
        png("a.png", 4, 4);
        png("small.png", 2, 2);
        NerfFiles.rgbaPng(dir.resolve("black.png"), 4, 4, (x, y) -> 0x000000FF);
        jsonError(transforms(ANGLE, frame("a", AT_Z4, "\"mask_path\": \"nope.png\"")),
                "mask " + dir.resolve("nope.png") + " is missing (the mask_path of frame 0 (a))");
        jsonError(transforms(ANGLE, frame("a", AT_Z4, "\"mask_path\": \"small.png\"")),
                "small.png is 2x2 but its image is 4x4 (a mask is as large as its image)");
        jsonError(transforms(ANGLE, frame("a", AT_Z4, "\"mask_path\": \"black.png\"")), "black.png masks out every pixel of frame 0 (a)");
        jsonError(transforms(ANGLE, frame("a", AT_Z4, "\"mask_path\": 7")), "frame 0 (a): 'mask_path' must be a file name, got 7");
        jsonError(transforms(ANGLE + ", \"applied_transform\": [[1, 0, 0]]", frame("a", AT_Z4)),
                "'applied_transform' must be 3 or 4 rows of 4 finite numbers, got [[1,0,0]]");
    }

    @Test
    void inconsistentImageSizesNameBothFiles() {
        png("a.png", 8, 6);
        png("b.png", 8, 6);
        png("c.png", 6, 8);
        jsonError(transforms(ANGLE, frame("a", AT_Z4), frame("b", AT_Z4), frame("c", AT_Z4)),
                "image sizes differ: " + dir.resolve("a.png") + " is 8x6 but " + dir.resolve("c.png") + " is 6x8");
        png("d.png", 2, 2);
        jsonError(transforms(ANGLE, frame("a", AT_Z4), frame("c", AT_Z4), frame("d", AT_Z4)),
                "image sizes differ: " + dir.resolve("a.png") + " is 8x6 but 2 others are not:\n  " + dir.resolve("c.png") + " is 6x8\n  "
                        + dir.resolve("d.png") + " is 2x2");
    }

    @Test
    void sizeTheJsonStatesMustMatchTheImage() {
        png("a.png", 8, 6);
        jsonError(transforms(ANGLE + ", \"w\": 800, \"h\": 600", frame("a", AT_Z4)),
                "frame 0 (a): 'w' x 'h' say 800x600 but " + dir.resolve("a.png") + " is 8x6");
    }

    @Test
    void nonRigidPoses() {
        png("a.png", 2, 2);
        double[] scaled = AT_Z4.clone();
        scaled[0] = 2;
        jsonError(transforms(ANGLE, frame("a", scaled)),
                "1 bad pose:\n  frame 0 (a): transform_matrix is not rigid: the rotation part's columns are not orthonormal (RᵀR differs from I by up to 3.00, tolerance 1e-03; a scaled or sheared camera is not supported)");
        double[] sheared = AT_Z4.clone();
        sheared[1] = 0.1;
        jsonError(transforms(ANGLE, frame("a", AT_Z4), frame("a", sheared)), "frame 1 (a): transform_matrix is not rigid", "tolerance 1e-03");
        double[] lastRow = AT_Z4.clone();
        lastRow[14] = 1;
        jsonError(transforms(ANGLE, frame("a", lastRow)), "frame 0 (a): transform_matrix last row is 0 0 1 1, not 0 0 0 1");
        double[] mirror = AT_Z4.clone();
        mirror[0] = -1;
        jsonError(transforms(ANGLE, frame("a", mirror)), "frame 0 (a): transform_matrix is not rigid: the rotation part is a reflection (determinant -1.00)");
        // all bad poses in one message
        String m = jsonError(transforms(ANGLE, frame("a", scaled), frame("a", AT_Z4), frame("a", lastRow)), "2 bad poses:", "frame 0 (a)", "frame 2 (a)");
        assertEquals(3, m.split("\n").length, m);
    }

    @Test
    void nanPose() {
        png("a.png", 2, 2);
        double[] nan = AT_Z4.clone();
        nan[7] = Double.NaN; // Python's json.dump writes NaN
        jsonError(transforms(ANGLE, frame("a", nan)), "1 bad pose:\n  frame 0 (a): transform_matrix entry [1][3] is NaN (poses must be finite)");
    }

    @Test
    void poseOfTheWrongShape() {
        jsonError(transforms(ANGLE, "{\"file_path\": \"a\", \"transform_matrix\": [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0]]}"),
                "frame 0 (a): 'transform_matrix' must be 4 rows of 4 numbers, got an array of 3");
        jsonError(transforms(ANGLE, "{\"file_path\": \"a\", \"transform_matrix\": [[1, 0, 0, 0], [0, 1, 0], [0, 0, 1, 0], [0, 0, 0, 1]]}"),
                "frame 0 (a): 'transform_matrix' row 1 must be 4 numbers, got an array of 3");
        jsonError(transforms(ANGLE, "{\"file_path\": \"a\"}"), "frame 0 (a) has no 'transform_matrix'");
        jsonError(transforms(ANGLE, "{\"transform_matrix\": " + NerfFiles.matrix(AT_Z4) + "}"), "frame 0 has no 'file_path' string");
    }

    @Test
    void emptySplit() {
        jsonError(transforms(ANGLE), "the train split is empty: 'frames' has no entries");
        jsonError("{" + ANGLE + "}", "no 'frames' array");
        jsonError("{\"frames\": {}}", "no 'frames' array ('frames' is object)");
    }

    @Test
    void malformedJson() {
        jsonError("{\"camera_angle_x\": 0.7, \"frames\": [", "not valid JSON (line 1, column 36): Unexpected end-of-input: expected close marker for Array (start marker at line 1, column 35)");
        jsonError("[1, 2]", "expected a JSON object with 'frames', got array");
    }

    @Test
    void noFocalLength() {
        png("a.png", 2, 2);
        jsonError(transforms("", frame("a", AT_Z4), frame("a", AT_Z4)),
                "no focal length: give 'camera_angle_x' or 'fl_x', at the top level or in each frame; none of the 2 frames has one");
        jsonError(transforms("", frame("a", AT_Z4, "\"fl_x\": 3"), frame("a", AT_Z4)), "1 frame without: frame 1 (a)");
        jsonError(transforms("\"camera_angle_x\": \"wide\"", frame("a", AT_Z4)), "top level: 'camera_angle_x' must be a finite number, got \"wide\"");
        jsonError(transforms("\"camera_angle_x\": 4", frame("a", AT_Z4)), "frame 0 (a): focal lengths must be positive and finite");
    }

    @Test
    void notAnImage() {
        text(dir.resolve("a.png"), "not a png");
        jsonError(transforms(ANGLE, frame("a", AT_Z4)), dir.resolve("a.png") + " is not an image format ImageIO can read");
    }

    @Test
    void noSuchSplitOrFile() {
        png("a.png", 2, 2);
        Path train = text(dir.resolve("transforms_train.json"), transforms(ANGLE, frame("a", AT_Z4)));
        error(train, LoadOptions.DEFAULT.withSplit("val"), "no val split: no " + dir.resolve("transforms_val.json") + " (there: transforms_train.json)");
        error(dir.resolve("transforms_none.json"), LoadOptions.DEFAULT, "no such file");
        assertThrows(IllegalArgumentException.class, () -> LoadOptions.DEFAULT.withDownscale(0));
    }

    // ---- npz

    private Map<String, byte[]> good() {
        Map<String, byte[]> e = new LinkedHashMap<>();
        e.put("images.npy", npy(1, "<f4", "(3, 2, 2, 3)", f4(new float[36])));
        e.put("poses.npy", npy(1, "<f4", "(3, 4, 4)", poses(3, AT_Z4)));
        e.put("focal.npy", npy(1, "<f8", "()", NerfFiles.f8(2)));
        return e;
    }

    private String npzError(Map<String, byte[]> entries, String... parts) {
        return npzError(entries, LoadOptions.DEFAULT, parts);
    }

    private String npzError(Map<String, byte[]> entries, LoadOptions opt, String... parts) {
        return error(NerfFiles.npz(dir.resolve("tiny.npz"), entries), opt, parts);
    }

    @Test
    void npzGoodBaseline() throws IOException {
        assertEquals(2, NerfData.read(NerfFiles.npz(dir.resolve("tiny.npz"), good()), LoadOptions.DEFAULT).count());
    }

    @Test
    void npzMissingArrays() {
        Map<String, byte[]> e = good();
        e.remove("poses.npy");
        npzError(e, "no 'poses' array (it has images, focal); a tiny-NeRF .npz holds images [N, H, W, 3], poses [N, 4, 4] and focal []");
        e.remove("focal.npy");
        npzError(e, "no 'poses', 'focal' arrays (it has images)");
    }

    @Test
    void npzWrongShapes() {
        Map<String, byte[]> e = good();
        e.put("images.npy", npy(1, "<f4", "(3, 2, 6)", f4(new float[36])));
        npzError(e, "images.npy has shape (3, 2, 6); expected (N, H, W, 3) or (N, H, W, 4)");
        e = good();
        e.put("poses.npy", npy(1, "<f4", "(2, 4, 4)", poses(2, AT_Z4)));
        npzError(e, "poses.npy has shape (2, 4, 4); expected (3, 4, 4) for 3 images");
        e = good();
        e.put("focal.npy", npy(1, "<f8", "(2,)", NerfFiles.f8(2, 2)));
        npzError(e, "focal.npy has shape (2,); expected () or (3,)");
    }

    @Test
    void npzWrongDtypes() {
        Map<String, byte[]> e = good();
        e.put("images.npy", npy(1, "<i4", "(3, 2, 2, 3)", new byte[144]));
        npzError(e, "images.npy: dtype '<i4' is not supported (float32 '<f4', float64 '<f8' or uint8 '|u1')");
        e = good();
        e.put("poses.npy", npy(1, "|u1", "(3, 4, 4)", new byte[48]));
        npzError(e, "poses.npy has dtype '|u1'; expected float32 or float64");
    }

    @Test
    void npyHeaderLiesAboutSize() {
        Map<String, byte[]> e = good();
        e.put("images.npy", npy(1, "<f4", "(30, 2, 2, 3)", f4(new float[36])));
        npzError(e, "images.npy: the header says shape (30, 2, 2, 3) of '<f4', 1440 bytes of data, but the entry has 144 after its 128-byte header");
        e = good();
        e.put("poses.npy", npy(1, "<f4", "(3, 4, 4)", poses(2, AT_Z4)));
        npzError(e, "poses.npy: the header says shape (3, 4, 4) of '<f4', 192 bytes of data, but the entry has 128 after its 128-byte header");
        e = good();
        e.put("images.npy", npy(1, "<f4", "(3000000000, 4000000000, 3000000000, 3)", new byte[0]));
        npzError(e, "images.npy: the header's shape (3000000000, 4000000000, 3000000000, 3) is too large");
    }

    @Test
    void npyBadPreambleAndHeader() {
        Map<String, byte[]> e = good();
        e.put("poses.npy", "PK not numpy".getBytes());
        npzError(e, "poses.npy: not a .npy array (no \\x93NUMPY magic at byte 0)");
        byte[] v9 = npy(1, "<f4", "(3, 4, 4)", poses(3, AT_Z4));
        v9[6] = 9;
        e.put("poses.npy", v9);
        npzError(e, "poses.npy: .npy version 9.0 is not supported (1, 2 or 3)");
        e.put("poses.npy", Arrays.copyOf(v9, 7));
        npzError(e, "poses.npy: the array ends inside its 8-byte preamble");
        byte[] fortran = npy(1, "<f4", "(3, 4, 4)", poses(3, AT_Z4));
        String h = new String(fortran, java.nio.charset.StandardCharsets.ISO_8859_1).replace("False", "True ");
        e.put("poses.npy", h.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        npzError(e, "poses.npy: Fortran order is not supported");
    }

    @Test
    void npzBadPosesAndFocal() {
        Map<String, byte[]> e = good();
        double[] nan = AT_Z4.clone();
        nan[3] = Double.NaN;
        float[] p = new float[48];
        for (int k = 0; k < 3; k++) for (int i = 0; i < 16; i++) p[16 * k + i] = (float) (k == 1 ? nan : AT_Z4)[i];
        e.put("poses.npy", npy(1, "<f4", "(3, 4, 4)", f4(p)));
        npzError(e, "1 bad pose:\n  poses[1] entry [0][3] is NaN (poses must be finite)");
        e = good();
        e.put("focal.npy", npy(1, "<f8", "()", NerfFiles.f8(-2)));
        npzError(e, "focal.npy: the focal length is -2.0; it must be a positive number of pixels");
        e = good();
        float[] im = new float[36];
        im[13] = Float.NaN;
        e.put("images.npy", npy(1, "<f4", "(3, 2, 2, 3)", f4(im)));
        npzError(e, "images.npy: image 1 has NaN at row 0, column 0, channel 1");
    }

    @Test
    void npzEmptyOrUnknownSplit() {
        npzError(good(), LoadOptions.DEFAULT.withSplit("test").withTrainCount(3), "the test split is empty: of 3 images the first 3 are train and the other 0 test");
        npzError(good(), LoadOptions.DEFAULT.withTrainCount(0), "the train split is empty");
        npzError(good(), LoadOptions.DEFAULT.withTrainCount(4), "a train count of 4 is more than its 3 images");
        npzError(good(), LoadOptions.DEFAULT.withSplit("val"), "no split 'val' in an .npz: train (the first 2 images), test (the other 1) or all");
    }

    @Test
    void npzNotAZip() throws IOException {
        Path f = dir.resolve("tiny.npz");
        Files.writeString(f, "not a zip");
        error(f, LoadOptions.DEFAULT, "not an .npz (zip) archive");
    }
}
