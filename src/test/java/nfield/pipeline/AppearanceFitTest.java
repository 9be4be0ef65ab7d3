package nfield.pipeline;

import nfield.compute.ref.RefBackend;
import nfield.config.SceneConfig;
import nfield.field.FittedField;
import nfield.field.RadianceField;
import nfield.io.FieldFile;
import nfield.testing.PosedSphere;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Appearance codes learn what changes from photo to photo: a sphere whose every training image
 * has its own exposure (a gain on its colours), two photos from each of 4 cameras (so that the
 * view-dependent colour cannot take the exposure for an effect of the direction), fitted with
 * and without codes (java backend, the same steps and seed). With codes, each training view
 * rendered with its own code is closer to its photo, and the codes order the images by their gain.
 */
class AppearanceFitTest {
    @TempDir
    Path dir;

    static final int IMAGES = 8, STEPS = 250;

    /** Image k's gain: 0.45 .. 1.0 in a shuffled order (not the order of the cameras). */
    static double gain(int k) {
        int[] rank = {0, 6, 2, 4, 7, 1, 5, 3}; // the two photos of camera c (c, c + 4) far apart
        return 0.45 + 0.55 * rank[k] / (IMAGES - 1.0);
    }

    static final String SCENE = PosedSphere.SCENE.replace("\"network\": {\"width\": 16, \"hidden_layers\": 1}},",
            "\"network\": {\"width\": 16, \"hidden_layers\": 1},"
                    + " \"color\": {\"direction_encoding\": {\"type\": \"spherical_harmonics\", \"degree\": 2}, \"geometry_features\": 7,"
                    + " \"network\": {\"width\": 16, \"hidden_layers\": 1}}},");

    private Path photos() throws IOException {
        PosedSphere.writeSplit(dir, "train", IMAGES / 2, 0, 0.69, 16);
        Path json = dir.resolve("transforms_train.json");
        var root = (com.fasterxml.jackson.databind.node.ObjectNode) nfield.config.Json.MAPPER.readTree(json.toFile());
        var frames = (com.fasterxml.jackson.databind.node.ArrayNode) root.get("frames");
        for (int k = 0; k < IMAGES / 2; k++) { // a second photo from every camera
            java.nio.file.Files.copy(dir.resolve("train/r_" + k + ".png"), dir.resolve("train/r_" + (k + IMAGES / 2) + ".png"));
            frames.add(frames.get(k).deepCopy()).get(k + IMAGES / 2);
            ((com.fasterxml.jackson.databind.node.ObjectNode) frames.get(k + IMAGES / 2)).put("file_path", "./train/r_" + (k + IMAGES / 2));
        }
        nfield.config.Json.MAPPER.writeValue(json.toFile(), root);
        for (int k = 0; k < IMAGES; k++) {
            Path f = dir.resolve("train/r_" + k + ".png");
            BufferedImage im = ImageIO.read(f.toFile());
            for (int y = 0; y < im.getHeight(); y++) {
                for (int x = 0; x < im.getWidth(); x++) {
                    int argb = im.getRGB(x, y), a = argb >>> 24;
                    int r = (int) Math.round(((argb >> 16) & 255) * gain(k)), g = (int) Math.round(((argb >> 8) & 255) * gain(k)),
                            b = (int) Math.round((argb & 255) * gain(k));
                    im.setRGB(x, y, a << 24 | r << 16 | g << 8 | b);
                }
            }
            ImageIO.write(im, "png", f.toFile());
        }
        return dir.resolve("transforms_train.json");
    }

    /** Each training view's PSNR, rendered with its own code (a field with codes) or as it is. */
    private static double[] ownViewPsnr(Path field, Path data, boolean coded, RefBackend b) throws IOException {
        double[] psnr = new double[IMAGES];
        for (int k = 0; k < IMAGES; k++) {
            FittedField f = coded ? FieldFile.load(field, b, k) : FieldFile.load(field, b);
            var views = RadianceEval.testViews(f, data, 1, 0, s -> {});
            psnr[k] = RadianceEval.run(f, views, null, v -> {}).views().get(k).psnr();
        }
        return psnr;
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) s += x;
        return s / v.length;
    }

    @Test
    void codesExplainEachPhotosExposure() throws IOException {
        Path data = photos();
        SceneConfig scene = SceneConfig.parse("appearance test", SCENE);
        Path plain = dir.resolve("plain.nfield"), coded = dir.resolve("coded.nfield");
        try (RefBackend b = new RefBackend()) {
            FitRequest req = FitRequest.of(data.toString(), scene).withBudget(FitRequest.Budget.steps(STEPS)).withSeed(5);
            RadianceFit.run(req.withOutput(plain), RadianceFit.Options.DEFAULT, b, FitListener.NONE);
            FitResult r = RadianceFit.run(req.withOutput(coded), RadianceFit.Options.DEFAULT.withAppearance(4), b, FitListener.NONE);
            var app = r.fitted().field().config().color().appearance();
            assertEquals(IMAGES, app.images(), "one code per training image");
            assertEquals(4, app.size());
            assertNull(FieldFile.readMeta(plain).config().color().appearance());

            double[] a = ownViewPsnr(plain, data, false, b), c = ownViewPsnr(coded, data, true, b);
            RadianceField trained = (RadianceField) FieldFile.loadForTraining(coded, b).field();
            // the codes' order: each code's effect on brightness, as the view rendered with it against the mean code
            double[] bright = new double[IMAGES];
            FittedField meanField = FieldFile.load(coded, b);
            var views = RadianceEval.testViews(meanField, data, 1, 0, s -> {});
            float[] base = RadianceEval.render(meanField, views, 0);
            for (int k = 0; k < IMAGES; k++) {
                float[] im = RadianceEval.render(FieldFile.load(coded, b, k), views, 0);
                for (int i = 0; i < im.length; i++) bright[k] += im[i] - base[i];
            }
            int concordant = 0, pairs = 0;
            for (int i = 0; i < IMAGES; i++) {
                for (int j = i + 1; j < IMAGES; j++) {
                    pairs++;
                    if ((bright[i] - bright[j]) * (gain(i) - gain(j)) > 0) concordant++;
                }
            }
            System.out.printf(Locale.ROOT, "appearance codes, %d images with gains 0.45..1, %d steps: own-view PSNR %.2f dB without codes, "
                    + "%.2f dB with (per view: %s vs %s); brightness order agrees with the gains on %d of %d pairs%n", IMAGES, STEPS, mean(a),
                    mean(c), java.util.Arrays.toString(round(a)), java.util.Arrays.toString(round(c)), concordant, pairs);
            assertTrue(mean(c) > mean(a) + 2, "codes do not explain the exposures: " + mean(c) + " vs " + mean(a) + " dB");
            assertTrue(concordant >= 0.85 * pairs, "the codes do not order the images by exposure: " + concordant + " of " + pairs);
            assertEquals(IMAGES * 4, trained.params().slices().get(trained.params().slices().size() - 1).length());
            assertThrows(FitError.class, () -> RadianceFit.Options.DEFAULT.withAppearance(300));
        }
    }

    private static double[] round(double[] v) {
        double[] o = new double[v.length];
        for (int i = 0; i < v.length; i++) o[i] = Math.round(v[i] * 10) / 10.0;
        return o;
    }
}
