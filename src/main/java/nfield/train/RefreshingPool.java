package nfield.train;

import nfield.compute.Backend;
import nfield.compute.Tensor;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;

/**
 * A device-resident sample pool that renews itself while training runs: every
 * {@code refreshEvery} steps a background job (one worker thread, so training keeps the rest of
 * the machine) draws {@code fraction} of the pool anew; the next step after it finishes writes
 * those rows over the oldest ones and re-uploads the pool. Batches come from {@link PoolSource}.
 */
public final class RefreshingPool implements SampleSource, AutoCloseable {
    /** Draws rows [x, y, z, targets...] into rows [from, to) of a [n, 3 + C] array; returns how many were ambiguous. */
    public interface Generator {
        long fill(float[] rows, int from, int to, long seed);
    }

    /** A first pool drawn on the host: [n, 3 + C] rows and how many of them were ambiguous. */
    public record First(float[] rows, long ambiguous) {}

    /** Draws a first pool of {@code n} rows (on all cores). */
    public static First first(int n, int targetWidth, Generator generator, long seed) {
        float[] rows = new float[n * (3 + targetWidth)];
        long amb = generator.fill(rows, 0, n, seed);
        return new First(rows, amb);
    }

    private final PoolSource pool;
    private final Generator generator;
    private final float[] rows;
    private final int n, width, refreshEvery, chunk;
    private final long seed;
    private final ForkJoinPool worker;
    private float[] staging;
    private Future<Long> pending;
    private int cursor;
    private boolean reproducible;
    private long due;
    private long generation = 1, refreshed, drawn, ambiguous;

    /**
     * Fills the whole pool now (on all cores) and uploads it. {@code fraction} 0 or
     * {@code refreshEvery} 0 keep the first pool.
     */
    public RefreshingPool(Backend backend, int n, int targetWidth, Generator generator, int refreshEvery, double fraction,
                          long seed, String what) {
        this(backend, first(n, targetWidth, generator, seed), targetWidth, generator, refreshEvery, fraction, seed, what);
    }

    /**
     * A pool whose first rows were drawn already (by {@link #first}, perhaps on another thread
     * while the device trained something else); it uploads them and renews them as above.
     */
    public RefreshingPool(Backend backend, First first, int targetWidth, Generator generator, int refreshEvery, double fraction,
                          long seed, String what) {
        this.width = 3 + targetWidth;
        if (first.rows().length % width != 0) throw new IllegalArgumentException("rows of width " + width + " expected");
        this.n = first.rows().length / width;
        this.generator = generator;
        this.refreshEvery = refreshEvery;
        this.chunk = (int) Math.min(n, Math.round(n * fraction));
        this.seed = seed;
        rows = first.rows();
        ambiguous = first.ambiguous();
        drawn = n;
        pool = new PoolSource(backend, rows, n, targetWidth, seed + 1, what);
        worker = refreshEvery > 0 && chunk > 0 ? new ForkJoinPool(1) : null;
    }

    /**
     * With {@code on}, a refresh drawn at step s is installed at step s + refreshEvery / 2 exactly,
     * waiting for it if need be, so that a fit of a fixed step count is the same each time; without
     * (the default), at the first step after it is ready, so the device never waits.
     */
    public RefreshingPool reproducible(boolean on) {
        reproducible = on;
        return this;
    }

    @Override
    public void next(Tensor points, Tensor targets, long step) {
        if (worker != null) {
            if (pending != null && (reproducible ? step >= due : pending.isDone())) install();
            if (pending == null && step > 0 && step % refreshEvery == 0) {
                due = step + Math.max(1, refreshEvery / 2);
                long s = seed + 0x632BE59BD9B4E019L * ++generation;
                if (staging == null) staging = new float[chunk * width];
                float[] dst = staging;
                pending = worker.submit(() -> generator.fill(dst, 0, chunk, s));
            }
        }
        pool.next(points, targets, step);
    }

    private void install() {
        long amb;
        try {
            amb = pending.get();
        } catch (Exception e) {
            throw new IllegalStateException("sample refresh failed: " + e.getMessage(), e);
        }
        pending = null;
        int first = Math.min(chunk, n - cursor);
        System.arraycopy(staging, 0, rows, cursor * width, first * width);
        System.arraycopy(staging, first * width, rows, 0, (chunk - first) * width);
        cursor = (cursor + chunk) % n;
        pool.replace(rows, n);
        refreshed++;
        drawn += chunk;
        ambiguous += amb;
    }

    /** How many refreshes were installed so far. */
    public long refreshes() { return refreshed; }

    /** Share of all rows drawn so far whose sign was ambiguous. */
    public double ambiguousShare() { return drawn == 0 ? 0 : (double) ambiguous / drawn; }

    /** Rows drawn so far (the first pool and every refresh). */
    public long drawn() { return drawn; }

    @Override public int targetWidth() { return width - 3; }

    @Override public String describe() { return pool.describe(); }

    @Override
    public void close() {
        if (worker != null) worker.shutdownNow();
    }
}
