package nfield.radiance;

import nfield.config.MarchingConfig;
import nfield.data.mesh.Normalization;
import nfield.data.nerf.PosedImages;
import nfield.field.Field;
import nfield.field.FieldQuery;
import nfield.train.Trainer;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The radiance-field objective: every step, random rays across all training images (as many as
 * fill about {@code samples_per_step} samples, adapted to the samples a ray has been getting),
 * marched through the occupancy grid, volume-rendered, and the mean squared error against the
 * pixels' colours. The occupancy grid is refreshed from the field's density every
 * {@code grid_every} steps (all cells during the first 16 refreshes, then {@code grid_share} of them).
 */
public final class RadianceObjective implements Trainer.Objective {
    /** Fewest and most rays a step draws. */
    static final int MIN_RAYS = 64, MAX_RAYS = 1 << 18;

    private final Field field;
    private final PosedImages data;
    private final Normalization norm;
    private final MarchingConfig mc;
    private final long seed;
    private final OccupancyGrid grid;
    private final RayMarcher marcher;
    private final VolumeBatch batch;
    private final FieldQuery query;
    private final Map<String, Double> terms = new LinkedHashMap<>();
    private double samplesPerRay;
    private long lastSamples;
    private int lastRays;
    private int gridUpdates;
    private long nanosRays, nanosMarch, nanosTrain, nanosGrid;

    public RadianceObjective(Field field, PosedImages data, Normalization norm, MarchingConfig mc, long seed) {
        this.field = field;
        this.data = data;
        this.norm = norm;
        this.mc = mc;
        this.seed = seed;
        grid = new OccupancyGrid(mc.grid());
        marcher = new RayMarcher(mc.step(), mc.maxSamplesPerRay());
        batch = new VolumeBatch(field, mc.minTransmittance());
        query = new FieldQuery(field);
        samplesPerRay = Math.min(mc.maxSamplesPerRay(), mc.stepsAcross() / 2.0);
    }

    public OccupancyGrid grid() { return grid; }

    public RayMarcher marcher() { return marcher; }

    /** Rays the last step drew. */
    public int lastRays() { return lastRays; }

    /** Refreshes the occupancy grid from the field's density (the threshold: optical thickness 0.01 over one step). */
    public void refreshGrid(double share, long s) {
        long t = System.nanoTime();
        grid.update(query::values, share, OccupancyGrid.densityThreshold(marcher.step()), s);
        gridUpdates++;
        nanosGrid += System.nanoTime() - t;
    }

    /** Where the time went: drawing rays, marching, the field and rendering on the device, grid refreshes (seconds). */
    public String timing() {
        return String.format(java.util.Locale.ROOT, "rays %.1f s, marching %.1f s, field + rendering %.1f s, occupancy grid %.1f s (%d refreshes)",
                nanosRays * 1e-9, nanosMarch * 1e-9, nanosTrain * 1e-9, nanosGrid * 1e-9, gridUpdates);
    }

    @Override
    public double step(long step, boolean read) {
        if (step % mc.gridEvery() == 0 && step > 0) refreshGrid(gridUpdates < 16 ? 1.0 : mc.gridShare(), seed ^ (step * 0x9E3779B97F4A7C15L));
        long t0 = System.nanoTime();
        SplittableRandom rng = new SplittableRandom(seed + 31 * step + 7);
        int n = (int) Math.max(MIN_RAYS, Math.min(MAX_RAYS, Math.round(mc.samplesPerStep() / Math.max(1, samplesPerRay))));
        float[] rays = new float[6 * n], target = new float[3 * n], jitter = new float[n], bg = new float[3 * n];
        double[] ray = new double[6];
        float[] back = data.background();
        int w = data.width(), h = data.height();
        for (int r = 0; r < n; r++) {
            int k = rng.nextInt(data.count()), x = rng.nextInt(w), y = rng.nextInt(h);
            data.ray(k, x + rng.nextDouble(), y + rng.nextDouble(), ray, 0);
            data.color(k, x, y, target, 3 * r);
            RayMarcher.toField(norm, ray, rays, 6 * r);
            jitter[r] = (float) rng.nextDouble();
            System.arraycopy(back, 0, bg, 3 * r, 3);
        }
        long t1 = System.nanoTime();
        RayMarcher.Samples samples = marcher.march(rays, n, jitter, grid);
        long t2 = System.nanoTime();
        samplesPerRay = 0.9 * samplesPerRay + 0.1 * Math.max(1.0, samples.total() / (double) n);
        lastSamples = samples.total();
        lastRays = n;
        double loss = batch.train(samples, bg, target);
        nanosRays += t1 - t0;
        nanosMarch += t2 - t1;
        nanosTrain += System.nanoTime() - t2;
        if (read) {
            terms.clear();
            terms.put("mse", loss);
            terms.put("psnr", -10 * Math.log10(Math.max(loss, 1e-12)));
            terms.put("occupancy", grid.occupancy());
        }
        return read ? loss : Double.NaN;
    }

    @Override public Map<String, Double> terms() { return terms; }

    @Override public String term() { return "mse"; }

    @Override public long lastSamples() { return lastSamples; }
}
