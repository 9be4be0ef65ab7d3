package nfield.field;

import nfield.compute.Backend;
import nfield.compute.ParamStore;
import nfield.compute.Tensor;
import nfield.compute.ref.RefBackend;
import nfield.config.ColorConfig;
import nfield.config.ConfigException;
import nfield.config.FieldConfig;
import nfield.config.SceneConfig;
import nfield.geom.Normalization;
import nfield.io.FieldFile;
import nfield.testing.Components;
import nfield.testing.Harness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Per-image appearance codes in the colour network (field.color.appearance): their place in the
 * parameters, that the code changes the colour and not the density, that folding a code into the
 * colour network (what render, eval and export load) gives the same field, and the file round
 * trip. The gradients and OpenCL parity are in the component suites (GradientCheckTest, ParityTest).
 */
class AppearanceCodesTest {
    static final int ROWS = 300;

    @TempDir
    Path dir;

    private static double[] pointsAndDirections(Backend b, Tensor p, Tensor d, long seed) {
        b.write(p, Harness.uniform(3 * ROWS, seed));
        double[] g = Harness.uniform(3 * ROWS, seed + 1);
        for (int i = 0; i < ROWS; i++) {
            double l = Math.sqrt(g[3 * i] * g[3 * i] + g[3 * i + 1] * g[3 * i + 1] + g[3 * i + 2] * g[3 * i + 2]);
            for (int k = 0; k < 3; k++) g[3 * i + k] /= l;
        }
        b.write(d, g);
        return g;
    }

    /** Rows all of image {@code k}. */
    private static Tensor all(Backend b, int k) {
        Tensor t = b.alloc(ROWS, 1);
        b.fill(t, k);
        return t;
    }

    @Test
    void theCodesEndTheParametersAndWidenTheColourInput() {
        for (FieldConfig fc : Components.appearanceFields()) {
            Field f = Field.of(fc, new RefBackend());
            ColorConfig.Appearance a = fc.color().appearance();
            ParamStore.Slice last = f.params().slices().get(f.params().slices().size() - 1);
            assertEquals("color.appearance", last.name());
            assertArrayEquals(new int[]{a.images(), a.size()}, last.shape());
            assertEquals(f.paramCount(), last.offset() + last.length());
            Field plain = Field.of(RadianceField.withoutAppearance(fc), new RefBackend());
            assertEquals(plain.colorNetwork().inputWidth() + a.size(), f.colorNetwork().inputWidth());
            assertNull(((RadianceField) plain).appearance());
        }
    }

    @Test
    void theCodeChangesTheColourOnly() {
        for (FieldConfig fc : Components.appearanceFields()) {
            Backend b = new RefBackend();
            RadianceField f = (RadianceField) Field.of(fc, b);
            f.params().writeParams(Harness.params(f, 3));
            Tensor p = b.alloc(ROWS, 3), d = b.alloc(ROWS, 3), out = b.alloc(ROWS, 4);
            pointsAndDirections(b, p, d, 4);
            f.useImages(all(b, 0));
            f.forward(p, d, out);
            double[] a = b.read(out);
            f.useImages(all(b, 1));
            f.forward(p, d, out);
            double[] c = b.read(out);
            double colour = 0;
            for (int i = 0; i < ROWS; i++) {
                assertEquals(a[4 * i], c[4 * i], 0, "the density depends on the image");
                for (int k = 1; k < 4; k++) colour = Math.max(colour, Math.abs(a[4 * i + k] - c[4 * i + k]));
            }
            assertTrue(colour > 1e-3, "the code does not reach the colour: " + colour);
        }
    }

    /**
     * Image k's code folded into the colour network's biases (first layer and skip layers) gives
     * the field's output with every row on image k, to 1e-12 (float64 reference); the mean code so
     * folded gives what rows without images get; and useCode's code likewise.
     */
    @Test
    void aFoldedCodeIsTheSameField() {
        for (FieldConfig fc : Components.appearanceFields()) {
            Backend b = new RefBackend();
            RadianceField f = (RadianceField) Field.of(fc, b);
            double[] params = Harness.params(f, 11);
            f.params().writeParams(params);
            Tensor p = b.alloc(ROWS, 3), d = b.alloc(ROWS, 3), out = b.alloc(ROWS, 4);
            pointsAndDirections(b, p, d, 12);
            Field plain = Field.of(RadianceField.withoutAppearance(fc), b);
            int images = fc.color().appearance().images();
            for (int k = -1; k < images; k++) {
                f.useImages(k == -1 ? null : all(b, k));
                f.forward(p, d, out);
                double[] want = b.read(out);
                plain.params().writeParams(RadianceField.bakedParams(fc, params, k));
                plain.forward(p, d, out);
                double[] got = b.read(out);
                assertTrue(Harness.relError(got, want) < 1e-12, fc.encoding().type() + " code " + k + ": " + Harness.relError(got, want));
            }
            double[] mean = f.appearanceCode(-1), two = f.appearanceCode(2);
            double[] expect = new double[mean.length];
            int size = mean.length, off = f.params().slices().get(f.params().slices().size() - 1).offset();
            for (int k = 0; k < images; k++) for (int j = 0; j < size; j++) expect[j] += params[off + k * size + j] / images;
            assertArrayEquals(expect, mean, 1e-12);
            f.useImages(null);
            f.useCode(two);
            f.forward(p, d, out);
            double[] withTwo = b.read(out);
            f.useImages(all(b, 2));
            f.forward(p, d, out);
            assertArrayEquals(b.read(out), withTwo, 1e-12, "useCode(code 2) differs from rows of image 2");
            assertThrows(IllegalArgumentException.class, () -> RadianceField.bakedParams(fc, params, images));
        }
    }

    /**
     * A field file with codes: load folds in the mean (or --appearance K's code) and drops them
     * from the config; loadForTraining keeps them (a resumed fit trains them on).
     */
    @Test
    void filesKeepTheCodesAndLoadFoldsThemIn() throws IOException {
        FieldConfig fc = Components.appearanceFields().get(0);
        Backend b = new RefBackend();
        RadianceField f = (RadianceField) Field.of(fc, b);
        double[] params = Harness.toFloat(Harness.params(f, 21));
        f.params().writeParams(params);
        Path file = dir.resolve("coded.nfield");
        FieldFile.write(file, FittedField.of("coded", f, 7, Normalization.IDENTITY), false);

        FittedField trained = FieldFile.loadForTraining(file, b);
        assertEquals(fc, trained.field().config());
        assertArrayEquals(params, trained.field().params().readParams(), 0);

        Tensor p = b.alloc(ROWS, 3), d = b.alloc(ROWS, 3), out = b.alloc(ROWS, 4);
        pointsAndDirections(b, p, d, 22);
        for (int k : new int[]{FieldFile.MEAN_APPEARANCE, 3}) {
            FittedField used = k == FieldFile.MEAN_APPEARANCE ? FieldFile.load(file, b) : FieldFile.load(file, b, k);
            assertEquals(RadianceField.withoutAppearance(fc), used.field().config());
            assertEquals(used.field().config(), used.meta().config());
            assertNull(((RadianceField) used.field()).appearance());
            used.field().forward(p, d, out);
            double[] got = b.read(out);
            f.useImages(k == FieldFile.MEAN_APPEARANCE ? null : all(b, k));
            f.forward(p, d, out);
            assertTrue(Harness.relError(got, b.read(out)) < 1e-6, "code " + k + ": " + Harness.relError(got, b.read(out)));
        }
        IOException e = assertThrows(IOException.class, () -> FieldFile.load(file, b, 5));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("images 0..4"), e.getMessage());
    }

    /**
     * Float64 central differences (h = 1e-6) of Σ g ⊙ out with respect to every code entry, against
     * the backward pass (the component suite checks a random sample of all parameters, which may
     * miss the few codes): max |analytic − numeric| ≤ 1e-6 · max(1, max |numeric|). Rows cycle
     * through the images, so every code's gradient sums over many rows.
     */
    @Test
    void finiteDifferencesOfEveryCode() {
        for (Components.Case c : Components.all()) {
            if (!c.name().startsWith("field radiance appearance codes")) continue;
            nfield.testing.Standalone s = c.build().apply(new RefBackend());
            int rows = 40;
            double[] p = Harness.params(s.component(), 31), x = c.smooth().draw(rows, 6, 32), g = Harness.uniform(rows * 4, 33);
            for (int r = 0; r < rows; r++) { // unit directions
                double l = Math.sqrt(x[6 * r + 3] * x[6 * r + 3] + x[6 * r + 4] * x[6 * r + 4] + x[6 * r + 5] * x[6 * r + 5]);
                for (int k = 3; k < 6; k++) x[6 * r + k] /= l;
            }
            Harness.Result r = Harness.run(s, p, x, rows, g.clone());
            ParamStore.Slice codes = s.store().slices().get(s.store().slices().size() - 1);
            assertEquals("color.appearance", codes.name());
            double err = 0, scale = 0, h = 1e-6;
            for (int i = codes.offset(); i < codes.offset() + codes.length(); i++) {
                double keep = p[i];
                p[i] = keep + h;
                double fp = Harness.objective(s, p, x, rows, g);
                p[i] = keep - h;
                double fm = Harness.objective(s, p, x, rows, g);
                p[i] = keep;
                double num = (fp - fm) / (2 * h);
                err = Math.max(err, Math.abs(num - r.dParams()[i]));
                scale = Math.max(scale, Math.abs(num));
            }
            System.out.printf(java.util.Locale.ROOT, "%s: d/dcodes max err %.1e (max |g| %.2g, %d codes)%n", c.name(), err, scale, codes.length());
            assertTrue(scale > 1e-3, c.name() + ": code gradients too small to test (" + scale + ")");
            assertTrue(err <= 1e-6 * Math.max(1, scale), c.name() + ": d/dcodes max error " + err + " (max |numeric| " + scale + ")");
        }
    }

    @Test
    void scenesTakeAppearanceCodesAndCheckThem() {
        String base = """
                {"field": {"kind": "radiance", "encoding": {"type": "frequency", "octaves": 2},
                           "network": {"width": 16, "hidden_layers": 1},
                           "color": {"direction_encoding": {"type": "spherical_harmonics", "degree": 2}, "geometry_features": 3,
                                     "network": {"width": 8, "hidden_layers": 1}%s}}}
                """;
        SceneConfig none = SceneConfig.parse("s", String.format(base, ""));
        assertNull(none.field().color().appearance());
        assertFalse(none.field().color().toJson().has("appearance"));
        SceneConfig coded = SceneConfig.parse("s", String.format(base, ", \"appearance\": {\"size\": 8}"));
        assertEquals(new ColorConfig.Appearance(8, 0), coded.field().color().appearance(), "images: set by the fit");
        assertEquals(coded.field().color(), ColorConfig.parse(new nfield.config.ConfigNode("s", "",
                coded.field().color().toJson())), "toJson parses back");
        ConfigException e = assertThrows(ConfigException.class,
                () -> SceneConfig.parse("s", String.format(base, ", \"appearance\": {\"size\": 0}")));
        assertTrue(e.getMessage().contains("field.color.appearance.size"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> SceneConfig.parse("s", String.format(base, ", \"appearance\": {\"sise\": 4}")));
        assertTrue(e.getMessage().contains("sise"), e.getMessage());
        IllegalArgumentException noCount = assertThrows(IllegalArgumentException.class, () -> Field.of(coded.field(), new RefBackend()));
        assertTrue(noCount.getMessage().contains("number of training images"), noCount.getMessage());
    }
}
