package nfield.cli;

import nfield.io.FieldFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A fit killed with SIGKILL (a real child JVM, {@code Process.destroyForcibly}) keeps its last
 * periodic checkpoint whole, and {@code fit --resume} continues from it.
 */
class CheckpointKillTest {
    @TempDir
    Path dir;

    @Test
    void aFitKilledWithSigkillResumesFromItsLastCheckpoint() throws Exception {
        Path f = dir.resolve("k.nfield"), scene = dir.resolve("scene.json");
        Files.writeString(scene, """
                {"field": {"kind": "sdf", "encoding": {"type": "frequency", "octaves": 2}, "network": {"width": 8, "hidden_layers": 1}},
                 "train": {"batch": 128, "steps": 100000000, "pool_size": 2048, "refresh_every": 0, "log_every": 5}}
                """);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "nfield.cli.Main", "fit", "analytic:sphere",
                "-o", f.toString(), "--config", scene.toString(), "--time", "300s", "--checkpoint-every", "0.5s", "--backend", "java")
                .redirectErrorStream(true).redirectOutput(dir.resolve("fit.log").toFile()).start();
        long first = -1, last = -1, deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        try {
            while (System.nanoTime() < deadline && p.isAlive()) {
                if (Files.exists(f)) {
                    last = FieldFile.readMeta(f).steps(); // a reader sees the old checkpoint or the new one, never a part
                    if (first < 0) first = last;
                    else if (last > first) break;
                }
                Thread.sleep(50);
            }
        } finally {
            p.destroyForcibly(); // SIGKILL on Linux: no shutdown hook runs, nothing is written at the end
            p.waitFor(30, TimeUnit.SECONDS);
        }
        assertTrue(last > first && first > 0, "two checkpoints were written while the fit ran (" + first + ", " + last + " steps): "
                + Files.readString(dir.resolve("fit.log")));
        long kept = FieldFile.readMeta(f).steps();
        assertTrue(kept >= last, "the last checkpoint is kept whole: " + kept + " steps");
        assertTrue(Files.readString(dir.resolve("fit.log")).contains("checkpoint " + f + " at "), "it said so");

        CliTest.Run r = CliTest.run("fit", "analytic:sphere", "-o", f.toString(), "--config", scene.toString(), "--resume", f.toString(),
                "--steps", "5", "--backend", "java");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("resuming " + f + " at step " + kept), r.err());
        assertEquals(kept + 5, FieldFile.readMeta(f).steps(), "the resumed fit continued from the checkpoint");
    }
}
