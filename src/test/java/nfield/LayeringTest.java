package nfield;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The package layering of ARCHITECTURE.md on the compiled classes: tools/check-layers.sh runs
 * jdeps and lists every import against cli → pipeline → {train, radiance, render, export, io}
 * → field → {compute, data} → {config, geom}.
 */
class LayeringTest {
    @Test
    void noImportRunsAgainstTheLayers() throws IOException, InterruptedException {
        Path script = Path.of("tools/check-layers.sh"), classes = Path.of("target/classes");
        assertTrue(Files.isRegularFile(script) && Files.isDirectory(classes.resolve("nfield")), "run from the project root after compiling");
        Process p = new ProcessBuilder("bash", script.toString(), classes.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "jdeps finished");
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("package edges, all along cli"), out);
    }
}
