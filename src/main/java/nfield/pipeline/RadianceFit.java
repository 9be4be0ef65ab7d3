package nfield.pipeline;

import nfield.compute.Backend;
import nfield.compute.LossFn;
import nfield.config.ColorConfig;
import nfield.config.FieldConfig;
import nfield.config.MarchingConfig;
import nfield.config.SceneConfig;
import nfield.config.TrainBackground;
import nfield.config.TrainConfig;
import nfield.data.nerf.LoadOptions;
import nfield.data.nerf.MemoryEstimate;
import nfield.data.nerf.NerfData;
import nfield.data.nerf.PosedImages;
import nfield.field.Field;
import nfield.field.FieldMeta;
import nfield.field.FittedField;
import nfield.geom.Normalization;
import nfield.radiance.RayMarcher;
import nfield.train.Adam;
import nfield.train.RadianceObjective;
import nfield.train.Trainer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Fits a radiance field (density + colour) to posed images: random rays from all training
 * images each step, marched through an occupancy grid, volume-rendered on the device, the
 * photometric loss (l2 or Huber) against the pixels, on the background the request and the
 * data allow ({@link #background}). The scene box maps onto the field's [-1, 1]³.
 */
public final class RadianceFit {
    private RadianceFit() {}

    /** The photometric losses a radiance fit takes (scene key {@code loss.type}). */
    public static final List<String> LOSSES = List.of("l2", "huber");

    /**
     * Radiance-only settings: what lies behind the training rays (null: the scene's
     * {@code marching.train_background}) and where that setting came from, for messages; the
     * images at 1/{@code downscale} of their resolution; with {@code testEvery} N ≥ 2, every
     * N-th frame of the data held out (the LLFF convention; 0: train on all); with {@code pinhole},
     * every camera read as a pinhole, its lens distortion ignored; {@code contract} "auto", "on" or
     * "off" overrides the scene's marching.contract (null: the scene's); {@code appearance} a code
     * size overrides the scene's field.color.appearance (0: none; null: the scene's).
     */
    public record Options(TrainBackground background, String where, int downscale, int testEvery, boolean pinhole, String contract,
                          Integer appearance, double refineCameras) {
        public static final Options DEFAULT = new Options(null, null, 1, 0, false, null, null, 0);

        public Options(TrainBackground background, String where, int downscale, int testEvery, boolean pinhole, String contract,
                       Integer appearance) {
            this(background, where, downscale, testEvery, pinhole, contract, appearance, 0);
        }

        public Options(TrainBackground background, String where, int downscale, int testEvery, boolean pinhole) {
            this(background, where, downscale, testEvery, pinhole, null, null);
        }

        public Options(TrainBackground background, String where, int downscale, int testEvery, boolean pinhole, String contract) {
            this(background, where, downscale, testEvery, pinhole, contract, null);
        }

        /** The same options with appearance codes of {@code size} (0: none; null: the scene's). */
        public Options withAppearance(Integer size) {
            return new Options(background, where, downscale, testEvery, pinhole, contract, size, refineCameras);
        }

        /** The same options with the training cameras' poses refined at Adam's step size {@code lr} (0: not refined; {@link CameraRefiner}). */
        public Options withCameraRefinement(double lr) {
            return new Options(background, where, downscale, testEvery, pinhole, contract, appearance, lr);
        }

        public Options {
            if (downscale < 1) throw new FitError("--downscale " + downscale + ": use 1 (full resolution) or more");
            if (testEvery != 0 && testEvery < 2) throw new FitError("--test-every " + testEvery + ": hold out every N-th frame with N >= 2");
            if (appearance != null && (appearance < 0 || appearance > 256)) {
                throw new FitError("--appearance " + appearance + ": a code size in 1..256, or 0 for none");
            }
            if (!(refineCameras >= 0 && refineCameras < 1)) {
                throw new FitError("--refine-cameras " + refineCameras + ": Adam's step size for the pose corrections, e.g. 5e-4 (0: off)");
            }
            if (contract != null && !MarchingConfig.CONTRACT.contains(contract)) {
                throw new FitError("--contract " + contract + ": auto (when the data's box is larger than its subject's), on or off");
            }
        }
    }

    /**
     * Whether a fit of {@code data} contracts space beyond the box of interest: marching.contract
     * "on", or "auto" and the data's scene box is larger than its box of interest.
     */
    public static boolean contracts(MarchingConfig mc, PosedImages data) {
        return mc.contract().equals("on") || (mc.contract().equals("auto") && data.unbounded());
    }

    /** The transform from the scene box (world) into the field's box: centred, the longest side to [-1, 1]. */
    public static Normalization normalization(double[] box) {
        return Normalization.fit(box, 1, "the scene box");
    }

    /**
     * The scene's vertical as the cameras hold it: "y" when their mean up vector (each pose's
     * second column) points most along +y, else "z" (the Blender convention of NeRF's scenes).
     */
    public static String upAxis(PosedImages images) {
        double[] mean = new double[3];
        for (int k = 0; k < images.count(); k++) {
            double[] p = images.pose(k);
            for (int a = 0; a < 3; a++) mean[a] += p[4 * a + 1];
        }
        return mean[1] > Math.abs(mean[0]) && mean[1] > Math.abs(mean[2]) ? "y" : "z";
    }

    /** The loss of a radiance fit, or a {@link FitError} naming the accepted ones. */
    public static LossFn loss(SceneConfig scene) {
        String type = scene.loss().type();
        if (!LOSSES.contains(type)) {
            throw new FitError("scene loss " + type + ": radiance fits take " + String.join(" or ", LOSSES)
                    + " (l2: mean squared colour error; huber {delta, default 0.1}: quadratic below delta, linear above)");
        }
        return LossFn.of(type, scene.loss().delta());
    }

    /**
     * What lies behind the training rays, resolved against the data: random (null colour), a
     * colour, or the data's own background (null and not random).
     */
    public record Background(boolean random, float[] colour, String describe) {
        /** As the field file records it: random, data, or the colour r,g,b. */
        String recorded() {
            return random ? "random" : colour != null ? TrainBackground.colour(colour[0], colour[1], colour[2]).toString() : "data";
        }
    }

    /** Refuses what images without alpha cannot give, naming {@code where} the setting came from. */
    public static Background background(TrainBackground want, PosedImages data, String where) {
        float[] own = data.background();
        String ownText = own[0] + " " + own[1] + " " + own[2];
        if (want.isAuto()) {
            return data.hasAlpha() ? new Background(true, null, "random (auto: the images have alpha)")
                    : new Background(false, null, "the images' own, composited on " + ownText + " (auto: the images have no alpha)");
        }
        if (!data.hasAlpha()) {
            float[] c = want.fixedColour();
            if (c != null && Arrays.equals(c, own)) return new Background(false, null, want + ", as the images are composited");
            throw new FitError(where + " " + want + ": " + data.source() + " has no alpha channel (no transparent pixels): its images "
                    + "are composited on " + ownText + " already, so " + (want.isRandom() ? "a random background" : "another background")
                    + " is impossible; use auto or " + TrainBackground.colour(own[0], own[1], own[2]));
        }
        return want.isRandom() ? new Background(true, null, "random") : new Background(false, want.fixedColour(), want.toString());
    }

    /** Reads the posed images of {@code data} (training split), then fits. */
    public static FitResult run(FitRequest req, Options opt, Backend backend, FitListener listener) throws IOException {
        long t0 = System.nanoTime();
        PosedImages train = NerfData.read(Path.of(req.data()), LoadOptions.DEFAULT.withProgress(LoadOptions.Progress.stderr("decoding images"))
                .withDownscale(opt.downscale()).withHoldout(opt.testEvery(), false).withPinhole(opt.pinhole()));
        listener.info(String.format(Locale.ROOT, "%s; read in %.1f s", train.describe(), (System.nanoTime() - t0) * 1e-9));
        for (String w : train.warnings()) listener.info(req.data() + ": warning: " + w);
        return run(req, opt, train, backend, listener);
    }

    /** Fits {@code train} (the images of {@code req.data()}, already read). */
    public static FitResult run(FitRequest req, Options opt, PosedImages train, Backend backend, FitListener listener) throws IOException {
        SceneConfig scene = req.scene();
        if (!scene.field().kind().equals("radiance")) throw new FitError("scene " + scene.name() + ": a radiance fit needs a radiance field");
        LossFn lossFn = loss(scene);
        String where = "marching.train_background";
        if (opt.background() != null) {
            scene = scene.withMarching(scene.marching().withTrainBackground(opt.background()));
            where = opt.where() == null ? "background" : opt.where();
        }
        if (opt.contract() != null) scene = scene.withMarching(scene.marching().withContract(opt.contract()));
        scene = withAppearance(scene, opt.appearance(), train.count());
        TrainConfig tc = req.train();
        long seed = req.seedOrScene();
        MarchingConfig mc = scene.marching();
        Background back = background(mc.trainBackground(), train, where);
        listener.info(memory(scene, train).describe());
        boolean contract = contracts(mc, train);
        Normalization norm = normalization(contract ? train.inner() : train.box());
        FieldMeta meta = new FieldMeta(scene.field(), 0, norm,
                new FieldMeta.Provenance(req.data(), scene.loss().type(), lossFn.kind() == LossFn.Kind.HUBER ? lossFn.delta() : null, null, null,
                        opt.testEvery() == 0 ? null : opt.testEvery(), opt.pinhole() ? Boolean.TRUE : null),
                scene, radianceMeta(train, back, contract));

        listener.info("nfield fit: " + req.data() + " on " + backend.device());
        Checkpoints.Start start = Checkpoints.start(req, meta, seed, backend, listener);
        Field field = start.field();
        Adam adam = new Adam(scene.optimizer(), field.params(), field.trainableOffset());
        adam.setSteps(start.steps());
        RadianceObjective objective = objective(field, train, norm, mc, meta.radiance(), lossFn, back, seed + 1);
        if (opt.refineCameras() > 0) {
            objective.withCameraRefinement(opt.refineCameras());
            listener.info(String.format(Locale.ROOT, "refining the %d training cameras' poses with the field (Adam, step size %.2g)", train.count(),
                    opt.refineCameras()));
        }
        double seenShare = objective.restrictToSeen();
        listener.info(String.format(Locale.ROOT, "occupancy grid: %.1f%% of its cells seen by a training camera; the rest stays empty", 100 * seenShare));
        if (start.steps() > 0) objective.refreshGrid(1.0, seed + 2); // a resumed field's empty space is known already
        Trainer trainer = new Trainer(field, objective, adam, tc);
        listener.info(describe(field, mc, lossFn, back, tc));
        if (contract) {
            listener.info("unbounded scene: the box of interest fills the field's inner half, the rest of the scene box is contracted "
                    + "around it (marching.contract " + mc.contract() + "; --contract off samples the whole box evenly)");
        }
        FittedField initial = new FittedField(req.output() == null ? req.data() : req.output().toString(), field, meta);
        Checkpoints.Trained t = Checkpoints.train(req, trainer, initial, listener, f -> f);
        double secs = t.seconds(), last = trainer.lastLoss();
        double mse = objective.lastMse(), psnr = -10 * Math.log10(Math.max(mse, 1e-12));
        String huber = lossFn.kind() == LossFn.Kind.HUBER ? String.format(Locale.ROOT, "huber %.6f, ", last) : "";
        // the phases time the host's side: the backward pass and Adam run on the device after the step's
        // colours are read, and the trainer's clock waits for them, in none of the phases
        double phases = objective.timingSeconds().values().stream().mapToDouble(Double::doubleValue).sum();
        listener.info(String.format(Locale.ROOT, "%s%d steps in %.1f s, final training %smse %.6f (PSNR %.2f dB on the last batch), "
                        + "occupancy %.1f%%%ntime: %s; the rest %.1f s (mostly the backward pass and Adam on the device)",
                req.output() == null ? "" : "wrote " + req.output() + ": ", adam.steps(), secs, huber,
                mse, psnr, 100 * objective.grid().occupancy(), objective.timing(), Math.max(0, secs - phases)));
        Map<String, Double> figures = new LinkedHashMap<>();
        nfield.train.CameraRefiner cams = objective.cameras();
        if (cams != null) {
            double meanDeg = 0, worstDeg = 0, meanShift = 0, worstShift = 0;
            for (int k = 0; k < cams.images(); k++) {
                meanDeg += cams.angleDegrees(k) / cams.images();
                worstDeg = Math.max(worstDeg, cams.angleDegrees(k));
                double sh = cams.shiftLength(k) / norm.scale();
                meanShift += sh / cams.images();
                worstShift = Math.max(worstShift, sh);
            }
            listener.info(String.format(Locale.ROOT, "camera corrections: rotation mean %.3f°, largest %.3f°; shift mean %.4g, largest %.4g (the data's units)",
                    meanDeg, worstDeg, meanShift, worstShift));
            figures.put("camera_rotation_mean_deg", meanDeg);
            figures.put("camera_rotation_max_deg", worstDeg);
            figures.put("camera_shift_mean", meanShift);
        }
        figures.put("train_mse", mse);
        figures.put("train_psnr", psnr);
        figures.put("occupancy", objective.grid().occupancy());
        return new FitResult(t.fitted(), adam.steps(), secs, last, t.terms(), figures, objective.timingSeconds());
    }

    /**
     * {@code scene} with appearance codes of {@code size} (null: as the scene says; 0: none) for
     * each of {@code images} training images: a field with codes gets exactly one per image.
     */
    static SceneConfig withAppearance(SceneConfig scene, Integer size, int images) {
        ColorConfig cc = scene.field().color();
        ColorConfig.Appearance want = size == null ? (cc == null ? null : cc.appearance()) : size == 0 ? null : new ColorConfig.Appearance(size, images);
        if (want == null && (cc == null || cc.appearance() == null)) return scene;
        if (cc == null) {
            throw new FitError("--appearance: appearance codes go into the colour network, and scene " + scene.name()
                    + " has none (field.color); use a view-dependent scene such as scenes/nerf-default.json");
        }
        ColorConfig.Appearance a = want == null ? null : new ColorConfig.Appearance(want.size(), images);
        FieldConfig f = scene.field();
        return scene.withField(new FieldConfig(f.kind(), f.encoding(), f.network(), f.densityActivation(), cc.withAppearance(a)));
    }

    /** What a radiance field records of the images it was fitted to: up axis, backgrounds, box, the inner box when contracted. */
    static FieldMeta.Radiance radianceMeta(PosedImages train, Background back, boolean contract) {
        return new FieldMeta.Radiance(upAxis(train), train.background(), back.recorded(), train.box(), contract ? train.inner() : null);
    }

    /** The objective a fit of {@code field} on {@code train} trains: its marcher (contracted where {@code radiance} says), loss and background. */
    static RadianceObjective objective(Field field, PosedImages train, Normalization norm, MarchingConfig mc, FieldMeta.Radiance radiance,
                                       LossFn loss, Background back, long seed) {
        return new RadianceObjective(field, train, norm, mc, RayMarcher.of(mc, radiance, norm), seed).withLoss(loss)
                .withBackground(back.colour(), back.random());
    }

    /** The memory a fit of {@code scene} on {@code train} needs: images, one batch of rays and samples with their activations. */
    static MemoryEstimate memory(SceneConfig scene, PosedImages train) {
        MarchingConfig mc = scene.marching();
        int perRay = Math.min(mc.maxSamplesPerRay(), mc.stepsAcross());
        int rays = Math.max(1, mc.samplesPerStep() / Math.max(1, perRay / 4));
        int activations = scene.field().network().hiddenLayers() * scene.field().network().width() + 64;
        ColorConfig colour = scene.field().color();
        if (colour != null) activations += colour.network().hiddenLayers() * colour.network().width() + 64;
        return train.memoryEstimate(rays, Math.max(1, mc.samplesPerStep() / rays), 2 * activations);
    }

    private static String describe(Field field, MarchingConfig mc, LossFn lossFn, Background back, TrainConfig tc) {
        ColorConfig fc = field.config().color();
        String view = fc == null ? "" : String.format(Locale.ROOT, "; view-dependent colour: %s of the direction + %d features%s, %dx%d %s",
                fc.directionEncoding().type(), fc.geometryFeatures(), fc.appearance() == null ? ""
                        : String.format(Locale.ROOT, " + an appearance code of %d per training image (%d)", fc.appearance().size(), fc.appearance().images()),
                fc.network().hiddenLayers(), fc.network().width(), fc.network().activation().type());
        return String.format(Locale.ROOT, "field: radiance, %s encoding, %dx%d %s%s, %,d parameters; ~%,d samples a step, "
                        + "step %.4f (field units), %d^3 occupancy grid; %s loss; training background %s; stop at %s",
                field.config().encoding().type(), field.config().network().hiddenLayers(), field.config().network().width(),
                field.config().network().activation().type(), view, field.paramCount(), mc.samplesPerStep(), mc.step(), mc.grid(),
                lossFn.kind() == LossFn.Kind.HUBER ? "huber (delta " + lossFn.delta() + ")" : "l2", back.describe(), FitRequest.stops(tc));
    }
}
