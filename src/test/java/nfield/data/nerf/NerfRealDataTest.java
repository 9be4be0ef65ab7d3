package nfield.data.nerf;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reads the posed-image sets under ../shared/data/nerf; skipped where that folder is absent. */
class NerfRealDataTest {
    private static final Path NERF = Path.of("../shared/data/nerf");

    private static Path nerf() {
        Assumptions.assumeTrue(Files.isDirectory(NERF), "../shared/data is absent: skipping the real NeRF data tests");
        return NERF;
    }

    /** Blender lego: camera_angle_x 0.6911112070083618 at 400 px. */
    private static final double LEGO_400_FOCAL = 0.5 * 400 / Math.tan(0.5 * 0.6911112070083618);

    @Test
    void legoTrainAndTest() throws IOException {
        Path train = nerf().resolve("lego_400/transforms_train.json");
        long t0 = System.nanoTime();
        PosedImages d = NerfData.read(train, LoadOptions.DEFAULT);
        long t1 = System.nanoTime();
        System.err.printf(Locale.ROOT, "lego_400 train: %d images %dx%d in %.2f s on %d cores%n", d.count(), d.width(), d.height(),
                (t1 - t0) / 1e9, Runtime.getRuntime().availableProcessors());
        assertEquals("train", d.split());
        assertEquals(100, d.count());
        assertEquals(400, d.width());
        assertEquals(400, d.height());
        assertTrue(d.hasAlpha(), "Blender's RGBA PNGs keep their alpha");
        assertEquals(100L * 400 * 400 * 4, d.imageBytes());
        assertEquals(555.555, d.intrinsics(0).fx(), 1e-3);
        assertEquals(LEGO_400_FOCAL, d.intrinsics(57).fy(), 1e-9);
        assertEquals(200, d.intrinsics(0).cx());
        assertEquals(200, d.intrinsics(0).cy());
        assertTrue(d.files().get(0).endsWith("lego_400/train/r_0.png"), d.files().get(0));
        assertEquals(d.warnings().toString(), "[]");
        assertArrayEquals(new float[] {1, 1, 1}, d.background());

        // the corners are background: pure white after compositing
        float[] c = new float[3];
        for (int k = 0; k < d.count(); k++) {
            d.color(k, 0, 0, c, 0);
            assertArrayEquals(new float[] {1, 1, 1}, c, 0f, d.files().get(k));
            d.color(k, 399, 399, c, 0);
            assertArrayEquals(new float[] {1, 1, 1}, c, 0f, d.files().get(k));
        }
        // the centre of r_0 is the model, not background
        d.color(0, 200, 200, c, 0);
        assertTrue(c[0] + c[1] + c[2] < 2.9f, "centre of r_0 is not white: " + c[0] + " " + c[1] + " " + c[2]);

        checkOrbit(d);

        PosedImages test = NerfData.read(train, LoadOptions.DEFAULT.withSplit("test"));
        assertEquals("test", test.split());
        assertEquals(20, test.count());
        assertEquals(400, test.width());
        assertTrue(test.source().endsWith("transforms_test.json"), test.source());
        checkOrbit(test);
    }

    /** Cameras on a sphere of radius ~4.03 around the origin, each looking at it through the image centre. */
    private static void checkOrbit(PosedImages d) {
        double[] ray = new double[6], t = new double[2];
        for (int k = 0; k < d.count(); k++) {
            d.ray(k, 0.5 * d.width(), 0.5 * d.height(), ray, 0);
            double r = Math.sqrt(ray[0] * ray[0] + ray[1] * ray[1] + ray[2] * ray[2]);
            assertEquals(4.0311, r, 1e-3, d.files().get(k) + " camera distance");
            assertEquals(1, ray[3] * ray[3] + ray[4] * ray[4] + ray[5] * ray[5], 1e-12);
            // the direction and the way to the origin: nearly the same
            double cos = -(ray[0] * ray[3] + ray[1] * ray[4] + ray[2] * ray[5]) / r;
            assertTrue(cos > 0.999, d.files().get(k) + ": centre ray misses the origin, cos " + cos);
            assertTrue(d.clipToBox(ray, 0, t), d.files().get(k));
            // the default box, ±1.515: the centre ray enters and leaves it within its half-diagonal of the origin
            double h = Math.sqrt(3) * PosedImages.DEFAULT_HALF_EXTENT;
            assertTrue(t[0] >= r - h && t[0] <= r - PosedImages.DEFAULT_HALF_EXTENT + 1e-9 && t[1] <= r + h && t[1] >= r + 1, t[0] + " " + t[1]);
        }
    }

    @Test
    void tinyLego() throws IOException {
        Path npz = nerf().resolve("tiny_lego_100.npz");
        long t0 = System.nanoTime();
        PosedImages train = NerfData.read(npz, LoadOptions.DEFAULT);
        System.err.printf(Locale.ROOT, "tiny_lego_100 train: %d images in %.2f s%n", train.count(), (System.nanoTime() - t0) / 1e9);
        assertEquals(100, train.count());
        assertEquals(100, train.width());
        assertEquals(100, train.height());
        assertEquals(138.88887889922103, train.intrinsics(0).fx(), 1e-9);
        assertEquals(50, train.intrinsics(0).cx());
        assertEquals("train", train.split());
        float[] c = new float[3];
        train.color(0, 0, 0, c, 0);
        assertArrayEquals(new float[] {1, 1, 1}, c, 0f);
        checkOrbit(train);

        PosedImages test = NerfData.read(npz, LoadOptions.DEFAULT.withSplit("test"));
        assertEquals(6, test.count());
        assertEquals(npz + ":images[100]", test.files().get(0));
        checkOrbit(test);
        assertEquals(106, NerfData.read(npz, LoadOptions.DEFAULT.withSplit("all")).count());
        assertEquals(90, NerfData.read(npz, LoadOptions.DEFAULT.withTrainCount(90)).count());
    }

    /** tiny-NeRF's poses are lego's: image 0 is train/r_0 and image 100 is test/r_0, the same camera at a quarter the resolution. */
    @Test
    void tinyLegoIsLegoAtAQuarter() throws IOException {
        PosedImages tiny = NerfData.read(nerf().resolve("tiny_lego_100.npz"), LoadOptions.DEFAULT.withSplit("all"));
        PosedImages lego = NerfData.read(nerf().resolve("lego_400/transforms_train.json"), LoadOptions.DEFAULT.withDownscale(4));
        PosedImages legoTest = NerfData.read(nerf().resolve("lego_400/transforms_test.json"), LoadOptions.DEFAULT.withDownscale(4));
        assertArrayEquals(lego.pose(0), tiny.pose(0), 1e-6);
        assertArrayEquals(legoTest.pose(0), tiny.pose(100), 1e-6);
        assertEquals(100, lego.width());
        assertEquals(lego.intrinsics(0).fx(), tiny.intrinsics(0).fx(), 1e-3);
        // the same picture: mean absolute difference of a few 8-bit levels (tiny-NeRF's came from 800 px, ours from 400 px)
        long sum = 0;
        byte[] a = lego.rgb(0), b = tiny.rgb(0);
        for (int i = 0; i < a.length; i++) sum += Math.abs((a[i] & 0xFF) - (b[i] & 0xFF));
        double mean = (double) sum / a.length;
        System.err.printf(Locale.ROOT, "lego r_0 at 100 px vs tiny_lego image 0: mean |difference| %.2f levels%n", mean);
        assertTrue(mean < 4, "mean difference " + mean);
    }
}
