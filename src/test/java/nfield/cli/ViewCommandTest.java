package nfield.cli;

import nfield.testing.OpenCl;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The window under a real X server (Xvfb in CI: tools/test.sh provides one). */
class ViewCommandTest {
    @TempDir
    Path dir;

    @Test
    void viewerRendersSixtyFramesOfATrainedFieldAndTakesAScreenshot() throws IOException {
        String display = System.getenv("DISPLAY");
        Assumptions.assumeTrue(display != null && !display.isEmpty(), "needs a display (tools/test.sh runs the suite under xvfb-run)");
        OpenCl.open(); // skips with the reason where no OpenCL platform exists
        Path field = dir.resolve("torus.nfield");
        CliTest.Run r = CliTest.run("fit", "analytic:torus", "-o", field.toString(), "--steps", "150", "--batch", "4096");
        assertEquals(0, r.code(), r.err());
        Path shot = dir.resolve("shot.png");
        r = CliTest.run("view", field.toString(), "--frames", "60", "--screenshot", shot.toString(), "--size", "200x160", "--no-panel",
                "--bake", "64");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("60 frames at 200x160"), r.err());
        BufferedImage img = ImageIO.read(shot.toFile());
        assertEquals(200, img.getWidth());
        assertEquals(160, img.getHeight());
        int background = img.getRGB(0, 0), drawn = 0;
        for (int y = 0; y < img.getHeight(); y++) for (int x = 0; x < img.getWidth(); x++) if (img.getRGB(x, y) != background) drawn++;
        assertTrue(drawn > img.getWidth() * img.getHeight() / 20, "the torus covers " + drawn + " pixels");

        // the direct path refines tile by tile while the view holds still: once done, the window shows what
        // `render --path direct` draws from the same camera (compared below the status line)
        Path direct = dir.resolve("direct.png"), reference = dir.resolve("reference.png");
        r = CliTest.run("view", field.toString(), "--frames", "40", "--screenshot", direct.toString(), "--size", "200x160", "--no-panel",
                "--bake", "64", "--path", "direct");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("(direct 100% shaded"), "every tile drawn by the last frame: " + r.err());
        r = CliTest.run("render", field.toString(), "--out", reference.toString(), "--size", "200x160", "--bake", "64",
                "--path", "direct");
        assertEquals(0, r.code(), r.err());
        BufferedImage a = ImageIO.read(direct.toFile()), b = ImageIO.read(reference.toFile());
        int close = 0, n = 0, differ = 0;
        for (int y = 40; y < 160; y++) {
            for (int x = 0; x < 200; x++, n++) {
                int p = a.getRGB(x, y), q = b.getRGB(x, y), worst = 0;
                for (int sh = 0; sh <= 16; sh += 8) worst = Math.max(worst, Math.abs((p >> sh & 0xff) - (q >> sh & 0xff)));
                if (worst <= 4) close++;
                if (p != background) differ++;
            }
        }
        assertTrue(differ > n / 20, "the direct view draws the torus");
        assertTrue(close >= 0.99 * n, "progressive direct view against render --path direct: " + close + " of " + n + " pixels within 4/255");
    }

    /** fit --view: training on a worker thread, the window re-baking it; closing the window stops and still writes. */
    @Test
    void liveTrainingViewClosesCleanlyAndWritesTheField() throws IOException {
        String display = System.getenv("DISPLAY");
        Assumptions.assumeTrue(display != null && !display.isEmpty(), "needs a display (tools/test.sh runs the suite under xvfb-run)");
        OpenCl.open();
        Path field = dir.resolve("live.nfield");
        CliTest.Run r = CliTest.run("fit", "analytic:torus", "-o", field.toString(), "--steps", "100000", "--batch", "2048",
                "--view", "--view-frames", "40");
        assertEquals(0, r.code(), r.err());
        long steps = nfield.io.FieldFile.readMeta(field).steps();
        assertTrue(steps > 0 && steps < 100000, "stopped early with the window, after " + steps + " steps");
    }

    @Test
    void withoutADisplayTheViewerPointsToRender() {
        Assumptions.assumeTrue(System.getenv("DISPLAY") == null, "only meaningful without a display");
        CliTest.Run r = CliTest.run("view", "analytic:torus", "--bake", "16");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("use `nfield render FIELD --out image.png`"), r.err());
    }
}
