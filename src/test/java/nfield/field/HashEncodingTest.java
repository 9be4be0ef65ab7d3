package nfield.field;

import com.fasterxml.jackson.databind.node.ObjectNode;
import nfield.compute.Backend;
import nfield.compute.HashSpec;
import nfield.compute.ParamStore;
import nfield.compute.Tensor;
import nfield.compute.ref.RefBackend;
import nfield.config.ActivationConfig;
import nfield.config.ConfigException;
import nfield.config.ConfigNode;
import nfield.config.EncodingConfig;
import nfield.config.FieldConfig;
import nfield.config.Json;
import nfield.config.NetworkConfig;
import nfield.testing.Components;
import nfield.testing.Harness;
import nfield.testing.Standalone;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hash encoding on the reference backend, beyond the registry-driven gradient check: layout,
 * indexing (dense and hashed) against the formulas written out here, exact reproduction of a
 * linear field, every parameter's gradient, input gradients with O(1) tables, clamping, the
 * config, and a field whose tables train without input gradients.
 */
class HashEncodingTest {
    /** resolutions 4, 8, 16, 32; tables 125, 729 (dense), 1024, 1024 (hashed) entries × 2. */
    static final EncodingConfig.Hash SMALL = new EncodingConfig.Hash(4, 2, 10, 4, 2.0, true);

    private static Standalone build(EncodingConfig.Hash cfg) {
        return Standalone.of(new HashEncoding(cfg), new RefBackend());
    }

    /** Tables uniform in [-1, 1] (much larger than the init, so interpolation errors show). */
    private static double[] bigTables(Standalone s, long seed) {
        return Harness.uniform(s.component().paramCount(), seed);
    }

    @Test
    void layoutDenseAndHashedLevels() {
        HashEncoding e = new HashEncoding(SMALL);
        HashSpec spec = e.spec();
        assertArrayEquals(new int[]{4, 8, 16, 32}, spec.resolutions());
        assertArrayEquals(new int[]{125, 729, 1024, 1024}, spec.tableSizes());
        assertArrayEquals(new int[]{0, 250, 250 + 1458, 250 + 1458 + 2048}, spec.tableOffsets());
        assertTrue(spec.dense(0) && spec.dense(1) && !spec.dense(2) && !spec.dense(3));
        assertEquals(2 * (125 + 729 + 1024 + 1024), e.paramCount());
        assertEquals(3 + 4 * 2, e.outputWidth());
        assertEquals(3, e.rawColumns());
        assertEquals(0, new HashEncoding(new EncodingConfig.Hash(4, 2, 10, 4, 2.0, false)).rawColumns());

        Field f = Field.of(new FieldConfig("sdf", SMALL, new NetworkConfig(16, 2, ActivationConfig.relu(), List.of(), 1),
                "softplus"), new RefBackend());
        List<ParamStore.Slice> slices = f.params().slices();
        for (int l = 0; l < 4; l++) {
            ParamStore.Slice s = slices.get(l);
            assertEquals("encoding.levels." + l + ".table", s.name());
            assertEquals(spec.tableOffset(l), s.offset());
            assertArrayEquals(new int[]{spec.tableSize(l), 2}, s.shape());
            assertTrue(s.trainable());
        }
        assertEquals("network.layers.0.weight", slices.get(4).name());
        assertEquals(e.paramCount(), slices.get(4).offset());
        assertEquals(0, f.trainableOffset());
    }

    @Test
    void initIsUniformInPlusMinus1e4() {
        HashEncoding e = new HashEncoding(SMALL);
        double[] p = new double[e.paramCount()];
        e.initParams(new SplittableRandom(1), p, 0);
        double max = 0, sum = 0;
        for (double v : p) {
            max = Math.max(max, Math.abs(v));
            sum += v;
        }
        assertTrue(max <= 1e-4 && max > 0.99e-4, "max |p| = " + max);
        assertTrue(Math.abs(sum / p.length) < 1e-5, "mean " + sum / p.length);
    }

    /** At a vertex shared by every level, each level returns exactly its table entry there. */
    @Test
    void atAVertexEachLevelReturnsItsEntry() {
        Standalone s = build(SMALL);
        double[] p = bigTables(s, 3);
        int[][] vertices = {{1, 2, 3}, {0, 0, 0}, {4, 4, 4}, {3, 0, 4}}; // in units of the coarsest cell (N = 4)
        double[] x = new double[vertices.length * 3];
        for (int r = 0; r < vertices.length; r++) for (int d = 0; d < 3; d++) x[r * 3 + d] = vertices[r][d] / 2.0 - 1;
        double[] y = Harness.run(s, p, x, vertices.length, new double[vertices.length * 11]).out();
        int[] res = {4, 8, 16, 32}, offs = {0, 250, 250 + 1458, 250 + 1458 + 2048};
        for (int r = 0; r < vertices.length; r++) {
            for (int d = 0; d < 3; d++) assertEquals(x[r * 3 + d], y[r * 11 + d], "raw column");
            for (int l = 0; l < 4; l++) {
                int scale = res[l] / 4;
                long i = (long) vertices[r][0] * scale, j = (long) vertices[r][1] * scale, k = (long) vertices[r][2] * scale;
                long n1 = res[l] + 1;
                long entry = l < 2 ? i + j * n1 + k * n1 * n1 // dense
                        : ((i * 1L) ^ (j * 2654435761L) ^ (k * 805459861L)) % (1L << 32) % 1024; // the spatial hash, uint32
                for (int f = 0; f < 2; f++) {
                    assertEquals(p[offs[l] + (int) entry * 2 + f], y[r * 11 + 3 + l * 2 + f], 1e-12,
                            "vertex " + java.util.Arrays.toString(vertices[r]) + " level " + l + " feature " + f);
                }
            }
        }
    }

    /** A dense table holding a linear function of the vertex coordinates is reproduced exactly (trilinear). */
    @Test
    void denseLevelsReproduceALinearField() {
        EncodingConfig.Hash cfg = new EncodingConfig.Hash(2, 1, 12, 5, 1.5, false); // N = 5, 7: 216 and 512 vertices
        Standalone s = build(cfg);
        HashSpec spec = ((HashEncoding) s.component()).spec();
        double[] a = {0.3, -1.2, 0.7};
        double[] p = new double[spec.paramCount()];
        for (int l = 0; l < 2; l++) {
            int n = spec.resolution(l);
            assertTrue(spec.dense(l));
            for (int k = 0; k <= n; k++) for (int j = 0; j <= n; j++) for (int i = 0; i <= n; i++) {
                p[spec.tableOffset(l) + spec.index(l, i, j, k)] = (a[0] * i + a[1] * j + a[2] * k) / n;
            }
        }
        int rows = 200;
        double[] x = Harness.uniform(rows * 3, 4);
        x[0] = 1.7; // outside: clamped to the face
        x[1] = -3;
        double[] y = Harness.run(s, p, x, rows, new double[rows * 2]).out();
        for (int r = 0; r < rows; r++) {
            double want = 0;
            for (int d = 0; d < 3; d++) want += a[d] * (Math.min(1, Math.max(-1, x[r * 3 + d])) + 1) / 2;
            assertEquals(want, y[r * 2], 1e-12, "level 0, row " + r);
            assertEquals(want, y[r * 2 + 1], 1e-12, "level 1, row " + r);
        }
    }

    /** The encoding is linear in its tables: every parameter's gradient matches a central difference tightly. */
    @Test
    void everyParameterGradient() {
        for (EncodingConfig.Hash cfg : List.of(SMALL, new EncodingConfig.Hash(3, 3, 8, 3, 1.7, false))) {
            Standalone s = build(cfg);
            int rows = 40, w = s.component().outputWidth();
            double[] p = bigTables(s, 5);
            double[] x = Harness.uniform(rows * 3, 6);
            double[] g = Harness.uniform(rows * w, 7);
            double[] ana = Harness.run(s, p, x, rows, g.clone()).dParams();
            double h = 1e-3; // exact for a linear function up to rounding
            int nonzero = 0;
            for (int i = 0; i < p.length; i++) {
                double keep = p[i];
                p[i] = keep + h;
                double fp = Harness.objective(s, p, x, rows, g);
                p[i] = keep - h;
                double fm = Harness.objective(s, p, x, rows, g);
                p[i] = keep;
                double num = (fp - fm) / (2 * h);
                assertEquals(num, ana[i], 1e-10, cfg + " parameter " + i);
                if (num != 0) nonzero++;
            }
            assertTrue(nonzero > 100, cfg + ": only " + nonzero + " nonzero gradients");
        }
    }

    /**
     * Input gradients with O(1) tables, at points kept {@link Components#CELL_MARGIN} (100 steps)
     * away from every cell boundary of every level, so each central difference stays inside one cell
     * per level, where the interpolation is a cubic polynomial.
     */
    @Test
    void inputGradientAwayFromCellBoundaries() {
        for (EncodingConfig.Hash cfg : List.of(SMALL, new EncodingConfig.Hash(5, 2, 9, 3, 1.9, false))) {
            Standalone s = build(cfg);
            int rows = 30, w = s.component().outputWidth();
            double[] p = bigTables(s, 8);
            double[] x = new double[rows * 3];
            SplittableRandom rng = new SplittableRandom(9);
            for (int i = 0; i < x.length; i++) {
                do x[i] = (float) (rng.nextDouble() * 2 - 1); while (Components.nearCellBoundary(x[i], cfg.resolutions(), Components.CELL_MARGIN));
            }
            double[] g = Harness.uniform(rows * w, 10);
            double[] ana = Harness.run(s, p, x, rows, g.clone()).dIn();
            double h = 1e-6, max = 0;
            for (int i = 0; i < x.length; i++) {
                double keep = x[i];
                x[i] = keep + h;
                double fp = Harness.objective(s, p, x, rows, g);
                x[i] = keep - h;
                double fm = Harness.objective(s, p, x, rows, g);
                x[i] = keep;
                double num = (fp - fm) / (2 * h);
                max = Math.max(max, Math.abs(num));
                assertEquals(num, ana[i], 1e-6 * Math.max(1, Math.abs(num)), cfg + " d/dx[" + i + "]");
            }
            assertTrue(max > 1, "gradients too small to prove anything: " + max);
        }
    }

    /** Outside [-1, 1] an axis is clamped: the value is the face's, the derivative along it only the raw column's. */
    @Test
    void clampedAxesHaveNoGridDerivative() {
        Standalone s = build(SMALL);
        double[] p = bigTables(s, 11);
        double[] x = {1.5, -2.25, 0.3, 1.0, -1.0, 0.3};
        double[] g = Harness.uniform(2 * 11, 12);
        Harness.Result r = Harness.run(s, p, x, 2, g.clone());
        for (int c = 3; c < 11; c++) assertEquals(r.out()[11 + c], r.out()[c], 1e-12, "clamped value, column " + c);
        assertEquals(g[0], r.dIn()[0], 1e-15);
        assertEquals(g[1], r.dIn()[1], 1e-15);
        assertNotEquals(g[2], r.dIn()[2]);
        double[] fromGrid = new double[3]; // the unclamped row on the face has grid derivatives
        for (int d = 0; d < 3; d++) fromGrid[d] = r.dIn()[3 + d] - g[11 + d];
        assertTrue(Math.abs(fromGrid[0]) > 1e-3 && Math.abs(fromGrid[1]) > 1e-3, java.util.Arrays.toString(fromGrid));
    }

    /** A training step asks for no point gradient; the tables must get theirs anyway. */
    @Test
    void aFieldTrainsItsTablesWithoutPointGradients() {
        Backend b = new RefBackend();
        Field f = Field.of(new FieldConfig("sdf", SMALL, new NetworkConfig(16, 2, ActivationConfig.relu(), List.of(), 1),
                "softplus"), b);
        f.init(1);
        int rows = 64;
        Tensor x = b.alloc(rows, 3), y = b.alloc(rows, 1), dy = b.alloc(rows, 1);
        b.write(x, Harness.uniform(rows * 3, 13));
        b.fill(dy, 1);
        f.params().zeroGrads();
        f.backward(f.forward(x, y), dy, null);
        double[] g = f.params().readGrads();
        int tables = f.encoding().paramCount(), nonzero = 0;
        for (int i = 0; i < tables; i++) if (g[i] != 0) nonzero++;
        assertTrue(nonzero > rows, "table gradients: " + nonzero + " nonzero");
    }

    @Test
    void configDefaultsJsonAndLimits() {
        EncodingConfig.Hash d = (EncodingConfig.Hash) EncodingConfig.REGISTRY.example("hash");
        assertEquals(new EncodingConfig.Hash(16, 2, 19, 16, 1.5, true), d);
        assertEquals(16, d.resolution(0));
        assertEquals(24, d.resolution(1));
        assertEquals((long) Math.floor(16 * Math.pow(1.5, 15)), d.resolution(15));
        HashSpec spec = new HashEncoding(d).spec();
        assertTrue(spec.dense(0) && spec.dense(3) && !spec.dense(4)); // 55^3 ≤ 2^19 < 82^3 (N_3 = 54, N_4 = 81)
        assertEquals(d, parse(Json.write(d.toJson())));
        EncodingConfig.Hash c = new EncodingConfig.Hash(8, 4, 12, 32, 1.25, false);
        assertEquals(c, parse(Json.write(c.toJson())));
        assertEquals("x.json: field.encoding.levels: must be in [1, 32], got 33",
                assertThrows(ConfigException.class, () -> parse("{\"type\": \"hash\", \"levels\": 33}")).getMessage());
        String m = assertThrows(ConfigException.class,
                () -> parse("{\"type\": \"hash\", \"base_resolution\": 4096, \"per_level_scale\": 4}")).getMessage();
        assertTrue(m.startsWith("x.json: field.encoding.per_level_scale: the finest level (15) would have resolution"), m);
        m = assertThrows(ConfigException.class,
                () -> parse("{\"type\": \"hash\", \"levels\": 32, \"features\": 8, \"log2_table\": 24, \"per_level_scale\": 1.2}")).getMessage();
        assertTrue(m.startsWith("x.json: field.encoding.log2_table: the tables would hold"), m);
        assertFalse(d.toJson().has("octaves"));
    }

    private static EncodingConfig parse(String json) {
        try {
            ObjectNode o = (ObjectNode) Json.MAPPER.readTree(json);
            return EncodingConfig.REGISTRY.parse(new ConfigNode("x.json", "field.encoding", o));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
