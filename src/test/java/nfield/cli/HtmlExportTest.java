package nfield.cli;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code export --format html} in a real browser: Debian's chromium, headless (WebGL2 on
 * SwiftShader), loads the page from disk with the network off and screenshots it from a camera
 * set in the URL; the screenshot must match {@code nfield render} from the same camera and bake
 * (llvmpipe; an SDF sphere-traced, a radiance field in the volume mode): silhouette IoU ≥ 0.99 and ≥ 99% of pixels within 8/255. The page must hold no
 * reference to anything outside itself.
 */
class HtmlExportTest {
    static final int W = 320, H = 256;

    @TempDir
    Path dir;

    static String chromium() {
        for (String c : List.of("chromium", "chromium-browser", "google-chrome")) {
            for (String d : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
                if (Files.isExecutable(Path.of(d, c))) return Path.of(d, c).toString();
            }
        }
        Assumptions.abort("needs a headless chromium (Debian's chromium; tools/setup.sh --tests installs it)");
        return null;
    }

    @Test
    void thePageInHeadlessChromiumLooksAsNfieldRenderDrawsIt() throws Exception {
        String browser = chromium();
        nfield.testing.Gl.headless().close(); // and GL for nfield render
        Path field = dir.resolve("knot.nfield"), page = dir.resolve("knot.html"), shot = dir.resolve("shot.png"), ref = dir.resolve("ref.png");
        CliTest.Run fit = CliTest.run("fit", "shape:knot", "--steps", "300", "-o", field.toString());
        assertEquals(0, fit.code(), fit.err());
        CliTest.Run ex = CliTest.run("export", field.toString(), "-o", page.toString(), "--res", "128");
        assertEquals(0, ex.code(), ex.err());
        assertTrue(ex.err().contains("baked at 128^3"), ex.err());
        String html = Files.readString(page);
        for (String outside : List.of("http://", "https://", "src=\"", "<link")) assertFalse(html.contains(outside), "the page refers to " + outside);

        CliTest.Run r = CliTest.run("render", field.toString(), "--size", W + "x" + H, "--bake", "128", "--azimuth", "40", "--elevation", "20",
                "--distance", "3.0", "--out", ref.toString());
        assertEquals(0, r.code(), r.err());
        screenshot(browser, page, "az=40&el=20&dist=3.0&mode=0", shot);
        compare("sdf", shot, ref, page);
    }

    /** The page of a radiance field against the volume mode of nfield render (the home camera, which the bake's colours face). */
    @Test
    void aRadiancePageLooksAsTheVolumeModeDrawsIt() throws Exception {
        String browser = chromium();
        nfield.testing.Gl.headless().close();
        nfield.testing.PosedSphere.writeSplit(dir, "train", 8, 0, 0.69, 24);
        Path scene = Files.writeString(dir.resolve("scene.json"), nfield.testing.PosedSphere.SCENE);
        Path field = dir.resolve("sphere.nfield"), page = dir.resolve("sphere.html"), shot = dir.resolve("shot.png"), ref = dir.resolve("ref.png");
        CliTest.Run fit = CliTest.run("fit", dir.resolve("transforms_train.json").toString(), "--config", scene.toString(), "--steps", "150",
                "-o", field.toString());
        assertEquals(0, fit.code(), fit.err());
        CliTest.Run ex = CliTest.run("export", field.toString(), "-o", page.toString(), "--res", "64");
        assertEquals(0, ex.code(), ex.err());
        CliTest.Run r = CliTest.run("render", field.toString(), "--path", "baked", "--bake", "64", "--size", W + "x" + H, "--out", ref.toString());
        assertEquals(0, r.code(), r.err());
        screenshot(browser, page, "az=30&el=25&dist=3.2&mode=0", shot);
        compare("radiance", shot, ref, page);
    }

    private void screenshot(String browser, Path page, String camera, Path shot) throws Exception {
        Process p = new ProcessBuilder(browser, "--headless=new", "--no-sandbox", "--use-angle=swiftshader", "--enable-unsafe-swiftshader",
                "--hide-scrollbars", "--disable-gpu-sandbox", "--no-first-run", "--user-data-dir=" + dir.resolve("profile"),
                "--window-size=" + W + "," + H, "--virtual-time-budget=30000", "--screenshot=" + shot,
                page.toUri() + "#" + camera + "&still").redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(180, TimeUnit.SECONDS), "chromium finished");
        assertTrue(Files.exists(shot), "no screenshot:\n" + log);
    }

    private static void compare(String what, Path shot, Path ref, Path page) throws Exception {
        BufferedImage a = ImageIO.read(shot.toFile()), b = ImageIO.read(ref.toFile());
        assertEquals(W, a.getWidth(), "screenshot width");
        assertEquals(H, a.getHeight(), "screenshot height");
        int bg = b.getRGB(0, 0), inter = 0, union = 0, close = 0;
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                int pa = a.getRGB(x, y), pb = b.getRGB(x, y);
                boolean fa = diff(pa, bg) > 3, fb = diff(pb, bg) > 3;
                if (fa && fb) inter++;
                if (fa || fb) union++;
                if (diff(pa, pb) <= 8) close++;
            }
        }
        double iou = (double) inter / union, share = (double) close / (W * H);
        System.out.printf("%s html export in headless chromium against nfield render: silhouette IoU %.4f, %.4f of pixels within 8/255, "
                + "page %,d bytes%n", what, iou, share, Files.size(page));
        assertTrue(union > W * H / 20, what + ": something in view: " + union + " pixels");
        assertTrue(iou >= 0.99, what + ": silhouette IoU " + iou);
        assertTrue(share >= 0.99, what + ": pixels within 8/255: " + share);
    }

    static int diff(int p, int q) {
        int m = 0;
        for (int s = 0; s < 24; s += 8) m = Math.max(m, Math.abs(((p >> s) & 0xFF) - ((q >> s) & 0xFF)));
        return m;
    }

    @Test
    void thePageKeepsWithinItsSizeByBakingCoarser() throws Exception {
        Path field = dir.resolve("torus.nfield"), page = dir.resolve("t.html");
        assertEquals(0, CliTest.run("fit", "shape:torus", "--steps", "50", "-o", field.toString()).code());
        CliTest.Run ex = CliTest.run("export", field.toString(), "-o", page.toString(), "--max-size", "2");
        assertEquals(0, ex.code(), ex.err());
        assertTrue(Files.size(page) <= 2 << 20, Files.size(page) + " bytes");
        assertFalse(ex.err().contains("baked at 256^3"), "a coarser bake: " + ex.err());
        CliTest.Run tooSmall = CliTest.run("export", field.toString(), "-o", dir.resolve("u.html").toString(), "--max-size", "0.01");
        assertEquals(2, tooSmall.code());
        assertTrue(tooSmall.err().contains("over --max-size") && tooSmall.err().contains("lower --res, or raise --max-size"), tooSmall.err());
        assertFalse(Files.exists(dir.resolve("u.html")));
    }

    @Test
    void halfFloatsRoundToNearest() {
        for (float v : new float[]{0f, -0f, 1f, -2.5f, 0.1f, 1e-3f, 6.1e-5f, 3e-6f, 65504f, 1e-8f}) {
            float back = nfield.render.WebPageAccess.roundTrip(v);
            assertTrue(Math.abs(back - v) <= Math.max(Math.abs(v) * 0x1p-11f, 0x1p-25f), v + " -> " + back);
        }
        assertEquals(Float.POSITIVE_INFINITY, nfield.render.WebPageAccess.roundTrip(1e6f));
        assertTrue(Float.isNaN(nfield.render.WebPageAccess.roundTrip(Float.NaN)));
    }
}
