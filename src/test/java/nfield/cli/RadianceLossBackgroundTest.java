package nfield.cli;

import com.fasterxml.jackson.databind.JsonNode;
import nfield.config.Json;
import nfield.io.FieldFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code nfield fit} on posed images with the Huber loss and the training background: the
 * losses and backgrounds a radiance fit refuses, and a short fit on a tiny RGBA set (the analytic
 * sphere of {@link RadianceFitTest}) with Huber on random backgrounds, on the reference backend.
 */
class RadianceLossBackgroundTest {
    @TempDir
    Path dir;

    static final String FIELD = """
            "field": {"kind": "radiance", "density_activation": "trunc_exp",
                      "encoding": {"type": "hash", "levels": 4, "features": 2, "log2_table": 10, "base_resolution": 4, "per_level_scale": 1.5},
                      "network": {"width": 16, "hidden_layers": 1, "init": "uniform"}},
            "marching": {"samples_per_step": 2048, "steps_across": 64, "grid": 16, "grid_every": 8}""";

    Path scene(String loss, String extra) throws IOException {
        Path p = dir.resolve("scene-" + Math.abs((loss + extra).hashCode()) + ".json");
        Files.writeString(p, "{" + FIELD.replace("\"grid_every\": 8}", "\"grid_every\": 8" + extra + "}") + ", \"loss\": " + loss
                + ", \"train\": {\"steps\": 12, \"log_every\": 4}}");
        return p;
    }

    /** Two opaque 8×8 RGB images (no alpha channel), composited on nothing. */
    Path opaqueSet() throws IOException {
        Path d = dir.resolve("opaque");
        Files.createDirectories(d);
        BufferedImage im = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 8; y++) for (int x = 0; x < 8; x++) im.setRGB(x, y, 0x204060 + 8 * x);
        ImageIO.write(im, "png", d.resolve("a.png").toFile());
        String m = "[[1,0,0,0],[0,1,0,0],[0,0,1,4],[0,0,0,1]]";
        Files.writeString(d.resolve("transforms_train.json"), "{\"camera_angle_x\": 0.7, \"frames\": [{\"file_path\": \"a.png\", "
                + "\"transform_matrix\": " + m + "}, {\"file_path\": \"a.png\", \"transform_matrix\": " + m + "}]}");
        return d.resolve("transforms_train.json");
    }

    CliTest.Run fit(Path data, Path scene, String... more) {
        String[] base = {"fit", data.toString(), "-o", dir.resolve("f.nfield").toString(), "--config", scene.toString(), "--backend", "java"};
        String[] all = new String[base.length + more.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return CliTest.run(all);
    }

    @Test
    void aLossARadianceFitDoesNotTakeIsRefusedNamingTheAcceptedOnes() throws IOException {
        Path data = opaqueSet();
        CliTest.Run r = fit(data, scene("{\"type\": \"l1\"}", ""));
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("scene loss l1: radiance fits take l2 or huber"), r.err());
        r = fit(data, scene("{\"type\": \"smooth\"}", ""));
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("loss.type: unknown value \"smooth\"; allowed: l2, l1, clamped_l1, huber"), r.err());
        r = fit(data, scene("{\"type\": \"huber\", \"delta\": -1}", ""));
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("loss.delta: must be in (0.0"), r.err());
    }

    @Test
    void imagesWithoutAlphaRefuseARandomOrOtherBackground() throws IOException {
        Path data = opaqueSet();
        Path l2 = scene("{\"type\": \"l2\"}", "");
        CliTest.Run r = fit(data, l2, "--background", "random");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--background random: " + data + " has no alpha channel (no transparent pixels): its images are "
                + "composited on 1.0 1.0 1.0 already, so a random background is impossible; use auto or white"), r.err());
        r = fit(data, l2, "--background", "0,0.5,1");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("so another background is impossible"), r.err());
        r = fit(data, scene("{\"type\": \"l2\"}", ", \"train_background\": \"random\""));
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("marching.train_background random: "), r.err());
        r = fit(data, l2, "--background", "pink");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--background pink: expected auto, random, white, black or R,G,B"), r.err());
        r = fit(data, scene("{\"type\": \"l2\"}", ", \"train_background\": \"1,2,3\""));
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("marching.train_background: unknown value \"1,2,3\"; allowed: auto, random"), r.err());
        r = CliTest.run("fit", "analytic:sphere", "-o", dir.resolve("s.nfield").toString(), "--background", "random", "--steps", "1");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--background is for radiance fits"), r.err());

        // white is what they are composited on: accepted, and auto trains on the images as they are
        r = fit(data, l2, "--background", "white", "--steps", "2");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("training background white, as the images are composited"), r.err());
        r = fit(data, l2, "--steps", "2");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("training background the images' own, composited on 1.0 1.0 1.0 (auto: the images have no alpha)"), r.err());
        assertEquals("data", FieldFile.readMeta(dir.resolve("f.nfield")).radiance().trainBackground());
    }

    @Test
    void huberOnRandomBackgroundsFitsATinyRgbaSet() throws IOException {
        RadianceFitTest.writeSplit(dir, "train", 6, 0, 0.69, 16);
        RadianceFitTest.writeSplit(dir, "test", 2, 0.4, 0.69, 16);
        Path scene = scene("{\"type\": \"huber\", \"delta\": 0.05}", "");
        CliTest.Run r = fit(dir.resolve("transforms_train.json"), scene, "--json");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("with alpha"), r.err());
        assertTrue(r.err().contains("× 4 B (8-bit RGB + alpha)"), r.err());
        assertTrue(r.err().contains("huber (delta 0.05) loss; training background random (auto: the images have alpha)"), r.err());
        assertTrue(r.err().contains("  huber "), r.err());
        assertTrue(r.err().contains("  mse ") && r.err().contains("  psnr "), r.err());
        nfield.field.FieldMeta meta = FieldFile.readMeta(dir.resolve("f.nfield"));
        assertEquals("huber", meta.fittedTo().loss());
        assertEquals(0.05, meta.fittedTo().lossDelta());
        assertEquals("random", meta.radiance().trainBackground());
        org.junit.jupiter.api.Assertions.assertArrayEquals(new float[]{1, 1, 1}, meta.radiance().background());
        String[] lines = r.out().trim().split("\n");
        JsonNode done = Json.parse("done", lines[lines.length - 1]);
        JsonNode progress = Json.parse("progress", lines[lines.length - 2]).get("loss");
        double mse = done.get("train_mse").asDouble();
        assertEquals(mse, progress.get("mse").asDouble(), 0.0);
        assertEquals(-10 * Math.log10(mse), done.get("train_psnr").asDouble(), 1e-9, "PSNR from the mse, not from the Huber value");
        assertTrue(done.get("loss").asDouble() != mse);
        System.out.printf(java.util.Locale.ROOT, "tiny RGBA fit, huber on random backgrounds, 12 steps: huber %.5f, mse %.5f%n",
                done.get("loss").asDouble(), mse);

        // eval reads it on the data's white background
        r = CliTest.run("eval", dir.resolve("f.nfield").toString(), dir.resolve("transforms_test.json").toString(), "--backend", "java");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("background 1.00 1.00 1.00"), r.err());
    }
}
