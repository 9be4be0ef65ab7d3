package nfield.compute;

import nfield.compute.ref.RefBackend;
import nfield.testing.Harness;
import nfield.testing.OpenCl;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Volume rendering along ragged rays: a closed form, the float64 finite-difference check of the
 * backward pass on the reference backend, and the OpenCL kernels against the reference (relative
 * error ≤ 1e-4, max |cl − ref| / max |ref| per tensor) on fresh random inputs.
 */
class VolumeRenderTest {
    /** Random rays: counts 0 .. 48 (some empty), densities up to 40 so some rays stop early. */
    record Batch(int rays, int samples, double[] x, double[] dt, double[] ry, double[] bg, double[] g) {
        static Batch random(long seed, int rays) {
            SplittableRandom rng = new SplittableRandom(seed);
            double[] ry = new double[2 * rays];
            int s = 0;
            for (int r = 0; r < rays; r++) {
                int count = r % 17 == 0 ? 0 : rng.nextInt(49);
                ry[2 * r] = s;
                ry[2 * r + 1] = count;
                s += count;
            }
            double[] x = new double[4 * s], dt = new double[s], bg = new double[3 * rays], g = new double[4 * rays];
            for (int i = 0; i < s; i++) {
                x[4 * i] = rng.nextDouble() < 0.3 ? 0 : rng.nextDouble() * (i % 5 == 0 ? 40 : 8);
                for (int c = 1; c < 4; c++) x[4 * i + c] = rng.nextDouble();
                dt[i] = 0.005 + 0.05 * rng.nextDouble();
            }
            for (int i = 0; i < 3 * rays; i++) bg[i] = rng.nextDouble();
            for (int i = 0; i < 4 * rays; i++) g[i] = 2 * rng.nextDouble() - 1;
            return new Batch(rays, s, x, dt, ry, bg, g);
        }
    }

    record Result(double[] out, double[] dx) {}

    static Result run(Backend b, Batch k, double minT) {
        Tensor x = b.alloc(k.samples, 4), dt = b.alloc(k.samples, 1), ry = b.alloc(k.rays, 2), bg = b.alloc(k.rays, 3);
        Tensor out = b.alloc(k.rays, 4), g = b.alloc(k.rays, 4), dx = b.alloc(k.samples, 4);
        b.write(x, k.x);
        b.write(dt, k.dt);
        b.write(ry, k.ry);
        b.write(bg, k.bg);
        b.write(g, k.g);
        b.fill(dx, 123); // every owned row must be overwritten
        b.volumeRender(x, dt, ry, bg, minT, out);
        b.volumeRenderBackward(x, dt, ry, bg, minT, out, g, dx);
        return new Result(b.read(out), b.read(dx));
    }

    static double objective(Batch k, double[] x, double minT) {
        Batch p = new Batch(k.rays, k.samples, x, k.dt, k.ry, k.bg, k.g);
        try (RefBackend b = new RefBackend()) {
            double[] out = run(b, p, minT).out;
            double s = 0;
            for (int i = 0; i < out.length; i++) s += k.g[i] * out[i];
            return s;
        }
    }

    @Test
    void constantDensityHasTheClosedForm() {
        try (RefBackend b = new RefBackend()) {
            int n = 100;
            double sigma = 3, len = 0.5;
            double[] x = new double[4 * n], dt = new double[n];
            for (int i = 0; i < n; i++) {
                x[4 * i] = sigma;
                x[4 * i + 1] = 0.2;
                x[4 * i + 2] = 0.4;
                x[4 * i + 3] = 0.6;
                dt[i] = len / n;
            }
            Batch k = new Batch(1, n, x, dt, new double[]{0, n}, new double[]{1, 1, 1}, new double[]{0, 0, 0, 1});
            double[] out = run(b, k, 0).out;
            double t = Math.exp(-sigma * len);
            assertEquals(1 - t, out[3], 1e-12);
            assertEquals(0.2 * (1 - t) + t, out[0], 1e-12);
            assertEquals(0.6 * (1 - t) + t, out[2], 1e-12);
        }
    }

    @Test
    void backwardMatchesFiniteDifferencesInFloat64() {
        for (double minT : new double[]{0, 1e-3}) {
            Batch k = Batch.random(System.nanoTime(), 40);
            Result r;
            try (RefBackend b = new RefBackend()) {
                r = run(b, k, minT);
            }
            double h = 1e-6, err = 0, scale = 0;
            int stopped = 0;
            for (int i = 0; i < 4 * k.samples; i++) {
                double[] xp = k.x.clone(), xm = k.x.clone();
                xp[i] += h;
                xm[i] -= h;
                if (xm[i] < 0 && i % 4 == 0) continue; // densities stay ≥ 0
                double fd = (objective(k, xp, minT) - objective(k, xm, minT)) / (2 * h);
                err = Math.max(err, Math.abs(fd - r.dx[i]));
                scale = Math.max(scale, Math.abs(r.dx[i]));
                if (r.dx[i] == 0 && fd == 0) stopped++;
            }
            assertTrue(scale > 1e-3, "gradients too small to test");
            assertTrue(err <= 1e-6 * scale, "minT " + minT + ": finite differences differ by " + err + " (scale " + scale + ")");
            if (minT > 0) assertTrue(stopped > 0, "some rays should stop early at min transmittance " + minT);
            for (double d : r.dx) assertTrue(d != 123, "a sample's gradient was not written");
        }
    }

    @Test
    void openClMatchesTheReference() {
        Backend cl = OpenCl.open();
        for (double minT : new double[]{0, 1e-4}) {
            Batch k = Batch.random(System.nanoTime(), 1500);
            Batch f = new Batch(k.rays, k.samples, Harness.toFloat(k.x), Harness.toFloat(k.dt), k.ry, Harness.toFloat(k.bg),
                    Harness.toFloat(k.g));
            Result want;
            try (RefBackend b = new RefBackend()) {
                want = run(b, f, minT);
            }
            Result got = run(cl, f, minT);
            double eo = Harness.relError(got.out, want.out), ed = Harness.relError(got.dx, want.dx);
            assertTrue(eo <= 1e-4, "minT " + minT + ": colours differ, relative error " + eo);
            assertTrue(ed <= 1e-4, "minT " + minT + ": gradients differ, relative error " + ed);
            System.out.printf("volume rendering, OpenCL vs reference (%d rays, %d samples, min T %g): out %.2e, gradients %.2e%n",
                    k.rays, k.samples, minT, eo, ed);
        }
    }
}
