package nfield.train;

import nfield.compute.Backend;
import nfield.compute.Tensor;
import nfield.compute.ref.RefBackend;
import nfield.testing.Harness;
import nfield.testing.OpenCl;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EikonalTest {
    private static final int M = 37;
    private static final double H = 0.01;

    private static double[] run(Backend b, double[] pts, double[] vals, double scale, double[] elemOut, double[] stencilOut) {
        Tensor p = b.alloc(M, 3), s = b.alloc(6 * M, 3), v = b.alloc(6 * M, 1), e = b.alloc(M, 1), d = b.alloc(6 * M, 1);
        b.write(p, pts);
        b.stencilPoints(p, M, H, s);
        b.write(v, vals);
        b.eikonal(v, M, H, scale, e, d);
        System.arraycopy(b.read(e), 0, elemOut, 0, M);
        System.arraycopy(b.read(s), 0, stencilOut, 0, 6 * M * 3);
        return b.read(d);
    }

    /** d(scale · Σ elem)/d values against float64 central differences. */
    @Test
    void gradientMatchesFiniteDifferences() {
        RefBackend b = new RefBackend();
        double[] pts = Harness.uniform(M * 3, 1), vals = Harness.uniform(6 * M, 2);
        double scale = 0.7;
        double[] elem = new double[M], st = new double[6 * M * 3];
        double[] grad = run(b, pts, vals, scale, elem, st);
        double eps = 1e-6;
        for (int i = 0; i < 6 * M; i++) {
            double[] up = vals.clone(), dn = vals.clone();
            up[i] += eps;
            dn[i] -= eps;
            double[] eu = new double[M], ed = new double[M];
            run(b, pts, up, scale, eu, st);
            run(b, pts, dn, scale, ed, st);
            double fd = 0;
            for (int r = 0; r < M; r++) fd += scale * (eu[r] - ed[r]) / (2 * eps);
            assertEquals(fd, grad[i], 1e-6 * Math.max(1, Math.abs(fd)), "value " + i);
        }
    }

    /** For the exact sphere distance |p| − 0.5, the central-difference gradient has unit length: zero penalty. */
    @Test
    void anExactDistanceHasNoPenalty() {
        RefBackend b = new RefBackend();
        double[] pts = Harness.uniform(M * 3, 3);
        for (int i = 0; i < pts.length; i++) pts[i] = 0.3 + 0.5 * Math.abs(pts[i]); // away from the centre
        double[] st = new double[6 * M * 3], elem = new double[M];
        run(b, pts, new double[6 * M], 1, elem, st);
        double[] vals = new double[6 * M];
        for (int q = 0; q < 6 * M; q++) {
            vals[q] = Math.sqrt(st[q * 3] * st[q * 3] + st[q * 3 + 1] * st[q * 3 + 1] + st[q * 3 + 2] * st[q * 3 + 2]) - 0.5;
        }
        run(b, pts, vals, 1, elem, st);
        for (double e : elem) assertTrue(e < 1e-6, "penalty " + e);
        // and a field twice as steep costs (2 - 1)^2 = 1
        for (int q = 0; q < vals.length; q++) vals[q] *= 2;
        run(b, pts, vals, 1, elem, st);
        for (double e : elem) assertEquals(1, e, 1e-3);
    }

    @Test
    void openClMatchesTheReference() {
        Backend cl = OpenCl.open();
        long seed = System.nanoTime();
        double[] pts = Harness.toFloat(Harness.uniform(M * 3, seed)), vals = Harness.toFloat(Harness.uniform(6 * M, seed + 1));
        double[] e1 = new double[M], e2 = new double[M], s1 = new double[6 * M * 3], s2 = new double[6 * M * 3];
        double[] d1 = run(new RefBackend(), pts, vals, 0.5, e1, s1);
        double[] d2 = run(cl, pts, vals, 0.5, e2, s2);
        String tag = " (seed " + seed + ")";
        assertTrue(Harness.relError(s2, s1) <= 1e-6, "stencil" + tag);
        assertTrue(Harness.relError(e2, e1) <= 1e-4, "penalty " + Harness.relError(e2, e1) + tag);
        assertTrue(Harness.relError(d2, d1) <= 1e-4, "gradient " + Harness.relError(d2, d1) + tag);
    }
}
