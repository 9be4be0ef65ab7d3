package nfield.radiance;

import nfield.geom.Normalization;
import nfield.data.nerf.PosedImages;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * Places samples along rays in the field's box [-1, 1]^3, skipping cells the occupancy grid says
 * are empty. Rays come in field coordinates (origin, unit direction); a ray's samples lie at
 * t_k = t_near + (k + jitter)·step for t in the box, at most {@code maxSamples} of them, kept
 * where the cell is occupied, each standing for a segment of length {@code step} (field units).
 * The output is the ragged layout {@link nfield.compute.Backend#volumeRender} takes.
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

    /**
     * @param step       distance between samples, field units
     * @param maxSamples the most samples one ray gets
     */
    public RayMarcher(double step, int maxSamples) {
        if (!(step > 0) || maxSamples < 1) throw new IllegalArgumentException("ray marching: step " + step + ", max samples " + maxSamples);
        this.step = step;
        this.maxSamples = maxSamples;
    }

    public double step() { return step; }

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
}
