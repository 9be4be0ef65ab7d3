package nfield.pipeline;

import nfield.compute.Backend;
import nfield.config.EikonalConfig;
import nfield.config.SamplingConfig;
import nfield.config.SceneConfig;
import nfield.config.TrainConfig;
import nfield.data.analytic.AnalyticShape;
import nfield.data.mesh.Mesh;
import nfield.data.mesh.MeshSampler;
import nfield.data.mesh.MeshSdf;
import nfield.field.FieldMeta;
import nfield.field.FittedField;
import nfield.geom.Normalization;
import nfield.train.Adam;
import nfield.train.Eikonal;
import nfield.train.Loss;
import nfield.train.RefreshingPool;
import nfield.train.Trainer;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Fits a signed distance field to a mesh (a file or {@code shape:NAME}; centred and scaled into
 * [-0.9, 0.9]) or to an analytic shape ({@code analytic:NAME}; exact distances): a pool of
 * training points with exact distances and robust signs, redrawn in part in the background,
 * the scene's loss (and eikonal term), Adam.
 */
public final class SdfFit {
    private SdfFit() {}

    /**
     * SDF-only settings: the sign method (null: the scene's {@code sampling.sign}), the eikonal
     * weight (null: the scene's), the batch (null: the scene's).
     */
    public record Options(String sign, Double eikonalWeight, Integer batch) {
        public static final Options DEFAULT = new Options(null, null, null);
    }

    public static FitResult run(FitRequest req, Backend backend, FitListener listener) throws IOException {
        return run(req, Options.DEFAULT, backend, listener);
    }

    public static FitResult run(FitRequest req, Options opt, Backend backend, FitListener listener) throws IOException {
        return train(prepare(req, opt, listener), req, opt, backend, listener);
    }

    /**
     * A fit made ready on the host, before the device is touched: the mesh read, normalised,
     * its BVH and sign method built and the first sample pool drawn (an analytic shape: only
     * the pool). {@code mesh} is in its own coordinates (null for an analytic shape); {@code seconds}
     * is the time all this took. {@code fit-many} prepares the next shape so while the device
     * trains this one.
     */
    public record Prepared(String data, Mesh mesh, Normalization norm, String sign, RefreshingPool.Generator generator,
                           RefreshingPool.First first, long poolSeed, double seconds) {}

    /** Prepares {@code req}'s data for {@link #train}; the lines it reports go to {@code listener}. */
    public static Prepared prepare(FitRequest req, Options opt, FitListener listener) throws IOException {
        SceneConfig scene = req.scene();
        if (!scene.field().kind().equals("sdf")) throw new FitError("scene " + scene.name() + ": an SDF fit needs an sdf field");
        SamplingConfig sampling = opt.sign() == null ? scene.sampling() : scene.sampling().withSign(opt.sign());
        String data = req.data();
        long t0 = System.nanoTime();
        RefreshingPool.Generator generator;
        Normalization norm = Normalization.IDENTITY;
        String sign;
        Mesh mesh = null;
        AnalyticShape shape = AnalyticShape.parse(data);
        if (shape != null) {
            generator = (rows, from, to, sd) -> {
                float[] r = shape.samples(to - from, new SplittableRandom(sd));
                System.arraycopy(r, 0, rows, from * 4, r.length);
                return 0;
            };
            sign = "exact";
        } else {
            mesh = Fits.loadMesh(data, listener::info);
            norm = mesh.fitNormalization(Normalization.DEFAULT_EXTENT);
            MeshSdf sdf = new MeshSdf(mesh.normalized(norm));
            MeshSampler sampler = new MeshSampler(sdf, sampling);
            sign = sampler.sign().id();
            listener.info(String.format("%s: %,d vertices, %,d triangles, %s; sign by %s", data, mesh.vertexCount(),
                    mesh.triangleCount(), sdf.closedAndOriented() ? "closed and oriented"
                            : "open or non-manifold (" + sdf.boundaryEdges() + " boundary edges)", sign));
            generator = sampler::sample;
        }
        long poolSeed = req.seedOrScene() + 1;
        int poolSize = req.train().poolSize();
        // the pool (a point and its target, 4 floats) and the refresh drawn beside it
        nfield.io.Memory.require("a pool of " + String.format("%,d", poolSize) + " sample points", 2L * 16 * poolSize,
                "lower train.pool_size in the scene file");
        long t1 = System.nanoTime();
        RefreshingPool.First first = RefreshingPool.first(poolSize, 1, generator, poolSeed);
        long t2 = System.nanoTime();
        listener.info(String.format("sampled %,d points in %.1f s (ambiguous signs: %.2f%%)", poolSize, (t2 - t1) * 1e-9,
                100.0 * first.ambiguous() / poolSize));
        return new Prepared(data, mesh, norm, sign, generator, first, poolSeed, (t2 - t0) * 1e-9);
    }

    /** Trains the field {@code req} asks for on data {@link #prepare}d for it (the same request's data, seed and pool size). */
    public static FitResult train(Prepared prep, FitRequest req, Options opt, Backend backend, FitListener listener) throws IOException {
        SceneConfig scene = req.scene();
        SamplingConfig sampling = opt.sign() == null ? scene.sampling() : scene.sampling().withSign(opt.sign());
        TrainConfig tc = req.train();
        if (opt.batch() != null) {
            if (opt.batch() < 1) throw new FitError("--batch " + opt.batch() + ": must be at least 1");
            tc = tc.withBatch(opt.batch());
        }
        long seed = req.seedOrScene();
        String data = req.data();
        if (!prep.data().equals(data) || prep.poolSeed() != seed + 1 || prep.first().rows().length != 4 * tc.poolSize()) {
            throw new IllegalArgumentException("prepared for " + prep.data() + ", not for this request of " + data);
        }
        Normalization norm = prep.norm();
        String sign = prep.sign();
        FieldMeta meta = new FieldMeta(scene.field(), 0, norm,
                new FieldMeta.Provenance(data, scene.loss().type(), null, sign, null, null, null), scene, null);

        listener.info("nfield fit: " + data + " on " + backend.device());
        Checkpoints.Start start = Checkpoints.start(req, meta, seed, backend, listener);
        try (RefreshingPool source = new RefreshingPool(backend, prep.first(), 1, prep.generator(), tc.refreshEvery(),
                sampling.refreshFraction(), seed + 1, data).reproducible(tc.seconds() == 0)) {
            // a fit that stops at a step count (not at a time) is the same field each time it runs
            double sampled = prep.seconds();
            Loss loss = new Loss("sdf", scene.loss(), backend);
            Adam adam = new Adam(scene.optimizer(), start.field().params(), start.field().trainableOffset());
            adam.setSteps(start.steps());
            Trainer trainer = new Trainer(start.field(), loss, adam, source, tc);
            EikonalConfig ek = opt.eikonalWeight() == null ? scene.eikonal() : scene.eikonal().withWeight(opt.eikonalWeight());
            if (ek.enabled()) trainer.withEikonal(new Eikonal(ek, backend, tc.batch()));
            var n = scene.field().network();
            listener.info(String.format("field: %s, %s encoding, %dx%d %s, %d parameters; batch %d; stop at %s", scene.field().kind(),
                    scene.field().encoding().type(), n.hiddenLayers(), n.width(), n.activation().type(), start.field().paramCount(),
                    tc.batch(), FitRequest.stops(tc)));

            FittedField initial = new FittedField(req.output() == null ? data : req.output().toString(), start.field(), meta);
            // the sign statistics of the pool as trained (refreshes redraw a share of it) go into the file
            Checkpoints.Trained t = Checkpoints.train(req, trainer, initial, listener, f -> new FittedField(f.name(), f.field(),
                    f.meta().withFittedTo(meta.fittedTo().withAmbiguousShare(source.ambiguousShare()))));
            double last = trainer.lastLoss(), secs = t.seconds();
            Map<String, Double> figures = new LinkedHashMap<>();
            figures.put("ambiguous_share", source.ambiguousShare());
            figures.put("samples_drawn", (double) source.drawn());
            figures.put("refreshes", (double) source.refreshes());
            Map<String, Double> timing = new LinkedHashMap<>();
            timing.put("preparing", sampled); // reading, BVH, sign method and the first pool
            timing.put("training", secs);
            listener.info(String.format(Locale.ROOT, "%s%d steps in %.1f s, final loss %.6f (%s); %,d samples drawn, %d refreshes, "
                            + "ambiguous signs %.2f%%", req.output() == null ? "" : "wrote " + req.output() + ": ", adam.steps(), secs, last,
                    scene.loss().type() + (ek.enabled() ? " + eikonal" : ""), source.drawn(), source.refreshes(),
                    100 * source.ambiguousShare()));
            return new FitResult(t.fitted(), adam.steps(), secs, last, t.terms(), figures, timing);
        }
    }
}
