package nfield.pipeline;

import nfield.compute.Backend;
import nfield.compute.Tensor;
import nfield.config.SceneConfig;
import nfield.config.TrainConfig;
import nfield.data.mesh.Mesh;
import nfield.data.mesh.MeshSampler;
import nfield.data.mesh.MeshSdf;
import nfield.field.ShapeSpace;
import nfield.field.SpaceNetwork;
import nfield.geom.Normalization;
import nfield.io.SpaceFile;
import nfield.pipeline.many.FitMany;
import nfield.pipeline.many.ShapeJob;
import nfield.train.Adam;
import nfield.train.Loss;
import nfield.train.Trainer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

/**
 * Learns a shape space ({@code nfield fit-space}): one decoder and a latent code per shape, trained
 * jointly (DeepSDF's auto-decoder, Park et al. 2019, sec. 4). Every shape is read, normalised
 * into the decoder's box and sampled as {@code fit-many} prepares a shape (the scene's sampling,
 * exact distances, robust signs), in parallel; the pools are one table on the device whose rows
 * carry their shape's index. A step draws rows of all shapes at random, decodes them with their
 * codes, and minimises the scene's loss plus the code prior: with z ~ N(0, σ²I) the posterior
 * adds ‖z_i‖²/σ² once per shape (sec. 4, eq. 9), spread here over the shape's K samples as a
 * gradient 2 z_i / (σ² K) per row (per batch row: divided by the batch, as the mean loss is).
 * The space is written atomically at the end and every {@code checkpointS} seconds.
 */
public final class SpaceFit {
    private SpaceFit() {}

    /**
     * The settings: the code size and prior σ, the samples drawn per shape, the output (null: not
     * written), how often it is rewritten while training (seconds; 0: only at the end).
     */
    public record Options(int codeSize, double sigma, int samplesPerShape, Path output, double checkpointS) {
        public Options {
            if (codeSize < 1 || codeSize > 4096) throw new FitError("--code-size " + codeSize + ": must be in [1, 4096]");
            if (!(sigma > 0) || !Double.isFinite(sigma)) throw new FitError("--sigma " + sigma + ": must be positive");
            if (samplesPerShape < 1024) throw new FitError("--samples-per-shape " + samplesPerShape + ": must be at least 1024");
        }
    }

    /** The run: the space, what was set aside (shapes that could not be read, with why), the losses, the time. */
    public record Result(ShapeSpace space, List<String> skipped, long steps, double seconds, double prepareS, double loss,
                         Map<String, Double> terms) {}

    /** Shape pools as one device-ready table, rows [x, y, z, sdf, shape]. */
    record Pools(List<ShapeSpace.Member> members, float[] rows, List<String> skipped, double seconds) {}

    /** Reads and samples every shape (in parallel); shapes that fail are set aside with a warning. */
    static Pools prepare(List<ShapeJob> jobs, SceneConfig scene, int k, long seed, FitListener listener) {
        long t0 = System.nanoTime();
        int n = jobs.size();
        float[][] pools = new float[n][];
        Normalization[] norms = new Normalization[n];
        String[] errors = new String[n];
        AtomicInteger done = new AtomicInteger();
        nfield.io.Memory.require(String.format(Locale.ROOT, "sample pools of %,d shapes x %,d points", n, k), 2L * 20 * n * k,
                "lower --samples-per-shape or use fewer shapes");
        IntStream.range(0, n).parallel().forEach(i -> {
            ShapeJob job = jobs.get(i);
            try {
                Mesh mesh = Fits.loadMesh(job.data(), w -> listener.info(job.name() + ": " + w));
                norms[i] = mesh.fitNormalization(Normalization.DEFAULT_EXTENT);
                MeshSdf sdf = new MeshSdf(mesh.normalized(norms[i]));
                float[] rows = new float[4 * k];
                new MeshSampler(sdf, scene.sampling()).sample(rows, 0, k, FitMany.seedOf(job.name(), seed));
                pools[i] = rows;
            } catch (IOException | RuntimeException e) {
                errors[i] = job.name() + " (" + job.data() + "): " + e.getMessage();
            }
            int d = done.incrementAndGet();
            if (d % Math.max(1, n / 10) == 0 || d == n) {
                listener.info(String.format(Locale.ROOT, "prepared %d of %d shapes (%.0f s)", d, n, (System.nanoTime() - t0) * 1e-9));
            }
        });
        List<ShapeSpace.Member> members = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        int kept = 0;
        for (int i = 0; i < n; i++) if (pools[i] != null) kept++;
        float[] table = new float[kept * k * 5];
        int m = 0;
        for (int i = 0; i < n; i++) {
            if (pools[i] == null) {
                skipped.add(errors[i]);
                listener.info("skipped " + errors[i]);
                continue;
            }
            for (int r = 0; r < k; r++) {
                int o = (m * k + r) * 5;
                System.arraycopy(pools[i], r * 4, table, o, 4);
                table[o + 4] = m;
            }
            members.add(new ShapeSpace.Member(jobs.get(i).name(), jobs.get(i).data(), norms[i]));
            m++;
        }
        if (members.isEmpty()) throw new FitError("none of the " + n + " shapes could be read: " + skipped.get(0));
        return new Pools(members, table, skipped, (System.nanoTime() - t0) * 1e-9);
    }

    /**
     * The space objective: rows of the pool table at random, decoded with their codes, the
     * scene's loss and the code prior's gradient.
     */
    static final class Objective implements Trainer.Objective {
        private final SpaceNetwork decoder;
        private final Loss loss;
        private final Tensor pool, rows, points, targets, index, pred, dPred;
        private final int poolRows, batch;
        private final long seed;
        private final Map<String, Double> terms = new LinkedHashMap<>();

        Objective(SpaceNetwork decoder, Loss loss, Tensor pool, int poolRows, int batch, long seed) {
            this.decoder = decoder;
            this.loss = loss;
            this.pool = pool;
            this.poolRows = poolRows;
            this.batch = batch;
            this.seed = seed;
            Backend b = decoder.backend();
            rows = b.alloc(batch, 5);
            points = b.alloc(batch, 3);
            targets = b.alloc(batch, 1);
            index = b.alloc(batch, 1);
            pred = b.alloc(batch, 1);
            dPred = b.alloc(batch, 1);
        }

        @Override
        public double step(long step, boolean read) {
            Backend b = decoder.backend();
            b.sampleRows(pool, poolRows, rows, seed * 0x9E3779B97F4A7C15L + step);
            b.copyCols(rows, 0, points, 0, 3, false);
            b.copyCols(rows, 3, targets, 0, 1, false);
            b.copyCols(rows, 4, index, 0, 1, false);
            var ctx = decoder.forward(points, index, pred);
            double l = loss.apply(pred, targets, dPred, read);
            decoder.backward(ctx, dPred, null);
            if (read) {
                terms.clear();
                terms.put(loss.term(), l);
            }
            return l;
        }

        @Override public Map<String, Double> terms() { return terms; }

        @Override public String term() { return loss.term(); }

        @Override public long lastSamples() { return batch; }
    }

    /** Learns a space over {@code jobs} with the scene's field (the members' config), loss, optimizer and stops in {@code tc}. */
    public static Result run(List<ShapeJob> jobs, SceneConfig scene, TrainConfig tc, long seed, Options opt, Backend backend,
                             FitControl control, FitListener listener) throws IOException {
        if (!scene.field().kind().equals("sdf")) throw new FitError("scene " + scene.name() + ": a shape space needs an sdf field");
        if (jobs.isEmpty()) throw new FitError("no shapes to learn a space from");
        int k = opt.samplesPerShape();
        Pools pools = prepare(jobs, scene, k, seed, listener);
        int n = pools.members().size();
        long poolLen = (long) n * k;
        if (poolLen >= 1 << 24) throw new FitError(String.format(Locale.ROOT, "%,d shapes x %,d samples is %,d rows; at most 2^24 - 1: lower "
                + "--samples-per-shape", n, k, poolLen));
        SpaceNetwork decoder = SpaceNetwork.create(scene.field(), n, opt.codeSize(), opt.sigma(), backend);
        decoder.init(seed);
        decoder.decay(2.0 / (opt.sigma() * opt.sigma() * k * tc.batch()));
        Tensor pool = backend.alloc((int) poolLen, 5);
        backend.write(pool, pools.rows());
        Loss loss = new Loss("sdf", scene.loss(), backend);
        Adam adam = new Adam(scene.optimizer(), decoder.params(), decoder.trainableOffset());
        Objective objective = new Objective(decoder, loss, pool, (int) poolLen, tc.batch(), seed + 7);
        Trainer trainer = new Trainer(decoder.params(), objective, adam, tc);
        var net = scene.field().network();
        listener.info(String.format(Locale.ROOT, "space: %d shapes, codes of %d (sigma %.3g), %s encoding, %dx%d %s, %,d parameters (%,d in codes); "
                        + "%,d samples a shape, batch %d; stop at %s; on %s", n, opt.codeSize(), opt.sigma(), scene.field().encoding().type(),
                net.hiddenLayers(), net.width(), net.activation().type(), decoder.paramCount(), n * opt.codeSize(), k, tc.batch(),
                FitRequest.stops(tc), backend.device()));
        long t0 = System.nanoTime();
        double[] lastSave = {0};
        Trainer.Listener progress = p -> {
            listener.progress(p);
            if (opt.output() != null && opt.checkpointS() > 0 && p.elapsedS() - lastSave[0] >= opt.checkpointS()) {
                try {
                    SpaceFile.write(opt.output(), new ShapeSpace(opt.output().toString(), decoder, pools.members(), scene, p.step(), k));
                    listener.checkpoint(opt.output(), p.elapsedS(), p.step());
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                lastSave[0] = p.elapsedS();
            }
        };
        double last, secs;
        ShapeSpace space;
        try (var scope = control.bind(trainer)) { // Ctrl-C stops the steps; the space is still written
            last = trainer.run(progress);
            secs = (System.nanoTime() - t0) * 1e-9;
            space = new ShapeSpace(opt.output() == null ? "space" : opt.output().toString(), decoder, pools.members(), scene, adam.steps(), k);
            if (opt.output() != null) SpaceFile.write(opt.output(), space);
        }
        listener.info(String.format(Locale.ROOT, "%s%d steps in %.1f s (preparing %.1f s), final loss %.6f", opt.output() == null ? ""
                : "wrote " + opt.output() + ": ", adam.steps(), secs, pools.seconds(), last));
        return new Result(space, pools.skipped(), adam.steps(), secs, pools.seconds(), last, new LinkedHashMap<>(objective.terms()));
    }
}
