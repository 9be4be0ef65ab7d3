package nfield.data.nerf;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static nfield.data.nerf.NerfFiles.AT_Z4;
import static nfield.data.nerf.NerfFiles.f4;
import static nfield.data.nerf.NerfFiles.f8;
import static nfield.data.nerf.NerfFiles.flatPng;
import static nfield.data.nerf.NerfFiles.frame;
import static nfield.data.nerf.NerfFiles.npy;
import static nfield.data.nerf.NerfFiles.npz;
import static nfield.data.nerf.NerfFiles.text;
import static nfield.data.nerf.NerfFiles.transforms;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the readers make of well-formed files: compositing, sample layouts, intrinsics, rays, boxes, splits. */
class NerfReaderTest {
    @TempDir
    Path dir;

    private static final String ANGLE = "\"camera_angle_x\": 0.6911112070083618";

    private PosedImages read(String json, LoadOptions opt) throws IOException {
        return NerfData.read(text(dir.resolve("transforms_train.json"), json), opt);
    }

    private static int[] rgb(PosedImages d, int k, int x, int y) {
        byte[] im = d.rgb(k);
        int p = 3 * (y * d.width() + x);
        return new int[] {im[p] & 0xFF, im[p + 1] & 0xFF, im[p + 2] & 0xFF};
    }

    @Test
    void rgbaIsCompositedOnTheBackgroundByAlpha() throws IOException {
        // column 0 transparent, 1 opaque red, 2 half-transparent green (alpha 102 = 0.4)
        NerfFiles.rgbaPng(dir.resolve("train/r_0.png"), 3, 2, (x, y) -> x == 0 ? 0x12345600 : x == 1 ? 0xFF0000FF : 0x00FF0066);
        String json = transforms(ANGLE, frame("./train/r_0", AT_Z4));
        PosedImages white = read(json, LoadOptions.DEFAULT);
        assertArrayEquals(new int[] {255, 255, 255}, rgb(white, 0, 0, 1));
        assertArrayEquals(new int[] {255, 0, 0}, rgb(white, 0, 1, 0));
        assertArrayEquals(new int[] {153, 255, 153}, rgb(white, 0, 2, 0)); // 0.6 · 255 of white, all of the green channel

        PosedImages grey = read(json, LoadOptions.DEFAULT.withBackground(0.2f, 0.4f, 0.6f));
        assertArrayEquals(new int[] {51, 102, 153}, rgb(grey, 0, 0, 0));
        assertArrayEquals(new int[] {255, 0, 0}, rgb(grey, 0, 1, 1));
        // 0.4 · (0, 255, 0) + 0.6 · (51, 102, 153)
        assertArrayEquals(new int[] {31, 163, 92}, rgb(grey, 0, 2, 1));
        assertArrayEquals(new float[] {0.2f, 0.4f, 0.6f}, grey.background());
        float[] c = new float[4];
        grey.color(0, 1, 1, c, 1);
        assertArrayEquals(new float[] {0, 1, 0, 0}, c);
    }

    /** Pixel (x, y) of a 6×5 test image as 0xRRGGBBAA: colours and alphas vary, alpha 0 and 255 included. */
    private static int varied(int x, int y) {
        int a = x == 0 ? 0 : x == 5 ? 255 : (37 * x + 53 * y) % 256;
        return ((29 * x + 71 * y) & 0xFF) << 24 | ((200 - 13 * x * y) & 0xFF) << 16 | ((90 * y + 7 * x) & 0xFF) << 8 | a;
    }

    @Test
    void alphaIsKeptSoTheCompositeOnAnyBackgroundIsRgbTimesAlphaPlusBackground() throws IOException {
        NerfFiles.rgbaPng(dir.resolve("a.png"), 6, 5, NerfReaderTest::varied);
        PosedImages d = read(transforms(ANGLE, frame("a", AT_Z4)), LoadOptions.DEFAULT);
        assertTrue(d.hasAlpha());
        assertEquals(6L * 5 * 4, d.imageBytes());
        assertTrue(d.memoryEstimate(64, 8, 10).describe().startsWith("memory: images 1 × 6x5 × 4 B (8-bit RGB + alpha)"),
                d.memoryEstimate(64, 8, 10).describe());
        assertTrue(d.describe().contains("with alpha"), d.describe());
        java.util.SplittableRandom rng = new java.util.SplittableRandom(5);
        float[] c = new float[3], own = new float[3];
        double worst = 0;
        for (int y = 0; y < 5; y++) {
            for (int x = 0; x < 6; x++) {
                int v = varied(x, y);
                double a = (v & 0xFF) / 255.0;
                assertEquals(v & 0xFF, d.alpha(0)[y * 6 + x] & 0xFF);
                // on the data's own background: the stored composite, bit for bit
                d.color(0, x, y, c, 0);
                d.color(0, x, y, new float[] {1, 1, 1}, own, 0);
                assertArrayEquals(c, own);
                for (int t = 0; t < 4; t++) {
                    float[] bg = {(float) rng.nextDouble(), (float) rng.nextDouble(), (float) rng.nextDouble()};
                    d.color(0, x, y, bg, c, 0);
                    for (int ch = 0; ch < 3; ch++) {
                        double src = ((v >>> (24 - 8 * ch)) & 0xFF) / 255.0;
                        double want = src * a + bg[ch] * (1 - a);
                        worst = Math.max(worst, Math.abs(c[ch] - want));
                    }
                }
            }
        }
        // the stored composite is rounded to 8 bits once (alpha is exact at full resolution)
        assertTrue(worst <= 0.5 / 255 + 1e-6, "composite on a random background off by " + worst * 255 + " / 255");
        System.out.printf(java.util.Locale.ROOT, "RGBA recomposited on random backgrounds: worst error %.3f / 255%n", worst * 255);

        // downscaled: the block means of rgb · a and a, then the same formula
        PosedImages half = read(transforms(ANGLE, frame("a", AT_Z4)), LoadOptions.DEFAULT.withDownscale(2));
        assertEquals(3, half.width());
        float[] bg = {0.1f, 0.7f, 0.3f};
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 3; x++) {
                half.color(0, x, y, bg, c, 0);
                for (int ch = 0; ch < 3; ch++) {
                    double premul = 0, alpha = 0;
                    for (int dy = 0; dy < 2; dy++) {
                        for (int dx = 0; dx < 2; dx++) {
                            int v = varied(2 * x + dx, 2 * y + dy);
                            premul += ((v >>> (24 - 8 * ch)) & 0xFF) / 255.0 * (v & 0xFF) / 255.0 / 4;
                            alpha += (v & 0xFF) / 255.0 / 4;
                        }
                    }
                    assertEquals(premul + bg[ch] * (1 - alpha), c[ch], 1.0 / 255, "block " + x + "," + y + " channel " + ch);
                }
            }
        }
    }

    @Test
    void imagesWithoutTransparencyKeepNoAlphaAndMixedSetsTreatRgbAsOpaque() throws IOException {
        flatPng(dir.resolve("opaque.png"), 4, 3, 0x336699FF);
        BufferedImage rgb = new BufferedImage(4, 3, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 3; y++) for (int x = 0; x < 4; x++) rgb.setRGB(x, y, 0x102030);
        NerfFiles.write(rgb, dir.resolve("rgb.png"));
        PosedImages d = read(transforms(ANGLE, frame("opaque", AT_Z4), frame("rgb", AT_Z4)), LoadOptions.DEFAULT);
        assertTrue(!d.hasAlpha(), "only opaque pixels: no alpha kept");
        assertEquals(2L * 4 * 3 * 3, d.imageBytes());
        assertEquals(null, d.alpha(0));
        float[] c = new float[3], black = new float[3];
        d.color(1, 2, 1, c, 0);
        d.color(1, 2, 1, new float[] {0, 0, 0}, black, 0);
        assertArrayEquals(c, black, "an opaque pixel is the same on any background");

        flatPng(dir.resolve("half.png"), 4, 3, 0xFF000080);
        PosedImages mixed = read(transforms(ANGLE, frame("rgb", AT_Z4), frame("half", AT_Z4)), LoadOptions.DEFAULT);
        assertTrue(mixed.hasAlpha());
        assertEquals(2L * 4 * 3 * 4, mixed.imageBytes());
        assertEquals(255, mixed.alpha(0)[5] & 0xFF, "an image without alpha is opaque");
        mixed.color(1, 0, 0, new float[] {0, 0, 0}, c, 0);
        assertArrayEquals(new float[] {128 / 255f, 0, 0}, c, 0.5f / 255 + 1e-6f);
        mixed.color(0, 0, 0, new float[] {0, 0, 0}, c, 0);
        assertArrayEquals(new float[] {0x10 / 255f, 0x20 / 255f, 0x30 / 255f}, c, 1e-6f);
    }

    /** Gray, gray + alpha, RGB, RGBA at 16 bits and a palette PNG all become the same 8-bit RGB. */
    @Test
    void everySampleLayoutConverts() throws IOException {
        int w = 4, h = 3;
        // RGBA16: red ramps with x, alpha 0 in row 0, opaque elsewhere
        NerfFiles.png16(dir.resolve("a.png"), w, h, 4, (x, y, b) -> b == 0 ? x * 65535 / 3 : b == 3 ? (y == 0 ? 0 : 65535) : 0);
        NerfFiles.png16(dir.resolve("b.png"), w, h, 3, (x, y, b) -> b == 0 ? x * 65535 / 3 : 0);
        NerfFiles.png16(dir.resolve("c.png"), w, h, 1, (x, y, b) -> x * 65535 / 3);
        NerfFiles.png16(dir.resolve("d.png"), w, h, 2, (x, y, b) -> b == 0 ? x * 65535 / 3 : (y == 0 ? 0 : 65535));
        byte[] lut = {0, 85, (byte) 170, (byte) 255};
        byte[] zero = new byte[4];
        BufferedImage pal = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_INDEXED, new IndexColorModel(2, 4, lut, zero, zero));
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) pal.getRaster().setSample(x, y, 0, x);
        NerfFiles.write(pal, dir.resolve("e.png"));
        String json = transforms(ANGLE, frame("a.png", AT_Z4), frame("b", AT_Z4), frame("c", AT_Z4), frame("d", AT_Z4), frame("e.png", AT_Z4));
        PosedImages d = read(json, LoadOptions.DEFAULT.withBackground(0, 0, 0));
        for (int x = 0; x < w; x++) {
            int v = x * 85;
            assertArrayEquals(new int[] {0, 0, 0}, rgb(d, 0, x, 0), "transparent RGBA16 on black");
            assertArrayEquals(new int[] {v, 0, 0}, rgb(d, 0, x, 1), "RGBA16");
            assertArrayEquals(new int[] {v, 0, 0}, rgb(d, 1, x, 2), "RGB16");
            assertArrayEquals(new int[] {v, v, v}, rgb(d, 2, x, 1), "gray16");
            assertArrayEquals(new int[] {0, 0, 0}, rgb(d, 3, x, 0), "transparent gray+alpha16");
            assertArrayEquals(new int[] {v, v, v}, rgb(d, 3, x, 2), "gray+alpha16");
            assertArrayEquals(new int[] {v, 0, 0}, rgb(d, 4, x, 1), "palette");
        }
        assertTrue(d.files().get(1).endsWith("b.png"), d.files().get(1));
    }

    @Test
    void intrinsicsFromTheAngleOrFocalLengthsAtTopLevelOrPerFrame() throws IOException {
        for (String f : List.of("a", "b", "c", "d")) flatPng(dir.resolve(f + ".png"), 40, 20, 0xFFFFFFFF);
        PosedImages d = read(transforms("\"camera_angle_x\": 1.0, \"cx\": 19, \"aabb_scale\": 4",
                frame("a", AT_Z4),
                frame("b", AT_Z4, "\"fl_x\": 30", "\"cy\": 11"),
                frame("c", AT_Z4, "\"fl_x\": 30", "\"fl_y\": 32", "\"w\": 40", "\"h\": 20"),
                frame("d", AT_Z4, "\"camera_angle_x\": 2.0", "\"camera_angle_y\": 1.0")), LoadOptions.DEFAULT);
        double fa = 20 / Math.tan(0.5);
        assertEquals(new Intrinsics(fa, fa, 19, 10), d.intrinsics(0));
        assertEquals(new Intrinsics(30, 30, 19, 11), d.intrinsics(1));
        assertEquals(new Intrinsics(30, 32, 19, 10), d.intrinsics(2));
        assertEquals(new Intrinsics(20 / Math.tan(1), 10 / Math.tan(0.5), 19, 10), d.intrinsics(3));
        // instant-ngp: scale 0.33, offset 0.5, aabb_scale 4: x · 0.33 + 0.5 in [-1.5, 2.5]
        double h = 2 / 0.33;
        assertArrayEquals(new double[] {-h, -h, -h, h, h, h}, d.box(), 1e-12);
        // the box of interest: instant-ngp's unit cube, the same at aabb_scale 1
        double u = 0.5 / 0.33;
        assertArrayEquals(new double[] {-u, -u, -u, u, u, u}, d.inner(), 1e-12);
        assertTrue(d.unbounded());
        assertTrue(d.describe().contains("subject in [-1.52, -1.52, -1.52]..[1.52, 1.52, 1.52]"), d.describe());

        PosedImages s = read(transforms("\"fl_x\": 30, \"aabb_scale\": 2, \"scale\": 0.5, \"offset\": [0.5, 0, 1], \"k1\": 0.01",
                frame("a", AT_Z4)), LoadOptions.DEFAULT);
        assertArrayEquals(new double[] {-2, -1, -3, 2, 3, 1}, s.box(), 1e-12);
        assertEquals(List.of(), s.warnings());
        assertEquals(Lens.opencv(0.01, 0, 0, 0, 0), s.intrinsics(0).lens());

        PosedImages plain = read(transforms(ANGLE, frame("a", AT_Z4)), LoadOptions.DEFAULT);
        assertArrayEquals(PosedImages.defaultBox(), plain.box());
        assertArrayEquals(plain.box(), plain.inner());
        assertTrue(!plain.unbounded());
        assertEquals(0.5 / 0.33, plain.box()[3], 1e-12);
    }

    @Test
    void lensModelsPerFrameOrAtTheTopLevel() throws IOException {
        for (String f : List.of("a", "b", "c", "d")) flatPng(dir.resolve(f + ".png"), 40, 20, 0xFFFFFFFF);
        String json = transforms("\"fl_x\": 30, \"k1\": 0.05, \"k2\": -0.01, \"p1\": 0.001, \"p2\": -0.002",
                frame("a", AT_Z4),
                frame("b", AT_Z4, "\"camera_model\": \"OPENCV_FISHEYE\"", "\"p1\": 0", "\"p2\": 0", "\"k3\": 0.003", "\"k4\": 0.0004"),
                frame("c", AT_Z4, "\"is_fisheye\": true", "\"p1\": 0", "\"p2\": 0"),
                frame("d", AT_Z4, "\"camera_model\": \"PINHOLE\"", "\"k1\": 0", "\"k2\": 0", "\"p1\": 0", "\"p2\": 0"));
        PosedImages d = read(json, LoadOptions.DEFAULT);
        assertEquals(Lens.radialTangential(0.05, -0.01, 0, 0, 0, 0, 0, 0.001, -0.002), d.intrinsics(0).lens());
        assertEquals(Lens.fisheye(0.05, -0.01, 0.003, 0.0004), d.intrinsics(1).lens());
        assertEquals(Lens.fisheye(0.05, -0.01, 0, 0), d.intrinsics(2).lens());
        assertEquals(Lens.PINHOLE, d.intrinsics(3).lens());
        assertTrue(d.describe().contains("lens radial-tangential k1 0.0500 k2 -0.0100 p1 0.00100 p2 -0.00200"), d.describe());

        // the ray through a pixel, projected through the lens, lands on that pixel; the pinhole ray does not
        double[] ray = new double[6], uv = new double[2];
        d.ray(0, 37.25, 2.5, ray, 0);
        Intrinsics in = d.intrinsics(0);
        in.project(ray[3], ray[4], ray[5] , uv); // the pose is a translation: world directions are camera directions
        assertEquals(37.25, uv[0], 1e-9);
        assertEquals(2.5, uv[1], 1e-9);
        double[] flat = new double[3];
        in.pinhole().direction(37.25, 2.5, flat);
        assertTrue(Math.abs(flat[0] / -flat[2] - ray[3] / -ray[5]) > 1e-3, "distortion moves the ray");

        PosedImages p = read(json, LoadOptions.DEFAULT.withPinhole(true));
        for (int k = 0; k < 4; k++) assertEquals(Lens.PINHOLE, p.intrinsics(k).lens());
        assertEquals(List.of("lens distortion ignored (pinhole cameras asked for): radial-tangential k1 0.0500 k2 -0.0100 p1 0.00100 "
                + "p2 -0.00200 (first in frame 0 (a))"), p.warnings());
    }

    @Test
    void nerfstudioMasksLeavePixelsOutOfTheLoss() throws IOException {
        flatPng(dir.resolve("a.png"), 4, 2, 0xFFFFFFFF);
        flatPng(dir.resolve("b.png"), 4, 2, 0xFFFFFFFF);
        NerfFiles.rgbaPng(dir.resolve("masks/a.png"), 4, 2, (x, y) -> x < 2 ? 0x000000FF : 0xFFFFFFFF); // left half out
        String json = transforms("\"fl_x\": 3, \"applied_transform\": [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0]]",
                frame("a", AT_Z4, "\"mask_path\": \"masks/a.png\""), frame("b", AT_Z4));
        PosedImages d = read(json, LoadOptions.DEFAULT);
        assertTrue(d.hasMasks());
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 4; x++) {
                assertEquals(x >= 2, d.kept(0, x, y), "a " + x + "," + y);
                assertTrue(d.kept(1, x, y), "b has no mask");
            }
        }
        assertTrue(d.describe().contains("masked (1 of 2 images)"), d.describe());
        PosedImages half = read(json, LoadOptions.DEFAULT.withDownscale(2)); // 2x1: the left block out, the right kept
        assertTrue(!half.kept(0, 0, 0));
        assertTrue(half.kept(0, 1, 0));
    }

    @Test
    void nerfstudiosSmallerImagesAreReadWhenThere() throws IOException {
        flatPng(dir.resolve("images/a.png"), 8, 4, 0xFFFFFFFF); // white at full size
        flatPng(dir.resolve("images/b.png"), 8, 4, 0xFFFFFFFF);
        flatPng(dir.resolve("images_2/a.png"), 4, 2, 0xFF0000FF); // red at half size: a different picture, to tell which was read
        flatPng(dir.resolve("images_2/b.png"), 4, 2, 0xFF0000FF);
        String json = transforms("\"fl_x\": 6", frame("images/a.png", AT_Z4), frame("images/b.png", AT_Z4));
        PosedImages half = read(json, LoadOptions.DEFAULT.withDownscale(2));
        assertArrayEquals(new int[] {255, 0, 0}, rgb(half, 0, 1, 1), "read from images_2");
        assertEquals(3, half.intrinsics(0).fx(), 1e-12);
        assertTrue(half.warnings().get(0).startsWith("read the images at 1/2 from "), half.warnings().toString());
        assertArrayEquals(new int[] {255, 255, 255}, rgb(read(json, LoadOptions.DEFAULT), 0, 1, 1), "full size: the originals");
        // images_4 is absent: the originals, box-filtered
        assertArrayEquals(new int[] {255, 255, 255}, rgb(read(json, LoadOptions.DEFAULT.withDownscale(4)), 0, 0, 0));
        // one smaller image of the wrong size: that frame falls back to its original
        flatPng(dir.resolve("images_2/b.png"), 3, 2, 0xFF0000FF);
        assertArrayEquals(new int[] {255, 255, 255}, rgb(read(json, LoadOptions.DEFAULT.withDownscale(2)), 1, 1, 1));
    }

    /** The NeRF / Blender convention: −z forward, +y up, +x right, row 0 at the top, rays through pixel centres. */
    @Test
    void raysFollowTheBlenderConvention() throws IOException {
        flatPng(dir.resolve("a.png"), 4, 2, 0xFFFFFFFF);
        // the second camera: rotated 90° about +y (its −z looks along −x), at (5, 1, 0)
        double[] turned = {0, 0, 1, 5, 0, 1, 0, 1, -1, 0, 0, 0, 0, 0, 0, 1};
        PosedImages d = read(transforms("\"fl_x\": 2", frame("a", AT_Z4), frame("a", turned)), LoadOptions.DEFAULT);
        double[] r = new double[8];
        d.ray(0, 2, 1, r, 2); // the principal point (2, 1): straight ahead
        assertArrayEquals(new double[] {0, 0, 0, 0, 4, 0, 0, -1}, r, 1e-15);
        d.pixelRay(0, 0, 0, r, 0); // top-left pixel centre (0.5, 0.5): left and up
        double[] dir0 = {-1.5 / 2, 0.5 / 2, -1};
        double n = Math.sqrt(dir0[0] * dir0[0] + dir0[1] * dir0[1] + 1);
        assertArrayEquals(new double[] {0, 0, 4, dir0[0] / n, dir0[1] / n, -1 / n}, Arrays.copyOf(r, 6), 1e-15);
        d.pixelRay(0, 3, 1, r, 0); // bottom-right: right and down
        assertTrue(r[3] > 0 && r[4] < 0 && r[5] < 0);
        d.ray(1, 2, 1, r, 0);
        assertArrayEquals(new double[] {5, 1, 0, -1, 0, 0}, Arrays.copyOf(r, 6), 1e-15);
        float[] rf = new float[6];
        d.ray(1, 3.5, 0.5, rf, 0); // right of centre is −z for a camera looking along −x; up is +y
        assertTrue(rf[5] < 0 && rf[4] > 0 && rf[3] < 0, Arrays.toString(rf));
        double[] c = new double[3];
        d.cameraCentre(1, c);
        assertArrayEquals(new double[] {5, 1, 0}, c);

        double[] t = new double[2];
        d.ray(0, 2, 1, r, 0);
        assertTrue(d.clipToBox(r, 0, t));
        assertArrayEquals(new double[] {4 - 0.5 / 0.33, 4 + 0.5 / 0.33}, t, 1e-12);
        d.pixelRay(0, 0, 0, r, 0);
        r[3] = 1; // a ray from (0, 0, 4) along +x misses the box
        r[4] = 0;
        r[5] = 0;
        assertTrue(!d.clipToBox(r, 0, t));
    }

    @Test
    void downscaleAveragesBlocksAndScalesIntrinsics() throws IOException {
        // a 5×4 image, checkerboard of black and white pixels: every 2×2 block is mid-grey, column 4 is dropped
        NerfFiles.rgbaPng(dir.resolve("a.png"), 5, 4, (x, y) -> (x + y) % 2 == 0 ? 0x000000FF : 0xFFFFFFFF);
        PosedImages d = read(transforms("\"fl_x\": 10, \"cx\": 2.5, \"cy\": 2", frame("a", AT_Z4)), LoadOptions.DEFAULT.withDownscale(2));
        assertEquals(2, d.width());
        assertEquals(2, d.height());
        for (int y = 0; y < 2; y++) for (int x = 0; x < 2; x++) assertArrayEquals(new int[] {128, 128, 128}, rgb(d, 0, x, y));
        assertEquals(new Intrinsics(5, 5, 1.25, 1), d.intrinsics(0));
        assertEquals(List.of("downscale 2: 5x4 is not a multiple; the last 1 columns and 0 rows are dropped"), d.warnings());
    }

    /**
     * colmap2nerf lists frames whose blurry images it removed: those frames are dropped with one
     * warning that counts and names them (instant-ngp's fox: 17 of 67); more than half missing
     * stays an error (NerfMalformedTest).
     */
    @Test
    void framesWhoseImageIsMissingAreDroppedWithOneWarning() throws IOException {
        for (int k : new int[]{0, 2, 3}) flatPng(dir.resolve("images/" + k + ".png"), 4, 4, 0xFF808080);
        Path json = text(dir.resolve("transforms.json"), transforms(ANGLE, frame("images/0", AT_Z4), frame("images/1", AT_Z4),
                frame("images/2", AT_Z4), frame("images/3", AT_Z4), frame("images/4.jpg", AT_Z4)));
        PosedImages d = NerfData.read(json, LoadOptions.DEFAULT);
        assertEquals(3, d.count());
        assertEquals(java.util.List.of("images/0.png", "images/2.png", "images/3.png"),
                d.files().stream().map(f -> dir.relativize(Path.of(f)).toString()).toList());
        assertEquals(java.util.List.of("2 frames of 5 dropped: their images are missing: images/1, images/4.jpg"), d.warnings());
    }

    /** --test-every N (the LLFF convention): every N-th of the frames that have images is a test view, the rest train. */
    @Test
    void holdoutTakesEveryNthFrameForTestAndTheRestForTraining() throws IOException {
        for (int k = 0; k < 7; k++) if (k != 1) flatPng(dir.resolve("i" + k + ".png"), 4, 4, (10 * k) << 8 | 0xFF); // RGBA: blue 10k
        String[] frames = new String[7];
        for (int k = 0; k < 7; k++) frames[k] = frame("i" + k, AT_Z4);
        Path json = text(dir.resolve("transforms.json"), transforms(ANGLE, frames));
        // frames with images: 0, 2, 3, 4, 5, 6; every 3rd of those from the first: 0 and 4
        PosedImages test = NerfData.read(json, LoadOptions.DEFAULT.withHoldout(3, true));
        PosedImages train = NerfData.read(json, LoadOptions.DEFAULT.withHoldout(3, false));
        assertEquals(java.util.List.of("i0.png", "i4.png"), test.files().stream().map(f -> Path.of(f).getFileName().toString()).toList());
        assertEquals(java.util.List.of("i2.png", "i3.png", "i5.png", "i6.png"),
                train.files().stream().map(f -> Path.of(f).getFileName().toString()).toList());
        assertEquals(40 / 255.0, rgb(test, 1, 0, 0)[2] / 255.0, 1e-9, "the second test view is frame 4's image");
        assertEquals("test (every 3rd)", test.split());
        assertEquals("train (all but every 3rd)", train.split());
        assertEquals(List.of("8th", "1st", "2nd", "11th", "12th", "13th", "21st", "22nd", "101st"), java.util.stream.IntStream.of(8, 1, 2, 11, 12, 13, 21, 22, 101).mapToObj(LoadOptions.Holdout::ordinal).toList());
        assertThrows(IllegalArgumentException.class, () -> LoadOptions.DEFAULT.withHoldout(1, true));
        Map<String, byte[]> e = new LinkedHashMap<>();
        e.put("images.npy", npy(3, "<f4", "(2, 1, 1, 3)", f4(1, 1, 1, 0, 0, 0)));
        e.put("poses.npy", npy(1, "<f4", "(2, 4, 4)", NerfFiles.poses(2, AT_Z4)));
        e.put("focal.npy", npy(1, "<f4", "()", f4(5)));
        Path npz = npz(dir.resolve("s.npz"), e);
        NerfFormatException err = assertThrows(NerfFormatException.class, () -> NerfData.read(npz, LoadOptions.DEFAULT.withHoldout(8, true)));
        assertEquals(npz + ": an .npz has its own test split (its last images); --test-every is for a transforms.json", err.getMessage());
    }

    @Test
    void splitsAndSiblingFiles() throws IOException {
        flatPng(dir.resolve("a.png"), 2, 2, 0xFFFFFFFF);
        text(dir.resolve("transforms_train.json"), transforms(ANGLE, frame("a", AT_Z4), frame("a", AT_Z4)));
        text(dir.resolve("transforms_test.json"), transforms(ANGLE, frame("a", AT_Z4)));
        Path train = dir.resolve("transforms_train.json");
        assertEquals(2, NerfData.read(train, LoadOptions.DEFAULT).count());
        assertEquals(2, NerfData.read(dir, LoadOptions.DEFAULT).count());
        PosedImages test = NerfData.read(train, LoadOptions.DEFAULT.withSplit("test"));
        assertEquals(1, test.count());
        assertEquals("test", test.split());
        assertEquals(dir.resolve("transforms_test.json"), NerfData.transformsFile(dir, "test"));
        assertTrue(NerfData.isPosedImages(dir));
        assertEquals("all", TransformsReader.splitOf(Path.of("transforms.json")));
    }

    @Test
    void progressCountsEveryImage() throws IOException {
        flatPng(dir.resolve("a.png"), 2, 2, 0xFFFFFFFF);
        List<Integer> seen = new ArrayList<>();
        read(transforms(ANGLE, frame("a", AT_Z4), frame("a", AT_Z4), frame("a", AT_Z4)),
                LoadOptions.DEFAULT.withProgress((done, total) -> {
                    assertEquals(3, total);
                    seen.add(done);
                }));
        assertEquals(List.of(1, 2, 3), seen);
    }

    // ---- .npz

    @Test
    void npzFloatImagesUint8AlphaThreeRowPosesAndPerImageFocal() throws IOException {
        // 3 images 2×1 float32 RGB: value k / 4 everywhere in image k
        float[] im = new float[3 * 2 * 3];
        for (int i = 0; i < im.length; i++) im[i] = (i / 6) / 4f;
        Map<String, byte[]> e = new LinkedHashMap<>();
        e.put("images.npy", npy(1, "<f4", "(3, 1, 2, 3)", f4(im)));
        e.put("poses.npy", npy(2, "<f4", "(3, 4, 4)", NerfFiles.poses(3, AT_Z4)));
        e.put("focal.npy", npy(1, "<f8", "()", f8(7.5)));
        Path f = npz(dir.resolve("s.npz"), e);
        PosedImages train = NerfData.read(f, LoadOptions.DEFAULT);
        assertEquals(2, train.count()); // 3 images: all but the last
        assertEquals(2, train.width());
        assertEquals(1, train.height());
        assertArrayEquals(new int[] {64, 64, 64}, rgb(train, 1, 1, 0));
        assertEquals(Intrinsics.centred(7.5, 2, 1), train.intrinsics(0));
        assertEquals(List.of(f + ":images[0]", f + ":images[1]"), train.files());
        PosedImages test = NerfData.read(f, LoadOptions.DEFAULT.withSplit("test"));
        assertEquals(1, test.count());
        assertArrayEquals(new int[] {128, 128, 128}, rgb(test, 0, 0, 0));
        assertEquals(1, NerfData.read(f, LoadOptions.DEFAULT.withTrainCount(1)).count());

        // uint8 RGBA on a chosen background, [N, 3, 4] poses, a focal per image
        byte[] u8 = {(byte) 255, 0, 0, (byte) 255, 0, 0, (byte) 255, 0, 10, 20, 30, 40, 50, 60, 70, 80};
        double[] three = new double[2 * 12];
        for (int k = 0; k < 2; k++) System.arraycopy(AT_Z4, 0, three, 12 * k, 12);
        e.clear();
        e.put("images.npy", npy(1, "|u1", "(2, 1, 2, 4)", u8));
        e.put("poses.npy", npy(1, "<f8", "(2, 3, 4)", f8(three)));
        e.put("focal.npy", npy(1, "<f4", "(2,)", f4(3, 4)));
        Path g = npz(dir.resolve("u.npz"), e);
        PosedImages all = NerfData.read(g, LoadOptions.DEFAULT.withSplit("all").withBackground(0, 0, 1));
        assertArrayEquals(new int[] {255, 0, 0}, rgb(all, 0, 0, 0));
        assertArrayEquals(new int[] {0, 0, 255}, rgb(all, 0, 1, 0));
        assertArrayEquals(new int[] {2, 3, 220}, rgb(all, 1, 0, 0)); // (10, 20, 30) · 40/255 + (0, 0, 255) · 215/255
        assertArrayEquals(AT_Z4, all.pose(1));
        assertEquals(4, all.intrinsics(1).fx());
        assertArrayEquals(new float[] {0, 0, 1}, all.background());
        assertTrue(all.hasAlpha());
        assertEquals(40, all.alpha(1)[0] & 0xFF);
        float[] c = new float[3];
        all.color(1, 0, 0, new float[] {1, 0, 0}, c, 0); // (10, 20, 30) · 40/255 + (255, 0, 0) · 215/255
        assertArrayEquals(new float[] {217 / 255f, 3 / 255f, 5 / 255f}, c, 0.51f / 255);
    }

    @Test
    void npzWithoutAlphaKeepsWhiteAndSaysTheBackgroundIsUnused() throws IOException {
        Map<String, byte[]> e = new LinkedHashMap<>();
        e.put("images.npy", npy(3, "<f4", "(2, 1, 1, 3)", f4(1, 1, 1, 0, 0, 0)));
        e.put("poses.npy", npy(1, "<f4", "(2, 4, 4)", NerfFiles.poses(2, AT_Z4)));
        e.put("focal.npy", npy(1, "<f4", "()", f4(5)));
        PosedImages d = NerfData.read(npz(dir.resolve("s.npz"), e), LoadOptions.DEFAULT.withBackground(0, 0, 0));
        assertArrayEquals(new float[] {1, 1, 1}, d.background());
        assertEquals(1, d.warnings().size());
        assertTrue(d.warnings().get(0).contains("no alpha channel"), d.warnings().get(0));
    }

    // ---- memory

    @Test
    void memoryEstimateStatesItsBudget() throws IOException {
        flatPng(dir.resolve("a.png"), 40, 30, 0xFFFFFFFF);
        PosedImages d = read(transforms(ANGLE, frame("a", AT_Z4), frame("a", AT_Z4)), LoadOptions.DEFAULT);
        MemoryEstimate m = d.memoryEstimate(4096, 64, 100);
        assertEquals(2L * 40 * 30 * 3, m.imageBytes());
        assertEquals(4L * (14 + 100), m.bytesPerSample());
        assertEquals(4096L * 80 + 4096L * 64 * 456, m.batchBytes());
        assertEquals(m.imageBytes() + m.batchBytes(), m.totalBytes());
        String s = m.describe();
        assertTrue(s.startsWith("memory: images 2 × 40x30 × 3 B (8-bit RGB) = 7.0 KiB"), s);
        assertTrue(s.contains("batch 4,096 rays × 80 B + 4,096 rays × 64 samples × 456 B (4 × (14 + 100 activations)) = 114.3 MiB"), s);
        assertTrue(s.contains("total 114.3 MiB"), s);
        // lego at 400 px: 100 · 400 · 400 · 3
        assertEquals("45.8 MiB", MemoryEstimate.bytes(48_000_000));
        ByteBuffer all = ByteBuffer.allocate((int) d.imageBytes());
        d.putRgb(all);
        assertEquals(0, all.remaining());
    }
}
