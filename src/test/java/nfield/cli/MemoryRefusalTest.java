package nfield.cli;

import nfield.compute.ref.RefBackend;
import nfield.pipeline.FitListener;
import nfield.pipeline.FitRequest;
import nfield.pipeline.SdfFit;
import nfield.config.SceneConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Commands that allocate in proportion to what they are asked for estimate it first: in a JVM of
 * 64 MiB, meshing at --res 512, a 4096² render, a 256³ bake and a fit with a pool of 2^24 points are each
 * refused with one line naming the flag that fixes it, and exit 2, instead of dying of an
 * OutOfMemoryError; with a size that fits, the same command works in the same small JVM.
 */
class MemoryRefusalTest {
    @TempDir
    static Path dir;
    static Path field;

    @BeforeAll
    static void fit() throws Exception {
        field = dir.resolve("sphere.nfield");
        SceneConfig scene = SceneConfig.parse("test scene", """
                {"field": {"kind": "sdf", "encoding": {"type": "frequency", "octaves": 2}, "network": {"width": 8, "hidden_layers": 1}},
                 "train": {"batch": 256, "steps": 30, "pool_size": 4096}}
                """);
        try (RefBackend b = new RefBackend()) {
            SdfFit.run(FitRequest.of("analytic:sphere", scene).withBudget(FitRequest.Budget.steps(30)).withOutput(field), b, FitListener.NONE);
        }
    }

    /** {exit status, stderr} of nfield ARGS in a JVM of -Xmx64m. */
    static String[] small(String... args) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx64m", "-cp", System.getProperty("java.class.path"), "nfield.cli.Main"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "finished");
        return new String[]{String.valueOf(p.exitValue()), err};
    }

    static void refused(String[] r, String command, String fix) {
        assertEquals("2", r[0], r[1]);
        String[] lines = r[1].strip().split("\n");
        String last = lines[lines.length - 1];
        assertTrue(last.startsWith("nfield " + command + ": error: ") && last.contains(" needs about ") && last.contains(fix)
                && last.contains("NFIELD_JAVA_OPTS=-Xmx"), r[1]);
        assertFalse(r[1].contains("OutOfMemoryError") || r[1].contains("\tat "), r[1]);
    }

    @Test
    void meshingAtAResolutionTheHeapCannotHoldIsRefused() throws Exception {
        refused(small("mesh", field.toString(), "--res", "512", "-o", dir.resolve("big.ply").toString()), "mesh", "lower --res");
        assertFalse(Files.exists(dir.resolve("big.ply")));
        String[] ok = small("mesh", field.toString(), "--res", "64", "-o", dir.resolve("ok.ply").toString());
        assertEquals("0", ok[0], ok[1]);
    }

    @Test
    void aFrameTheHeapCannotHoldIsRefused() throws Exception {
        refused(small("render", field.toString(), "--size", "4096x4096", "--bake", "32", "--backend", "java", "--out",
                dir.resolve("big.png").toString()), "render", "lower --size");
        assertFalse(Files.exists(dir.resolve("big.png")));
        refused(small("render", field.toString(), "--size", "64x64", "--bake", "256", "--backend", "java", "--out",
                dir.resolve("bake.png").toString()), "render", "lower --bake");
    }

    @Test
    void aSamplePoolTheHeapCannotHoldIsRefused() throws Exception {
        Path scene = Files.writeString(dir.resolve("pool.json"), """
                {"field": {"kind": "sdf", "encoding": {"type": "frequency", "octaves": 2}, "network": {"width": 8, "hidden_layers": 1}},
                 "train": {"batch": 256, "steps": 5, "pool_size": 16777216}}
                """);
        refused(small("fit", "analytic:sphere", "--config", scene.toString(), "--backend", "java", "-o", dir.resolve("p.nfield").toString()),
                "fit", "lower train.pool_size");
    }
}
