package nfield.cli;

import com.fasterxml.jackson.databind.JsonNode;
import nfield.config.Json;
import nfield.io.FieldFile;
import nfield.testing.OpenCl;
import nfield.testing.PosedSphere;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * fit → eval of a radiance field through the command line, on a scene rendered analytically
 * here: a sphere of radius 0.6 coloured by its normal (0.5 + 0.5 n) on white, seen by 24
 * training and 4 test cameras on a sphere of radius 3 (Blender convention, transforms json with
 * RGBA PNGs, alpha 0 off the sphere).
 */
class RadianceFitTest {
    @TempDir
    Path dir;

    static final double R = PosedSphere.R;

    static void writeSplit(Path dir, String split, int n, double azOffset, double angle, int w) throws IOException {
        PosedSphere.writeSplit(dir, split, n, azOffset, angle, w);
    }

    @Test
    void fitsAndScoresASphereSeenFromPosedCameras() throws IOException {
        fitEvalRenderExport("", "radiance fit of an analytic sphere", 0.9, true);
    }

    /**
     * The same with a colour network that sees the view direction (SH degree 4, 15 geometry
     * features, 2x32): training, evaluation, rendering and the mesh colours (seen head-on) pass each
     * sample's direction. The sphere's colour does not depend on the view, and 24 views of 40x40
     * leave room to overfit one that does: measured test PSNR 27.6 dB, SSIM 0.92 (0.88 asked).
     */
    @Test
    void aViewDependentFieldFitsTheSphereToo() throws IOException {
        fitEvalRenderExport(", \"color\": {\"direction_encoding\": {\"type\": \"spherical_harmonics\", \"degree\": 4}, "
                        + "\"geometry_features\": 15, \"network\": {\"width\": 32, \"hidden_layers\": 2, \"init\": \"uniform\"}}",
                "view-dependent radiance fit of an analytic sphere", 0.88, false);
    }

    /**
     * Fits with the field section's extra keys {@code colour}, then checks eval (test SSIM above
     * {@code minSsim}), render and the PLY export: with {@code sharp}, the level set at the default
     * --iso is the sphere with its colours; else (a density that is still soft after 600 steps) a
     * coloured mesh at --iso 1 whose +x side is red.
     */
    private void fitEvalRenderExport(String colour, String what, double minSsim, boolean sharp) throws IOException {
        OpenCl.open(); // skips with the reason where no OpenCL platform exists
        double angle = 0.69;
        writeSplit(dir, "train", 24, 0, angle, 40);
        writeSplit(dir, "test", 4, 0.4, angle, 40);
        Path scene = dir.resolve("scene.json");
        Files.writeString(scene, """
                {"field": {"kind": "radiance", "density_activation": "trunc_exp",
                           "encoding": {"type": "hash", "levels": 8, "features": 2, "log2_table": 14, "base_resolution": 8, "per_level_scale": 1.4},
                           "network": {"width": 32, "hidden_layers": 2, "init": "uniform"}%s},
                 "loss": {"type": "l2"},
                 "optimizer": {"lr": 0.01, "beta2": 0.99, "eps": 1e-15, "schedule": {"type": "cosine", "final_ratio": 0.1}},
                 "train": {"steps": 600, "log_every": 100},
                 "marching": {"samples_per_step": 16384, "steps_across": 192, "grid": 32, "grid_every": 16}}
                """.formatted(colour));
        Path field = dir.resolve("sphere.nfield");
        // on white, as the images are composited: the vertex-colour check below reads the colour at
        // marching-cubes vertices (64^3 over the scene box), which lie a little outside the density's
        // fall-off, in free space where the colour gets no gradient; on random backgrounds (the
        // default for RGBA) that colour drifts elsewhere (test PSNR ~31.6 dB there, ~30.8 on white)
        CliTest.Run r = CliTest.run("fit", dir.resolve("transforms_train.json").toString(), "-o", field.toString(),
                "--config", scene.toString(), "--background", "white", "--json");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("24 images 40x40"), r.err());
        assertTrue(r.err().contains("memory: images"), r.err());
        assertEquals(600, FieldFile.readMeta(field).steps());

        Path images = dir.resolve("eval");
        r = CliTest.run("eval", field.toString(), dir.resolve("transforms_test.json").toString(), "--images", images.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode o = Json.parse("eval output", r.out());
        assertEquals(4, o.get("views").size());
        double psnr = o.get("mean_psnr").asDouble(), ssim = o.get("mean_ssim").asDouble();
        System.out.printf(Locale.ROOT, "%s, 600 steps: test PSNR %.2f dB, SSIM %.4f%n", what, psnr, ssim);
        assertEquals(!colour.isEmpty(), FieldFile.readMeta(field).config().viewDependent());
        assertTrue(psnr > 24, "test PSNR " + psnr);
        assertTrue(ssim > minSsim, "test SSIM " + ssim);
        // --align-cameras: each view's camera aligned first, and how far it moved reported; right cameras hardly move
        r = CliTest.run("eval", field.toString(), dir.resolve("transforms_test.json").toString(), "--images", "none", "--json",
                "--align-cameras", "20");
        assertEquals(0, r.code(), r.err());
        JsonNode al = Json.parse("eval --align-cameras output", r.out());
        for (JsonNode v : al.get("views")) assertTrue(v.get("aligned_degrees").asDouble() < 1, "a right camera moved " + v);
        assertTrue(al.get("mean_psnr").asDouble() > psnr - 1, "aligned " + al.get("mean_psnr") + " against " + psnr);
        assertTrue(r.err().contains("; camera aligned by "), r.err());
        BufferedImage pair = ImageIO.read(images.resolve("view_000.png").toFile());
        assertEquals(80, pair.getWidth(), "prediction | truth side by side");

        // render --camera: test view 0 from its own camera is, pixel for pixel, the prediction eval scored
        Path cam = dir.resolve("camera.png");
        r = CliTest.run("render", field.toString(), "--out", cam.toString(), "--camera", "0", "--data",
                dir.resolve("transforms_test.json").toString());
        assertEquals(0, r.code(), r.err());
        BufferedImage shotAt = ImageIO.read(cam.toFile());
        assertEquals(40, shotAt.getWidth());
        for (int y = 0; y < 40; y++) for (int x = 0; x < 40; x++) assertEquals(pair.getRGB(x, y), shotAt.getRGB(x, y), "pixel " + x + ", " + y);
        r = CliTest.run("render", field.toString(), "--out", cam.toString(), "--camera", "23", "--downscale", "2");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("from camera 23 of " + dir.resolve("transforms_train.json")), "the data it was fitted to: " + r.err());
        assertEquals(20, ImageIO.read(cam.toFile()).getWidth());
        r = CliTest.run("render", field.toString(), "--out", cam.toString(), "--camera", "24");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--camera 24: " + dir.resolve("transforms_train.json") + " has cameras 0 .. 23"), r.err());

        // render: seen from +x (y-up, azimuth 90) the sphere's centre pixel has the colour of the normal (1, 0, 0)
        Path png = dir.resolve("render.png");
        r = CliTest.run("render", field.toString(), "--out", png.toString(), "--size", "48x32", "--up", "y", "--azimuth", "90",
                "--elevation", "0", "--distance", "2.5");
        assertEquals(0, r.code(), r.err());
        BufferedImage shot = ImageIO.read(png.toFile());
        assertEquals(48, shot.getWidth());
        int centre = shot.getRGB(24, 16), corner = shot.getRGB(0, 0);
        assertTrue((centre >> 16 & 0xff) > 200 && (centre >> 8 & 0xff) < 170 && (centre & 0xff) < 170,
                "centre " + Integer.toHexString(centre));
        assertTrue((corner & 0xffffff) > 0xe0e0e0, "background " + Integer.toHexString(corner));
        r = CliTest.run("render", field.toString(), "--out", png.toString(), "--mode", "normals");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--path exact renders radiance fields in colour only"), r.err());

        volumeMode(field, png, sharp);

        // the density's level set is the sphere, coloured by its normal, in the cameras' coordinates
        Path ply = dir.resolve("sphere.ply");
        r = CliTest.run("export", field.toString(), "-o", ply.toString(), "--res", "64", "--iso", sharp ? "10" : "1");
        assertEquals(0, r.code(), r.err());
        nfield.data.mesh.Mesh m = nfield.data.mesh.MeshReader.read(ply);
        assertTrue(m.triangleCount() > 1000, "triangles: " + m.triangleCount());
        double[] v = m.vertices();
        double radius = 0;
        for (int i = 0; i < v.length; i += 3) radius += Math.sqrt(v[i] * v[i] + v[i + 1] * v[i + 1] + v[i + 2] * v[i + 2]);
        radius /= m.vertexCount();
        System.out.printf(Locale.ROOT, "%s: mean radius of the density level set %.3f%n", what, radius);
        if (sharp) assertEquals(R, radius, 0.05, "mean distance of the surface from the centre");
        byte[] bytes = Files.readAllBytes(ply);
        String header = new String(bytes, 0, 400, java.nio.charset.StandardCharsets.US_ASCII);
        assertTrue(header.contains("property uchar red"), header);
        // the colour of the vertex with the largest x is about 0.5 + 0.5 (1, 0, 0)
        int top = 0;
        for (int i = 0; i < m.vertexCount(); i++) if (v[3 * i] > v[3 * top]) top = i;
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int at = header.indexOf("end_header\n") + "end_header\n".length() + top * 27 + 24;
        int red = b.get(at) & 0xff, green = b.get(at + 1) & 0xff, blue = b.get(at + 2) & 0xff;
        if (sharp) {
            assertTrue(red > 200 && green > 90 && green < 170 && blue > 90 && blue < 170, "colour at +x: " + red + " " + green + " " + blue);
        } else {
            assertTrue(red > 150 && red > green + 50 && red > blue + 50, "colour at +x: " + red + " " + green + " " + blue);
        }
    }

    /**
     * The viewer's volume mode on the fitted sphere, headless through `render --path baked`:
     * against the exact volume rendering of the same view, and its normals at the sphere's
     * +x pole; then the viewer itself under a display (60 frames and a screenshot) and a live
     * training view. A view-dependent field is baked as the render's camera sees it. Without
     * {@code sharp} (the view-dependent field, whose density is still soft after 600 steps) only
     * the colour is compared.
     */
    private void volumeMode(Path field, Path exactPng, boolean sharp) throws IOException {
        // no --up: the fit recorded y, the axis its cameras hold up
        assertEquals("y", FieldFile.readMeta(field).radiance().up());
        String[] view = {"--size", "48x32", "--azimuth", "90", "--elevation", "0", "--distance", "2.5"};
        Path baked = dir.resolve("baked.png"), normals = dir.resolve("normals.png");
        try (nfield.render.GlContext gl = nfield.render.GlContext.headless()) {
            System.out.println("volume mode on " + gl.renderer());
        } catch (nfield.render.RenderUnavailableException e) {
            System.out.println("volume mode not checked: no OpenGL here (CI installs Mesa): " + e.getMessage());
            return;
        }
        CliTest.Run r = CliTest.run(concat(new String[]{"render", field.toString(), "--out", baked.toString(), "--path", "baked",
                "--bake", "96"}, view));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("volume, baked"), r.err());
        BufferedImage a = ImageIO.read(exactPng.toFile()), b = ImageIO.read(baked.toFile());
        double se = 0;
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 48; x++) {
                for (int sh = 0; sh <= 16; sh += 8) {
                    double e = ((a.getRGB(x, y) >> sh & 0xff) - (b.getRGB(x, y) >> sh & 0xff)) / 255.0;
                    se += e * e;
                }
            }
        }
        double psnr = -10 * Math.log10(se / (3 * 48 * 32));
        System.out.printf(Locale.ROOT, "volume mode (baked, GL) against exact volume rendering of the fitted sphere: PSNR %.2f dB%n", psnr);
        assertTrue(psnr > 28, "baked against exact: PSNR " + psnr);
        if (!sharp) return;
        r = CliTest.run(concat(new String[]{"render", field.toString(), "--out", normals.toString(), "--path", "baked",
                "--mode", "normals"}, view));
        assertEquals(0, r.code(), r.err());
        int n = ImageIO.read(normals.toFile()).getRGB(24, 16);
        assertTrue((n >> 16 & 0xff) > 230 && Math.abs((n >> 8 & 0xff) - 128) < 30 && Math.abs((n & 0xff) - 128) < 30,
                "normal at +x: " + Integer.toHexString(n));
        r = CliTest.run("render", field.toString(), "--out", normals.toString(), "--path", "direct");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("radiance fields render exact"), r.err());

        String display = System.getenv("DISPLAY");
        if (display == null || display.isEmpty()) {
            System.out.println("viewer volume mode not opened: no display (tools/test.sh runs the suite under xvfb-run)");
            return;
        }
        Path shot = dir.resolve("view.png");
        r = CliTest.run("view", field.toString(), "--frames", "60", "--screenshot", shot.toString(), "--size", "160x120",
                "--bake", "64");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("60 frames at 160x120 (volume shaded"), r.err());
        BufferedImage img = ImageIO.read(shot.toFile());
        assertEquals(160, img.getWidth());
        int centre = img.getRGB(80, 60), corner = img.getRGB(159, 119);
        assertTrue((corner & 0xffffff) > 0xe0e0e0, "background behind the sphere is the field's (white): " + Integer.toHexString(corner));
        assertTrue((centre & 0xffffff) != (corner & 0xffffff), "the sphere is drawn: " + Integer.toHexString(centre));

        // view --camera: opens where test camera 0 stands; the sphere covers what it covers in render --camera 0
        Path atCam = dir.resolve("view-camera.png"), exactCam = dir.resolve("exact-camera.png");
        r = CliTest.run("render", field.toString(), "--out", exactCam.toString(), "--camera", "0", "--data",
                dir.resolve("transforms_test.json").toString());
        assertEquals(0, r.code(), r.err());
        r = CliTest.run("view", field.toString(), "--camera", "0", "--data", dir.resolve("transforms_test.json").toString(), "--frames", "5",
                "--screenshot", atCam.toString(), "--size", "160x160", "--bake", "64", "--no-panel", "--target-fps", "1");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("opening at camera 0 of " + dir.resolve("transforms_test.json")), r.err());
        double[] seen = coverage(ImageIO.read(atCam.toFile())), truth = coverage(ImageIO.read(exactCam.toFile()));
        System.out.printf(Locale.ROOT, "view --camera 0 against render --camera 0: sphere covers %.3f vs %.3f, centre (%.3f, %.3f) vs (%.3f, %.3f)%n",
                seen[0], truth[0], seen[1], seen[2], truth[1], truth[2]);
        assertEquals(truth[0], seen[0], 0.15 * truth[0], "the share of the view the sphere covers");
        assertEquals(truth[1], seen[1], 0.05, "the sphere's centre, x");
        assertEquals(truth[2], seen[2], 0.05, "the sphere's centre, y");
        r = CliTest.run("view", "analytic:torus", "--camera", "0");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--camera: for radiance fields"), r.err());

        // live training view: the window shows the volume mode while the fit runs, then the field is written
        Path live = dir.resolve("live.nfield");
        r = CliTest.run("fit", dir.resolve("transforms_train.json").toString(), "-o", live.toString(), "--config",
                dir.resolve("scene.json").toString(), "--steps", "100000", "--view", "--view-frames", "40");
        assertEquals(0, r.code(), r.err());
        long steps = FieldFile.readMeta(live).steps();
        assertTrue(steps > 0 && steps < 100000, "closing the window stopped training after " + steps + " steps");
    }

    /**
     * {share of pixels that are not the white background, their mean x and y as fractions of the
     * width and height}, below the top fifth (where the viewer writes its status line).
     */
    private static double[] coverage(BufferedImage im) {
        double n = 0, sx = 0, sy = 0, all = 0;
        for (int y = im.getHeight() / 5; y < im.getHeight(); y++) {
            for (int x = 0; x < im.getWidth(); x++) {
                all++;
                int c = im.getRGB(x, y);
                if ((c >> 16 & 0xff) < 200 || (c >> 8 & 0xff) < 200 || (c & 0xff) < 200) {
                    n++;
                    sx += (x + 0.5) / im.getWidth();
                    sy += (y + 0.5) / im.getHeight();
                }
            }
        }
        return new double[] {n / all, n == 0 ? 0 : sx / n, n == 0 ? 0 : sy / n};
    }

    private static String[] concat(String[] a, String[] b) {
        String[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
