package nfield.export;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import nfield.cli.Main;
import nfield.compute.ref.RefBackend;
import nfield.config.ActivationConfig;
import nfield.config.ColorConfig;
import nfield.config.EncodingConfig;
import nfield.config.FieldConfig;
import nfield.config.NetworkConfig;
import nfield.geom.Normalization;
import nfield.export.onnx.proto.Onnx.ModelProto;
import nfield.export.onnx.proto.Onnx.StringStringEntryProto;
import nfield.field.Field;
import nfield.field.FittedField;
import nfield.field.HashEncoding;
import nfield.io.FieldFile;
import nfield.testing.Harness;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The ONNX export run by ONNX Runtime against {@link ExportedField#evaluate}, on fresh random
 * points in original coordinates (a non-identity normalisation; points well outside the field's
 * [-1, 1]^3 too): per output column, max |onnx − nfield| / max |nfield| ≤ {@value #REL}, and every
 * element within {@value #REL} · max(|nfield|, {@value #FLOOR} · max |nfield|).
 */
class OnnxExportTest {
    static final double REL = 1e-5, FLOOR = 0.1;
    /** Field coordinates = (p − c)·s: an off-centre, scaled box. */
    static final String NORMALIZATION = "[0.25, -1.5, 3.0, 0.4]";

    @TempDir
    Path dir;

    static OrtEnvironment env;

    @BeforeAll
    static void ort() {
        try {
            env = OrtEnvironment.getEnvironment();
        } catch (Throwable e) { // UnsatisfiedLinkError, or an ExceptionInInitializerError around it
            assumeTrue(false, "ONNX Runtime does not load on this machine (" + e + "); skipping the ONNX export tests");
        }
    }

    static NetworkConfig net(String act, double param, List<Integer> skip) {
        return new NetworkConfig(32, 3, new ActivationConfig(act, param, 0.5), skip, 1, "uniform");
    }

    /** The field with seeded weights (zero biases jittered; hash tables ±0.5 instead of ±1e-4), written and loaded back as export sees it. */
    ExportedField save(String name, FieldConfig fc, long seed) throws IOException {
        Field f = Field.of(fc, new RefBackend());
        double[] p = Harness.params(f, seed);
        if (f.encoding() instanceof HashEncoding h) {
            SplittableRandom rng = new SplittableRandom(seed + 1);
            for (int i = 0; i < h.paramCount(); i++) p[i] = rng.nextDouble() - 0.5;
        }
        f.params().writeParams(p);
        Path file = dir.resolve(name + ".nfield");
        FieldFile.write(file, FittedField.of(file.toString(), f, 123, new Normalization(0.25, -1.5, 3.0, 0.4)), false);
        return ExportedField.load(file, new RefBackend());
    }

    /** n points whose field coordinates are uniform in [-1.5, 1.5]^3, then some far away and some on the box's faces, edges and corners. */
    static float[] points(ExportedField f, int n, long seed) {
        var norm = f.normalization();
        double[] c = {norm.cx(), norm.cy(), norm.cz()};
        SplittableRandom rng = new SplittableRandom(seed);
        float[] xyz = new float[3 * n];
        for (int i = 0; i < n; i++) {
            for (int d = 0; d < 3; d++) {
                double q = i < n - 64 ? 3 * rng.nextDouble() - 1.5
                        : i < n - 32 ? 20 * rng.nextDouble() - 10
                        : rng.nextInt(3) - 1; // -1, 0 or 1 exactly (up to the float rounding of the transform)
                xyz[3 * i + d] = (float) (c[d] + q / norm.scale());
            }
        }
        return xyz;
    }

    static OrtSession session(byte[] model) throws OrtException {
        return env.createSession(model, new OrtSession.SessionOptions());
    }

    /** Runs the model: output name → values [n, cols]. */
    static Map<String, float[]> run(OrtSession s, float[] xyz, int n) throws OrtException {
        return run(s, xyz, null, n);
    }

    /** Runs the model, with {@code dirs} [n, 3] as the directions input unless null. */
    static Map<String, float[]> run(OrtSession s, float[] xyz, float[] dirs, int n) throws OrtException {
        try (OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(xyz), new long[]{n, 3});
             OnnxTensor d = dirs == null ? null : OnnxTensor.createTensor(env, FloatBuffer.wrap(dirs), new long[]{n, 3});
             OrtSession.Result r = s.run(d == null ? Map.of(OnnxExport.INPUT, in) : Map.of(OnnxExport.INPUT, in, OnnxExport.DIRECTIONS, d))) {
            Map<String, float[]> out = new java.util.LinkedHashMap<>();
            for (Map.Entry<String, OnnxValue> e : r) {
                FloatBuffer b = ((OnnxTensor) e.getValue()).getFloatBuffer();
                float[] a = new float[b.remaining()];
                b.get(a);
                out.put(e.getKey(), a);
            }
            return out;
        }
    }

    /**
     * Compares the model's outputs with {@link ExportedField#evaluate} column by column; returns
     * the worst relative error of each column.
     */
    static double[] compare(String what, ExportedField f, byte[] model, int n, long seed) throws OrtException {
        float[] xyz = points(f, n, seed);
        float[] dirs = f.viewDependent() ? NumpyScriptTest.directions(n, seed + 7) : null;
        float[] ref = f.viewDependent() ? f.evaluate(xyz, dirs, n) : f.evaluate(xyz, n);
        Map<String, float[]> out;
        try (OrtSession s = session(model)) {
            out = run(s, xyz, dirs, n);
        }
        int w = f.outputs();
        float[] got = new float[n * w];
        if (f.isSdf()) {
            assertEquals(List.of(OnnxExport.SDF), List.copyOf(out.keySet()));
            System.arraycopy(out.get(OnnxExport.SDF), 0, got, 0, n);
        } else {
            assertEquals(List.of(OnnxExport.DENSITY, OnnxExport.RGB), List.copyOf(out.keySet()));
            float[] density = out.get(OnnxExport.DENSITY), rgb = out.get(OnnxExport.RGB);
            assertEquals(n, density.length);
            assertEquals(3 * n, rgb.length);
            for (int i = 0; i < n; i++) {
                got[4 * i] = density[i];
                System.arraycopy(rgb, 3 * i, got, 4 * i + 1, 3);
            }
        }
        double[] rel = new double[w];
        for (int c = 0; c < w; c++) {
            double diff = 0, scale = 0;
            for (int i = 0; i < n; i++) {
                assertTrue(Float.isFinite(got[i * w + c]), what + ": non-finite output at point " + i);
                diff = Math.max(diff, Math.abs(got[i * w + c] - ref[i * w + c]));
                scale = Math.max(scale, Math.abs(ref[i * w + c]));
            }
            assertTrue(scale > 0, what + ": column " + c + " is all zero; the comparison would be empty");
            rel[c] = diff / scale;
            for (int i = 0; i < n; i++) {
                double r = ref[i * w + c], d = Math.abs(got[i * w + c] - r);
                double tol = REL * Math.max(Math.abs(r), FLOOR * scale);
                if (!(d <= tol)) {
                    throw new AssertionError(String.format(Locale.ROOT, "%s: column %d at point %d (%g, %g, %g): onnx %g vs nfield %g (|diff| %.3g > %.3g)",
                            what, c, i, xyz[3 * i], xyz[3 * i + 1], xyz[3 * i + 2], got[i * w + c], r, d, tol));
                }
            }
            assertTrue(rel[c] <= REL, what + ": column " + c + " relative error " + rel[c]);
        }
        System.out.printf(Locale.ROOT, "onnx %-34s max rel. error per column %s%n", what,
                java.util.Arrays.stream(rel).mapToObj(x -> String.format(Locale.ROOT, "%.2e", x)).collect(Collectors.joining(" ")));
        return rel;
    }

    void check(String what, FieldConfig fc, long seed) throws IOException, OrtException {
        ExportedField f = save(what.replaceAll("[^a-z0-9]+", "_"), fc, seed);
        compare(what, f, OnnxExport.model(f).toByteArray(), 4096, seed + 100);
    }

    @Test
    void identityRelu() throws Exception {
        check("identity relu sdf", new FieldConfig("sdf", new EncodingConfig.Identity(), net("relu", 0, List.of()), "trunc_exp"), 1);
    }

    @Test
    void frequencySoftplusWithSkip() throws Exception {
        check("frequency(6) softplus(100) skip sdf", new FieldConfig("sdf", new EncodingConfig.Frequency(6, true),
                net("softplus", 100, List.of(2)), "trunc_exp"), 2);
        check("frequency(3, no input) softplus(1)", new FieldConfig("sdf", new EncodingConfig.Frequency(3, false),
                net("softplus", 1, List.of()), "trunc_exp"), 3);
    }

    @Test
    void fourierSine() throws Exception {
        check("fourier(16, σ 2) sine(30) sdf", new FieldConfig("sdf", new EncodingConfig.Fourier(16, 2, false),
                net("sine", 30, List.of()), "trunc_exp"), 4);
        check("fourier(8, σ 4, input) relu skip", new FieldConfig("sdf", new EncodingConfig.Fourier(8, 4, true),
                net("relu", 0, List.of(1)), "trunc_exp"), 5);
    }

    @Test
    void hashDenseAndHashedLevels() throws Exception {
        // resolutions 4, 8, 16, 32, 64, 128: (N+1)^3 ≤ 2^11 for the first two levels only
        EncodingConfig.Hash enc = new EncodingConfig.Hash(6, 2, 11, 4, 2.0, true);
        ExportedField f = save("hash", new FieldConfig("sdf", enc, net("relu", 0, List.of(2)), "trunc_exp"), 6);
        var spec = ((HashEncoding) f.field().encoding()).spec();
        assertTrue(spec.dense(0) && spec.dense(1) && !spec.dense(2), "both kinds of level");
        compare("hash(6 levels, 2^11) relu skip sdf", f, OnnxExport.model(f).toByteArray(), 4096, 106);
        check("hash(4 levels, all dense, no input)", new FieldConfig("sdf", new EncodingConfig.Hash(4, 4, 12, 2, 1.5, false),
                net("softplus", 10, List.of()), "trunc_exp"), 7);
        // the sdf-default scene's field: resolutions 16 .. 650, where a float32 cell coordinate would be off by ~ulp(650)
        check("hash(sdf-default: 12 levels, 2^15)", new FieldConfig("sdf", new EncodingConfig.Hash(12, 2, 15, 16, 1.4, true),
                new NetworkConfig(64, 2, ActivationConfig.relu(), List.of(), 0.1, "uniform"), "trunc_exp"), 15);
        check("hash(3 levels, all hashed) sine", new FieldConfig("sdf", new EncodingConfig.Hash(3, 2, 10, 40, 1.7, true),
                net("sine", 30, List.of()), "trunc_exp"), 8);
    }

    @Test
    void radiance() throws Exception {
        check("radiance hash trunc_exp", new FieldConfig("radiance", new EncodingConfig.Hash(5, 2, 10, 4, 1.8, true),
                net("relu", 0, List.of()), "trunc_exp"), 9);
        check("radiance frequency softplus", new FieldConfig("radiance", new EncodingConfig.Frequency(4, true),
                net("softplus", 100, List.of(1)), "softplus"), 10);
    }

    @Test
    void viewDependentRadiance() throws Exception {
        NetworkConfig colour = new NetworkConfig(16, 2, ActivationConfig.relu(), List.of(), 1, "uniform");
        check("radiance hash + colour(sh 4)", new FieldConfig("radiance", new EncodingConfig.Hash(5, 2, 10, 4, 1.8, false),
                net("relu", 0, List.of()), "trunc_exp", new ColorConfig(new EncodingConfig.SphericalHarmonics(4), 15, colour)), 16);
        check("radiance frequency + colour(sh 2, skip)", new FieldConfig("radiance", new EncodingConfig.Frequency(3, true),
                net("softplus", 100, List.of()), "softplus", new ColorConfig(new EncodingConfig.SphericalHarmonics(2), 4,
                new NetworkConfig(8, 2, new ActivationConfig("sine", 3, 0), List.of(2), 1))), 17);
        check("radiance hash + colour(frequency 3)", new FieldConfig("radiance", new EncodingConfig.Hash(4, 2, 10, 4, 2.0, true),
                net("relu", 0, List.of()), "trunc_exp", new ColorConfig(new EncodingConfig.Frequency(3, false), 7, colour)), 18);
        check("radiance identity + colour(sh 1: a constant)", new FieldConfig("radiance", new EncodingConfig.Identity(),
                net("relu", 0, List.of()), "trunc_exp", new ColorConfig(new EncodingConfig.SphericalHarmonics(1), 2, colour)), 19);
        ExportedField f = save("vd_inputs", new FieldConfig("radiance", new EncodingConfig.Identity(), net("relu", 0, List.of()),
                "trunc_exp", new ColorConfig(new EncodingConfig.Identity(), 3, colour)), 20);
        ModelProto m = OnnxExport.model(f);
        assertEquals(List.of(OnnxExport.INPUT, OnnxExport.DIRECTIONS), m.getGraph().getInputList().stream().map(i -> i.getName()).toList());
        assertEquals(List.of(OnnxExport.DENSITY, OnnxExport.RGB), m.getGraph().getOutputList().stream().map(o -> o.getName()).toList());
        compare("radiance identity + colour(identity)", f, m.toByteArray(), 1024, 120);
        List<String> names = new ArrayList<>();
        m.getGraph().getInitializerList().forEach(t -> names.add(t.getName()));
        assertTrue(names.contains("color/network/layers.2.weight"), names.toString());
    }

    @Test
    void anEmptyBatchGivesEmptyOutputs() throws Exception {
        ExportedField f = save("empty", new FieldConfig("sdf", new EncodingConfig.Hash(3, 2, 10, 4, 2.0, true),
                net("relu", 0, List.of()), "trunc_exp"), 11);
        try (OrtSession s = session(OnnxExport.model(f).toByteArray())) {
            assertEquals(0, run(s, new float[0], 0).get(OnnxExport.SDF).length);
        }
    }

    @Test
    void modelCarriesOpsetAndMetadata() throws Exception {
        ExportedField f = save("meta", new FieldConfig("sdf", new EncodingConfig.Frequency(2, true),
                net("relu", 0, List.of()), "trunc_exp"), 12);
        ModelProto m = ModelProto.parseFrom(OnnxExport.model(f).toByteArray());
        assertEquals(OnnxExport.OPSET, m.getOpsetImport(0).getVersion());
        assertEquals("", m.getOpsetImport(0).getDomain());
        Map<String, String> meta = m.getMetadataPropsList().stream()
                .collect(Collectors.toMap(StringStringEntryProto::getKey, StringStringEntryProto::getValue));
        assertEquals(FieldFile.VERSION, meta.get("nfield.version"));
        assertEquals(f.field().config(), FieldConfig.parse(new nfield.config.ConfigNode("meta", "field",
                nfield.config.Json.parse("meta", meta.get("nfield.field")))));
        assertEquals("[0.25, -1.5, 3.0, 0.4]", meta.get("nfield.normalization"));
        assertEquals("123", meta.get("nfield.steps"));
        List<String> names = new ArrayList<>();
        m.getGraph().getInitializerList().forEach(t -> names.add(t.getName()));
        assertTrue(names.contains("network/layers.0.weight"), names.toString());
        try (OrtSession s = session(m.toByteArray())) {
            assertEquals("[0.25, -1.5, 3.0, 0.4]", s.getMetadata().getCustomMetadata().get("nfield.normalization"));
        }
    }

    @Test
    void aHiddenActivationWithoutAnOnnxFormIsNamed() throws Exception {
        // scene files allow relu, softplus and sine only, so this field is built in memory
        FieldConfig fc = new FieldConfig("sdf", new EncodingConfig.Identity(), net("sigmoid", 0, List.of()), "trunc_exp");
        Field field = Field.of(fc, new RefBackend());
        field.init(13);
        ExportedField f = ExportedField.of(dir.resolve("sigmoid.nfield"),
                FittedField.of("sigmoid.nfield", field, 0, Normalization.IDENTITY));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OnnxExport.model(f));
        assertTrue(e.getMessage().contains("sigmoid"), e.getMessage());
    }

    @Test
    void cliExportsOnnx() throws Exception {
        ExportedField f = save("cli", new FieldConfig("sdf", new EncodingConfig.Hash(4, 2, 10, 4, 2.0, true),
                net("relu", 0, List.of()), "trunc_exp"), 14);
        Path out = dir.resolve("cli.onnx");
        assertEquals(0, Main.execute("export", f.file().toString(), "-o", out.toString(), "--backend", "java"));
        compare("cli: hash relu sdf", f, Files.readAllBytes(out), 2048, 114);
        // an existing file is kept without --force; --format picks onnx whatever the extension
        assertFalse(Main.execute("export", f.file().toString(), "-o", out.toString(), "--backend", "java") == 0);
        Path other = dir.resolve("model.bin");
        assertEquals(0, Main.execute("export", f.file().toString(), "-o", other.toString(), "--format", "onnx", "--backend", "java"));
        assertEquals(List.of(OnnxExport.SDF), List.copyOf(ModelProto.parseFrom(Files.readAllBytes(other)).getGraph()
                .getOutputList().stream().map(o -> o.getName()).toList()));
    }
}
