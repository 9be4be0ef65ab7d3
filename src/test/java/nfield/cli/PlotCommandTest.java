package nfield.cli;

import nfield.pipeline.TrainingLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The training log a fit writes beside its field (started afresh, appended on resume, a torn
 * last line skipped, a damaged one named), and {@code nfield plot} drawing it and a fit-many
 * run's metrics.
 */
class PlotCommandTest {
    @TempDir
    Path dir;

    Path scene() throws IOException {
        Path scene = dir.resolve("scene.json");
        Files.writeString(scene, """
                {"field": {"kind": "sdf", "encoding": {"type": "frequency", "octaves": 2}, "network": {"width": 8, "hidden_layers": 1}},
                 "train": {"batch": 128, "pool_size": 2048, "refresh_every": 0, "log_every": 10}}
                """);
        return scene;
    }

    /** Distinct colours in an image: a drawn chart has axes, text and lines, not one flat colour. */
    static int colours(BufferedImage img) {
        Set<Integer> c = new HashSet<>();
        for (int y = 0; y < img.getHeight(); y += 2) for (int x = 0; x < img.getWidth(); x += 2) c.add(img.getRGB(x, y));
        return c.size();
    }

    @Test
    void aFitLogsItsCurveAndPlotDrawsIt() throws IOException {
        Path f = dir.resolve("s.nfield"), scene = scene();
        CliTest.Run r = CliTest.run("fit", "analytic:sphere", "-o", f.toString(), "--config", scene.toString(), "--steps", "60",
                "--backend", "java");
        assertEquals(0, r.code(), r.err());
        Path log = dir.resolve("s.train.jsonl");
        List<TrainingLog.Entry> e = TrainingLog.read(log);
        assertEquals(List.of(10L, 20L, 30L, 40L, 50L, 60L), e.stream().map(TrainingLog.Entry::step).toList());
        assertEquals(List.of("sdf"), TrainingLog.terms(e));
        assertTrue(e.get(0).figures().get("sdf") > 0 && e.get(0).figures().containsKey("lr"), e.get(0).toString());

        // resumed into the same file for 40 steps more: appended, the steps going on; a fresh fit over it starts anew
        r = CliTest.run("fit", "analytic:sphere", "-o", f.toString(), "--resume", f.toString(), "--config", scene.toString(),
                "--steps", "40", "--backend", "java");
        assertEquals(0, r.code(), r.err());
        e = TrainingLog.read(log);
        assertEquals(List.of(10L, 20L, 30L, 40L, 50L, 60L, 70L, 80L, 90L, 100L), e.stream().map(TrainingLog.Entry::step).toList());

        Path png = dir.resolve("curve.png");
        r = CliTest.run("plot", f.toString(), "-o", png.toString());
        assertEquals(0, r.code(), r.err());
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(900, img.getWidth());
        assertEquals(560, img.getHeight());
        assertTrue(colours(img) > 20, "a chart was drawn: " + colours(img) + " colours");

        r = CliTest.run("fit", "analytic:sphere", "-o", f.toString(), "--config", scene.toString(), "--steps", "20", "--backend", "java");
        assertEquals(0, r.code(), r.err());
        assertEquals(List.of(10L, 20L), TrainingLog.read(log).stream().map(TrainingLog.Entry::step).toList(), "a fresh fit's log starts anew");
    }

    @Test
    void aTornLastLineIsSkippedAndADamagedLineNamed() throws IOException {
        Path log = dir.resolve("k.train.jsonl");
        Files.writeString(log, "{\"step\":10,\"sdf\":0.5}\n{\"step\":20,\"sdf\":0.25}\n{\"step\":30,\"sd");
        assertEquals(2, TrainingLog.read(log).size());
        Files.writeString(log, "{\"step\":10,\"sdf\":0.5}\n{\"step\":2x}\n{\"step\":30,\"sdf\":0.1}\n");
        CliTest.Run r = CliTest.run("plot", log.toString(), "-o", dir.resolve("x.png").toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("k.train.jsonl:2"), r.err());
        assertFalse(Files.exists(dir.resolve("x.png")));
        r = CliTest.run("plot", dir.resolve("none.nfield").toString(), "-o", dir.resolve("x.png").toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("none.train.jsonl") && r.err().contains("no training log"), r.err());
    }

    @Test
    void plotDrawsAFitManyRunsMetrics() throws IOException {
        Path results = dir.resolve("results.jsonl");
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 12; i++) {
            b.append(String.format(java.util.Locale.ROOT, "{\"shape\":\"s%d\",\"status\":\"ok\",\"seconds\":%.2f,\"metrics\":{\"chamfer_l1\":%.6f,"
                    + "\"iou\":%.4f}}%n", i, 20 + i * 0.01, 3e-4 + i * 2e-5, 0.99 + i * 5e-4));
        }
        b.append("{\"shape\":\"broken\",\"status\":\"failed\",\"stage\":\"read\"}\n");
        Files.writeString(results, b.toString());
        Path png = dir.resolve("hist.png");
        CliTest.Run r = CliTest.run("plot", dir.toString(), "-o", png.toString(), "--bins", "6");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("chamfer_l1, iou, training seconds over 12 shapes"), r.err());
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(1200, img.getWidth());
        assertTrue(colours(img) > 20, "charts were drawn");
    }
}
