package nfield.train;

import nfield.compute.Backend;
import nfield.compute.Tensor;

/**
 * Samples batches from a pool of (point, target) rows resident on the device: every step picks
 * random rows with the device-side hash sampler, so no data crosses the bus during training.
 * The pool itself can be replaced (refreshed) between steps.
 */
public final class PoolSource implements SampleSource {
    private final Backend backend;
    private final Tensor points, targets;
    private final long seed;
    private final String what;

    /** rows: [x, y, z, t_0 .. t_{C-1}] per point, {@code n} rows. */
    public PoolSource(Backend backend, float[] rows, int n, int targetWidth, long seed, String what) {
        this.backend = backend;
        this.seed = seed;
        this.what = what;
        points = backend.alloc(n, 3);
        targets = backend.alloc(n, targetWidth);
        replace(rows, n);
    }

    /** Overwrites the pool with new rows (same size). */
    public void replace(float[] rows, int n) {
        if (n != points.rows()) throw new IllegalArgumentException("pool size changed: " + n + " != " + points.rows());
        int c = targets.cols();
        float[] p = new float[n * 3], t = new float[n * c];
        for (int i = 0; i < n; i++) {
            System.arraycopy(rows, i * (3 + c), p, i * 3, 3);
            System.arraycopy(rows, i * (3 + c) + 3, t, i * c, c);
        }
        backend.write(points, p);
        backend.write(targets, t);
    }

    @Override
    public void next(Tensor batchPoints, Tensor batchTargets, long step) {
        long s = seed * 0x9E3779B97F4A7C15L + step;
        backend.sampleRows(points, points.rows(), batchPoints, s);
        backend.sampleRows(targets, targets.rows(), batchTargets, s);
    }

    @Override public int targetWidth() { return targets.cols(); }

    @Override public String describe() { return what + " (" + points.rows() + " samples)"; }
}
