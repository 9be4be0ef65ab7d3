package nfield.export;

import nfield.field.FittedField;
import nfield.geom.Normalization;
import nfield.compute.Backend;
import nfield.compute.ref.RefBackend;
import nfield.config.ActivationConfig;
import nfield.config.ColorConfig;
import nfield.config.EncodingConfig;
import nfield.config.FieldConfig;
import nfield.config.NetworkConfig;
import nfield.field.Field;
import nfield.io.FieldFile;
import nfield.testing.Harness;
import nfield.testing.OpenCl;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * tools/nfield_eval.py (NumPy only, no nfield code) reads a field's safetensors file and
 * reproduces nfield's outputs on fresh random points: max |numpy − nfield| / max |nfield| ≤ 1e-5
 * per output column, for every encoding, activation and kind (view-dependent radiance fields with
 * their directions too), on OpenCL (where present) and on the Java reference.
 */
class NumpyScriptTest {
    static final double TOLERANCE = 1e-5;
    static final Path SCRIPT = Path.of("tools/nfield_eval.py");
    static final double[] NORMALIZATION = {0.7, -1.3, 2.1, 0.45};

    @TempDir
    Path dir;

    @BeforeAll
    static void needsNumpy() throws Exception {
        Assumptions.assumeTrue(Files.isRegularFile(SCRIPT), "run from the repository root (tools/nfield_eval.py)");
        Process p;
        try {
            p = new ProcessBuilder("python3", "-c", "import numpy").redirectErrorStream(true).start();
        } catch (IOException e) {
            Assumptions.abort("needs python3 with NumPy (Debian: python3-numpy; CI installs it): " + e.getMessage());
            return;
        }
        Assumptions.assumeTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0,
                "needs python3 with NumPy (Debian: python3-numpy; CI installs it)");
    }

    static List<FieldConfig> configs() {
        ActivationConfig softplus = new ActivationConfig("softplus", 20, 1), sine = new ActivationConfig("sine", 3, 0);
        ActivationConfig relu = ActivationConfig.relu();
        return List.of(
                new FieldConfig("sdf", new EncodingConfig.Identity(), new NetworkConfig(16, 2, sine, List.of(), 1), "trunc_exp"),
                new FieldConfig("sdf", new EncodingConfig.Frequency(4, true), new NetworkConfig(32, 3, relu, List.of(2), 1), "trunc_exp"),
                new FieldConfig("sdf", new EncodingConfig.Fourier(16, 2, false), new NetworkConfig(24, 2, softplus, List.of(), 1), "trunc_exp"),
                new FieldConfig("sdf", new EncodingConfig.Hash(6, 2, 10, 4, 1.6, true), new NetworkConfig(16, 2, relu, List.of(), 1), "trunc_exp"),
                new FieldConfig("radiance", new EncodingConfig.Hash(4, 2, 9, 6, 1.5, false), new NetworkConfig(16, 2, relu, List.of(), 1), "trunc_exp"),
                new FieldConfig("radiance", new EncodingConfig.Frequency(3, true), new NetworkConfig(16, 2, softplus, List.of(1), 1), "softplus"),
                new FieldConfig("radiance", new EncodingConfig.Hash(4, 2, 9, 6, 1.5, false), new NetworkConfig(16, 2, relu, List.of(), 1), "trunc_exp",
                        new ColorConfig(new EncodingConfig.SphericalHarmonics(4), 7, new NetworkConfig(16, 2, relu, List.of(), 1))),
                new FieldConfig("radiance", new EncodingConfig.Frequency(2, true), new NetworkConfig(16, 2, relu, List.of(), 1), "softplus",
                        new ColorConfig(new EncodingConfig.Frequency(2, true), 3, new NetworkConfig(8, 2, sine, List.of(1), 1))),
                new FieldConfig("radiance", new EncodingConfig.Identity(), new NetworkConfig(16, 1, relu, List.of(), 1), "trunc_exp",
                        new ColorConfig(new EncodingConfig.SphericalHarmonics(3), 0, new NetworkConfig(8, 1, relu, List.of(), 1))));
    }

    /** A field with weights large enough that every part (the hash tables too) matters. */
    static Field randomField(FieldConfig cfg, Backend backend, long seed) {
        Field f = Field.of(cfg, backend);
        f.init(seed);
        double[] p = f.params().readParams();
        if (cfg.encoding() instanceof EncodingConfig.Hash) {
            double[] u = Harness.uniform(f.encoding().paramCount(), seed + 1);
            System.arraycopy(u, 0, p, 0, u.length); // tables in [-1, 1] instead of ±1e-4
        }
        f.params().writeParams(Harness.toFloat(p));
        return f;
    }

    @Test
    void numpyReproducesTheReferenceBackend() throws Exception {
        try (RefBackend b = new RefBackend()) {
            check(b);
        }
    }

    @Test
    void numpyReproducesOpenCl() throws Exception {
        check(OpenCl.open());
    }

    private void check(Backend backend) throws Exception {
        int n = 3000;
        float[] pts = new float[3 * n];
        double[] u = Harness.uniform(3 * n, System.nanoTime()); // fresh points every run
        // original coordinates spanning the field's box [-1, 1]^3 and a margin outside it
        for (int i = 0; i < 3 * n; i++) pts[i] = (float) (NORMALIZATION[i % 3] + 1.3 * u[i] / NORMALIZATION[3]);
        Path pointsFile = dir.resolve("points.npy");
        writeNpy(pointsFile, pts, n, 3);
        float[] dirs = directions(n, System.nanoTime());
        Path dirsFile = dir.resolve("directions.npy");
        writeNpy(dirsFile, dirs, n, 3);
        int k = 0;
        for (FieldConfig cfg : configs()) {
            Field f = randomField(cfg, backend, 100 + k);
            Path file = dir.resolve("f" + k + ".safetensors");
            FieldFile.write(file, FittedField.of(file.toString(), f, 0, new Normalization(0.7, -1.3, 2.1, 0.45)), false);
            boolean vd = cfg.viewDependent();
            float[] want = vd ? ExportedField.load(file, backend).evaluate(pts, dirs, n) : ExportedField.load(file, backend).evaluate(pts, n);
            Path out = dir.resolve("out" + k + ".npy");
            List<String> cmd = new java.util.ArrayList<>(List.of("python3", SCRIPT.toString(), file.toString(), pointsFile.toString()));
            if (vd) cmd.add(dirsFile.toString());
            cmd.addAll(List.of("-o", out.toString()));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "nfield_eval.py did not finish");
            assertEquals(0, p.exitValue(), log);
            int w = f.outputWidth();
            float[] got = readNpy(out, n, w);
            for (int c = 0; c < w; c++) {
                double scale = 0, err = 0;
                for (int i = 0; i < n; i++) {
                    scale = Math.max(scale, Math.abs(want[i * w + c]));
                    err = Math.max(err, Math.abs(want[i * w + c] - got[i * w + c]));
                }
                String what = cfg.encoding().type() + " " + cfg.network().activation().type() + " " + cfg.kind()
                        + (vd ? " + colour(" + cfg.color().directionEncoding().type() + ")" : "") + " column " + c
                        + " on " + backend.name();
                assertTrue(scale > 1e-3, what + ": outputs too small to test (" + scale + ")");
                assertTrue(err <= TOLERANCE * scale, what + ": max error " + err + " vs max |value| " + scale
                        + " (relative " + err / scale + ")");
                System.out.printf("nfield_eval.py vs nfield, %s: relative error %.2e%n", what, err / scale);
            }
            k++;
        }
    }

    /** n unit vectors, uniform on the sphere. */
    static float[] directions(int n, long seed) {
        java.util.SplittableRandom rng = new java.util.SplittableRandom(seed);
        float[] d = new float[3 * n];
        for (int i = 0; i < n; i++) {
            double x = rng.nextGaussian(), y = rng.nextGaussian(), z = rng.nextGaussian(), l = Math.sqrt(x * x + y * y + z * z);
            d[3 * i] = (float) (x / l);
            d[3 * i + 1] = (float) (y / l);
            d[3 * i + 2] = (float) (z / l);
        }
        return d;
    }

    /** A view-dependent field without its directions: the script says so and exits with status 2. */
    @Test
    void numpyAsksForDirections() throws Exception {
        FieldConfig cfg = configs().stream().filter(FieldConfig::viewDependent).findFirst().orElseThrow();
        try (RefBackend b = new RefBackend()) {
            Field f = randomField(cfg, b, 7);
            Path file = dir.resolve("vd.safetensors"), pointsFile = dir.resolve("p.npy");
            FieldFile.write(file, FittedField.of(file.toString(), f, 0, Normalization.IDENTITY), false);
            writeNpy(pointsFile, new float[]{0, 0, 0}, 1, 3);
            Process p = new ProcessBuilder("python3", SCRIPT.toString(), file.toString(), pointsFile.toString())
                    .redirectErrorStream(true).start();
            String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            assertEquals(2, p.exitValue(), log);
            assertTrue(log.contains("view direction"), log);
        }
    }

    static void writeNpy(Path file, float[] a, int rows, int cols) throws IOException {
        String h = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + rows + ", " + cols + "), }";
        int pad = (64 - (10 + h.length() + 1) % 64) % 64;
        h = h + " ".repeat(pad) + "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + h.length() + 4 * a.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0).putShort((short) h.length());
        b.put(h.getBytes(StandardCharsets.US_ASCII));
        for (float x : a) b.putFloat(x);
        Files.write(file, b.array());
    }

    static float[] readNpy(Path file, int rows, int cols) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        int hl = b.getShort(8) & 0xffff;
        String h = new String(b.array(), 10, hl, StandardCharsets.US_ASCII);
        assertTrue(h.contains("'<f4'") && h.contains("(" + rows + ", " + cols + ")"), "unexpected .npy header " + h);
        float[] a = new float[rows * cols];
        b.position(10 + hl);
        for (int i = 0; i < a.length; i++) a[i] = b.getFloat();
        return a;
    }
}
