package nfield.field;

import nfield.compute.Backend;
import nfield.compute.ParamStore;
import nfield.compute.Tensor;
import nfield.compute.ref.RefBackend;
import nfield.config.ActivationConfig;
import nfield.config.ColorConfig;
import nfield.config.EncodingConfig;
import nfield.config.FieldConfig;
import nfield.config.NetworkConfig;
import nfield.testing.Components;
import nfield.testing.Harness;
import nfield.testing.OpenCl;
import nfield.testing.Standalone;
import nfield.testing.ViewField;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A radiance field with a colour network (field.color): layout and names of its parameters, what
 * each forward does, float64 finite differences of the whole field (points, directions, both
 * networks and the hash tables) and OpenCL parity, with the measured errors printed.
 */
class ViewDependentFieldTest {
    static final int ROWS = 6;

    /** The Instant NGP shape, small: hash grid, density net → 1 + 15, SH degree 4, colour net 2×16 (relu). */
    static FieldConfig ngp(String act) {
        ActivationConfig a = ActivationConfig.HIDDEN.example(act);
        return new FieldConfig("radiance", new EncodingConfig.Hash(4, 2, 10, 4, 2.0, false),
                new NetworkConfig(16, 1, a, List.of(), 1, "uniform"), "trunc_exp",
                new ColorConfig(new EncodingConfig.SphericalHarmonics(4), 15, new NetworkConfig(16, 2, a, List.of(), 1, "uniform")));
    }

    static double[] unitDirections(int n, long seed) {
        double[] g = Harness.uniform(3 * n, seed);
        for (int i = 0; i < n; i++) {
            double l = Math.sqrt(g[3 * i] * g[3 * i] + g[3 * i + 1] * g[3 * i + 1] + g[3 * i + 2] * g[3 * i + 2]);
            for (int d = 0; d < 3; d++) g[3 * i + d] = (float) (g[3 * i + d] / l);
        }
        return g;
    }

    @Test
    void parametersFollowTheDensityNetwork() {
        Field f = Field.of(ngp("relu"), new RefBackend());
        assertTrue(f.viewDependent());
        assertEquals(16, f.network().outputWidth());
        assertEquals(16 + 16, f.colorNetwork().inputWidth());
        assertEquals(3, f.colorNetwork().outputWidth());
        List<String> names = f.params().slices().stream().map(ParamStore.Slice::name).toList();
        assertEquals(List.of("encoding.levels.0.table", "encoding.levels.1.table", "encoding.levels.2.table", "encoding.levels.3.table",
                "network.layers.0.weight", "network.layers.0.bias", "network.layers.1.weight", "network.layers.1.bias",
                "color.network.layers.0.weight", "color.network.layers.0.bias", "color.network.layers.1.weight",
                "color.network.layers.1.bias", "color.network.layers.2.weight", "color.network.layers.2.bias"), names);
        ParamStore.Slice last = f.params().slices().get(names.size() - 1);
        assertEquals(f.paramCount(), last.offset() + last.length(), "the colour network ends the vector");
        assertArrayEquals(new int[]{32, 16}, f.params().slices().get(8).shape());

        Field plain = Field.of(new FieldConfig("radiance", new EncodingConfig.Frequency(2, true),
                new NetworkConfig(16, 2, ActivationConfig.relu(), List.of(), 1), "trunc_exp"), new RefBackend());
        assertTrue(!plain.viewDependent());
        assertNull(plain.colorNetwork());
        assertEquals(4, plain.network().outputWidth());
    }

    @Test
    void forwardWithoutDirectionsRefusesAndDensityIgnoresThem() {
        Backend b = new RefBackend();
        Field f = Field.of(ngp("relu"), b);
        f.params().writeParams(Harness.toFloat(Harness.params(f, 3)));
        int n = 200;
        Tensor p = b.alloc(n, 3), d1 = b.alloc(n, 3), d2 = b.alloc(n, 3), out = b.alloc(n, 4), density = b.alloc(n, 1);
        b.write(p, Harness.uniform(3 * n, 4));
        b.write(d1, unitDirections(n, 5));
        b.write(d2, unitDirections(n, 6));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> f.forward(p, out));
        assertTrue(e.getMessage().contains("view direction"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> f.forward(p, null, out));

        f.forward(p, d1, out);
        double[] a = b.read(out);
        f.forward(p, d2, out);
        double[] c = b.read(out);
        f.forwardDensity(p, density);
        double[] s = b.read(density);
        double colourChange = 0;
        for (int i = 0; i < n; i++) {
            assertEquals(a[4 * i], c[4 * i], 0, "density depends on the direction");
            assertEquals(a[4 * i], s[i], 0, "forwardDensity differs from column 0");
            for (int k = 1; k < 4; k++) colourChange = Math.max(colourChange, Math.abs(a[4 * i + k] - c[4 * i + k]));
        }
        assertTrue(colourChange > 1e-3, "the colour does not depend on the direction: " + colourChange);

        // FieldQuery (occupancy grid, meshing) reads the density alone
        float[] xyz = new float[3 * n];
        double[] pd = b.read(p);
        for (int i = 0; i < xyz.length; i++) xyz[i] = (float) pd[i];
        float[] v = new FieldQuery(f).values(xyz, n);
        for (int i = 0; i < n; i++) assertEquals((float) s[i], v[i], 0);
    }

    @Test
    void aFieldWithoutColourNetworkTakesAndIgnoresDirections() {
        Backend b = new RefBackend();
        Field f = Field.of(new FieldConfig("radiance", new EncodingConfig.Frequency(3, true),
                new NetworkConfig(16, 2, ActivationConfig.relu(), List.of(), 1), "trunc_exp"), b);
        f.init(8);
        int n = 50;
        Tensor p = b.alloc(n, 3), d = b.alloc(n, 3), out = b.alloc(n, 4), one = b.alloc(n, 1);
        b.write(p, Harness.uniform(3 * n, 9));
        b.write(d, unitDirections(n, 10));
        f.forward(p, out);
        double[] want = b.read(out);
        f.forward(p, d, out);
        assertArrayEquals(want, b.read(out));
        f.forward(p, null, out);
        assertArrayEquals(want, b.read(out));
        f.forwardDensity(p, one);
        double[] s = b.read(one);
        for (int i = 0; i < n; i++) assertEquals(want[4 * i], s[i], 0);
    }

    /**
     * Float64 central differences (h = 1e-6) of Σ g ⊙ out against the backward pass, per group:
     * points, directions, hash tables, density network, colour network. Softplus networks (smooth);
     * points 1e-4 away from every hash-cell boundary. Bound: max |analytic − numeric| ≤ 1e-6 ·
     * max(1, max |numeric|) per group.
     */
    @Test
    void finiteDifferencesOfTheWholeField() {
        FieldConfig fc = ngp("softplus");
        Standalone s = ViewField.of(Field.of(fc, new RefBackend()), ViewField.Mode.DIRECTIONS);
        Field f = Field.of(fc, new RefBackend()); // for the slices
        double[] p = Harness.params(f, 21);
        double[] tables = Harness.uniform(f.encoding().paramCount(), 100);
        for (int i = 0; i < tables.length; i++) p[i] = 0.5 * tables[i]; // tables that matter
        double[] pts = new double[ROWS * 6];
        double[] xs = componentsPoints(fc, 22), ds = unitDirections(ROWS, 23);
        for (int r = 0; r < ROWS; r++) {
            System.arraycopy(xs, 3 * r, pts, 6 * r, 3);
            System.arraycopy(ds, 3 * r, pts, 6 * r + 3, 3);
        }
        double[] g = Harness.uniform(ROWS * 4, 24);
        Harness.Result r = Harness.run(s, p, pts, ROWS, g.clone());
        double h = 1e-6;
        List<String> report = new ArrayList<>();
        double[] numIn = new double[pts.length];
        for (int i = 0; i < pts.length; i++) numIn[i] = central(pts, i, h, () -> Harness.objective(s, p, pts, ROWS, g));
        double[] aP = new double[3 * ROWS], nP = new double[3 * ROWS], aD = new double[3 * ROWS], nD = new double[3 * ROWS];
        for (int row = 0; row < ROWS; row++) {
            for (int k = 0; k < 3; k++) {
                aP[3 * row + k] = r.dIn()[6 * row + k];
                nP[3 * row + k] = numIn[6 * row + k];
                aD[3 * row + k] = r.dIn()[6 * row + 3 + k];
                nD[3 * row + k] = numIn[6 * row + 3 + k];
            }
        }
        report.add(check("d/dpoints", aP, nP));
        report.add(check("d/ddirections", aD, nD));
        for (String group : List.of("encoding.", "network.", "color.network.")) {
            List<Integer> idx = new ArrayList<>();
            for (ParamStore.Slice sl : f.params().slices()) {
                if (!sl.name().startsWith(group)) continue;
                for (int i = sl.offset(); i < sl.offset() + sl.length(); i++) if (group.equals("encoding.") ? r.dParams()[i] != 0 : true) idx.add(i);
            }
            int m = Math.min(idx.size(), 150);
            double[] a = new double[m], num = new double[m];
            for (int j = 0; j < m; j++) {
                int i = idx.get((int) ((long) j * idx.size() / m));
                a[j] = r.dParams()[i];
                num[j] = central(p, i, h, () -> Harness.objective(s, p, pts, ROWS, g));
            }
            report.add(check("d/d" + group + "*", a, num));
        }
        System.out.println("view-dependent field, float64 finite differences: " + String.join("; ", report));
    }

    private static double[] componentsPoints(FieldConfig fc, long seed) {
        // the hash-aware sampler of the component suite, through a field case
        Components.Case c = Components.all().stream().filter(k -> k.name().startsWith("field radiance hash + colour"))
                .findFirst().orElseThrow();
        return c.smooth().draw(ROWS, 3, seed);
    }

    private static double central(double[] v, int i, double h, java.util.function.DoubleSupplier f) {
        double keep = v[i];
        v[i] = keep + h;
        double fp = f.getAsDouble();
        v[i] = keep - h;
        double fm = f.getAsDouble();
        v[i] = keep;
        return (fp - fm) / (2 * h);
    }

    private static String check(String what, double[] analytic, double[] numeric) {
        double err = 0, scale = 0;
        for (int i = 0; i < numeric.length; i++) {
            err = Math.max(err, Math.abs(analytic[i] - numeric[i]));
            scale = Math.max(scale, Math.abs(numeric[i]));
        }
        assertTrue(scale > 1e-3, what + ": gradients too small to test (" + scale + ")");
        assertTrue(err <= 1e-6 * Math.max(1, scale), what + ": max error " + err + " (max |numeric| " + scale + ")");
        return String.format(Locale.ROOT, "%s max err %.1e (max |g| %.2g)", what, err, scale);
    }

    /**
     * OpenCL against the reference on 3000 fresh rows of (point, unit direction) for the Instant NGP
     * shape with ReLU: output, (dPoints, dDirs) and parameter gradients within relative error 1e-4
     * (max |cl − ref| / max |ref|), as the parity suite states.
     */
    @Test
    void openClMatchesTheReference() {
        parity(ngp("relu"), 3000);
    }

    /** The same for the default radiance scene's field (16 levels of 2^17, density net 1×64 → 16, colour net 2×64). */
    @Test
    void openClMatchesTheReferenceOnTheDefaultScene() {
        parity(nfield.config.SceneConfig.load(java.nio.file.Path.of("scenes/nerf-default.json")).field(), 2000);
    }

    /**
     * Rows whose reference input gradient jumps (by more than the parity tolerance) within ±{@code step} of the point (a ReLU
     * pre-activation within rounding of 0: there float32 and float64 may each take a side, and
     * the gradient has no single value; seed 2085055591249 found one at 2.7e-11 among 2000 rows of
     * the default scene, 4e-3 apart) get a fresh point and direction, until none is left.
     */
    private static void awayFromKinks(Standalone ref, double[] p, double[] x, int rows, double[] g, long seed) {
        java.util.SplittableRandom rng = new java.util.SplittableRandom(seed);
        double step = 1e-8;
        for (int round = 0; round < 8; round++) {
            double[] up = x.clone(), down = x.clone();
            for (int i = 0; i < x.length; i++) {
                double d = step * (rng.nextDouble() * 2 - 1);
                up[i] += d;
                down[i] -= d;
            }
            double[] a = Harness.run(ref, p, up, rows, g.clone()).dIn(), b = Harness.run(ref, p, down, rows, g.clone()).dIn();
            double scale = 0;
            for (double v : a) scale = Math.max(scale, Math.abs(v));
            int moved = 0;
            for (int r = 0; r < rows; r++) {
                double worst = 0;
                for (int k = 0; k < 6; k++) worst = Math.max(worst, Math.abs(a[6 * r + k] - b[6 * r + k]));
                if (worst <= 1e-4 * scale) continue;
                double[] pt = Harness.uniform(3, rng.nextLong()), dir = unitDirections(1, rng.nextLong());
                for (int k = 0; k < 3; k++) {
                    x[6 * r + k] = (float) pt[k];
                    x[6 * r + 3 + k] = dir[k];
                }
                moved++;
            }
            System.out.printf(Locale.ROOT, "parity rows at gradient kinks, round %d: %d of %d redrawn%n", round, moved, rows);
            if (moved == 0) return;
        }
        throw new AssertionError("rows at gradient kinks kept turning up");
    }

    private static void parity(FieldConfig fc, int rows) {
        Backend cl = OpenCl.open();
        long seed = Long.getLong("nfield.seed", System.nanoTime());
        Standalone ref = ViewField.of(Field.of(fc, new RefBackend()), ViewField.Mode.DIRECTIONS);
        Standalone dev = ViewField.of(Field.of(fc, cl), ViewField.Mode.DIRECTIONS);
        double[] p = Harness.toFloat(Harness.params(ref.component(), seed));
        double[] tables = Harness.uniform(Field.of(fc, new RefBackend()).encoding().paramCount(), seed + 4);
        for (int i = 0; i < tables.length; i++) p[i] = (float) (0.5 * tables[i]);
        double[] x = new double[rows * 6], xs = Harness.uniform(3 * rows, seed + 1), ds = unitDirections(rows, seed + 2);
        for (int r = 0; r < rows; r++) {
            System.arraycopy(xs, 3 * r, x, 6 * r, 3);
            System.arraycopy(ds, 3 * r, x, 6 * r + 3, 3);
        }
        double[] g = Harness.uniform(rows * 4, seed + 3);
        awayFromKinks(ref, p, x, rows, g, seed + 5);
        Harness.Result a = Harness.run(ref, p, x, rows, g.clone()), b = Harness.run(dev, p, x, rows, g.clone());
        double eo = Harness.relError(b.out(), a.out()), ei = Harness.relError(b.dIn(), a.dIn()), ep = Harness.relError(b.dParams(), a.dParams());
        System.out.printf(Locale.ROOT, "view-dependent field parity, %d rows, %,d parameters (seed %d): output %.1e, input gradient %.1e, parameter gradient %.1e%n",
                rows, p.length, seed, eo, ei, ep);
        assertTrue(eo <= 1e-4 && ei <= 1e-4 && ep <= 1e-4, "seed " + seed + ": " + eo + " " + ei + " " + ep);
    }
}
