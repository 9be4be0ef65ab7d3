package nfield.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RenderCommandTest {
    @TempDir
    Path dir;

    private static void assumeGl() {
        nfield.testing.Gl.headless().close();
    }

    @Test
    void rendersATurntableOfPngs() throws IOException {
        assumeGl();
        Path out = dir.resolve("t.png");
        CliTest.Run r = CliTest.run("render", "analytic:torus", "--out", out.toString(), "--size", "64x48", "--turntable", "3",
                "--bake", "32");
        assertEquals(0, r.code(), r.err());
        for (int i = 0; i < 3; i++) {
            BufferedImage img = ImageIO.read(dir.resolve(String.format("t-%03d.png", i)).toFile());
            assertEquals(64, img.getWidth());
            assertEquals(48, img.getHeight());
            assertTrue(img.getRGB(32, 24) != img.getRGB(0, 0) || img.getRGB(20, 24) != img.getRGB(0, 0), "something drawn");
        }
        assertFalse(Files.exists(out));
    }

    /** A damaged field file is a one-line error naming the file, before any GL work. */
    @Test
    void aCorruptFieldIsAClearError() throws IOException {
        Path f = dir.resolve("bad.nfield");
        Files.write(f, new byte[]{1, 2, 3, 4, 5, 6, 7, 8, 9});
        CliTest.Run r = CliTest.run("render", f.toString(), "--out", dir.resolve("x.png").toString(), "--backend", "java");
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("nfield render: error: " + f), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertFalse(Files.exists(dir.resolve("x.png")));
    }

    @Test
    void badSizeAndModeSayWhatIsAllowed() {
        CliTest.Run r = CliTest.run("render", "analytic:torus", "--out", dir.resolve("x.png").toString(), "--size", "big");
        assertEquals("nfield render: error: --size big: expected WIDTHxHEIGHT, each 1..8192, e.g. 512x512\n", r.err());
        r = CliTest.run("render", "analytic:torus", "--out", dir.resolve("x.png").toString(), "--mode", "xray");
        assertEquals("nfield render: error: --mode xray: use shaded, normals, depth, steps or slice\n", r.err());
    }
}
