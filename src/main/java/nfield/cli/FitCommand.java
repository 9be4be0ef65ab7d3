package nfield.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import nfield.compute.Backend;
import nfield.config.SceneConfig;
import nfield.config.Json;
import nfield.config.TrainConfig;
import nfield.config.EikonalConfig;
import nfield.config.SamplingConfig;
import nfield.data.analytic.AnalyticShape;
import nfield.data.mesh.Mesh;
import nfield.data.mesh.MeshReader;
import nfield.data.mesh.MeshSampler;
import nfield.data.mesh.MeshSdf;
import nfield.data.mesh.MeshShapes;
import nfield.data.mesh.Normalization;
import nfield.field.Field;
import nfield.field.FieldQuery;
import nfield.io.FieldMesher;
import nfield.io.MeshWriter;
import nfield.render.BakedGrid;
import nfield.render.Camera;
import nfield.render.Mode;
import nfield.render.Viewer;
import nfield.io.FieldFile;
import nfield.train.Adam;
import nfield.train.Eikonal;
import nfield.train.Loss;
import nfield.train.RefreshingPool;
import nfield.train.Trainer;
import nfield.data.nerf.NerfData;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

@Command(name = "fit", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train a field on DATA and write it to FIELD: a signed distance field on a mesh, a radiance field "
                        + "(density + colour) on posed images.",
                "",
                "DATA is a mesh file (.obj, .ply, .stl, .off), a mesh nfield generates (shape:knot, shape:torus), "
                        + "an analytic SDF (analytic:torus, analytic:sphere), or posed images: a NeRF transforms*.json "
                        + "(or a folder holding transforms_train.json) or a tiny-NeRF .npz.",
                "",
                "Posed images (default scene scenes/nerf-default.json: Instant NGP's hash grid, density network and a "
                        + "colour network on the view direction's spherical harmonics; scenes/nerf-plain.json has no view "
                        + "dependence): rays drawn at random from all training images, "
                        + "samples in the cells of an occupancy grid that hold density, volume rendering forward and "
                        + "backward on the device, MSE on the colours (or Huber: scene \"loss\": {\"type\": \"huber\", "
                        + "\"delta\": 0.1}; progress shows mse and PSNR either way). Images with alpha train on a random "
                        + "background colour per ray (--background). The memory the fit needs is printed first. "
                        + "Score it with `nfield eval FIELD transforms_test.json`; --view watches it train in the viewer's "
                        + "volume mode.",
                "",
                "Meshes:",
                "A mesh is centred and scaled so its longest side spans [-0.9, 0.9] (the transform is stored in "
                        + "FIELD, so `nfield mesh` and `nfield eval` work in the mesh's own coordinates). Training "
                        + "points: 80% near the surface (surface points plus Gaussian noise at two scales), 20% uniform "
                        + "in [-1, 1]^3, with exact distances (BVH) and a robust sign (--sign); a share of the pool is "
                        + "redrawn in the background every train.refresh_every steps. The scene file's \"sampling\" "
                        + "section sets the mix.",
                "",
                "Stops at --steps, at --time, or at the scene's target loss, whichever comes first; "
                        + "Ctrl-C stops early and still writes FIELD.",
                "",
                "Examples:",
                "  nfield fit shape:knot -o knot.nfield --time 60s",
                "  nfield fit bunny.obj -o bunny.nfield --time 60s && nfield mesh bunny.nfield -o bunny-fit.ply",
                "  nfield fit lego/transforms_train.json -o lego.nfield --time 20m --snapshots 1m,5m"})
final class FitCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DATA",
            description = "What to fit: MESH.obj|.ply|.stl|.off, shape:knot|shape:torus, analytic:torus|analytic:sphere, "
                    + "transforms_train.json|DIR|data.npz.")
    String data;

    @Option(names = "--sign", paramLabel = "METHOD",
            description = "Inside/outside for mesh samples: auto (default: pseudonormal on closed oriented meshes, "
                    + "else winding), winding (generalized winding number; robust to holes), pseudonormal "
                    + "(angle-weighted pseudo-normals; exact on closed meshes), raystab (ray parity, 7 rays, majority).")
    String sign;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "FIELD",
            description = "Where to write the trained field (safetensors, see FORMAT.md).")
    Path output;

    @Option(names = "--config", paramLabel = "SCENE.json",
            description = "Scene file (field, loss, optimizer, train); default: the built-in scenes/sdf-default.json.")
    Path config;

    @Option(names = "--steps", paramLabel = "N", description = "Training steps (overrides the scene).")
    Integer steps;

    @Option(names = "--time", paramLabel = "DURATION", description = "Time budget, e.g. 60s, 2m (overrides the scene).")
    String time;

    @Option(names = "--batch", paramLabel = "N", description = "Points per step (overrides the scene).")
    Integer batch;

    @Option(names = "--seed", paramLabel = "N", description = "Seed for init and sampling (overrides the scene).")
    Long seed;

    @Option(names = "--resume", paramLabel = "CHECKPOINT",
            description = "Continue from a field written by an earlier fit (FIELD files are checkpoints: weights, "
                    + "Adam's moments, step count and scene). --steps/--time then count the new steps; the "
                    + "learning-rate schedule runs again over them.")
    Path resume;

    @Option(names = "--mesh", paramLabel = "OUT.ply|OUT.obj",
            description = "After training, also extract the surface (as `nfield mesh FIELD --res RES -o OUT`, "
                    + "while the device is warm).")
    Path mesh;

    @Option(names = "--res", defaultValue = "256", paramLabel = "N",
            description = "Grid points per axis for --mesh (default: ${DEFAULT-VALUE}).")
    int res;

    @Option(names = "--eikonal", paramLabel = "WEIGHT",
            description = "Weight of the eikonal term mean((|grad f| - 1)^2), gradients by central differences "
                    + "(overrides the scene's eikonal.weight; 0 turns it off).")
    Double eikonalWeight;

    @Option(names = "--view", description = "Watch the field take shape in a window while it trains (needs a display); "
            + "closing the window stops training and writes FIELD.")
    boolean view;

    @Option(names = "--view-frames", defaultValue = "0", paramLabel = "N", hidden = true,
            description = "Close the --view window after N frames (for scripted runs).")
    int viewFrames;

    @Option(names = "--snapshots", paramLabel = "T1,T2,..", split = ",",
            description = "Radiance fits: also write the field as FIELD-T.nfield when training time passes each of these "
                    + "durations (e.g. 1m,5m), to score a long run along the way.")
    java.util.List<String> snapshots;

    @Option(names = "--background", paramLabel = "auto|random|white|black|R,G,B",
            description = "Radiance fits: what lies behind the training rays, the colour each target pixel is composited on "
                    + "(overrides the scene's marching.train_background). auto (default): random where the images have alpha "
                    + "(transparent pixels), else the images as stored; random: a random colour per ray (instant-ngp's way "
                    + "against floaters), needs alpha; white, black, R,G,B in [0, 1]. Evaluation and rendering use the "
                    + "data's background (white) whatever this is.")
    String background;

    @Option(names = "--json", description = "Progress and the result as JSON lines on stdout.")
    boolean json;

    @Mixin
    Backends backends;

    @Override
    public Integer call() throws Exception {
        FieldFile.Meta resumed = null;
        if (resume != null) {
            FieldInputs.requireFile(resume);
            resumed = FieldFile.readMeta(resume);
        }
        SceneConfig scene;
        if (config != null) {
            scene = SceneConfig.load(config);
        } else if (resumed != null && resumed.extra().containsKey("scene")) {
            scene = SceneConfig.parse(resume + " (__metadata__.scene)", resumed.extra().get("scene"));
        } else {
            scene = SceneConfig.preset(radiance() ? "nerf-default" : "sdf-default");
        }
        if (resumed != null && !Json.write(resumed.config().toJson()).equals(Json.write(scene.field().toJson()))) {
            throw new UserError(resume + ": its field (" + Json.write(resumed.config().toJson()) + ") differs from the scene's ("
                    + Json.write(scene.field().toJson()) + "); resume with the scene it was trained with, or without --config");
        }
        String kind = radiance() ? "radiance" : "sdf";
        if (!scene.field().kind().equals(kind)) {
            throw new UserError((config == null ? "scene" : config.toString()) + ": field.kind is "
                    + scene.field().kind() + "; fitting " + data + " needs " + (kind.equals("sdf") ? "an sdf" : "a radiance") + " field");
        }
        SamplingConfig sampling = scene.sampling();
        if (sign != null) sampling = sampling.withSign(sign);
        TrainConfig tc = scene.train();
        if (steps != null || time != null) {
            tc = tc.withStops(steps == null ? 0 : steps, time == null ? 0 : Durations.seconds(time, "--time"));
        }
        if (batch != null) {
            if (batch < 1) throw new UserError("--batch " + batch + ": must be at least 1");
            tc = tc.withBatch(batch);
        }
        long s = seed == null ? tc.seed() : seed;
        if (radiance()) return RadianceFit.run(this, scene, tc, s, resumed);
        if (background != null) throw new UserError("--background is for radiance fits (posed images); " + data + " is not one");

        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("data", data);
        meta.put("loss_type", scene.loss().type());
        meta.put("scene", Json.write(scene.toJson()));
        RefreshingPool.Generator generator;
        Normalization norm = Normalization.IDENTITY;
        String signUsed;
        AnalyticShape shape = AnalyticShape.parse(data);
        if (shape != null) {
            generator = (rows, from, to, sd) -> {
                float[] r = shape.samples(to - from, new SplittableRandom(sd));
                System.arraycopy(r, 0, rows, from * 4, r.length);
                return 0;
            };
            signUsed = "exact";
        } else {
            Mesh mesh = loadMesh(data);
            norm = Normalization.fit(mesh, Normalization.DEFAULT_EXTENT);
            MeshSdf sdf = new MeshSdf(norm.apply(mesh));
            MeshSampler sampler = new MeshSampler(sdf, sampling);
            signUsed = sampler.sign().id();
            System.err.printf("%s: %,d vertices, %,d triangles, %s; sign by %s%n", data, mesh.vertexCount(),
                    mesh.triangleCount(), sdf.closedAndOriented() ? "closed and oriented"
                            : "open or non-manifold (" + sdf.boundaryEdges() + " boundary edges)", signUsed);
            generator = sampler::sample;
        }
        meta.put("normalization", Json.write(Json.MAPPER.valueToTree(norm.toArray())));
        meta.put("sign", signUsed);

        try (Backend backend = backends.open()) {
            System.err.println("nfield fit: " + data + " on " + backend.device());
            Field field;
            long startStep = 0;
            if (resumed != null) {
                String stored = resumed.extra().get("normalization");
                if (stored != null && !stored.equals(meta.get("normalization"))) {
                    throw new UserError(resume + ": it was fitted to data normalised as " + stored + ", but " + data
                            + " normalises to " + meta.get("normalization") + "; resume on the same data");
                }
                field = FieldFile.load(resume, backend);
                boolean moments = FieldFile.loadOptimizer(resume, field);
                startStep = resumed.steps();
                System.err.printf("resuming %s at step %d%s%n", resume, startStep,
                        moments ? "" : " (it holds no optimizer state: Adam's moments start from zero)");
            } else {
                field = new Field(scene.field(), backend);
                field.init(s);
            }
            long t0 = System.nanoTime();
            RefreshingPool source = new RefreshingPool(backend, tc.poolSize(), 1, generator, tc.refreshEvery(),
                    sampling.refreshFraction(), s + 1, data);
            System.err.printf("sampled %,d points in %.1f s (ambiguous signs: %.2f%%)%n", tc.poolSize(),
                    (System.nanoTime() - t0) * 1e-9, 100 * source.ambiguousShare());
            Loss loss = new Loss("sdf", scene.loss(), backend);
            Adam adam = new Adam(scene.optimizer(), field.params(), field.trainableOffset());
            adam.setSteps(startStep);
            Trainer trainer = new Trainer(field, loss, adam, source, tc);
            EikonalConfig ek = eikonalWeight == null ? scene.eikonal() : scene.eikonal().withWeight(eikonalWeight);
            if (ek.enabled()) trainer.withEikonal(new Eikonal(ek, backend, tc.batch()));
            System.err.printf("field: %s, %d parameters; batch %d; stop at %s%n", describe(scene), field.paramCount(),
                    tc.batch(), stops(tc));

            ProgressPrinter printer = new ProgressPrinter(json);
            long t1 = System.nanoTime();
            double last;
            try (StopHook hook = new StopHook(trainer)) {
                last = view ? trainWatched(trainer, printer, field) : trainer.run(printer);
                printer.end();
                meta.put("ambiguous_share", Double.toString(source.ambiguousShare()));
                FieldFile.write(output, field, adam.steps(), meta, true);
            } finally {
                source.close();
            }
            double secs = (System.nanoTime() - t1) * 1e-9;
            System.err.printf("wrote %s: %d steps in %.1f s, final loss %.6f (%s); %,d samples drawn, %d refreshes, "
                            + "ambiguous signs %.2f%%%n", output, adam.steps(), secs, last,
                    scene.loss().type() + (ek.enabled() ? " + eikonal" : ""),
                    source.drawn(), source.refreshes(), 100 * source.ambiguousShare());
            ObjectNode o = Json.MAPPER.createObjectNode().put("event", "done").put("output", output.toString())
                    .put("steps", adam.steps()).put("seconds", secs).put("loss", last)
                    .put("backend", backend.name()).put("sign", signUsed)
                    .put("ambiguous_share", source.ambiguousShare()).put("samples_drawn", source.drawn());
            if (mesh != null) {
                long t2 = System.nanoTime();
                FieldMesher.Result r = FieldMesher.extract(new FieldQuery(field), res, true, mesh.getFileName().toString());
                double extract = (System.nanoTime() - t2) * 1e-9;
                if (r.mesh().triangleCount() == 0) throw new UserError("the trained field has no zero crossing; no mesh written");
                MeshWriter.write(mesh, norm.invert(r.mesh()), r.normals());
                System.err.printf("wrote %s: %,d triangles; %d^3 grid in %.2f s (field %.2f s, marching cubes %.2f s, "
                                + "normals %.2f s)%n", mesh, r.mesh().triangleCount(), res, extract, r.evalSeconds(),
                        r.mcSeconds(), r.normalSeconds());
                o.put("mesh", mesh.toString()).put("mc_seconds", extract);
            }
            if (json) System.out.println(Json.write(o));
        }
        return 0;
    }

    /** Trains an SDF while the viewer shows it, re-baked at {@value #LIVE_BAKE}^3. */
    private double trainWatched(Trainer trainer, ProgressPrinter printer, Field field) throws Exception {
        FieldQuery query = new FieldQuery(field);
        Viewer viewer = new Viewer("nfield fit " + data, BakedGrid.bake(query, LIVE_BAKE), new Camera(30, 25, 3.2),
                new Viewer.Options(768, 768, viewFrames, null, false, 30, Mode.SHADED));
        return trainWatched(trainer, printer, viewer, line -> viewer.update(BakedGrid.bake(query, LIVE_BAKE), line));
    }

    /**
     * Trains on a worker thread while this thread runs the viewer; the worker re-bakes the field
     * ({@code bakeAndShow}, given the status line) between steps, at most every half second and so
     * that baking takes at most a fifth of the time. Closing the window stops training.
     */
    static double trainWatched(Trainer trainer, Trainer.Listener printer, Viewer viewer, java.util.function.Consumer<String> bakeAndShow)
            throws Exception {
        double[] result = {Double.NaN};
        Throwable[] failure = {null};
        Thread worker = new Thread(() -> {
            long[] next = {0};
            try {
                result[0] = trainer.run(p -> {
                    printer.progress(p);
                    long now = System.nanoTime();
                    StringBuilder line = new StringBuilder("step ").append(p.step());
                    p.terms().forEach((k, v) -> line.append(String.format(java.util.Locale.ROOT, "  %s %.4g", k, v)));
                    if (now < next[0]) {
                        viewer.status(line.toString());
                        return;
                    }
                    bakeAndShow.accept(line.toString());
                    long spent = System.nanoTime() - now;
                    next[0] = System.nanoTime() + Math.max(500_000_000L, 4 * spent);
                });
                bakeAndShow.accept("done: " + trainer.optimizer().steps() + " steps");
            } catch (Throwable t) {
                failure[0] = t;
                trainer.requestStop();
            }
        }, "nfield-train");
        try (viewer) {
            worker.start();
            viewer.run();
        } finally {
            trainer.requestStop();
            worker.join();
        }
        if (failure[0] instanceof Exception e) throw e;
        if (failure[0] != null) throw new IllegalStateException(failure[0]);
        return result[0];
    }

    static final int LIVE_BAKE = 64;

    /** Whether DATA is a posed-image set (transforms*.json, .npz, or a folder of them): a radiance fit. */
    boolean radiance() {
        return !data.contains(":") && NerfData.isPosedImages(Path.of(data));
    }

    /**
     * Ctrl-C or SIGTERM while training: asks the trainer to stop and waits (up to 30 s) until
     * {@link #close()}, so the field written after training is complete before the JVM exits.
     */
    static final class StopHook implements AutoCloseable {
        private final CountDownLatch finished = new CountDownLatch(1);
        private final Thread hook;

        StopHook(Trainer trainer) {
            hook = new Thread(() -> {
                trainer.requestStop();
                try {
                    finished.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException ignored) {
                    Thread.currentThread().interrupt();
                }
            }, "nfield-stop");
            Runtime.getRuntime().addShutdownHook(hook);
        }

        @Override
        public void close() {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException ignored) {
                // already shutting down (Ctrl-C): the hook waits for the write before this
            }
        }
    }

    /** A mesh file, or a mesh nfield generates ({@code shape:NAME}); warnings go to stderr. */
    static Mesh loadMesh(String data) throws java.io.IOException {
        MeshShapes gen = MeshShapes.parse(data);
        if (gen != null) return gen.mesh();
        Path p = Path.of(data);
        if (!Files.exists(p)) {
            throw new UserError(data + ": no such file, and not a built-in shape (" + String.join(", ", MeshShapes.ids())
                    + ", " + String.join(", ", AnalyticShape.ids()) + ")");
        }
        Mesh m = MeshReader.read(p);
        for (String w : m.warnings()) System.err.println(data + ": warning: " + w);
        return m;
    }

    private static String describe(SceneConfig s) {
        var n = s.field().network();
        return s.field().kind() + ", " + s.field().encoding().type() + " encoding, " + n.hiddenLayers() + "x" + n.width()
                + " " + n.activation().type();
    }

    static String stops(TrainConfig t) {
        StringBuilder b = new StringBuilder();
        if (t.steps() > 0) b.append(t.steps()).append(" steps");
        if (t.seconds() > 0) b.append(b.length() > 0 ? " or " : "").append(Durations.format(t.seconds()));
        if (t.targetLoss() > 0) b.append(b.length() > 0 ? " or " : "").append("loss <= ").append(t.targetLoss());
        return b.toString();
    }
}
