package nfield.train;

import nfield.radiance.RayMarcher;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pose corrections' gradient against float64 central differences of a loss whose gradient
 * at the samples is known in closed form: L = Σ h(C(o' + t·d')) + c·d' over every sample, with
 * h(q) = Σ_a sin(w_a·q_a + φ_a) at the point the field reads (C written out here: x/2 inside the
 * box of interest, (2 − 1/m)·x/(2m) beyond) and t held fixed, as the marcher holds it. Bounded
 * and contracted, at corrections away from zero (so the rotation is composed, not just small).
 */
class CameraRefinerTest {
    static final double[] W = {1.7, -2.3, 1.1}, PHI = {0.3, 1.2, -0.7}, C = {0.4, -0.9, 0.25};

    @Test
    void gradientsMatchCentralDifferencesBounded() {
        check(false);
    }

    @Test
    void gradientsMatchCentralDifferencesContracted() {
        check(true);
    }

    private static void check(boolean contracted) {
        SplittableRandom rng = new SplittableRandom(contracted ? 11 : 7);
        int images = 3, rays = 12, perRay = 7;
        CameraRefiner cams = new CameraRefiner(images, 1e-3, contracted);
        for (int k = 0; k < images; k++) cams.set(k, nfield.testing.Rot3.exp(rng.nextDouble(-0.1, 0.1), rng.nextDouble(-0.1, 0.1), rng.nextDouble(-0.1, 0.1)),
                new double[] {rng.nextDouble(-0.05, 0.05), rng.nextDouble(-0.05, 0.05), rng.nextDouble(-0.05, 0.05)});
        // rays from outside the box towards it; samples spread over t so that contracted ones reach the shell
        double[] base = new double[6 * rays], ts = new double[rays * perRay];
        int[] image = new int[rays];
        for (int r = 0; r < rays; r++) {
            image[r] = r % images;
            double[] o = {rng.nextDouble(-1, 1), rng.nextDouble(-1, 1), rng.nextDouble(2, 3)};
            double[] aim = {rng.nextDouble(-0.5, 0.5), rng.nextDouble(-0.5, 0.5), rng.nextDouble(-0.5, 0.5)};
            double[] d = {aim[0] - o[0], aim[1] - o[1], aim[2] - o[2]};
            double l = Math.sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
            for (int a = 0; a < 3; a++) {
                base[6 * r + a] = o[a];
                base[6 * r + 3 + a] = d[a] / l;
            }
            for (int i = 0; i < perRay; i++) ts[r * perRay + i] = (contracted ? 0.2 : 1.2) + i * (contracted ? 0.6 : 0.25) + rng.nextDouble(0, 0.1);
        }
        // the samples of the corrected rays, and the loss's gradient at each, as VolumeBatch hands them over
        int total = rays * perRay;
        float[] rayData = new float[6 * rays], points = new float[3 * total], dPoints = new float[3 * total], dDirs = new float[3 * total];
        int[] first = new int[rays], count = new int[rays];
        for (int r = 0; r < rays; r++) {
            float[] ray = new float[6];
            for (int a = 0; a < 6; a++) ray[a] = (float) base[6 * r + a];
            cams.apply(image[r], ray, 0);
            System.arraycopy(ray, 0, rayData, 6 * r, 6);
            first[r] = r * perRay;
            count[r] = perRay;
            for (int i = 0; i < perRay; i++) {
                int s = r * perRay + i;
                double[] x = new double[3];
                for (int a = 0; a < 3; a++) x[a] = ray[a] + ts[s] * ray[3 + a];
                double[] q = contract(x, contracted);
                for (int a = 0; a < 3; a++) {
                    points[3 * s + a] = (float) q[a];
                    dPoints[3 * s + a] = (float) (W[a] * Math.cos(W[a] * q[a] + PHI[a]));
                    dDirs[3 * s + a] = (float) C[a];
                }
            }
        }
        cams.accumulate(new RayMarcher.Samples(rays, total, points, new float[total], first, count, rayData), dPoints, dDirs, image);
        double eps = 1e-6, worst = 0, largest = 0;
        for (int k = 0; k < images; k++) {
            double[] g = cams.gradient(k);
            for (int j = 0; j < 6; j++) {
                double[] dw = new double[3], dv = new double[3];
                (j < 3 ? dw : dv)[j % 3] = eps;
                double plus = loss(cams, k, dw, dv, base, ts, image, perRay, contracted);
                (j < 3 ? dw : dv)[j % 3] = -eps;
                double minus = loss(cams, k, dw, dv, base, ts, image, perRay, contracted);
                double fd = (plus - minus) / (2 * eps);
                worst = Math.max(worst, Math.abs(fd - g[j]));
                largest = Math.max(largest, Math.abs(fd));
            }
        }
        System.out.printf(java.util.Locale.ROOT, "camera corrections (%s), float64 central differences: max err %.2e (max |g| %.2f)%n",
                contracted ? "contracted" : "bounded", worst, largest);
        assertTrue(largest > 0.1, "the loss moves with the cameras: " + largest);
        assertTrue(worst <= 1e-4 * Math.max(1, largest), "max error " + worst + " against max |g| " + largest);
    }

    /** L with image k's correction moved to exp([dw]×)·R_k and v_k + dv (the other images as they are). */
    private static double loss(CameraRefiner cams, int k, double[] dw, double[] dv, double[] base, double[] ts, int[] image, int perRay,
                               boolean contracted) {
        double sum = 0;
        for (int r = 0; r < image.length; r++) {
            int im = image[r];
            double[] rot = cams.rotation(im), sh = cams.shift(im);
            if (im == k) {
                rot = nfield.testing.Rot3.mul(nfield.testing.Rot3.exp(dw[0], dw[1], dw[2]), rot);
                for (int a = 0; a < 3; a++) sh[a] += dv[a];
            }
            double[] o = new double[3], d = new double[3];
            for (int a = 0; a < 3; a++) {
                o[a] = base[6 * r + a] + sh[a];
                d[a] = rot[3 * a] * base[6 * r + 3] + rot[3 * a + 1] * base[6 * r + 4] + rot[3 * a + 2] * base[6 * r + 5];
            }
            for (int i = 0; i < perRay; i++) {
                double t = ts[r * perRay + i];
                double[] q = contract(new double[] {o[0] + t * d[0], o[1] + t * d[1], o[2] + t * d[2]}, contracted);
                for (int a = 0; a < 3; a++) sum += Math.sin(W[a] * q[a] + PHI[a]) + C[a] * d[a];
            }
        }
        return sum;
    }

    private static double[] contract(double[] x, boolean contracted) {
        if (!contracted) return x.clone();
        double m = Math.max(Math.abs(x[0]), Math.max(Math.abs(x[1]), Math.abs(x[2])));
        double f = m <= 1 ? 0.5 : (2 - 1 / m) / (2 * m);
        return new double[] {f * x[0], f * x[1], f * x[2]};
    }

    /** A step moves against the gradient and keeps no common drift: the mean shift and mean rotation vanish. */
    @Test
    void aStepMovesDownhillAndTakesOutTheCommonDrift() {
        CameraRefiner cams = new CameraRefiner(2, 1e-2, false);
        // the same pull on both images' shifts along +x and rotations about +y: all of it is common drift
        float[] rayData = {0, 0, 3, 0, 0, -1, 0, 0, 3, 0, 0, -1};
        float[] points = {0, 0, 2, 0, 0, 2};
        float[] g = {1, 0, 0, 1, 0, 0};
        RayMarcher.Samples s = new RayMarcher.Samples(2, 2, points, new float[2], new int[] {0, 1}, new int[] {1, 1}, rayData);
        cams.accumulate(s, g, null, new int[] {0, 1});
        double[] g0 = cams.gradient(0);
        assertEquals(1, g0[3], 1e-6, "dL/dv_x: the sample moves with the origin");
        assertEquals(-1, g0[1], 1e-6, "dL/dω_y = (d × t·g)_y with d = -z, t = 1, g = +x");
        cams.step();
        for (int a = 0; a < 3; a++) assertEquals(0, cams.shift(0)[a] + cams.shift(1)[a], 1e-12, "mean shift, axis " + a);
        assertEquals(0, cams.angleDegrees(0), 1e-9, "a rotation both share is taken out");

        // opposite pulls are not drift: image 0 moves to -x, image 1 to +x
        cams.accumulate(s, new float[] {1, 0, 0, -1, 0, 0}, null, new int[] {0, 1});
        cams.step();
        assertTrue(cams.shift(0)[0] < 0 && cams.shift(1)[0] > 0, "each moved downhill: " + cams.shift(0)[0] + ", " + cams.shift(1)[0]);
        assertTrue(cams.angleDegrees(0) > 0 && cams.angleDegrees(1) > 0, "and turned");
    }
}
