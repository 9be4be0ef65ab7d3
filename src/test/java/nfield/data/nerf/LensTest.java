package nfield.data.nerf;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The lens models against references written here from their definitions (OpenCV's
 * {@code projectPoints} and {@code fisheye::projectPoints}), and pixel → ray → pixel round trips.
 */
class LensTest {
    /** instant-ngp's fox: OpenCV k1 k2 p1 p2 on a 1080×1920 phone image. */
    static final Intrinsics FOX = new Intrinsics(1375.52, 1374.49, 554.558, 965.268,
            Lens.opencv(0.0578421, -0.0805099, -0.000980296, 0.00015575, 0));

    /** OpenCV's rational model with tangential terms, written out term by term. */
    private static double[] opencvReference(double x, double y, double[] k, double p1, double p2) {
        double r2 = x * x + y * y, r4 = r2 * r2, r6 = r4 * r2, r8 = r4 * r4;
        double radial = (1 + k[0] * r2 + k[1] * r4 + k[2] * r6 + k[3] * r8) / (1 + k[4] * r2 + k[5] * r4 + k[6] * r6);
        double xd = x * radial + 2 * p1 * x * y + p2 * (r2 + 2 * x * x);
        double yd = y * radial + p1 * (r2 + 2 * y * y) + 2 * p2 * x * y;
        return new double[] {xd, yd};
    }

    /** OpenCV's fisheye: θ_d = θ (1 + k1 θ² + k2 θ⁴ + k3 θ⁶ + k4 θ⁸), along the point's azimuth. */
    private static double[] fisheyeReference(double X, double Y, double Z, double[] k) {
        double a = X / Z, b = Y / Z, r = Math.sqrt(a * a + b * b);
        double t = Math.atan(r);
        double td = t * (1 + k[0] * Math.pow(t, 2) + k[1] * Math.pow(t, 4) + k[2] * Math.pow(t, 6) + k[3] * Math.pow(t, 8));
        return new double[] {td / r * a, td / r * b};
    }

    @Test
    void radialTangentialMatchesTheReference() {
        SplittableRandom rng = new SplittableRandom(7);
        double[] k = {-0.28, 0.07, -0.004, 0.0008, 0.01, -0.002, 0.0003};
        Lens lens = Lens.radialTangential(k[0], k[1], k[2], k[3], k[4], k[5], k[6], 0.0011, -0.0007);
        double[] got = new double[2];
        for (int i = 0; i < 200; i++) {
            double x = rng.nextDouble(-0.8, 0.8), y = rng.nextDouble(-0.6, 0.6);
            lens.distort(x, y, got);
            double[] want = opencvReference(x, y, k, 0.0011, -0.0007);
            assertEquals(want[0], got[0], 1e-14, "xd at " + x + ", " + y);
            assertEquals(want[1], got[1], 1e-14, "yd at " + x + ", " + y);
        }
        // a value worked by hand: k1 0.1 at (0.5, 0): r² 0.25, R = 1.025, xd 0.5125; p1 0.01 adds p1 · r² to yd
        Lens.opencv(0.1, 0, 0.01, 0, 0).distort(0.5, 0, got);
        assertEquals(0.5125, got[0], 1e-15);
        assertEquals(0.0025, got[1], 1e-15);
    }

    @Test
    void fisheyeMatchesTheReference() {
        SplittableRandom rng = new SplittableRandom(8);
        double[] k = {0.03, -0.011, 0.004, -0.0009};
        Lens lens = Lens.fisheye(k[0], k[1], k[2], k[3]);
        double[] got = new double[2];
        for (int i = 0; i < 200; i++) {
            double X = rng.nextDouble(-2, 2), Y = rng.nextDouble(-2, 2), Z = rng.nextDouble(0.2, 3);
            lens.project(X, Y, Z, got);
            double[] want = fisheyeReference(X, Y, Z, k);
            assertEquals(want[0], got[0], 1e-13);
            assertEquals(want[1], got[1], 1e-13);
            lens.distort(X / Z, Y / Z, got);
            assertEquals(want[0], got[0], 1e-13);
        }
        // beyond 90°: a point behind the lens plane still lands, farther out than any in front
        lens.project(1, 0, -0.1, got);
        double t = Math.PI / 2 + Math.atan(0.1);
        assertEquals(t * (1 + k[0] * t * t + k[1] * Math.pow(t, 4) + k[2] * Math.pow(t, 6) + k[3] * Math.pow(t, 8)), got[0], 1e-13);
    }

    /** Every 7th pixel of the image: pixel → ray → pixel lands within 1e-3 px (far closer in fact). */
    private static void roundTrip(Intrinsics in, int w, int h) {
        double[] dir = new double[3], uv = new double[2];
        double worst = 0;
        for (int y = 0; y <= h; y += 7) {
            for (int x = 0; x <= w; x += 7) {
                double u = x + 0.5, v = y + 0.5;
                in.direction(u, v, dir);
                in.project(dir[0], dir[1], dir[2], uv);
                worst = Math.max(worst, Math.hypot(uv[0] - u, uv[1] - v));
            }
        }
        assertTrue(worst <= 1e-3, in.lens() + ": round trip off by " + worst + " px");
        assertTrue(worst <= 1e-6, in.lens() + ": Newton's method should converge far below the bound, off by " + worst + " px");
    }

    @Test
    void pixelToRayToPixelRoundTrips() {
        roundTrip(FOX, 1080, 1920);
        // strong barrel distortion of a wide lens, with the rational terms and tangential ones
        roundTrip(new Intrinsics(500, 505, 330, 236, Lens.radialTangential(-0.3, 0.09, -0.01, 0, 0.02, 0, 0, 0.001, -0.0015)), 640, 480);
        // COLMAP's SIMPLE_RADIAL and RADIAL
        roundTrip(new Intrinsics(800, 800, 400, 300, Lens.opencv(-0.05, 0, 0, 0, 0)), 800, 600);
        roundTrip(new Intrinsics(800, 800, 400, 300, Lens.opencv(0.04, -0.01, 0, 0, 0)), 800, 600);
        // fisheyes: 120° and 190° across
        roundTrip(new Intrinsics(300, 300, 320, 320, Lens.fisheye(0.02, -0.004, 0.001, 0)), 640, 640);
        roundTrip(new Intrinsics(190, 190, 320, 320, Lens.fisheye(-0.01, 0.002, 0, 0)), 640, 640);
    }

    @Test
    void aFisheyeSeesBeyondNinetyDegrees() {
        Intrinsics in = new Intrinsics(190, 190, 320, 320, Lens.fisheye(0, 0, 0, 0));
        double[] d = new double[3];
        in.direction(320 + 190 * 1.8, 320, d); // θ = 1.8 rad off the axis, right of centre
        assertEquals(Math.sin(1.8), d[0], 1e-9);
        assertEquals(-Math.cos(1.8), d[2], 1e-9); // NeRF: forward is −z, so z = −cos θ > 0 behind
        assertTrue(d[2] > 0);
    }

    @Test
    void nerfConventionFlipsYAndZButNotTheTangentialTerms() {
        // p1 bends y (down, in OpenCV) for points on the x axis: the NeRF ray must point up by the same
        Intrinsics in = new Intrinsics(100, 100, 50, 50, Lens.opencv(0, 0, 0.01, 0, 0));
        double[] d = new double[3], uv = new double[2];
        in.direction(90, 50, d); // xd 0.4, yd 0
        double[] fwd = new double[2];
        in.lens().distort(d[0] / -d[2], -d[1] / -d[2], fwd);
        assertEquals(0.4, fwd[0], 1e-12);
        assertEquals(0, fwd[1], 1e-12);
        assertTrue(d[1] > 0, "the undistorted point lies above the x axis (yd = y + p1 (r² + 2 y²) with p1 > 0): " + d[1]);
        in.project(d[0], d[1], d[2], uv);
        assertEquals(90, uv[0], 1e-9);
        assertEquals(50, uv[1], 1e-9);
    }

    @Test
    void zeroCoefficientsAreAPinholeAndDownscalingKeepsTheLens() {
        assertSame(Lens.PINHOLE, Lens.opencv(0, 0, 0, 0, 0));
        assertEquals(FOX.lens(), FOX.downscaled(4).lens());
        assertEquals(FOX.cx() / 4, FOX.downscaled(4).cx());
        assertEquals(Lens.PINHOLE, FOX.pinhole().lens());
        assertEquals("radial-tangential k1 0.0578 k2 -0.0805 p1 -0.000980 p2 0.000156", FOX.lens().describe());
        // a downscaled image's pixel shows the same ray as the full image's point at factor × its coordinates
        double[] a = new double[3], b = new double[3];
        FOX.direction(1000, 1800, a);
        FOX.downscaled(4).direction(250, 450, b);
        for (int i = 0; i < 3; i++) assertEquals(a[i], b[i], 1e-12);
    }
}
