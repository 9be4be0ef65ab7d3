package nfield.radiance;

import nfield.config.MarchingConfig;
import nfield.geom.Normalization;
import nfield.field.Field;
import nfield.field.FieldQuery;

/**
 * Renders a trained radiance field from posed cameras: rays through pixel centres, marched
 * through an occupancy grid rebuilt from the field's density, volume-rendered on the device in
 * chunks of rays.
 */
public final class RadianceRenderer {
    /** Rays per device pass. */
    static final int CHUNK = 1 << 14;

    private final Normalization norm;
    private final OccupancyGrid grid;
    private final RayMarcher marcher;
    private final VolumeBatch batch;

    public RadianceRenderer(Field field, Normalization norm, MarchingConfig mc) {
        this(field, norm, mc, new RayMarcher(mc.step(), mc.maxSamplesPerRay()));
    }

    /** A fitted field's renderer: bounded or contracted as it was trained. */
    public static RadianceRenderer of(nfield.field.FittedField f) {
        return new RadianceRenderer(f.field(), f.normalization(), f.meta().marching(),
                RayMarcher.of(f.meta().marching(), f.radiance(), f.normalization()));
    }

    public RadianceRenderer(Field field, Normalization norm, MarchingConfig mc, RayMarcher marcher) {
        this.norm = norm;
        this.marcher = marcher;
        batch = new VolumeBatch(field, mc.minTransmittance());
        grid = new OccupancyGrid(mc.grid());
        FieldQuery q = new FieldQuery(field);
        // four passes of one random point per cell (the estimate keeps about their maximum): thin parts are not lost
        for (int i = 0; i < 4; i++) grid.update(marcher.forGrid(q::values), 1.0, OccupancyGrid.densityThreshold(marcher.baseDelta()), 1234 + i);
    }

    public OccupancyGrid grid() { return grid; }

    public RayMarcher marcher() { return marcher; }

    public Normalization normalization() { return norm; }

    /** The renderer's batch, for passes of its own over the same field (a held-out camera's alignment). */
    public VolumeBatch batch() { return batch; }

    private boolean warm;

    /**
     * One pass of {@link #SAMPLE_CAP} samples on {@link #CHUNK} rays before the first render, so
     * the device buffers of the field and the batch are made at their largest once: the
     * backends keep a buffer until they close, and buffers made for each new largest pass
     * would add up view after view.
     */
    private void warmUp() {
        if (warm) return;
        warm = true;
        int rays = CHUNK, per = SAMPLE_CAP / CHUNK;
        int[] first = new int[rays], count = new int[rays];
        for (int r = 0; r < rays; r++) {
            first[r] = r * per;
            count[r] = per;
        }
        float[] rayData = new float[6 * rays];
        for (int r = 0; r < rays; r++) rayData[6 * r + 5] = -1;
        float[] deltas = new float[rays * per];
        java.util.Arrays.fill(deltas, 1e-3f);
        batch.render(new RayMarcher.Samples(rays, rays * per, new float[3 * rays * per], deltas, first, count, rayData), new float[3 * rays]);
    }

    /** A ray source: world-space origin and unit direction of pixel (x, y) into dest[0..6). */
    @FunctionalInterface
    public interface Camera {
        void ray(int x, int y, double[] dest);
    }

    /**
     * Samples per device pass at most: the field's activations for this many samples are what a
     * pass holds (about 340 MB for the default radiance field), so a view of any size renders in
     * bounded memory, the same for every view.
     */
    static final int SAMPLE_CAP = 1 << 17;
    /** Fewest rays a pass takes (at most {@code max_samples_per_ray} samples each). */
    static final int MIN_RAYS = 64;

    /**
     * The image [h, w, 3] (row 0 at the top) over {@code background}: rays in passes of at most
     * {@link #CHUNK} rays and about {@link #SAMPLE_CAP} samples, the ray count of each pass set
     * from the samples a ray got in the last one (a pass that marched more than the cap is
     * marched again with half the rays).
     */
    public float[] render(Camera camera, int w, int h, float[] background) {
        warmUp();
        float[] img = new float[3 * w * h];
        int n = w * h;
        double[] ray = new double[6];
        int m = CHUNK;
        for (int at = 0; at < n; ) {
            m = Math.min(m, n - at);
            float[] rays = new float[6 * m], bg = new float[3 * m];
            for (int i = 0; i < m; i++) {
                int p = at + i;
                camera.ray(p % w, p / w, ray);
                RayMarcher.toField(norm, ray, rays, 6 * i);
                System.arraycopy(background, 0, bg, 3 * i, 3);
            }
            RayMarcher.Samples samples = marcher.march(rays, m, null, grid);
            if (samples.total() > SAMPLE_CAP && m > MIN_RAYS) {
                m = Math.max(MIN_RAYS, m / 2);
                continue;
            }
            double[] out = batch.render(samples, bg);
            for (int i = 0; i < m; i++) {
                for (int c = 0; c < 3; c++) img[3 * (at + i) + c] = (float) Math.min(1, Math.max(0, out[4 * i + c]));
            }
            at += m;
            double perRay = Math.max(1, samples.total() / (double) m);
            m = (int) Math.max(MIN_RAYS, Math.min(CHUNK, SAMPLE_CAP / perRay));
        }
        return img;
    }
}
