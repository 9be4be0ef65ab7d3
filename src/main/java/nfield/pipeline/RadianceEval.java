package nfield.pipeline;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import nfield.config.Json;
import nfield.data.nerf.LoadOptions;
import nfield.data.nerf.NerfData;
import nfield.data.nerf.PosedImages;
import nfield.field.FittedField;
import nfield.radiance.ImageMetrics;
import nfield.radiance.RadianceRenderer;
import nfield.radiance.RayMarcher;
import nfield.render.Images;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * A radiance field scored on held-out posed images: every view rendered from its camera on the
 * field's background, PSNR and SSIM against its image, and their means.
 */
public final class RadianceEval {
    private RadianceEval() {}

    /** One view's figures and render time. */
    /** One view's figures; {@code alignDegrees} and {@code alignShift} (the data's units) what aligning its camera moved it by, NaN when not aligned. */
    public record View(String name, double psnr, double ssim, double seconds, double alignDegrees, double alignShift) {
        public View(String name, double psnr, double ssim, double seconds) {
            this(name, psnr, ssim, seconds, Double.NaN, Double.NaN);
        }
    }

    /** Every view's figures, their means, the whole time. */
    public record Result(List<View> views, double meanPsnr, double meanSsim, double seconds) {
        /** The figures as {@code nfield eval --json} prints them: per view, the means, the time. */
        public ObjectNode toJson(String field, String ref) {
            ObjectNode o = Json.MAPPER.createObjectNode().put("field", field).put("ref", ref);
            ArrayNode a = o.putArray("views");
            for (View v : views) {
                ObjectNode e = a.addObject().put("view", v.name()).put("psnr", v.psnr()).put("ssim", v.ssim());
                if (!Double.isNaN(v.alignDegrees())) e.put("aligned_degrees", v.alignDegrees()).put("aligned_shift", v.alignShift());
            }
            return o.put("mean_psnr", meanPsnr).put("mean_ssim", meanSsim).put("views_count", views.size()).put("seconds", seconds);
        }
    }

    /**
     * The test views of {@code ref} (a transforms*.json or folder; an .npz's test split),
     * composited on the field's background, described to {@code info}; at 1/{@code downscale}
     * of their resolution. With {@code testEvery} N ≥ 2, the views are every N-th frame of
     * {@code ref} itself; 0 takes the holdout the fit used when {@code ref} is the data it was
     * fitted to, else the test split.
     */
    public static PosedImages testViews(FittedField f, Path ref, int downscale, int testEvery, Consumer<String> info) throws IOException {
        if (f.isSdf()) throw new FitError(f.name() + ": an sdf field; scoring against posed images (" + ref + ") needs a radiance field");
        LoadOptions opt = onBackground(f, downscale).withProgress(LoadOptions.Progress.stderr("decoding images"));
        Integer fitted = f.meta().fittedTo().testEvery();
        if (testEvery == 0 && fitted != null && f.meta().fittedTo().data() != null
                && Path.of(f.meta().fittedTo().data()).normalize().equals(ref.normalize())) {
            testEvery = fitted;
            info.accept("holding out every " + LoadOptions.Holdout.ordinal(testEvery) + " frame of " + ref + ", as the fit did (--test-every "
                    + testEvery + ")");
        }
        if (testEvery != 0) opt = opt.withHoldout(testEvery, true);
        else if (ref.toString().toLowerCase(Locale.ROOT).endsWith(".npz")) opt = opt.withSplit("test");
        PosedImages test = NerfData.read(ref, opt);
        info.accept(test.describe());
        return test;
    }

    /**
     * The posed images of {@code data} (null: the data {@code f} was fitted to) at 1/{@code downscale},
     * for their cameras: every frame with an image, in the file's order.
     */
    public static PosedImages cameras(FittedField f, Path data, int downscale) throws IOException {
        if (f.isSdf()) throw new FitError(f.name() + ": an sdf field has no cameras; --camera renders radiance fields");
        if (data == null) {
            if (f.meta().fittedTo().data() == null) throw new FitError(f.name() + ": it does not record its data; name the cameras' file with --data");
            data = Path.of(f.meta().fittedTo().data());
        }
        return NerfData.read(data, onBackground(f, downscale));
    }

    /**
     * Images at 1/{@code downscale}, composited on the field's background (what its renders put
     * behind the rays), with pinhole cameras when the fit read its cameras so.
     */
    private static LoadOptions onBackground(FittedField f, int downscale) {
        if (downscale < 1) throw new FitError("--downscale " + downscale + ": use 1 (full resolution) or more");
        float[] bg = f.radiance().background();
        return LoadOptions.DEFAULT.withDownscale(downscale).withBackground(bg[0], bg[1], bg[2])
                .withPinhole(f.meta().fittedTo().pinholeCameras());
    }

    /**
     * The viewer's orbit camera nearest to camera {@code k} of {@code views} (see
     * {@link nfield.render.Camera#looking}): its centre and the ray through its image centre moved
     * into the field's normalised coordinates, turned to viewer space ({@code zUp}: the scene's z
     * is the viewer's up), and its vertical field of view as a pinhole.
     */
    public static nfield.render.Camera viewerCamera(FittedField f, PosedImages views, int k, boolean zUp) {
        if (k < 0 || k >= views.count()) {
            throw new FitError("--camera " + k + ": " + views.source() + " has cameras 0 .. " + (views.count() - 1));
        }
        nfield.data.nerf.Intrinsics in = views.intrinsics(k).pinhole();
        double[] pose = views.pose(k), centre = new double[6], top = new double[6], bottom = new double[6];
        double w = views.width(), h = views.height();
        PosedImages.ray(pose, 0, in, w / 2, h / 2, centre, 0);
        PosedImages.ray(pose, 0, in, w / 2, 0, top, 0);
        PosedImages.ray(pose, 0, in, w / 2, h, bottom, 0);
        double cos = top[3] * bottom[3] + top[4] * bottom[4] + top[5] * bottom[5];
        double fov = Math.toDegrees(Math.acos(Math.max(-1, Math.min(1, cos))));
        double[] eye = f.normalization().apply(new double[] {centre[0], centre[1], centre[2]});
        return nfield.render.Camera.looking(nfield.render.Camera.fromScene(eye[0], eye[1], eye[2], zUp),
                nfield.render.Camera.fromScene(centre[3], centre[4], centre[5], zUp), Math.max(1, Math.min(170, fov)));
    }

    /** View {@code k} of {@code views} rendered from its camera, the field's background behind: [h, w, 3], row 0 at the top. */
    public static float[] render(FittedField f, PosedImages views, int k) {
        if (k < 0 || k >= views.count()) {
            throw new FitError("--camera " + k + ": " + views.source() + " has cameras 0 .. " + (views.count() - 1));
        }
        return render(RadianceRenderer.of(f), views, k);
    }

    /** {@link #render} of camera {@code k} of {@code data} (null: the fit's) at 1/{@code downscale}, as a PNG; returns the views it took it from. */
    public static PosedImages renderCamera(FittedField f, Path data, int k, int downscale, Path png) throws IOException {
        PosedImages views = cameras(f, data, downscale);
        Images.writePng(png, render(f, views, k), views.width(), views.height());
        return views;
    }

    /**
     * A fly-through: {@code frames} views along the path through the cameras of {@code views} in
     * their order (centres interpolated linearly, orientations by slerp), each a pinhole with the
     * first camera's intrinsics at the views' resolution; frame i into {@code files} (a PNG each,
     * or one animated file), each announced to {@code progress} once rendered.
     */
    public static void renderPath(FittedField f, PosedImages views, int frames, nfield.render.Turntable files,
                                  java.util.function.IntConsumer progress) throws IOException {
        if (frames < 2) throw new FitError("--cameras-path " + frames + ": a path needs 2 frames or more");
        if (views.count() < 2) throw new FitError(views.source() + ": a path needs 2 cameras or more; it has " + views.count());
        RadianceRenderer renderer = RadianceRenderer.of(f);
        nfield.data.nerf.Intrinsics in = views.intrinsics(0).pinhole();
        files.frames(views.width(), views.height(), sink -> {
            for (int i = 0; i < frames; i++) {
                double s = (double) i * (views.count() - 1) / (frames - 1);
                int a = Math.min((int) Math.floor(s), views.count() - 2);
                double[] m = interpolate(views.pose(a), views.pose(a + 1), s - a);
                float[] img = renderer.render((x, y, dest) -> PosedImages.ray(m, 0, in, x + 0.5, y + 0.5, dest, 0),
                        views.width(), views.height(), views.background());
                sink.put(i, nfield.render.Frames.image(img, views.width(), views.height()));
                progress.accept(i);
            }
        });
    }

    /** The pose a share {@code t} of the way from {@code a} to {@code b} (row-major 4×4): centres lerped, rotations slerped. */
    static double[] interpolate(double[] a, double[] b, double t) {
        double[] qa = quaternion(a), qb = quaternion(b);
        double dot = 0;
        for (int i = 0; i < 4; i++) dot += qa[i] * qb[i];
        if (dot < 0) {
            for (int i = 0; i < 4; i++) qb[i] = -qb[i];
            dot = -dot;
        }
        double[] q = new double[4];
        if (dot > 0.9995) {
            for (int i = 0; i < 4; i++) q[i] = qa[i] + t * (qb[i] - qa[i]);
        } else {
            double th = Math.acos(dot), sa = Math.sin((1 - t) * th) / Math.sin(th), sb = Math.sin(t * th) / Math.sin(th);
            for (int i = 0; i < 4; i++) q[i] = sa * qa[i] + sb * qb[i];
        }
        double l = Math.sqrt(q[0] * q[0] + q[1] * q[1] + q[2] * q[2] + q[3] * q[3]);
        double[] r = nfield.geom.Rotations.matrix(q[0] / l, q[1] / l, q[2] / l, q[3] / l);
        return new double[] {
            r[0], r[1], r[2], a[3] + t * (b[3] - a[3]),
            r[3], r[4], r[5], a[7] + t * (b[7] - a[7]),
            r[6], r[7], r[8], a[11] + t * (b[11] - a[11]),
            0, 0, 0, 1};
    }

    /** The unit quaternion (w, x, y, z) of a pose's rotation (row-major 4×4). */
    static double[] quaternion(double[] m) {
        return nfield.geom.Rotations.quaternion(m[0], m[1], m[2], m[4], m[5], m[6], m[8], m[9], m[10]);
    }

    private static float[] render(RadianceRenderer renderer, PosedImages views, int k) {
        return render(renderer, views, k, null);
    }

    /** View k from its camera, with {@code align}'s correction (image 0 of it) when not null. */
    private static float[] render(RadianceRenderer renderer, PosedImages views, int k, nfield.train.CameraRefiner align) {
        double scale = renderer.normalization().scale();
        return renderer.render((x, y, dest) -> {
            views.pixelRay(k, x, y, dest, 0);
            if (align != null) align.applyToData(0, dest, 0, scale);
        }, views.width(), views.height(), views.background());
    }

    /** Rays a step of a held-out camera's alignment draws. */
    static final int ALIGN_RAYS = 1024;
    /** Adam's step size when aligning a held-out camera. */
    static final double ALIGN_LR = 1e-3;

    /**
     * The pose correction that aligns held-out view k's camera to the field, the field frozen:
     * {@code steps} Adam steps (step size {@code lr}) on the photometric error of
     * {@value #ALIGN_RAYS} random pixels of that view each, as BARF (Lin et al. 2021) and NeRF--
     * score a field whose training poses were refined: a held-out pose is as wrong as a training
     * one was, and what is scored should be the field, not that pose.
     */
    public static nfield.train.CameraRefiner align(RadianceRenderer renderer, nfield.field.Field field, PosedImages views, int k, int steps,
                                                    double lr, long seed) {
        nfield.train.CameraRefiner cam = new nfield.train.CameraRefiner(1, lr, renderer.marcher().contracted()).anchored(false);
        java.util.SplittableRandom rng = new java.util.SplittableRandom(seed);
        int w = views.width(), h = views.height(), n = ALIGN_RAYS;
        double[] ray = new double[6];
        int[] image = new int[n];
        float[] bg = new float[3 * n], back = views.background();
        for (int r = 0; r < n; r++) System.arraycopy(back, 0, bg, 3 * r, 3);
        field.params().pointGradientsOnly(true); // the field stays as it is
        try {
            for (int s = 0; s < steps; s++) {
                float[] rays = new float[6 * n], target = new float[3 * n], jitter = new float[n];
                for (int r = 0; r < n; r++) {
                    int x = rng.nextInt(w), y = rng.nextInt(h);
                    views.ray(k, x + rng.nextDouble(), y + rng.nextDouble(), ray, 0);
                    RayMarcher.toField(renderer.normalization(), ray, rays, 6 * r);
                    cam.apply(0, rays, 6 * r);
                    views.color(k, x, y, target, 3 * r);
                    jitter[r] = (float) rng.nextDouble();
                }
                RayMarcher.Samples samples = renderer.marcher().march(rays, n, jitter, renderer.grid());
                nfield.radiance.VolumeBatch.SampleGradients[] g = new nfield.radiance.VolumeBatch.SampleGradients[1];
                renderer.batch().train(samples, bg, target, null, null, g);
                if (g[0] != null) cam.accumulate(samples, g[0].points(), g[0].dirs(), image);
                cam.step();
            }
        } finally {
            field.params().pointGradientsOnly(false);
        }
        return cam;
    }

    /** Scores {@code f} on {@code test}; with {@code images}, writes prediction|truth PNGs there (view_000.png, ...). */
    public static Result run(FittedField f, PosedImages test, Path images, Consumer<View> progress) throws IOException {
        return run(f, test, images, 0, progress);
    }

    /**
     * {@link #run(FittedField, PosedImages, Path, Consumer)}; with {@code alignSteps} > 0 each
     * view's camera is first aligned to the field ({@link #align}, that many steps).
     */
    public static Result run(FittedField f, PosedImages test, Path images, int alignSteps, Consumer<View> progress) throws IOException {
        int w = test.width(), h = test.height();
        RadianceRenderer renderer = RadianceRenderer.of(f);
        List<View> views = new ArrayList<>();
        double sumPsnr = 0, sumSsim = 0;
        long t0 = System.nanoTime();
        for (int k = 0; k < test.count(); k++) {
            final int view = k;
            long t1 = System.nanoTime();
            nfield.train.CameraRefiner aligned = alignSteps > 0 ? align(renderer, f.field(), test, view, alignSteps, ALIGN_LR, 77 + view) : null;
            float[] pred = render(renderer, test, view, aligned);
            float[] truth = new float[3 * w * h];
            for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) test.color(k, x, y, truth, 3 * (y * w + x));
            double psnr = ImageMetrics.psnr(pred, truth), ssim = ImageMetrics.ssim(pred, truth, w, h);
            sumPsnr += psnr;
            sumSsim += ssim;
            View v = new View(test.files().get(k), psnr, ssim, (System.nanoTime() - t1) * 1e-9,
                    aligned == null ? Double.NaN : aligned.angleDegrees(0), aligned == null ? Double.NaN : aligned.shiftLength(0) / f.normalization().scale());
            views.add(v);
            progress.accept(v);
            if (images != null) Images.writePair(images.resolve(String.format(Locale.ROOT, "view_%03d.png", k)), pred, truth, w, h);
        }
        int n = test.count();
        return new Result(views, sumPsnr / n, sumSsim / n, (System.nanoTime() - t0) * 1e-9);
    }
}
