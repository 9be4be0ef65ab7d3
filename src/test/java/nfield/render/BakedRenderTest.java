package nfield.render;

import nfield.data.analytic.AnalyticShape;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The baked GL path on llvmpipe (EGL, no X server) against the CPU twin of its shader on the
 * same grid: silhouette IoU ≥ 0.99 and ≥ 99% of pixels within 4/255 on every channel. Images
 * of every comparison go to target/render-tests/.
 */
class BakedRenderTest {
    private static GlContext gl;
    private static BakedRenderer renderer;

    @BeforeAll
    static void open() {
        gl = nfield.testing.Gl.headless();
        renderer = new BakedRenderer();
    }

    @AfterAll
    static void close() {
        if (renderer != null) renderer.close();
        if (gl != null) gl.close();
    }

    /**
     * The fallback context (an invisible GLFW window on the X display) renders the same pixels.
     * It runs in its own process: one JVM holding an EGL and a GLX context in turn is not a
     * supported use, and a crash there must not take the test JVM down.
     */
    @org.junit.jupiter.api.Test
    void glfwFallbackMatchesToo() throws Exception {
        String display = System.getenv("DISPLAY");
        Assumptions.assumeTrue(display != null && !display.isEmpty(), "needs a display (tools/test.sh runs the suite under xvfb-run)");
        Path png = Files.createTempFile("nfield-glfw", ".png");
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(javaBin, "-Dnfield.gl=glfw", "-cp", System.getProperty("java.class.path"),
                "nfield.cli.Main", "render", "analytic:torus", "--out", png.toString(), "--size", "96x64", "--bake", "64",
                "--azimuth", "40", "--elevation", "30", "--distance", "3").redirectErrorStream(true).start();
        assertTrue(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS), "render finished");
        String log = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), log);
        assertTrue(log.contains("GLFW on"), log);
        java.awt.image.BufferedImage img = javax.imageio.ImageIO.read(png.toFile());
        Files.deleteIfExists(png);
        int[] cpu = CpuTracer.render(BakedGrid.of(AnalyticShape.TORUS::sdf, 64), new Camera(40, 30, 3.0), Mode.SHADED, 96, 64, 0);
        int[] gl = new int[cpu.length];
        for (int y = 0; y < 64; y++) img.getRGB(0, 63 - y, 96, 1, gl, y * 96, 96);
        double share = PixelDiff.of(gl, cpu, cpu[0]).closeShare();
        assertTrue(share >= 0.99, share + " of pixels within 4/255");
    }

    @ParameterizedTest(name = "{0} {1} az {2} el {3}")
    @CsvSource({
            "torus, shaded, 30, 25,", "torus, normals, 30, 25,", "torus, depth, 30, 25,", "torus, steps, 30, 25,",
            "torus, slice, 10, 40,", "sphere, shaded, 0, 0,", "sphere, normals, 120, -30,", "torus, shaded, 200, 70,",
            "torus, shaded, 30, 25, 0.08", "torus, steps, 30, 25, 0.08"})
    void glMatchesTheCpuTracer(String shape, String mode, double azimuth, double elevation, Float cap) throws IOException {
        compare(shape, mode, azimuth, elevation, cap, false);
    }

    /** The viewer's shading: normal and occlusion from the baked RGBA8 texture, against the twin's same sampling. */
    @ParameterizedTest(name = "{0} {1} az {2} el {3}, shaded from the texture")
    @CsvSource({"torus, shaded, 30, 25", "torus, normals, 30, 25", "sphere, shaded, 0, 0", "sphere, normals, 120, -30",
            "torus, shaded, 200, 70", "torus, depth, 30, 25"})
    void glShadingFromTheTextureMatchesTheCpuTracer(String shape, String mode, double azimuth, double elevation) throws IOException {
        compare(shape, mode, azimuth, elevation, null, true);
    }

    private void compare(String shape, String mode, double azimuth, double elevation, Float cap, boolean texture) throws IOException {
        AnalyticShape s = AnalyticShape.valueOf(shape.toUpperCase(java.util.Locale.ROOT));
        BakedGrid grid = BakedGrid.of(s::sdf, 96);
        renderer.upload(grid);
        Camera cam = new Camera(azimuth, elevation, 3.0);
        Mode m = Mode.parse(mode);
        int w = 160, h = 120;
        renderer.maxStep(cap);
        renderer.shadeFromTexture(texture);
        int[] a = renderer.render(cam, m, w, h, 0.05f);
        renderer.maxStep(null);
        renderer.shadeFromTexture(false);
        int[] b = CpuTracer.render(grid, cam, m, w, h, 0.05f, cap == null ? Float.MAX_VALUE : cap, texture);
        Path dir = Path.of("target", "render-tests");
        Files.createDirectories(dir);
        String tag = shape + "-" + mode + "-" + (int) azimuth + "-" + (int) elevation + (cap == null ? "" : "-capped") + (texture ? "-texture" : "");
        Images.writePng(dir.resolve(tag + "-gl.png"), a, w, h);
        Images.writePng(dir.resolve(tag + "-cpu.png"), b, w, h);
        int bg = 0xFF000000 | (CpuTracer.byte8(0.1f) << 16) | (CpuTracer.byte8(0.1f) << 8) | CpuTracer.byte8(0.12f);
        PixelDiff diff = PixelDiff.of(a, b, bg);
        double iou = diff.iou(), share = diff.closeShare();
        int fgA = diff.foregroundA();
        assertTrue(fgA > a.length / 20, tag + ": the object covers too little of the image (" + fgA + " px) to test");
        if (m != Mode.STEPS) assertTrue(iou >= 0.99, tag + ": silhouette IoU " + iou);
        assertTrue(share >= 0.99, tag + ": only " + share + " of pixels within 4/255");
    }
}
