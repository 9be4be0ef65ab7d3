package nfield.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import nfield.compute.Backend;
import nfield.compute.LossFn;
import nfield.config.ColorConfig;
import nfield.config.Json;
import nfield.config.MarchingConfig;
import nfield.config.SceneConfig;
import nfield.config.TrainBackground;
import nfield.config.TrainConfig;
import nfield.data.mesh.Normalization;
import nfield.data.nerf.LoadOptions;
import nfield.data.nerf.MemoryEstimate;
import nfield.data.nerf.NerfData;
import nfield.data.nerf.PosedImages;
import nfield.field.Field;
import nfield.io.FieldFile;
import nfield.radiance.RadianceObjective;
import nfield.train.Adam;
import nfield.train.Trainer;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** {@code nfield fit} on posed images: a radiance field (density + colour). */
final class RadianceFit {
    private RadianceFit() {}

    /** The transform from the scene box (world) into the field's box: centred, the longest side to [-1, 1]. */
    static Normalization normalization(double[] box) {
        double side = Math.max(box[3] - box[0], Math.max(box[4] - box[1], box[5] - box[2]));
        return new Normalization(0.5 * (box[0] + box[3]), 0.5 * (box[1] + box[4]), 0.5 * (box[2] + box[5]), 2 / side);
    }

    /** Live view: the volume grid's resolution along the visible box's longest side, and its coarse search lattice. */
    static final int LIVE_BAKE = 64, LIVE_COARSE = 32;

    /** Trains while the viewer's volume mode shows the field, re-baked from the training thread. */
    private static double watched(FitCommand cmd, Trainer trainer, Trainer.Listener listener, Field field, float[] background,
                                  MarchingConfig mc, boolean zUp) throws Exception {
        nfield.field.FieldQuery q = new nfield.field.FieldQuery(field);
        float threshold = (float) nfield.radiance.OccupancyGrid.densityThreshold(mc.step());
        java.util.function.Supplier<nfield.render.VolumeGrid> bake =
                () -> nfield.render.VolumeGrid.bake(FieldInputs.radiance(q, zUp, FieldInputs.HOME), LIVE_BAKE, LIVE_COARSE, threshold, zUp);
        nfield.render.Viewer viewer = new nfield.render.Viewer("nfield fit " + cmd.data, bake.get(), background,
                FieldInputs.HOME,
                new nfield.render.Viewer.Options(768, 768, cmd.viewFrames, null, false, 30, nfield.render.Mode.SHADED));
        return FitCommand.trainWatched(trainer, listener, viewer, line -> viewer.update(bake.get(), line));
    }

    /**
     * The scene's vertical as the cameras hold it: "y" when their mean up vector (each pose's
     * second column) points most along +y, else "z" (the Blender convention of NeRF's scenes).
     */
    static String upAxis(PosedImages images) {
        double[] mean = new double[3];
        for (int k = 0; k < images.count(); k++) {
            double[] p = images.pose(k);
            for (int a = 0; a < 3; a++) mean[a] += p[4 * a + 1];
        }
        return mean[1] > Math.abs(mean[0]) && mean[1] > Math.abs(mean[2]) ? "y" : "z";
    }

    /** The photometric losses a radiance fit takes (scene key {@code loss.type}). */
    static final java.util.List<String> LOSSES = java.util.List.of("l2", "huber");

    /** The loss of a radiance fit, or a {@link UserError} naming the accepted ones. */
    static LossFn loss(SceneConfig scene) {
        String type = scene.loss().type();
        if (!LOSSES.contains(type)) {
            throw new UserError("scene loss " + type + ": radiance fits take " + String.join(" or ", LOSSES)
                    + " (l2: mean squared colour error; huber {delta, default 0.1}: quadratic below delta, linear above)");
        }
        return LossFn.of(type, scene.loss().delta());
    }

    /**
     * What lies behind the training rays, resolved against the data: "random" (null colour),
     * a colour, or the data's own background (null and not random). Refuses what images without
     * alpha cannot give, naming {@code where} the setting came from.
     */
    record Background(boolean random, float[] colour, String describe) {}

    static Background background(TrainBackground want, PosedImages data, String where) {
        float[] own = data.background();
        String ownText = own[0] + " " + own[1] + " " + own[2];
        if (want.isAuto()) {
            return data.hasAlpha() ? new Background(true, null, "random (auto: the images have alpha)")
                    : new Background(false, null, "the images' own, composited on " + ownText + " (auto: the images have no alpha)");
        }
        if (!data.hasAlpha()) {
            float[] c = want.fixedColour();
            if (c != null && java.util.Arrays.equals(c, own)) return new Background(false, null, want + ", as the images are composited");
            throw new UserError(where + " " + want + ": " + data.source() + " has no alpha channel (no transparent pixels): its images "
                    + "are composited on " + ownText + " already, so " + (want.isRandom() ? "a random background" : "another background")
                    + " is impossible; use auto or " + TrainBackground.colour(own[0], own[1], own[2]));
        }
        return want.isRandom() ? new Background(true, null, "random") : new Background(false, want.fixedColour(), want.toString());
    }

    static int run(FitCommand cmd, SceneConfig scene, TrainConfig tc, long seed, FieldFile.Meta resumed) throws Exception {
        if (cmd.sign != null || cmd.mesh != null || cmd.eikonalWeight != null || cmd.batch != null) {
            throw new UserError("--sign, --mesh, --eikonal and --batch are for SDF fits; a radiance fit sets its batch "
                    + "with the scene's marching.samples_per_step");
        }
        if (cmd.view && (System.getenv("DISPLAY") == null || System.getenv("DISPLAY").isEmpty())) {
            throw new UserError("--view needs a display (DISPLAY is not set); fit without it and look with `nfield render`, "
                    + "or run under xvfb-run");
        }
        LossFn lossFn = loss(scene);
        String where = "marching.train_background";
        if (cmd.background != null) {
            try {
                scene = new SceneConfig(scene.name(), scene.field(), scene.loss(), scene.optimizer(), scene.train(), scene.sampling(),
                        scene.eikonal(), scene.marching().withTrainBackground(TrainBackground.parse(cmd.background)));
            } catch (IllegalArgumentException e) {
                throw new UserError("--background " + cmd.background + ": expected " + TrainBackground.SPELLINGS);
            }
            where = "--background";
        }
        Path file = Path.of(cmd.data);
        long t0 = System.nanoTime();
        PosedImages train = NerfData.read(file, LoadOptions.DEFAULT.withProgress(LoadOptions.Progress.stderr("decoding images")));
        System.err.printf(Locale.ROOT, "%s; read in %.1f s%n", train.describe(), (System.nanoTime() - t0) * 1e-9);
        for (String w : train.warnings()) System.err.println(cmd.data + ": warning: " + w);
        MarchingConfig mc = scene.marching();
        Background back = background(mc.trainBackground(), train, where);
        int perRay = Math.min(mc.maxSamplesPerRay(), mc.stepsAcross());
        int rays = Math.max(1, mc.samplesPerStep() / Math.max(1, perRay / 4));
        int width = scene.field().network().width();
        int activations = scene.field().network().hiddenLayers() * width + 64;
        ColorConfig colour = scene.field().color();
        if (colour != null) activations += colour.network().hiddenLayers() * colour.network().width() + 64;
        MemoryEstimate mem = train.memoryEstimate(rays, Math.max(1, mc.samplesPerStep() / rays), 2 * activations);
        System.err.println(mem.describe());
        Normalization norm = normalization(train.box());

        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("data", cmd.data);
        meta.put("loss_type", scene.loss().type());
        if (lossFn.kind() == LossFn.Kind.HUBER) meta.put("loss_delta", Double.toString(lossFn.delta()));
        meta.put("scene", Json.write(scene.toJson()));
        meta.put("normalization", Json.write(Json.MAPPER.valueToTree(norm.toArray())));
        meta.put("background", Json.write(Json.MAPPER.valueToTree(train.background())));
        meta.put("train_background", back.random() ? "random" : back.colour() != null
                ? TrainBackground.colour(back.colour()[0], back.colour()[1], back.colour()[2]).toString() : "data");
        meta.put("box", Json.write(Json.MAPPER.valueToTree(train.box())));
        meta.put("up", upAxis(train));

        try (Backend backend = cmd.backends.open()) {
            System.err.println("nfield fit: " + cmd.data + " on " + backend.device());
            Field field;
            long startStep = 0;
            if (resumed != null) {
                String stored = resumed.extra().get("normalization");
                if (stored != null && !stored.equals(meta.get("normalization"))) {
                    throw new UserError(cmd.resume + ": it was fitted to a scene box normalised as " + stored + ", but " + cmd.data
                            + " gives " + meta.get("normalization") + "; resume on the same data");
                }
                field = FieldFile.load(cmd.resume, backend);
                boolean moments = FieldFile.loadOptimizer(cmd.resume, field);
                startStep = resumed.steps();
                System.err.printf("resuming %s at step %d%s%n", cmd.resume, startStep,
                        moments ? "" : " (it holds no optimizer state: Adam's moments start from zero)");
            } else {
                field = new Field(scene.field(), backend);
                field.init(seed);
            }
            Adam adam = new Adam(scene.optimizer(), field.params(), field.trainableOffset());
            adam.setSteps(startStep);
            RadianceObjective objective = new RadianceObjective(field, train, norm, mc, seed + 1).withLoss(lossFn)
                    .withBackground(back.colour(), back.random());
            if (startStep > 0) objective.refreshGrid(1.0, seed + 2); // a resumed field's empty space is known already
            Trainer trainer = new Trainer(field, objective, adam, tc);
            ColorConfig fc = field.config().color();
            String view = fc == null ? "" : String.format(Locale.ROOT, "; view-dependent colour: %s of the direction + %d features, %dx%d %s",
                    fc.directionEncoding().type(), fc.geometryFeatures(), fc.network().hiddenLayers(), fc.network().width(),
                    fc.network().activation().type());
            System.err.printf(Locale.ROOT, "field: radiance, %s encoding, %dx%d %s%s, %,d parameters; ~%,d samples a step, "
                            + "step %.4f (field units), %d^3 occupancy grid; %s loss; training background %s; stop at %s%n",
                    field.config().encoding().type(), field.config().network().hiddenLayers(), field.config().network().width(),
                    field.config().network().activation().type(), view, field.paramCount(), mc.samplesPerStep(), mc.step(), mc.grid(),
                    lossFn.kind() == LossFn.Kind.HUBER ? "huber (delta " + lossFn.delta() + ")" : "l2", back.describe(),
                    FitCommand.stops(tc));
            ProgressPrinter printer = new ProgressPrinter(cmd.json);
            long t1 = System.nanoTime();
            double last;
            Trainer.Listener listener = printer;
            if (cmd.snapshots != null && !cmd.snapshots.isEmpty()) {
                java.util.TreeMap<Double, String> due = new java.util.TreeMap<>();
                for (String t : cmd.snapshots) due.put(Durations.seconds(t, "--snapshots"), t.trim());
                String base = cmd.output.getFileName().toString().replaceFirst("\\.[^.]*$", "");
                listener = p -> {
                    printer.progress(p);
                    while (!due.isEmpty() && p.elapsedS() >= due.firstKey()) {
                        Path snap = cmd.output.resolveSibling(base + "-" + due.pollFirstEntry().getValue() + ".nfield");
                        try {
                            FieldFile.write(snap, field, p.step(), meta, false);
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                        System.err.printf(Locale.ROOT, "%nsnapshot %s at %.0f s, step %d%n", snap, p.elapsedS(), p.step());
                    }
                };
            }
            try (FitCommand.StopHook hook = new FitCommand.StopHook(trainer)) {
                last = cmd.view ? watched(cmd, trainer, listener, field, train.background(), mc, meta.get("up").equals("z")) : trainer.run(listener);
                printer.end();
                FieldFile.write(cmd.output, field, adam.steps(), meta, true);
            }
            double secs = (System.nanoTime() - t1) * 1e-9;
            double mse = objective.lastMse();
            double psnr = -10 * Math.log10(Math.max(mse, 1e-12));
            String huber = lossFn.kind() == LossFn.Kind.HUBER ? String.format(Locale.ROOT, "huber %.6f, ", last) : "";
            System.err.printf(Locale.ROOT, "wrote %s: %d steps in %.1f s, final training %smse %.6f (PSNR %.2f dB on the last batch), "
                    + "occupancy %.1f%%%ntime: %s%n", cmd.output, adam.steps(), secs, huber, mse, psnr, 100 * objective.grid().occupancy(),
                    objective.timing());
            if (cmd.json) {
                ObjectNode o = Json.MAPPER.createObjectNode().put("event", "done").put("output", cmd.output.toString())
                        .put("steps", adam.steps()).put("seconds", secs).put("loss", last).put("train_mse", mse).put("train_psnr", psnr)
                        .put("backend", backend.name()).put("occupancy", objective.grid().occupancy());
                System.out.println(Json.write(o));
            }
        }
        return 0;
    }
}
