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
    public record View(String name, double psnr, double ssim, double seconds) {}

    /** Every view's figures, their means, the whole time. */
    public record Result(List<View> views, double meanPsnr, double meanSsim, double seconds) {
        /** The figures as {@code nfield eval --json} prints them: per view, the means, the time. */
        public ObjectNode toJson(String field, String ref) {
            ObjectNode o = Json.MAPPER.createObjectNode().put("field", field).put("ref", ref);
            ArrayNode a = o.putArray("views");
            for (View v : views) a.addObject().put("view", v.name()).put("psnr", v.psnr()).put("ssim", v.ssim());
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

    private static float[] render(RadianceRenderer renderer, PosedImages views, int k) {
        return renderer.render((x, y, dest) -> views.pixelRay(k, x, y, dest, 0), views.width(), views.height(), views.background());
    }

    /** Scores {@code f} on {@code test}; with {@code images}, writes prediction|truth PNGs there (view_000.png, ...). */
    public static Result run(FittedField f, PosedImages test, Path images, Consumer<View> progress) throws IOException {
        int w = test.width(), h = test.height();
        RadianceRenderer renderer = RadianceRenderer.of(f);
        List<View> views = new ArrayList<>();
        double sumPsnr = 0, sumSsim = 0;
        long t0 = System.nanoTime();
        for (int k = 0; k < test.count(); k++) {
            final int view = k;
            long t1 = System.nanoTime();
            float[] pred = render(renderer, test, view);
            float[] truth = new float[3 * w * h];
            for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) test.color(k, x, y, truth, 3 * (y * w + x));
            double psnr = ImageMetrics.psnr(pred, truth), ssim = ImageMetrics.ssim(pred, truth, w, h);
            sumPsnr += psnr;
            sumSsim += ssim;
            View v = new View(test.files().get(k), psnr, ssim, (System.nanoTime() - t1) * 1e-9);
            views.add(v);
            progress.accept(v);
            if (images != null) Images.writePair(images.resolve(String.format(Locale.ROOT, "view_%03d.png", k)), pred, truth, w, h);
        }
        int n = test.count();
        return new Result(views, sumPsnr / n, sumSsim / n, (System.nanoTime() - t0) * 1e-9);
    }
}
