package nfield.train;

import nfield.compute.LossFn;
import nfield.config.MarchingConfig;
import nfield.geom.Normalization;
import nfield.data.nerf.PosedImages;
import nfield.field.Field;
import nfield.field.FieldQuery;
import nfield.radiance.OccupancyGrid;
import nfield.radiance.RayMarcher;
import nfield.radiance.VolumeBatch;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The radiance-field objective: every step, random rays across all training images (as many as
 * fill about {@code samples_per_step} samples, adapted to the samples a ray has been getting),
 * marched through the occupancy grid, volume-rendered, and the photometric loss (the mean squared
 * error, or Huber: {@link #withLoss}) against the pixels' colours. Behind each ray lies the
 * data's background, a fixed colour, or a random colour per ray ({@link #withBackground}); the
 * ray's target pixel is composited on the same colour. The occupancy grid is refreshed from the field's density every
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
    private long starvedRays, reopenedCells;
    private LossFn loss; // null: l2
    private boolean randomBackground;
    private float[] fixedBackground; // null: the data's own
    private CameraRefiner cameras; // null: the poses as given

    public RadianceObjective(Field field, PosedImages data, Normalization norm, MarchingConfig mc, long seed) {
        this(field, data, norm, mc, new RayMarcher(mc.step(), mc.maxSamplesPerRay()), seed);
    }

    /** With the marcher given (a contracted one for an unbounded scene: {@link RayMarcher#of}). */
    public RadianceObjective(Field field, PosedImages data, Normalization norm, MarchingConfig mc, RayMarcher marcher, long seed) {
        this.field = field;
        this.data = data;
        this.norm = norm;
        this.mc = mc;
        this.seed = seed;
        grid = new OccupancyGrid(mc.grid());
        this.marcher = marcher;
        batch = new VolumeBatch(field, mc.minTransmittance());
        query = new FieldQuery(field);
        samplesPerRay = Math.min(mc.maxSamplesPerRay(), mc.stepsAcross() / 2.0);
    }

    /**
     * Restricts the occupancy grid to the cells some training camera sees (with a margin of the
     * cell's size): the rest is never trained. Returns the share of cells seen.
     */
    public double restrictToSeen() {
        int res = grid.resolution(), cells = grid.cells();
        boolean[] seen = new boolean[cells];
        int n = data.count();
        double[][] cams = new double[n][];
        nfield.data.nerf.Intrinsics[] pinholes = new nfield.data.nerf.Intrinsics[n]; // a lens bends the edges: the margin covers it
        for (int k = 0; k < n; k++) {
            cams[k] = data.pose(k);
            pinholes[k] = data.intrinsics(k).pinhole();
        }
        double cellField = 2.0 / res;
        java.util.stream.IntStream.range(0, cells).parallel().forEach(c -> {
            double[] q = new double[3], p = new double[3], corner = new double[3], uv = new double[2];
            grid.centre(c, q);
            marcher.toNormalised(q[0], q[1], q[2], p);
            // the cell's radius in normalised units: its far corner back through the contraction
            marcher.toNormalised(q[0] + (q[0] >= 0 ? 0.5 : -0.5) * cellField, q[1] + (q[1] >= 0 ? 0.5 : -0.5) * cellField,
                    q[2] + (q[2] >= 0 ? 0.5 : -0.5) * cellField, corner);
            double radius = Math.sqrt(sq(corner[0] - p[0]) + sq(corner[1] - p[1]) + sq(corner[2] - p[2])) / norm.scale();
            double[] w = norm.invert(p);
            for (int k = 0; k < n && !seen[c]; k++) {
                double[] m = cams[k];
                double dx = w[0] - m[3], dy = w[1] - m[7], dz = w[2] - m[11];
                // camera space: the rotation's transpose; the camera looks down -z
                double x = m[0] * dx + m[4] * dy + m[8] * dz, y = m[1] * dx + m[5] * dy + m[9] * dz, z = -(m[2] * dx + m[6] * dy + m[10] * dz);
                if (z <= -radius) continue;
                if (z < radius) { seen[c] = true; break; } // the camera is in or next to the cell
                nfield.data.nerf.Intrinsics in = pinholes[k];
                in.project(x, y, -z, uv);
                double mu = in.fx() * radius / z + 0.1 * data.width(), mv = in.fy() * radius / z + 0.1 * data.height();
                if (uv[0] > -mu && uv[0] < data.width() + mu && uv[1] > -mv && uv[1] < data.height() + mv) seen[c] = true;
            }
        });
        grid.restrict(seen);
        return grid.seenCells() / (double) cells;
    }

    private static double sq(double v) { return v * v; }

    /** The photometric loss: l2 (the default, also for null) or huber. */
    public RadianceObjective withLoss(LossFn fn) {
        this.loss = fn == null || fn.kind() == LossFn.Kind.L2 ? null : fn;
        return this;
    }

    /**
     * What lies behind the training rays: null for the data's background (the images as stored),
     * an RGB colour in [0, 1], or {@code random} for a uniform random colour per ray. Anything but
     * the data's background needs images with alpha ({@link PosedImages#hasAlpha()}).
     */
    public RadianceObjective withBackground(float[] colour, boolean random) {
        if ((random || colour != null) && !data.hasAlpha()) {
            throw new IllegalArgumentException(data.source() + " has no alpha channel: its images can only be used on the background they are composited on");
        }
        this.randomBackground = random;
        this.fixedBackground = random || colour == null ? null : colour.clone();
        return this;
    }

    /**
     * Every how many steps the cameras' corrections take a step: reading the gradients at the
     * samples waits for the device mid-step, which cost a third of the steps when done every step
     * (lego from COLMAP, 2 cores: 905 steps in 3 minutes against 1,360).
     */
    public static final int CAMERA_EVERY = 4;

    /** Refines the training cameras' poses with the field at Adam's step size {@code lr} ({@link CameraRefiner}), every {@link #CAMERA_EVERY} steps. */
    public RadianceObjective withCameraRefinement(double lr) {
        cameras = new CameraRefiner(data.count(), lr, marcher.contracted());
        return this;
    }

    /** The training cameras' corrections, or null when they are not refined. */
    public CameraRefiner cameras() { return cameras; }

    public OccupancyGrid grid() { return grid; }

    public RayMarcher marcher() { return marcher; }

    /** Rays the last step drew. */
    public int lastRays() { return lastRays; }

    /** Refreshes the occupancy grid from the field's density (the threshold: optical thickness 0.01 over one step). */
    public void refreshGrid(double share, long s) {
        long t = System.nanoTime();
        grid.update(marcher.forGrid(query::values), share, OccupancyGrid.densityThreshold(marcher.baseDelta()), s);
        gridUpdates++;
        nanosGrid += System.nanoTime() - t;
    }

    /** Where the time went: drawing rays, marching, the field and rendering on the device, grid refreshes (seconds). */
    public String timing() {
        String t = String.format(java.util.Locale.ROOT, "rays %.1f s, marching %.1f s, field + rendering %.1f s, occupancy grid %.1f s (%d refreshes)",
                nanosRays * 1e-9, nanosMarch * 1e-9, nanosTrain * 1e-9, nanosGrid * 1e-9, gridUpdates);
        if (reopenedCells > 0) t += String.format(java.util.Locale.ROOT, "; %d cells reopened along %d rays that showed something but crossed none", reopenedCells, starvedRays);
        return t;
    }

    /** Where the time went, in seconds: drawing rays, marching, the field and rendering on the device, occupancy-grid refreshes. */
    public Map<String, Double> timingSeconds() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("rays", nanosRays * 1e-9);
        m.put("marching", nanosMarch * 1e-9);
        m.put("field_and_rendering", nanosTrain * 1e-9);
        m.put("occupancy_grid", nanosGrid * 1e-9);
        return m;
    }

    /** One step's rays: [n, 6] in field coordinates, target colours [n, 3], jitter [n], backgrounds [n, 3], training image [n]. */
    record Rays(float[] rays, float[] target, float[] jitter, float[] background, int[] image) {}

    /**
     * Draws step {@code step}'s {@code n} rays: a random pixel of a random image each, a random
     * point in the pixel, its target colour composited on the ray's background.
     */
    Rays draw(long step, int n) {
        SplittableRandom rng = new SplittableRandom(seed + 31 * step + 7);
        float[] rays = new float[6 * n], target = new float[3 * n], jitter = new float[n], bg = new float[3 * n];
        int[] image = new int[n];
        double[] ray = new double[6];
        float[] back = fixedBackground != null ? fixedBackground : data.background();
        float[] own = new float[3];
        int w = data.width(), h = data.height();
        for (int r = 0; r < n; r++) {
            int k = rng.nextInt(data.count()), x = rng.nextInt(w), y = rng.nextInt(h);
            image[r] = k;
            // a masked pixel leaves the loss: draw again in the same image (every mask keeps some pixels)
            for (int tries = 0; !data.kept(k, x, y) && tries < 1000; tries++) {
                x = rng.nextInt(w);
                y = rng.nextInt(h);
            }
            data.ray(k, x + rng.nextDouble(), y + rng.nextDouble(), ray, 0);
            RayMarcher.toField(norm, ray, rays, 6 * r);
            if (cameras != null) cameras.apply(k, rays, 6 * r);
            jitter[r] = (float) rng.nextDouble();
            if (randomBackground) {
                for (int c = 0; c < 3; c++) own[c] = (float) rng.nextDouble();
                data.color(k, x, y, own, target, 3 * r);
                System.arraycopy(own, 0, bg, 3 * r, 3);
            } else {
                if (fixedBackground != null) data.color(k, x, y, back, target, 3 * r);
                else data.color(k, x, y, target, 3 * r);
                System.arraycopy(back, 0, bg, 3 * r, 3);
            }
        }
        return new Rays(rays, target, jitter, bg, image);
    }

    /**
     * One batch of rays drawn and marched once (as step {@code step} would), to train on again and
     * again: {@link Fixed#train} runs the field, the rendering and the loss on the device with the
     * same samples every time, without drawing or marching (what {@code nfield bench} times as the
     * fixed batch).
     */
    public Fixed fixedBatch(long step) {
        int n = (int) Math.max(MIN_RAYS, Math.min(MAX_RAYS, Math.round(mc.samplesPerStep() / Math.max(1, samplesPerRay))));
        Rays d = draw(step, n);
        RayMarcher.Samples samples = marcher.march(d.rays(), n, d.jitter(), grid);
        return new Fixed(n, samples.total(), () -> batch.train(samples, d.background(), d.target(), loss, d.image()));
    }

    /** A fixed batch: its rays, its samples, and a pass of forward, loss and backward over them. */
    public record Fixed(int rays, int samples, Runnable train) {}

    /**
     * For how many refreshes of a fresh fit the grid keeps the box of interest open in a
     * contracted scene (8: 128 steps at grid_every 16). A random background pushes every density
     * down before the subject is learned; once the grid has closed the subject's cells, a
     * contracted scene's rays still reach open cells beyond it, so nothing starves and the field
     * paints the subject there, near the cameras: lego from COLMAP at an aabb_scale of 4 scored
     * 8.7 dB on held-out views after 1,200 steps so (21.1 dB on a white background). Held for 8
     * refreshes: 23.5 dB after 600 steps; for 16, 23.3. The direct COLMAP read, which did not fail,
     * moves by -0.3 dB with 8 (23.7 to 23.4) and by -0.8 dB with 16: the held cells cost samples.
     */
    public static final int HOLD_REFRESHES = 8;

    private void holdInterest(long step) {
        if (!marcher.contracted()) return;
        boolean want = step < (long) HOLD_REFRESHES * mc.gridEvery();
        if (want == grid.holding()) return;
        if (!want) {
            grid.hold(null);
            return;
        }
        boolean[] inner = new boolean[grid.cells()];
        double[] q = new double[3];
        double half = 1.0 / grid.resolution();
        for (int c = 0; c < inner.length; c++) {
            grid.centre(c, q);
            // the box of interest is [-1/2, 1/2]^3 in the field's coordinates: the cells that touch it
            inner[c] = Math.abs(q[0]) < 0.5 + half && Math.abs(q[1]) < 0.5 + half && Math.abs(q[2]) < 0.5 + half;
        }
        grid.hold(inner);
    }

    @Override
    public double step(long step, boolean read) {
        holdInterest(step);
        if (step % mc.gridEvery() == 0 && step > 0) refreshGrid(gridUpdates < 16 ? 1.0 : mc.gridShare(), seed ^ (step * 0x9E3779B97F4A7C15L));
        long t0 = System.nanoTime();
        int n = (int) Math.max(MIN_RAYS, Math.min(MAX_RAYS, Math.round(mc.samplesPerStep() / Math.max(1, samplesPerRay))));
        Rays d = draw(step, n);
        float[] rays = d.rays(), target = d.target(), jitter = d.jitter(), bg = d.background();
        long t1 = System.nanoTime();
        RayMarcher.Samples samples = marcher.march(rays, n, jitter, grid);
        long t2 = System.nanoTime();
        samplesPerRay = 0.9 * samplesPerRay + 0.1 * Math.max(1.0, samples.total() / (double) n);
        lastSamples = samples.total();
        lastRays = n;
        reopenStarved(d, samples);
        double loss;
        if (cameras == null || step % CAMERA_EVERY != 0) {
            loss = batch.train(samples, bg, target, this.loss, d.image());
        } else {
            VolumeBatch.SampleGradients[] g = new VolumeBatch.SampleGradients[1];
            loss = batch.train(samples, bg, target, this.loss, d.image(), g);
            if (g[0] != null) cameras.accumulate(samples, g[0].points(), g[0].dirs(), d.image());
            cameras.step();
        }
        nanosRays += t1 - t0;
        nanosMarch += t2 - t1;
        nanosTrain += System.nanoTime() - t2;
        if (read) {
            terms.clear();
            double mse = batch.lastMse();
            if (this.loss != null) terms.put(term(), loss);
            terms.put("mse", mse);
            terms.put("psnr", -10 * Math.log10(Math.max(mse, 1e-12)));
            terms.put("occupancy", grid.occupancy());
        }
        return read ? loss : Double.NaN;
    }

    /** Most starved rays a step walks to open the grid again. */
    static final int MAX_STARVED = 256;

    /**
     * A ray whose pixel shows something (its target differs from its background) but which
     * crossed no occupied cell is starved: the grid hides what the images show. The cells along
     * (up to {@link #MAX_STARVED} of) a step's starved rays are opened again ({@link OccupancyGrid#reopen}).
     */
    private void reopenStarved(Rays d, RayMarcher.Samples samples) {
        float[] rays = d.rays(), target = d.target(), bg = d.background();
        int n = samples.rays(), m = 0;
        float[] starved = null;
        for (int r = 0; r < n && m < MAX_STARVED; r++) {
            if (samples.count()[r] > 0) continue;
            float diff = Math.max(Math.abs(target[3 * r] - bg[3 * r]), Math.max(Math.abs(target[3 * r + 1] - bg[3 * r + 1]), Math.abs(target[3 * r + 2] - bg[3 * r + 2])));
            if (diff <= STARVED_DIFF) continue;
            if (starved == null) starved = new float[6 * Math.min(n, MAX_STARVED)];
            System.arraycopy(rays, 6 * r, starved, 6 * m++, 6);
        }
        if (m == 0) return;
        RayMarcher.Samples along = marcher.march(starved, m, null, null);
        starvedRays += m;
        reopenedCells += grid.reopen(along.points(), along.total());
    }

    /** How far (any channel) a target must differ from its background to show something. */
    static final float STARVED_DIFF = 0.1f;

    /** Rays so far that showed something but crossed no occupied cell, and the cells opened again along them. */
    public long[] starved() { return new long[] {starvedRays, reopenedCells}; }

    @Override public Map<String, Double> terms() { return terms; }

    @Override public String term() { return loss == null ? "mse" : loss.kind().name().toLowerCase(java.util.Locale.ROOT); }

    /** The mean squared colour error of the last step read (the PSNR's basis whatever the loss). */
    public double lastMse() { return batch.lastMse(); }

    @Override public long lastSamples() { return lastSamples; }
}
