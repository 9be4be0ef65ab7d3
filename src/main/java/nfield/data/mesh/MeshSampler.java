package nfield.data.mesh;

import nfield.config.SamplingConfig;

import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

/**
 * Draws SDF training rows [x, y, z, sdf] in the field's box from a mesh already moved into it
 * ({@link Normalization#apply}), with the mix of a {@link SamplingConfig}: surface points
 * (area-weighted triangle, uniform barycentrics), surface points plus N(0, σ²) per axis, and
 * uniform points in [-1, 1]³. Runs on all cores; rows depend only on the seed, not on the
 * thread count.
 */
public final class MeshSampler {
    private static final int CHUNK = 2048;

    private final MeshSdf sdf;
    private final SamplingConfig cfg;
    private final SignMethod sign;
    private final SurfaceSampler surface;

    public MeshSampler(MeshSdf sdf, SamplingConfig cfg) {
        this.sdf = sdf;
        this.cfg = cfg;
        this.sign = sdf.resolve(cfg.sign());
        this.surface = new SurfaceSampler(sdf.mesh());
    }

    public SignMethod sign() { return sign; }

    /** Fills rows [from, to) of {@code rows} [n, 4]; returns how many signs were ambiguous. */
    public long sample(float[] rows, int from, int to, long seed) {
        AtomicLong ambiguous = new AtomicLong();
        int chunks = (to - from + CHUNK - 1) / CHUNK;
        IntStream.range(0, chunks).parallel().forEach(c -> {
            SplittableRandom rng = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + c);
            MeshSdf.Query q = new MeshSdf.Query();
            double[] p = new double[3];
            long amb = 0;
            int hi = Math.min(to, from + (c + 1) * CHUNK);
            for (int i = from + c * CHUNK; i < hi; i++) {
                point(rng, p);
                int o = i * 4;
                rows[o] = (float) p[0];
                rows[o + 1] = (float) p[1];
                rows[o + 2] = (float) p[2];
                // the distance of the float point actually trained on
                rows[o + 3] = (float) sdf.signedDistance(rows[o], rows[o + 1], rows[o + 2], sign, q);
                if (q.ambiguous) amb++;
            }
            ambiguous.addAndGet(amb);
        });
        return ambiguous.get();
    }

    private void point(SplittableRandom rng, double[] p) {
        double u = rng.nextDouble();
        if (u >= cfg.surface() + cfg.near()) {
            for (int k = 0; k < 3; k++) p[k] = rng.nextDouble(-1, 1);
            return;
        }
        surface.sample(rng, p);
        if (u < cfg.surface()) return;
        double sigma = cfg.sigmas().get(rng.nextInt(cfg.sigmas().size()));
        for (int k = 0; k < 3; k++) p[k] = Math.max(-1, Math.min(1, p[k] + sigma * rng.nextGaussian()));
    }
}
