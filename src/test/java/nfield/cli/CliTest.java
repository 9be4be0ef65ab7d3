package nfield.cli;

import nfield.field.FittedField;
import nfield.geom.Normalization;
import nfield.io.FieldFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CliTest {
    @TempDir
    Path dir;

    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        PrintStream o = System.out, e = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Main.execute(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(o);
            System.setErr(e);
        }
    }

    @Test
    void fitWritesAFieldAndReportsProgress() throws IOException {
        Path f = dir.resolve("t.nfield");
        Run r = run("fit", "analytic:torus", "-o", f.toString(), "--steps", "30", "--batch", "512", "--backend", "java", "--json");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("step 30/30"), r.err());
        assertTrue(r.out().contains("\"event\":\"done\""), r.out());
        assertEquals(30, FieldFile.readMeta(f).steps());
    }

    /** 30 steps, then --resume for 20 more, equals 50 straight steps (same batches, Adam state restored). */
    @Test
    void resumeContinuesWhereTheCheckpointStopped() throws IOException {
        Path scene = dir.resolve("s.json");
        Files.writeString(scene, """
                {"field": {"kind": "sdf", "encoding": {"type": "frequency", "octaves": 2},
                           "network": {"width": 8, "hidden_layers": 2, "output_scale": 0.1}},
                 "optimizer": {"lr": 0.01, "schedule": {"type": "constant"}},
                 "train": {"batch": 128, "steps": 50, "pool_size": 4096}}
                """);
        Path straight = dir.resolve("a.nfield"), first = dir.resolve("b.nfield"), resumed = dir.resolve("c.nfield");
        String[] common = {"--backend", "java", "--config", scene.toString()};
        assertEquals(0, run(cat(new String[]{"fit", "analytic:sphere", "-o", straight.toString(), "--steps", "50"}, common)).code());
        assertEquals(0, run(cat(new String[]{"fit", "analytic:sphere", "-o", first.toString(), "--steps", "30"}, common)).code());
        Run r = run("fit", "analytic:sphere", "-o", resumed.toString(), "--steps", "20", "--backend", "java",
                "--resume", first.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("resuming " + first + " at step 30"), r.err());
        assertEquals(50, FieldFile.readMeta(resumed).steps());
        try (var b = new nfield.compute.ref.RefBackend()) {
            double[] want = FieldFile.load(straight, b).field().params().readParams();
            double[] got = FieldFile.load(resumed, b).field().params().readParams();
            double scale = 0;
            for (double w : want) scale = Math.max(scale, Math.abs(w));
            for (int i = 0; i < want.length; i++) {
                // checkpoints hold float32: the resumed run differs by rounding only
                assertEquals(want[i], got[i], 1e-4 * scale, "parameter " + i);
            }
        }
        r = run("fit", "analytic:sphere", "-o", resumed.toString(), "--steps", "5", "--backend", "java",
                "--resume", first.toString(), "--config", dir.resolve("other.json").toString());
        assertEquals(2, r.code());
    }

    @Test
    void eikonalTermShowsInTheProgress() {
        Run r = run("fit", "analytic:sphere", "-o", dir.resolve("e.nfield").toString(), "--steps", "4", "--batch", "64",
                "--backend", "java", "--eikonal", "0.1", "--json");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("\"eikonal\":"), r.out());
        assertTrue(r.out().contains("\"sdf\":"), r.out());
    }

    private static String[] cat(String[] a, String[] b) {
        String[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    @Test
    void benchJsonHasTheDocumentedKeys() {
        Run r = run("bench", "--backend", "java", "--batch", "256", "--width", "16", "--layers", "2", "--freqs", "2",
                "--intervals", "1", "--interval-sec", "0.05", "--pool", "1024", "--json");
        assertEquals(0, r.code(), r.err());
        for (String k : List.of("train_points_per_s", "infer_points_per_s", "gflops")) assertTrue(r.out().contains("\"" + k + "\":"), k);
    }

    @Test
    void badInputIsOneLineNotAStackTrace() throws IOException {
        Run r = run("fit", "nowhere.obj", "-o", dir.resolve("x").toString(), "--backend", "java");
        assertEquals(2, r.code());
        assertEquals("nfield fit: error: nowhere.obj: no such file, and not a built-in shape (shape:torus, shape:knot, analytic:torus, analytic:sphere, family:N)\n", r.err());
        Path scene = dir.resolve("s.json");
        Files.writeString(scene, "{\"field\": {\"network\": {\"width\": 0}}}");
        r = run("fit", "analytic:torus", "-o", dir.resolve("x").toString(), "--backend", "java", "--config", scene.toString());
        assertEquals(2, r.code());
        assertEquals("nfield fit: error: " + scene + ": field.network.width: must be in [1, 4096], got 0\n", r.err());
        assertFalse(Files.exists(dir.resolve("x")));
    }

    @Test
    void helpTeaches() {
        Run r = run("fit", "--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("analytic:torus") && r.out().contains("--time"), r.out());
    }

    /** With no OpenCL platform (an ICD loader that finds no vendors), a clear message and exit code 2. */
    @Test
    void noOpenClPlatformSaysWhatToInstall() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"), Main.class.getName(), "devices"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        Path empty = Files.createDirectories(dir.resolve("no-vendors"));
        pb.environment().put("OCL_ICD_VENDORS", empty.toString());
        pb.environment().put("OPENCL_VENDOR_PATH", empty.toString());
        Process p = pb.start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(2, p.exitValue(), text);
        assertTrue(text.contains("apt-get install pocl-opencl-icd") && text.contains("--backend java"), text);
        assertFalse(text.contains("\tat "), "stack trace printed:\n" + text);
    }

    @Test
    void fitManyFitsEachShapeRecordsAFailureAndSaysSoInItsExitStatus() throws IOException {
        Path scene = dir.resolve("small.json"), bad = dir.resolve("bad.obj"), out = dir.resolve("many");
        Files.writeString(scene, """
                {"field": {"kind": "sdf", "encoding": {"type": "frequency", "octaves": 2}, "network": {"width": 8, "hidden_layers": 1}},
                 "train": {"batch": 256, "steps": 10, "pool_size": 2048, "refresh_every": 0, "log_every": 5}}
                """);
        Files.writeString(bad, "v 0 0 0\nf 1 2 3\n");
        Run r = run("fit-many", "shape:torus", bad.toString(), "-o", out.toString(), "--steps", "10", "--config", scene.toString(),
                "--backend", "java", "--json");
        assertEquals(1, r.code(), "a failed shape makes the exit status 1: " + r.err());
        assertTrue(r.err().contains("2 shapes: 1 fitted, 0 done already, 1 failed, in "), r.err());
        assertTrue(r.err().contains("bad    FAILED  read: " + bad + ": line 2: vertex index 3 is out of range"), r.err());
        List<String> events = r.out().lines().toList();
        assertEquals(3, events.stream().filter(l -> l.contains("\"event\":\"shape\"") || l.contains("\"event\":\"done\"")).count(), r.out());
        assertTrue(Files.isRegularFile(out.resolve("torus.nfield")));
        assertTrue(Files.readString(out.resolve("results.jsonl")).lines().count() == 2);

        Run again = run("fit-many", "shape:torus", "-o", out.toString(), "--steps", "10", "--config", scene.toString(), "--backend", "java");
        assertEquals(0, again.code(), again.err());
        assertTrue(again.err().contains("1 of 1 shapes are done already"), again.err());

        Run engine = run("fit-many", "shape:torus", "-o", out.toString(), "--engine", "mapreduce");
        assertEquals(2, engine.code());
        assertTrue(engine.err().contains("--engine mapreduce: local or spark"), engine.err());
    }
}
