package nfield.render;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The volume mode (radiance fields in the viewer) on an analytic radiance field: a ball of
 * radius 0.5 at (0.1, 0, 0) whose density ramps from 0 to 40 over its outer 0.05, coloured by
 * direction from its centre, and a speck of radius 0.04 near a corner. Checks the bake (box,
 * dropped speck, skip distances against brute force), GL on llvmpipe against the CPU twin of its
 * shader, and GL against the volume integral of the analytic field itself (no bake, fine steps).
 */
class VolumeModeTest {
    static final float[] BACKGROUND = {0.9f, 0.95f, 1f};
    static final float THRESHOLD = 1f;
    private static GlContext gl;
    private static VolumeRenderer renderer;

    /** (density, r, g, b) at a field point. */
    static float[] field(double x, double y, double z) {
        double dx = x - 0.1, r = Math.sqrt(dx * dx + y * y + z * z);
        double sigma = 40 * Math.max(0, Math.min(1, (0.5 - r) / 0.05));
        double sx = x - 0.85, sy = y - 0.85, sz = z - 0.85;
        if (Math.sqrt(sx * sx + sy * sy + sz * sz) < 0.04) sigma = 40;
        double n = Math.max(r, 1e-9);
        return new float[]{(float) sigma, (float) (0.5 + 0.5 * dx / n), (float) (0.5 + 0.5 * y / n), (float) (0.5 + 0.5 * z / n)};
    }

    static float[] eval(float[] xyz, int n) {
        float[] out = new float[4 * n];
        for (int i = 0; i < n; i++) System.arraycopy(field(xyz[3 * i], xyz[3 * i + 1], xyz[3 * i + 2]), 0, out, 4 * i, 4);
        return out;
    }

    static VolumeGrid grid() {
        return VolumeGrid.bake(VolumeModeTest::eval, 96, 48, THRESHOLD, false);
    }

    @BeforeAll
    static void open() {
        gl = nfield.testing.Gl.headless();
        renderer = new VolumeRenderer(BACKGROUND);
    }

    @AfterAll
    static void close() {
        if (renderer != null) renderer.close();
        if (gl != null) gl.close();
    }

    @Test
    void theBakeCoversTheBallAndDropsTheSpeck() {
        VolumeGrid g = grid();
        float[] lo = g.lo(), hi = g.hi();
        // the ball spans [-0.4, 0.6] x [-0.5, 0.5]^2; one coarse interval (2/47) of margin
        float[] wantLo = {-0.4f, -0.5f, -0.5f}, wantHi = {0.6f, 0.5f, 0.5f};
        for (int a = 0; a < 3; a++) {
            assertTrue(lo[a] <= wantLo[a] && lo[a] > wantLo[a] - 0.1f, "lo " + a + ": " + lo[a]);
            assertTrue(hi[a] >= wantHi[a] && hi[a] < wantHi[a] + 0.1f, "hi " + a + ": " + hi[a] + " (the speck at 0.85 is dropped)");
        }
        int[] d = g.dims();
        assertEquals(96, Math.max(d[0], Math.max(d[1], d[2])), "the longest side gets the resolution");
        // densities at or below the threshold are stored as empty space
        for (int i = 0; i < d[0] * d[1] * d[2]; i++) {
            float s = g.rgba()[4 * i + 3];
            assertTrue(s == 0 || s > THRESHOLD, "density " + s);
        }
    }

    @Test
    void skipDistancesAreChebyshevDistancesToOccupiedCells() {
        Random rnd = new Random(7);
        int[] dims = {23, 17, 30};
        float[] rgba = new float[4 * dims[0] * dims[1] * dims[2]];
        for (int k = 0; k < 6; k++) rgba[4 * rnd.nextInt(rgba.length / 4) + 3] = 5;
        VolumeGrid g = new VolumeGrid(dims, new float[]{-1, -1, -1}, new float[]{1, 1, 1}, rgba);
        int[] m = g.macroDims();
        assertArrayEquals(new int[]{6, 4, 8}, m, "ceil((n - 1) / 4) macro cells");
        int checked = 0;
        for (int cz = 0; cz < m[2]; cz++) {
            for (int cy = 0; cy < m[1]; cy++) {
                for (int cx = 0; cx < m[0]; cx++) {
                    int best = Integer.MAX_VALUE;
                    for (int z = 0; z < m[2]; z++) {
                        for (int y = 0; y < m[1]; y++) {
                            for (int x = 0; x < m[0]; x++) {
                                if (occupiedBruteForce(rgba, dims, x, y, z)) {
                                    best = Math.min(best, Math.max(Math.abs(x - cx), Math.max(Math.abs(y - cy), Math.abs(z - cz))));
                                }
                            }
                        }
                    }
                    assertEquals(best, (int) g.skipAt(cx, cy, cz), "cell " + cx + "," + cy + "," + cz);
                    checked++;
                }
            }
        }
        assertEquals(6 * 4 * 8, checked);
    }

    /** Any texel a lookup inside the macro cell reads (its 5 lattice intervals' ends and one beyond) holds density. */
    private static boolean occupiedBruteForce(float[] rgba, int[] n, int cx, int cy, int cz) {
        for (int z = 0; z < n[2]; z++) {
            for (int y = 0; y < n[1]; y++) {
                for (int x = 0; x < n[0]; x++) {
                    boolean in = x >= 4 * cx && x <= 4 * cx + 5 && y >= 4 * cy && y <= 4 * cy + 5 && z >= 4 * cz && z <= 4 * cz + 5;
                    if (in && rgba[4 * ((z * n[1] + y) * n[0] + x) + 3] > 0) return true;
                }
            }
        }
        return false;
    }

    @ParameterizedTest(name = "{0} az {1} el {2}")
    @CsvSource({"shaded, 30, 25", "shaded, 200, -40", "normals, 30, 25", "depth, 120, 10", "steps, 30, 25", "slice, 10, 40"})
    void glMatchesTheCpuTwin(String mode, double azimuth, double elevation) throws IOException {
        VolumeGrid g = grid();
        renderer.upload(g);
        Camera cam = new Camera(azimuth, elevation, 2.6);
        Mode m = Mode.parse(mode);
        int w = 160, h = 120;
        int[] a = renderer.render(cam, m, w, h, 0.1f);
        int[] b = CpuVolumeTracer.render(g, BACKGROUND, cam, m, w, h, 0.1f);
        String tag = "volume-" + mode + "-" + (int) azimuth + "-" + (int) elevation;
        save(tag + "-gl", a, w, h);
        save(tag + "-cpu", b, w, h);
        int bg = m == Mode.SHADED ? pack(BACKGROUND) : pack(CpuVolumeTracer.DARK);
        PixelDiff diff = PixelDiff.of(a, b, m == Mode.STEPS ? a[0] : bg);
        System.out.printf(java.util.Locale.ROOT, "%s: IoU %.4f, %.4f of pixels within 4/255%n", tag, diff.iou(), diff.closeShare());
        assertTrue(diff.foregroundA() > a.length / 20, tag + ": the ball covers too little of the image (" + diff.foregroundA() + " px)");
        if (m != Mode.STEPS) assertTrue(diff.iou() >= 0.99, tag + ": silhouette IoU " + diff.iou());
        assertTrue(diff.closeShare() >= 0.99, tag + ": only " + diff.closeShare() + " of pixels within 4/255");
    }

    /**
     * What the volume mode shows against what the field is: the analytic field integrated along
     * each ray at steps of 0.001 to a transmittance of 1e-4, no bake, no skipping.
     */
    @Test
    void glMatchesTheVolumeIntegralOfTheField() throws IOException {
        VolumeGrid g = grid();
        renderer.upload(g);
        Camera cam = new Camera(45, 20, 2.6);
        int w = 128, h = 96;
        int[] a = renderer.render(cam, Mode.SHADED, w, h, 0);
        int[] exact = integral(cam, w, h);
        save("volume-integral-gl", a, w, h);
        save("volume-integral-exact", exact, w, h);
        double se = 0;
        for (int i = 0; i < a.length; i++) {
            for (int sh = 0; sh <= 16; sh += 8) {
                double e = ((a[i] >> sh & 0xFF) - (exact[i] >> sh & 0xFF)) / 255.0;
                se += e * e;
            }
        }
        double psnr = -10 * Math.log10(se / (3.0 * a.length));
        System.out.printf(java.util.Locale.ROOT, "volume mode (96-point bake) against the field's volume integral: PSNR %.2f dB%n", psnr);
        assertTrue(psnr >= 33, "PSNR " + psnr + " dB");
    }

    private static int[] integral(Camera cam, int w, int h) {
        org.joml.Vector3f eye = cam.eye(), fw = cam.forward(), rt = cam.right(), up = cam.up();
        float th = cam.tanHalfFov(), aspect = (float) w / h;
        int[] out = new int[w * h];
        java.util.stream.IntStream.range(0, h).parallel().forEach(py -> {
            for (int px = 0; px < w; px++) {
                double nx = (px + 0.5) / w * 2 - 1, ny = (py + 0.5) / h * 2 - 1;
                double dx = fw.x + nx * th * aspect * rt.x + ny * th * up.x, dy = fw.y + nx * th * aspect * rt.y + ny * th * up.y,
                        dz = fw.z + nx * th * aspect * rt.z + ny * th * up.z;
                double l = Math.sqrt(dx * dx + dy * dy + dz * dz);
                double tr = 1, step = 0.001;
                double[] c = new double[3];
                for (double t = 1.0; t < 4.5 && tr > 1e-4; t += step) {
                    float[] f = field(eye.x + t * dx / l, eye.y + t * dy / l, eye.z + t * dz / l);
                    if (f[0] <= THRESHOLD) continue;
                    double alpha = 1 - Math.exp(-f[0] * step);
                    for (int k = 0; k < 3; k++) c[k] += tr * alpha * f[1 + k];
                    tr *= 1 - alpha;
                }
                int rgb = 0xFF000000;
                for (int k = 0; k < 3; k++) rgb |= CpuTracer.byte8((float) (c[k] + tr * BACKGROUND[k])) << (16 - 8 * k);
                out[py * w + px] = rgb;
            }
        });
        return out;
    }

    private static int pack(float[] c) {
        return 0xFF000000 | CpuTracer.byte8(c[0]) << 16 | CpuTracer.byte8(c[1]) << 8 | CpuTracer.byte8(c[2]);
    }

    private static void save(String tag, int[] px, int w, int h) throws IOException {
        Path dir = Path.of("target", "render-tests");
        Files.createDirectories(dir);
        Images.writePng(dir.resolve(tag + ".png"), px, w, h);
    }
}
