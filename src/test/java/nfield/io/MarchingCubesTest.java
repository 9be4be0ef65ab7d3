package nfield.io;

import nfield.data.mesh.Mesh;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

class MarchingCubesTest {
    interface Fn {
        double at(double x, double y, double z);
    }

    /** n^3 samples of fn over [-1, 1]^3. */
    static float[] sample(int n, Fn fn) {
        float[] v = new float[n * n * n];
        double h = 2.0 / (n - 1);
        for (int z = 0; z < n; z++) {
            for (int y = 0; y < n; y++) {
                for (int x = 0; x < n; x++) v[(z * n + y) * n + x] = (float) fn.at(-1 + h * x, -1 + h * y, -1 + h * z);
            }
        }
        return v;
    }

    static Mesh extractUnit(int n, Fn fn) {
        return MarchingCubes.extract(sample(n, fn), n, n, n, new double[]{-1, -1, -1}, 2.0 / (n - 1), 0f, "test");
    }

    static double sphere(double x, double y, double z) {
        return Math.sqrt(x * x + y * y + z * z) - 0.6;
    }

    static double torus(double x, double y, double z) {
        double q = Math.sqrt(x * x + z * z) - 0.5;
        return Math.sqrt(q * q + y * y) - 0.2;
    }

    /**
     * Asserts the mesh is closed and edge-manifold: every directed edge is used by exactly one
     * triangle and its reverse by exactly one other, and no triangle repeats a vertex. Returns
     * the number of undirected edges.
     */
    static long assertClosed(Mesh m, String what) {
        int[] t = m.triangles();
        long nv = m.vertexCount();
        Map<Long, Integer> directed = new HashMap<>();
        for (int i = 0; i < t.length; i += 3) {
            for (int k = 0; k < 3; k++) {
                int a = t[i + k], b = t[i + (k + 1) % 3];
                if (a == b) fail(what + ": triangle " + i / 3 + " repeats vertex " + a);
                if (directed.merge(a * nv + b, 1, Integer::sum) > 1) {
                    fail(what + ": directed edge " + a + "->" + b + " used by more than one triangle");
                }
            }
        }
        for (long key : directed.keySet()) {
            long a = key / nv, b = key % nv;
            if (!directed.containsKey(b * nv + a)) fail(what + ": edge " + a + "->" + b + " has no opposite (the mesh is open)");
        }
        boolean[] used = new boolean[m.vertexCount()];
        for (int v : t) used[v] = true;
        for (int i = 0; i < used.length; i++) assertTrue(used[i], what + ": vertex " + i + " unused");
        return directed.size() / 2;
    }

    static long euler(Mesh m, String what) {
        long e = assertClosed(m, what);
        return m.vertexCount() - e + m.triangleCount();
    }

    /** Signed volume by the divergence theorem: positive for outward-facing triangles. */
    static double volume(Mesh m) {
        double[] v = m.vertices();
        int[] t = m.triangles();
        double sum = 0;
        for (int i = 0; i < t.length; i += 3) {
            int a = 3 * t[i], b = 3 * t[i + 1], c = 3 * t[i + 2];
            sum += v[a] * (v[b + 1] * v[c + 2] - v[b + 2] * v[c + 1])
                    - v[a + 1] * (v[b] * v[c + 2] - v[b + 2] * v[c])
                    + v[a + 2] * (v[b] * v[c + 1] - v[b + 1] * v[c]);
        }
        return sum / 6;
    }

    static void assertDistinctPositions(Mesh m, String what) {
        Set<List<Double>> seen = new HashSet<>();
        double[] v = m.vertices();
        for (int i = 0; i < v.length; i += 3) {
            assertTrue(seen.add(List.of(v[i], v[i + 1], v[i + 2])), what + ": vertex " + i / 3 + " duplicates another's position");
        }
    }

    @Test
    void sphereIsClosedOutwardAndAccurate() {
        int n = 65;
        Mesh m = extractUnit(n, MarchingCubesTest::sphere);
        assertTrue(m.triangleCount() > 1000, "only " + m.triangleCount() + " triangles");
        assertEquals(2, euler(m, "sphere"));
        double exact = 4.0 / 3 * Math.PI * 0.6 * 0.6 * 0.6, vol = volume(m);
        assertTrue(vol > 0, "volume " + vol + " is negative: triangles face inward");
        assertEquals(exact, vol, 0.01 * exact, "enclosed volume");
        double h = 2.0 / (n - 1), worst = 0;
        double[] v = m.vertices();
        for (int i = 0; i < v.length; i += 3) {
            worst = Math.max(worst, Math.abs(Math.sqrt(v[i] * v[i] + v[i + 1] * v[i + 1] + v[i + 2] * v[i + 2]) - 0.6));
        }
        assertTrue(worst < 0.05 * h, "a vertex is " + worst + " off the sphere (cell " + h + ")");
        assertDistinctPositions(m, "sphere");
        assertTrue(m.warnings().isEmpty(), m.warnings().toString());
    }

    @Test
    void torusIsClosedWithGenusOne() {
        Mesh m = extractUnit(65, MarchingCubesTest::torus);
        assertEquals(0, euler(m, "torus"));
        double exact = 2 * Math.PI * Math.PI * 0.5 * 0.2 * 0.2, vol = volume(m);
        assertEquals(exact, vol, 0.02 * exact, "enclosed volume");
    }

    @Test
    void normalsPointTowardIncreasingValuesAndCoordinatesFollowTheGrid() {
        // f = x - 2.3 (grid units) grows along +x: the plane x = 2.3 faces +x
        int nx = 6, ny = 5, nz = 4;
        float[] v = new float[nx * ny * nz];
        for (int z = 0; z < nz; z++) for (int y = 0; y < ny; y++) for (int x = 0; x < nx; x++) v[(z * ny + y) * nx + x] = x - 2.3f;
        double[] origin = {10, -20, 30};
        double h = 0.25;
        Mesh m = MarchingCubes.extract(v, nx, ny, nz, origin, h, 0f, "plane");
        assertEquals((ny - 1) * (nz - 1) * 2, m.triangleCount());
        assertEquals(ny * nz, m.vertexCount());
        double[] p = m.vertices();
        Set<List<Long>> gridPoints = new HashSet<>();
        for (int i = 0; i < p.length; i += 3) {
            assertEquals(origin[0] + h * 2.3, p[i], 1e-6, "x of vertex " + i / 3);
            double gy = (p[i + 1] - origin[1]) / h, gz = (p[i + 2] - origin[2]) / h;
            assertEquals(Math.rint(gy), gy, 1e-12, "y on a grid line");
            assertEquals(Math.rint(gz), gz, 1e-12, "z on a grid line");
            assertTrue(gridPoints.add(List.of(Math.round(gy), Math.round(gz))), "two vertices on one grid edge");
        }
        int[] t = m.triangles();
        for (int i = 0; i < t.length; i += 3) {
            int a = 3 * t[i], b = 3 * t[i + 1], c = 3 * t[i + 2];
            double nxn = (p[b + 1] - p[a + 1]) * (p[c + 2] - p[a + 2]) - (p[b + 2] - p[a + 2]) * (p[c + 1] - p[a + 1]);
            assertTrue(nxn > 0, "triangle " + i / 3 + " faces -x");
        }
        // and the opposite field gives the opposite orientation
        for (int i = 0; i < v.length; i++) v[i] = -v[i];
        Mesh r = MarchingCubes.extract(v, nx, ny, nz, origin, h, 0f, "plane");
        int[] rt = r.triangles();
        double[] rp = r.vertices();
        for (int i = 0; i < rt.length; i += 3) {
            int a = 3 * rt[i], b = 3 * rt[i + 1], c = 3 * rt[i + 2];
            assertTrue((rp[b + 1] - rp[a + 1]) * (rp[c + 2] - rp[a + 2]) - (rp[b + 2] - rp[a + 2]) * (rp[c + 1] - rp[a + 1]) < 0);
        }
    }

    /** A grid of n^3 values from gen inside a border of +1 samples (so the surface is closed). */
    static Mesh bordered(int n, java.util.function.IntToDoubleFunction gen, float iso) {
        int m = n + 2;
        float[] v = new float[m * m * m];
        int k = 0;
        for (int z = 0; z < m; z++) {
            for (int y = 0; y < m; y++) {
                for (int x = 0; x < m; x++) {
                    boolean border = x == 0 || y == 0 || z == 0 || x == m - 1 || y == m - 1 || z == m - 1;
                    v[(z * m + y) * m + x] = border ? iso + 1 : (float) gen.applyAsDouble(k++);
                }
            }
        }
        return MarchingCubes.extract(v, m, m, m, new double[]{0, 0, 0}, 1, iso, "grid", 1 + n / 4);
    }

    @Test
    void randomGridsAreClosedAndManifold() {
        for (int seed = 1; seed <= 40; seed++) {
            Random r = new Random(seed);
            Mesh m = bordered(10 + seed % 5, i -> r.nextDouble() * 2 - 1, 0f);
            assertTrue(m.triangleCount() > 0);
            assertClosed(m, "seed " + seed);
            assertDistinctPositions(m, "seed " + seed);
            assertTrue(volume(m) > 0, "seed " + seed + ": the inside (negative) region must enclose positive volume");
        }
    }

    @Test
    void randomGridsWithIsoOffsetAndSkew() {
        // values biased to either side of iso, so that rarer configurations appear
        for (int seed = 1; seed <= 30; seed++) {
            Random r = new Random(1000 + seed);
            double bias = (seed % 5 - 2) * 0.3;
            Mesh m = bordered(12, i -> bias + r.nextGaussian(), 0.5f);
            assertClosed(m, "seed " + seed);
        }
    }

    @Test
    void valuesExactlyAtIsoLeaveNoCracks() {
        // integer samples in {-1, 0, 1} with iso 0: a third of the grid sits exactly on iso
        for (int seed = 1; seed <= 30; seed++) {
            Random r = new Random(seed);
            Mesh m = bordered(12, i -> r.nextInt(3) - 1, 0f);
            assertClosed(m, "seed " + seed);
            assertDistinctPositions(m, "seed " + seed);
        }
        // a box whose faces are whole planes of samples equal to iso
        int n = 21;
        float[] v = new float[n * n * n];
        for (int z = 0; z < n; z++) for (int y = 0; y < n; y++) for (int x = 0; x < n; x++) {
            v[(z * n + y) * n + x] = Math.max(Math.abs(x - 10), Math.max(Math.abs(y - 10), Math.abs(z - 10))) - 5;
        }
        Mesh box = MarchingCubes.extract(v, n, n, n, new double[]{-10, -10, -10}, 1, 0f, "box");
        assertEquals(2, euler(box, "box"));
        assertDistinctPositions(box, "box");
        double[] p = box.vertices();
        for (int i = 0; i < p.length; i += 3) {
            double linf = Math.max(Math.abs(p[i]), Math.max(Math.abs(p[i + 1]), Math.abs(p[i + 2])));
            assertEquals(5, linf, 2 * MarchingCubes.T_MIN, "vertex " + i / 3 + " off the box");
        }
        double vol = volume(box); // a 10^3 cube, its edges chamfered by about half a cell
        assertTrue(vol > 900 && vol < 1000, "box volume " + vol);
        // a quantised sphere: many samples exactly 0
        Mesh q = extractUnit(41, (x, y, z) -> Math.rint(sphere(x, y, z) * 40) / 40);
        assertEquals(2, euler(q, "quantised sphere"));
        assertDistinctPositions(q, "quantised sphere");
    }

    @Test
    void everyCornerConfigurationIsClosed() {
        Random r = new Random(7);
        for (int config = 0; config < 256; config++) {
            for (int trial = 0; trial < 40; trial++) {
                // the 2x2x2 cell in the middle of a 4x4x4 grid of +1; inside corners negative.
                // Random magnitudes (and exact zeros) reach the different ambiguous-face decisions.
                float[] v = new float[64];
                java.util.Arrays.fill(v, 1f);
                for (int c = 0; c < 8; c++) {
                    int x = 1 + (c & 1), y = 1 + (c >> 1 & 1), z = 1 + (c >> 2 & 1);
                    float mag = trial == 0 ? 1f : (float) r.nextDouble();
                    boolean in = (config >> c & 1) != 0;
                    v[(z * 4 + y) * 4 + x] = in ? -Math.max(mag, 1e-3f) : (trial % 4 == 3 && r.nextBoolean() ? 0f : mag);
                }
                Mesh m = MarchingCubes.extract(v, 4, 4, 4, new double[]{0, 0, 0}, 1, 0f, "cell");
                String what = "config " + config + " trial " + trial;
                if (config == 0) {
                    assertEquals(0, m.triangleCount(), what);
                    continue;
                }
                assertClosed(m, what);
                assertTrue(volume(m) > 0, what + ": negative volume");
            }
        }
    }

    /**
     * The generated table itself, exhaustively: in every case (configuration and ambiguous-face
     * decisions) the triangles' open boundary lies on the cell faces, the segments drawn on a
     * face depend only on that face's corners and decision, the cells on either side of a face
     * draw them in opposite directions, and no triangle edge that is not a face segment lies in
     * a face (where the neighbouring cell could draw it too).
     */
    @Test
    void caseTableAgreesAcrossEveryFace() {
        // key: axis, side, face corner classes, decision -> the face's directed segments, in
        // face-local edge ids (lower corner with the face axis cleared, edge axis)
        Map<String, Set<List<Integer>>> faces = new HashMap<>();
        int cases = 0, centred = 0;
        for (int config = 0; config < 256; config++) {
            int amb = MarchingCubes.ambiguousFaces(config);
            for (int bits = 0; bits < 64; bits++) {
                if ((bits & ~amb) != 0) continue;
                cases++;
                MarchingCubes.Case c = MarchingCubes.cellCase(config, bits);
                centred += c.centres().size();
                Map<List<Integer>, Integer> uses = new HashMap<>();
                for (int[] t : c.triangles()) {
                    assertEquals(3, new HashSet<>(List.of(t[0], t[1], t[2])).size(), "degenerate triangle in config " + config);
                    for (int k = 0; k < 3; k++) uses.merge(List.of(t[k], t[(k + 1) % 3]), 1, Integer::sum);
                }
                Map<Integer, Set<List<Integer>>> boundary = new HashMap<>();
                for (var e : uses.entrySet()) {
                    int a = e.getKey().get(0), b = e.getKey().get(1);
                    assertEquals(1, e.getValue(), "config " + config + ": edge used twice in one direction");
                    boolean onFace = a < 12 && b < 12 && (MarchingCubes.EDGE_FACES[a] & MarchingCubes.EDGE_FACES[b]) != 0;
                    if (uses.containsKey(List.of(b, a))) {
                        assertFalse(onFace, "config " + config + " bits " + bits + ": inner edge " + a + "-" + b + " lies in a face");
                    } else {
                        assertTrue(onFace, "config " + config + " bits " + bits + ": open edge " + a + "-" + b + " not on a face");
                        int f = Integer.numberOfTrailingZeros(MarchingCubes.EDGE_FACES[a] & MarchingCubes.EDGE_FACES[b]);
                        boundary.computeIfAbsent(f, x -> new HashSet<>()).add(List.of(local(a, f), local(b, f)));
                    }
                }
                for (int f = 0; f < 6; f++) {
                    StringBuilder key = new StringBuilder().append(f);
                    for (int corner : MarchingCubes.FACE_CORNERS[f]) key.append(config >> corner & 1);
                    key.append((amb >> f & 1) == 0 ? "-" : String.valueOf(bits >> f & 1));
                    Set<List<Integer>> segs = boundary.getOrDefault(f, Set.of());
                    Set<List<Integer>> prev = faces.putIfAbsent(key.toString(), segs);
                    if (prev != null) assertEquals(prev, segs, "face " + key + " drawn differently in config " + config);
                }
            }
        }
        assertTrue(cases > 256, cases + " cases");
        assertTrue(centred > 0, "no case needed a centre vertex");
        int compared = 0;
        for (var e : faces.entrySet()) {
            String key = e.getKey();
            int f = key.charAt(0) - '0';
            if ((f & 1) != 0) continue;
            Set<List<Integer>> other = faces.get((f + 1) + key.substring(1));
            if (other == null) continue;
            Set<List<Integer>> reversed = new HashSet<>();
            for (List<Integer> s : other) reversed.add(List.of(s.get(1), s.get(0)));
            assertEquals(e.getValue(), reversed, "face pattern " + key + " is drawn the same way from both sides");
            compared++;
        }
        assertEquals(3 * (14 + 2 * 2), compared, "face patterns compared (per axis: 14 plain, 2 ambiguous x 2 decisions)");
    }

    private static int local(int edge, int face) {
        return (MarchingCubes.EDGE_C0[edge] & ~(1 << (face >> 1))) * 3 + (edge >> 2);
    }

    @Test
    void outputDoesNotDependOnTheSlabCount() {
        int n = 33;
        float[] v = sample(n, MarchingCubesTest::torus);
        Random r = new Random(3);
        for (int i = 0; i < v.length; i += 1 + r.nextInt(50)) v[i] += (float) (0.05 * r.nextGaussian());
        Mesh one = MarchingCubes.extract(v, n, n, n, new double[]{-1, -1, -1}, 2.0 / (n - 1), 0f, "t", 1);
        assertClosed(one, "one slab");
        for (int slabs : new int[]{2, 3, 7, 31, 32, 100}) {
            Mesh m = MarchingCubes.extract(v, n, n, n, new double[]{-1, -1, -1}, 2.0 / (n - 1), 0f, "t", slabs);
            assertArrayEquals(one.vertices(), m.vertices(), slabs + " slabs");
            assertArrayEquals(one.triangles(), m.triangles(), slabs + " slabs");
        }
        Mesh auto = MarchingCubes.extract(v, n, n, n, new double[]{-1, -1, -1}, 2.0 / (n - 1), 0f, "t");
        assertArrayEquals(one.triangles(), auto.triangles());
    }

    @Test
    void nanCellsAreSkippedWithAWarning() {
        int n = 33;
        float[] v = sample(n, MarchingCubesTest::sphere);
        Mesh clean = MarchingCubes.extract(v, n, n, n, new double[]{-1, -1, -1}, 2.0 / (n - 1), 0f, "s");
        // NaN at the sample nearest (0.6, 0, 0), on the surface, and one far outside it
        int c = n / 2, sx = Math.round(c + 0.6f * c);
        v[(c * n + c) * n + sx] = Float.NaN;
        v[0] = Float.NaN;
        Mesh m = MarchingCubes.extract(v, n, n, n, new double[]{-1, -1, -1}, 2.0 / (n - 1), 0f, "s", 4);
        assertEquals(1, m.warnings().size());
        assertTrue(m.warnings().get(0).contains("skipped 9 grid cells with NaN"), m.warnings().get(0));
        assertTrue(m.triangleCount() < clean.triangleCount() && m.triangleCount() > clean.triangleCount() - 100);
        // every vertex used, no edge over-used: the hole is open but the rest is intact
        boolean[] used = new boolean[m.vertexCount()];
        for (int i : m.triangles()) used[i] = true;
        for (boolean u : used) assertTrue(u);
        Map<Long, Integer> directed = new HashMap<>();
        int[] t = m.triangles();
        int open = 0;
        for (int i = 0; i < t.length; i += 3) {
            for (int k = 0; k < 3; k++) assertEquals(1, directed.merge((long) t[i + k] * m.vertexCount() + t[i + (k + 1) % 3], 1, Integer::sum));
        }
        for (long key : directed.keySet()) if (!directed.containsKey(key % m.vertexCount() * m.vertexCount() + key / m.vertexCount())) open++;
        assertNotEquals(0, open, "the NaN cells leave a hole");
    }

    @Test
    void tinyAndFlatGrids() {
        assertEquals(0, MarchingCubes.extract(new float[]{-1, 1}, 2, 1, 1, new double[3], 1, 0f, "line").triangleCount());
        Mesh one = MarchingCubes.extract(new float[]{-1, 1, 1, 1, 1, 1, 1, 1}, 2, 2, 2, new double[3], 1, 0f, "corner");
        assertEquals(1, one.triangleCount());
        assertEquals(3, one.vertexCount());
        List<String> bad = new ArrayList<>();
        try {
            MarchingCubes.extract(new float[7], 2, 2, 2, new double[3], 1, 0f, "short");
        } catch (IllegalArgumentException e) {
            bad.add(e.getMessage());
        }
        assertEquals(1, bad.size());
        assertTrue(bad.get(0).contains("7 values for a 2x2x2 grid"), bad.get(0));
    }
}
