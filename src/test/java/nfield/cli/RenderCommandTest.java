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

    /**
     * A turntable as one looping GIF: as many frames as asked, each the PNG turntable's frame
     * within the 256-colour palette's error, the delay from --fps, the NETSCAPE2.0 loop block.
     */
    @Test
    void rendersATurntableAsALoopingGif() throws IOException {
        assumeGl();
        Path gif = dir.resolve("spin.gif"), png = dir.resolve("f.png");
        CliTest.Run r = CliTest.run("render", "analytic:torus", "--out", gif.toString(), "--size", "64x48", "--turntable", "4",
                "--bake", "32", "--fps", "10");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("4 frames at 10 fps"), r.err());
        assertEquals(0, CliTest.run("render", "analytic:torus", "--out", png.toString(), "--size", "64x48", "--turntable", "4",
                "--bake", "32").code());
        var reader = ImageIO.getImageReadersByFormatName("gif").next();
        try (var in = ImageIO.createImageInputStream(gif.toFile())) {
            reader.setInput(in);
            assertEquals(4, reader.getNumImages(true), "frames");
            for (int i = 0; i < 4; i++) {
                BufferedImage g = reader.read(i), p = ImageIO.read(dir.resolve(String.format("f-%03d.png", i)).toFile());
                assertEquals(64, g.getWidth());
                assertEquals(48, g.getHeight());
                double err = 0;
                for (int y = 0; y < 48; y++) for (int x = 0; x < 64; x++) {
                    int a = g.getRGB(x, y), b = p.getRGB(x, y);
                    for (int sh = 0; sh <= 16; sh += 8) err += Math.abs((a >> sh & 255) - (b >> sh & 255));
                }
                assertTrue(err / (3 * 64 * 48) < 6, "frame " + i + " within the palette's error of the PNG: mean " + err / (3 * 64 * 48));
                var tree = (javax.imageio.metadata.IIOMetadataNode) reader.getImageMetadata(i).getAsTree("javax_imageio_gif_image_1.0");
                var gce = (javax.imageio.metadata.IIOMetadataNode) tree.getElementsByTagName("GraphicControlExtension").item(0);
                assertEquals("10", gce.getAttribute("delayTime"), "1/10 s a frame");
                if (i == 0) {
                    var app = (javax.imageio.metadata.IIOMetadataNode) tree.getElementsByTagName("ApplicationExtension").item(0);
                    assertEquals("NETSCAPE", app.getAttribute("applicationID"));
                }
            }
        }
        try (var files = Files.list(dir)) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().endsWith(".tmp")), "no temp file left");
        }
    }

    /** A video: through ffmpeg where it is installed (frames counted by ffprobe), else a clear error before any rendering. */
    @Test
    void rendersAVideoThroughFfmpegOrSaysHow() throws IOException, InterruptedException {
        Path mp4 = dir.resolve("spin.mp4");
        if (nfield.render.Frames.ffmpeg() == null) {
            CliTest.Run r = CliTest.run("render", "analytic:torus", "--out", mp4.toString(), "--turntable", "4");
            assertEquals(2, r.code(), r.err());
            assertTrue(r.err().contains("ffmpeg") && r.err().contains("apt-get install ffmpeg") && r.err().contains("spin.gif"), r.err());
            assertFalse(Files.exists(mp4));
            return;
        }
        assumeGl();
        CliTest.Run r = CliTest.run("render", "analytic:torus", "--out", mp4.toString(), "--size", "65x47", "--turntable", "6",
                "--bake", "32");
        assertEquals(0, r.code(), r.err());
        Process p = new ProcessBuilder("ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries",
                "stream=nb_read_frames,width,height", "-of", "csv=p=0", mp4.toString()).redirectErrorStream(true).start();
        String probe = new String(p.getInputStream().readAllBytes()).strip();
        assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals("66,48,6", probe, "width, height (padded to even) and frames of the video");
    }

    /** An animation without --turntable, or a video format with no frames, is refused up front. */
    @Test
    void anAnimationNeedsFrames() {
        CliTest.Run r = CliTest.run("render", "analytic:torus", "--out", dir.resolve("one.gif").toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--turntable"), r.err());
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
