package nfield.radiance;

import nfield.config.MarchingConfig;
import nfield.field.FieldMeta;
import nfield.geom.Normalization;
import nfield.data.nerf.PosedImages;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * Places samples along rays, skipping cells the occupancy grid says are empty. The output is the
 * ragged layout {@link nfield.compute.Backend#volumeRender} takes: sample points are what the
 * field reads, each with the length of ray it stands for.
 *
 * <h2>Bounded (the default)</h2>
 * Rays come in field coordinates (origin, unit direction); a ray's samples lie at
 * t_k = t_near + (k + jitter)·step for t in the field's box [-1, 1]^3, at most {@code maxSamples}
 * of them, kept where the cell is occupied, each standing for a segment of length {@code step}.
 *
 * <h2>Contracted (unbounded scenes)</h2>
 * Rays come in normalised coordinates, where the box of interest is [-1, 1]^3 and the scene box
 * ({@code outer}) holds what lies around it. Space is contracted as in mip-NeRF 360 (Barron et
 * al. 2022), with the max norm so that the box of interest stays a cube: a point p with
 * m = ‖p‖∞ maps to p where m ≤ 1 and to (2 − 1/m)·p/m beyond, and the field reads half of that,
 * so the box of interest fills [-0.5, 0.5]^3 of the field's box and everything else the shell
 * around it. Samples are 2·{@code step} apart inside the box of interest (so {@code step} apart in
 * what the field reads) and 2·step·m² apart beyond it, which keeps them about evenly spaced in the
 * contracted space (disparity spacing); each stands for its own length of ray (normalised units),
 * from the ray's entry into the scene box to its exit.
 */
public final class RayMarcher {
    /**
     * Samples of a batch of rays: ray r owns [first[r], first[r] + count[r]) of points/deltas;
     * {@code rayData} [rays, 6] the rays marched (origin, unit direction; field coordinates).
     */
    public record Samples(int rays, int total, float[] points, float[] deltas, int[] first, int[] count, float[] rayData) {
        /** Every sample's ray direction into dest [total, 3] (what a view-dependent field takes). */
        public void directions(float[] dest) {
            for (int r = 0; r < rays; r++) {
                float dx = rayData[6 * r + 3], dy = rayData[6 * r + 4], dz = rayData[6 * r + 5];
                for (int i = first[r], end = first[r] + count[r]; i < end; i++) {
                    dest[3 * i] = dx;
                    dest[3 * i + 1] = dy;
                    dest[3 * i + 2] = dz;
                }
            }
        }

        /** (first, count) per ray as floats, the volume renderer's [R, 2] layout. */
        public float[] rayTable() {
            float[] t = new float[2 * rays];
            for (int r = 0; r < rays; r++) {
                t[2 * r] = first[r];
                t[2 * r + 1] = count[r];
            }
            return t;
        }
    }

    private final double step;
    private final int maxSamples;
    private final double[] outer; // null: bounded

    /**
     * @param step       distance between samples, field units
     * @param maxSamples the most samples one ray gets
     */
    public RayMarcher(double step, int maxSamples) {
        this(step, maxSamples, null);
    }

    /**
     * A contracted marcher (see the class doc) for a scene box {@code outer} [min xyz, max xyz]
     * in normalised coordinates (it holds [-1, 1]^3); null for the bounded one.
     */
    public RayMarcher(double step, int maxSamples, double[] outer) {
        if (!(step > 0) || maxSamples < 1) throw new IllegalArgumentException("ray marching: step " + step + ", max samples " + maxSamples);
        if (outer != null && (outer.length != 6 || outer[0] > -1 || outer[1] > -1 || outer[2] > -1 || outer[3] < 1 || outer[4] < 1 || outer[5] < 1)) {
            throw new IllegalArgumentException("a contracted marcher's scene box must hold [-1, 1]^3: " + Arrays.toString(outer));
        }
        this.step = step;
        this.maxSamples = maxSamples;
        this.outer = outer == null ? null : outer.clone();
    }

    /**
     * The marcher of a radiance field: bounded, or contracted when {@code r} records a box of
     * interest, with the scene box {@code r.box()} moved by {@code norm} (and grown to hold
     * [-1, 1]^3) as its outer limit.
     */
    public static RayMarcher of(MarchingConfig mc, FieldMeta.Radiance r, Normalization norm) {
        if (r == null || !r.contracted()) return new RayMarcher(mc.step(), mc.maxSamplesPerRay());
        double[] b = r.box();
        double[] lo = norm.apply(new double[] {b[0], b[1], b[2]}), hi = norm.apply(new double[] {b[3], b[4], b[5]});
        double[] outer = new double[6];
        for (int a = 0; a < 3; a++) {
            outer[a] = Math.min(-1, lo[a]);
            outer[a + 3] = Math.max(1, hi[a]);
        }
        return new RayMarcher(mc.step(), mc.maxSamplesPerRay(), outer);
    }

    public double step() { return step; }

    public boolean contracted() { return outer != null; }

    /**
     * The length of ray a sample stands for where it is shortest (inside the box of interest): the
     * {@code step}, or 2·step contracted. The occupancy threshold is set from it.
     */
    public double baseDelta() { return outer == null ? step : 2 * step; }

    /** The inverse of {@link #contract}: what the field reads (q, within its box) back to normalised coordinates into dest[0..3). */
    public static void uncontract(double qx, double qy, double qz, double[] dest) {
        nfield.geom.Contraction.uncontract(qx, qy, qz, dest);
    }

    /** Field coordinates (what the field reads) back to normalised ones: the same bounded, {@link #uncontract} contracted. */
    public void toNormalised(double qx, double qy, double qz, double[] dest) {
        if (outer == null) {
            dest[0] = qx;
            dest[1] = qy;
            dest[2] = qz;
        } else {
            uncontract(qx, qy, qz, dest);
        }
    }

    /** The contraction: normalised p to what the field reads, into dest[doff..doff+3) ({@link nfield.geom.Contraction}). */
    public static void contract(double x, double y, double z, float[] dest, int doff) {
        nfield.geom.Contraction.contract(x, y, z, dest, doff);
    }

    /**
     * How much longer a sample's segment is at the field point q (what the field reads) than
     * {@link #baseDelta()}: 1 bounded or inside the box of interest, m² beyond (m the normalised
     * max norm: the contracted radius 2‖q‖∞ = 2 − 1/m).
     */
    public double deltaScale(float qx, float qy, float qz) {
        if (outer == null) return 1;
        double c = 2 * Math.max(Math.abs(qx), Math.max(Math.abs(qy), Math.abs(qz)));
        if (c <= 1) return 1;
        double m = 1 / Math.max(1e-6, 2 - c);
        return m * m;
    }

    /**
     * The occupancy grid's view of {@code density}: each density scaled by {@link #deltaScale} at
     * its point, so a cell compares σ·(its segment length) with the threshold set for
     * {@link #baseDelta()}.
     */
    public OccupancyGrid.Density forGrid(OccupancyGrid.Density density) {
        if (outer == null) return density;
        return (xyz, n) -> {
            float[] d = density.at(xyz, n);
            for (int i = 0; i < n; i++) d[i] *= (float) deltaScale(xyz[3 * i], xyz[3 * i + 1], xyz[3 * i + 2]);
            return d;
        };
    }

    public int maxSamples() { return maxSamples; }

    /** A world-space ray (origin, unit direction) in field coordinates into dest[off..off+6): the origin moved by {@code norm}. */
    public static void toField(Normalization norm, double[] ray, float[] dest, int off) {
        double s = norm.scale();
        dest[off] = (float) ((ray[0] - norm.cx()) * s);
        dest[off + 1] = (float) ((ray[1] - norm.cy()) * s);
        dest[off + 2] = (float) ((ray[2] - norm.cz()) * s);
        for (int d = 3; d < 6; d++) dest[off + d] = (float) ray[d];
    }

    /** The field's box [-1, 1]^3 as [min xyz, max xyz]. */
    private static final double[] BOX = {-1, -1, -1, 1, 1, 1};

    /** The segment [tNear, tFar] of a ray inside [-1, 1]^3 (tNear ≥ 0) into t; false if it misses. */
    public static boolean clip(float[] rays, int off, double[] t) {
        return PosedImages.clip(BOX, rays[off], rays[off + 1], rays[off + 2], rays[off + 3], rays[off + 4], rays[off + 5], t);
    }

    /**
     * Samples for {@code n} rays [n, 6] (origin, unit direction; field coordinates); {@code jitter}
     * [n] in [0, 1) offsets each ray's first sample (null: 0.5, the segment centres).
     */
    public Samples march(float[] rays, int n, float[] jitter, OccupancyGrid grid) {
        if (outer != null) return marchContracted(rays, n, jitter, grid);
        int chunks = Math.max(1, Math.min(n / 256, 4 * Runtime.getRuntime().availableProcessors()));
        int per = (n + chunks - 1) / Math.max(1, chunks);
        float[][] pts = new float[chunks][];
        int[] first = new int[n], count = new int[n];
        int[] totals = new int[chunks];
        IntStream.range(0, chunks).parallel().forEach(c -> {
            int r0 = c * per, r1 = Math.min(n, r0 + per);
            float[] buf = new float[3 * 1024];
            int s = 0;
            double[] t = new double[2];
            for (int r = r0; r < r1; r++) {
                int start = s;
                if (clip(rays, 6 * r, t)) {
                    double j = jitter == null ? 0.5 : jitter[r];
                    float ox = rays[6 * r], oy = rays[6 * r + 1], oz = rays[6 * r + 2];
                    float dx = rays[6 * r + 3], dy = rays[6 * r + 4], dz = rays[6 * r + 5];
                    int taken = 0;
                    for (double u = t[0] + j * step; u < t[1] && taken < maxSamples; u += step) {
                        float x = (float) (ox + u * dx), y = (float) (oy + u * dy), z = (float) (oz + u * dz);
                        if (grid != null && !grid.occupied(x, y, z)) continue;
                        if (3 * (s + 1) > buf.length) buf = Arrays.copyOf(buf, buf.length * 2);
                        buf[3 * s] = x;
                        buf[3 * s + 1] = y;
                        buf[3 * s + 2] = z;
                        s++;
                        taken++;
                    }
                }
                first[r] = start; // chunk-local for now
                count[r] = s - start;
            }
            pts[c] = buf;
            totals[c] = s;
        });
        int total = 0;
        int[] base = new int[chunks];
        for (int c = 0; c < chunks; c++) {
            base[c] = total;
            total += totals[c];
        }
        float[] points = new float[3 * total];
        for (int c = 0; c < chunks; c++) {
            System.arraycopy(pts[c], 0, points, 3 * base[c], 3 * totals[c]);
            int r0 = c * per, r1 = Math.min(n, r0 + per);
            for (int r = r0; r < r1; r++) first[r] += base[c];
        }
        float[] deltas = new float[total];
        Arrays.fill(deltas, (float) step);
        return new Samples(n, total, points, deltas, first, count, rays);
    }

    private Samples marchContracted(float[] rays, int n, float[] jitter, OccupancyGrid grid) {
        int chunks = Math.max(1, Math.min(n / 256, 4 * Runtime.getRuntime().availableProcessors()));
        int per = (n + chunks - 1) / Math.max(1, chunks);
        float[][] pts = new float[chunks][], dts = new float[chunks][];
        int[] first = new int[n], count = new int[n];
        int[] totals = new int[chunks];
        double base = baseDelta();
        IntStream.range(0, chunks).parallel().forEach(c -> {
            int r0 = c * per, r1 = Math.min(n, r0 + per);
            float[] buf = new float[3 * 1024], dbuf = new float[1024];
            int s = 0;
            double[] t = new double[2];
            float[] q = new float[3];
            for (int r = r0; r < r1; r++) {
                int start = s;
                float ox = rays[6 * r], oy = rays[6 * r + 1], oz = rays[6 * r + 2];
                float dx = rays[6 * r + 3], dy = rays[6 * r + 4], dz = rays[6 * r + 5];
                if (PosedImages.clip(outer, ox, oy, oz, dx, dy, dz, t)) {
                    double j = jitter == null ? 0.5 : jitter[r];
                    int taken = 0;
                    double u = t[0];
                    boolean firstStep = true;
                    while (taken < maxSamples) {
                        double x = ox + u * dx, y = oy + u * dy, z = oz + u * dz;
                        double m = Math.max(1, Math.max(Math.abs(x), Math.max(Math.abs(y), Math.abs(z))));
                        double dt = base * m * m;
                        if (firstStep) { // the first sample sits at jitter · its step from the entry
                            u += j * dt;
                            firstStep = false;
                            continue;
                        }
                        if (u >= t[1]) break;
                        contract(x, y, z, q, 0);
                        if (grid == null || grid.occupied(q[0], q[1], q[2])) {
                            if (3 * (s + 1) > buf.length) buf = Arrays.copyOf(buf, buf.length * 2);
                            if (s + 1 > dbuf.length) dbuf = Arrays.copyOf(dbuf, dbuf.length * 2);
                            buf[3 * s] = q[0];
                            buf[3 * s + 1] = q[1];
                            buf[3 * s + 2] = q[2];
                            dbuf[s] = (float) dt;
                            s++;
                            taken++;
                        }
                        u += dt;
                    }
                }
                first[r] = start;
                count[r] = s - start;
            }
            pts[c] = buf;
            dts[c] = dbuf;
            totals[c] = s;
        });
        int total = 0;
        int[] baseIdx = new int[chunks];
        for (int c = 0; c < chunks; c++) {
            baseIdx[c] = total;
            total += totals[c];
        }
        float[] points = new float[3 * total], deltas = new float[total];
        for (int c = 0; c < chunks; c++) {
            System.arraycopy(pts[c], 0, points, 3 * baseIdx[c], 3 * totals[c]);
            System.arraycopy(dts[c], 0, deltas, baseIdx[c], totals[c]);
            int r0 = c * per, r1 = Math.min(n, r0 + per);
            for (int r = r0; r < r1; r++) first[r] += baseIdx[c];
        }
        return new Samples(n, total, points, deltas, first, count, rays);
    }
}
