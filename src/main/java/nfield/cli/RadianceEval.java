package nfield.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import nfield.compute.Backend;
import nfield.config.Json;
import nfield.config.MarchingConfig;
import nfield.config.SceneConfig;
import nfield.data.mesh.Normalization;
import nfield.data.nerf.LoadOptions;
import nfield.data.nerf.NerfData;
import nfield.data.nerf.PosedImages;
import nfield.field.Field;
import nfield.io.AtomicFiles;
import nfield.io.FieldFile;
import nfield.radiance.ImageMetrics;
import nfield.radiance.RadianceRenderer;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/** {@code nfield eval FIELD transforms_test.json|data.npz}: PSNR and SSIM of a radiance field on held-out views. */
final class RadianceEval {
    private RadianceEval() {}

    /** The marching settings the field was trained with (its stored scene), else the defaults. */
    static MarchingConfig marching(Path file, FieldFile.Meta meta) {
        String scene = meta.extra().get("scene");
        if (scene == null) return MarchingConfig.defaults();
        return SceneConfig.parse(file + " (__metadata__.scene)", scene).marching();
    }

    /** Whether FIELD names a field file holding a radiance field. */
    static boolean isRadianceFile(String field) throws IOException {
        Path p = Path.of(field);
        return !field.contains(":") && java.nio.file.Files.isRegularFile(p) && FieldFile.readMeta(p).config().kind().equals("radiance");
    }

    /** What rendering a radiance field needs besides its weights, from its metadata. */
    record Settings(Normalization norm, MarchingConfig marching, float[] background, boolean zUp) {
        /** The scene's vertical: {@code --up} when given (y or z), else the one the fit recorded. */
        boolean zUp(String up) {
            return up == null ? zUp : up.equals("z");
        }
    }

    /**
     * The field's normalisation, its scene's marching settings, its background (white when not
     * stored) and its vertical axis (metadata "up", recorded by the fit from the cameras; z, the
     * Blender convention, when not stored).
     */
    static Settings settings(Path file, FieldFile.Meta meta) {
        float[] bg = {1, 1, 1};
        String s = meta.extra().get("background");
        if (s != null) {
            var a = Json.parse(file + ": __metadata__.background", s);
            for (int i = 0; i < 3; i++) bg[i] = (float) a.get(i).asDouble();
        }
        return new Settings(FieldInputs.normalization(file, meta), marching(file, meta), bg, !"y".equals(meta.extra().get("up")));
    }

    /** An image [h, w, 3] in [0, 1], row 0 at the top, as an 8-bit PNG (atomically). */
    static void writePng(Path file, float[] rgb, int w, int h) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) img.setRGB(x, y, rgb(rgb, 3 * (y * w + x)));
        AtomicFiles.write(file, out -> ImageIO.write(img, "png", out));
    }

    static int run(Path fieldFile, String ref, Path images, boolean json, Backends backends) throws Exception {
        FieldFile.Meta meta = FieldFile.readMeta(fieldFile);
        if (!meta.config().kind().equals("radiance")) {
            throw new UserError(fieldFile + ": a " + meta.config().kind() + " field; scoring against posed images (" + ref
                    + ") needs a radiance field");
        }
        Path refPath = Path.of(ref);
        LoadOptions opt = LoadOptions.DEFAULT.withProgress(LoadOptions.Progress.stderr("decoding images"));
        if (ref.toLowerCase(Locale.ROOT).endsWith(".npz")) opt = opt.withSplit("test");
        Settings st = settings(fieldFile, meta);
        float[] bg = st.background();
        opt = opt.withBackground(bg[0], bg[1], bg[2]);
        PosedImages test = NerfData.read(refPath, opt);
        System.err.println(test.describe());
        int w = test.width(), h = test.height();
        ObjectNode o = Json.MAPPER.createObjectNode().put("field", fieldFile.toString()).put("ref", ref);
        ArrayNode views = o.putArray("views");
        double sumPsnr = 0, sumSsim = 0;
        long t0 = System.nanoTime();
        try (Backend backend = backends.open()) {
            Field field = FieldFile.load(fieldFile, backend);
            RadianceRenderer renderer = new RadianceRenderer(field, st.norm(), st.marching());
            for (int k = 0; k < test.count(); k++) {
                final int view = k;
                long t1 = System.nanoTime();
                float[] pred = renderer.render((x, y, dest) -> test.pixelRay(view, x, y, dest, 0), w, h, test.background());
                float[] truth = new float[3 * w * h];
                for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) test.color(k, x, y, truth, 3 * (y * w + x));
                double psnr = ImageMetrics.psnr(pred, truth), ssim = ImageMetrics.ssim(pred, truth, w, h);
                sumPsnr += psnr;
                sumSsim += ssim;
                String name = test.files().get(k);
                views.addObject().put("view", name).put("psnr", psnr).put("ssim", ssim);
                System.err.printf(Locale.ROOT, "view %d/%d %s: PSNR %.2f dB, SSIM %.4f (%.1f s)%n", k + 1, test.count(), name, psnr, ssim,
                        (System.nanoTime() - t1) * 1e-9);
                if (images != null) writePair(images.resolve(String.format(Locale.ROOT, "view_%03d.png", k)), pred, truth, w, h);
            }
        }
        int n = test.count();
        o.put("mean_psnr", sumPsnr / n).put("mean_ssim", sumSsim / n).put("views_count", n)
                .put("seconds", (System.nanoTime() - t0) * 1e-9);
        if (images != null) o.put("images", images.toString());
        if (json) {
            System.out.println(Json.write(o));
        } else {
            System.out.printf(Locale.ROOT, "%s on %s: mean PSNR %.2f dB, mean SSIM %.4f over %d views%s%n", fieldFile, ref, sumPsnr / n,
                    sumSsim / n, n, images == null ? "" : " (prediction|truth images in " + images + ")");
        }
        return 0;
    }

    /** prediction | truth, side by side. */
    private static void writePair(Path file, float[] pred, float[] truth, int w, int h) throws IOException {
        float[] pair = new float[6 * w * h];
        for (int y = 0; y < h; y++) {
            System.arraycopy(pred, 3 * y * w, pair, 6 * y * w, 3 * w);
            System.arraycopy(truth, 3 * y * w, pair, 6 * y * w + 3 * w, 3 * w);
        }
        writePng(file, pair, 2 * w, h);
    }

    private static int rgb(float[] a, int p) {
        int r = Math.round(255 * Math.min(1, Math.max(0, a[p]))), g = Math.round(255 * Math.min(1, Math.max(0, a[p + 1])));
        int b = Math.round(255 * Math.min(1, Math.max(0, a[p + 2])));
        return r << 16 | g << 8 | b;
    }
}
