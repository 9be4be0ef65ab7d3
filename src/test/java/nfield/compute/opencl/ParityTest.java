package nfield.compute.opencl;

import nfield.compute.Backend;
import nfield.compute.LossFn;
import nfield.compute.Tensor;
import nfield.compute.ref.RefBackend;
import nfield.config.ActivationConfig;
import nfield.config.EncodingConfig;
import nfield.config.FieldConfig;
import nfield.config.NetworkConfig;
import nfield.config.OptimizerConfig;
import nfield.config.ScheduleConfig;
import nfield.field.Component;
import nfield.testing.Components;
import nfield.testing.Harness;
import nfield.testing.OpenCl;
import nfield.testing.Standalone;
import nfield.train.Adam;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The OpenCL kernels against the float64 reference on fresh random inputs: outputs, input
 * gradients and parameter gradients of every registered component agree within relative error
 * 1e-4 (max |cl - ref| / max |ref| per tensor), and so do the parameters after 10 Adam steps of
 * a whole field. Runs on PoCL in CI.
 */
class ParityTest {
    static final double TOL = 1e-4;
    static final int ROWS = 777; // not a multiple of any work-group size
    static ClBackend cl;
    /** Hash grids whose entries many points share: a 27-entry dense level, 256-entry tables, a 16-level pyramid on 2^14. */
    static final List<EncodingConfig.Hash> COLLISION_CONFIGS = List.of(
            new EncodingConfig.Hash(9, 2, 8, 2, 2.0, true),
            new EncodingConfig.Hash(6, 3, 8, 16, 2.0, false),
            new EncodingConfig.Hash(16, 2, 14, 16, 1.5, true));

    @BeforeAll
    static void open() {
        cl = OpenCl.open();
    }

    @TestFactory
    List<DynamicTest> everyComponent() {
        List<DynamicTest> tests = new ArrayList<>();
        long seed = Long.getLong("parity.seed", System.nanoTime()); // -Dparity.seed=N replays a failure
        for (Components.Case c : Components.all()) {
            tests.add(DynamicTest.dynamicTest(c.name(), () -> compare(c, seed)));
        }
        return tests;
    }

    private void compare(Components.Case k, long seed) {
        Standalone ref = k.build().apply(new RefBackend());
        Standalone dev = k.build().apply(cl);
        Component c = ref.component();
        double[] p = Harness.toFloat(Harness.params(c, seed));
        double[] x = Harness.uniform(ROWS * c.inputWidth(), seed + 1);
        double[] g = Harness.uniform(ROWS * c.outputWidth(), seed + 2);
        Harness.Result a = Harness.run(ref, p, x, ROWS, g.clone());
        Harness.Result b = Harness.run(dev, p, x, ROWS, g.clone());
        String tag = k + " (seed " + seed + ")";
        check(tag + " output", b.out(), a.out());
        check(tag + " input gradient", b.dIn(), a.dIn());
        if (c.paramCount() > 0) check(tag + " parameter gradient", trainable(ref, b.dParams()), trainable(ref, a.dParams()));
    }

    /** Frozen slices have no gradient on either backend; compare the rest. */
    private static double[] trainable(Standalone s, double[] g) {
        double[] out = g.clone();
        for (var sl : s.store().slices()) if (!sl.trainable()) java.util.Arrays.fill(out, sl.offset(), sl.offset() + sl.length(), 0);
        return out;
    }

    static void check(String what, double[] cl, double[] ref) {
        assertEquals(ref.length, cl.length, what + ": length");
        double e = Harness.relError(cl, ref);
        assertTrue(e <= TOL, what + ": relative error " + e + " > " + TOL);
    }

    /**
     * Spherical harmonics of every degree (the kernel unrolls the terms of each degree at build
     * time): values and input gradients on unit directions and on points off the sphere.
     */
    @TestFactory
    List<DynamicTest> sphericalHarmonicsEveryDegree() {
        List<DynamicTest> tests = new ArrayList<>();
        long seed = System.nanoTime();
        for (int degree = 1; degree <= 4; degree++) {
            int deg = degree;
            tests.add(DynamicTest.dynamicTest("spherical harmonics degree " + deg, () -> {
                Components.Case c = new Components.Case("sh", b -> Standalone.of(new nfield.field.SphericalHarmonicsEncoding(deg), b));
                Standalone ref = c.build().apply(new RefBackend()), dev = c.build().apply(cl);
                double[] x = Harness.uniform(ROWS * 3, seed + deg);
                for (int r = 0; r < ROWS / 2; r++) { // half of them unit vectors
                    double l = Math.sqrt(x[3 * r] * x[3 * r] + x[3 * r + 1] * x[3 * r + 1] + x[3 * r + 2] * x[3 * r + 2]);
                    for (int d = 0; d < 3; d++) x[3 * r + d] = (float) (x[3 * r + d] / l);
                }
                double[] g = Harness.uniform(ROWS * deg * deg, seed + 10 + deg);
                Harness.Result a = Harness.run(ref, new double[0], x, ROWS, g.clone()), b = Harness.run(dev, new double[0], x, ROWS, g.clone());
                check("sh degree " + deg + " (seed " + seed + ") output", b.out(), a.out());
                check("sh degree " + deg + " (seed " + seed + ") input gradient", b.dIn(), a.dIn());
                System.out.printf("sh parity degree %d: relative errors output %.2e, input gradient %.2e%n", deg,
                        Harness.relError(b.out(), a.out()), Harness.relError(b.dIn(), a.dIn()));
            }));
        }
        return tests;
    }

    /**
     * The hash encoding where table entries are shared by many points at once: a 27-entry dense
     * level under 20000 points, 256-entry hashed tables at resolutions up to 512 (tens of points
     * per entry, the atomic scatter's worst case), and the default 16-level pyramid (finest
     * resolution 7006, where float32 cell positions matter) on 2^14-entry tables; each with every
     * way of gathering the table gradient ({@link ClBackend.HashScatter}).
     */
    @TestFactory
    List<DynamicTest> hashEncodingUnderCollisions() {
        List<DynamicTest> tests = new ArrayList<>();
        long seed = System.nanoTime();
        List<EncodingConfig.Hash> configs = COLLISION_CONFIGS;
        for (EncodingConfig.Hash cfg : configs) {
            for (ClBackend.HashScatter h : ClBackend.HashScatter.values()) {
                tests.add(DynamicTest.dynamicTest(cfg + " " + h.label(), () -> withScatter(h, () -> {
                    int rows = 20000;
                    Components.Case c = new Components.Case("hash", b -> Standalone.of(new nfield.field.HashEncoding(cfg), b));
                    Standalone ref = c.build().apply(new RefBackend()), dev = c.build().apply(cl);
                    double[] p = Harness.uniform(ref.component().paramCount(), seed); // O(1) tables
                    double[] x = Harness.uniform(rows * 3, seed + 1);
                    double[] g = Harness.uniform(rows * ref.component().outputWidth(), seed + 2);
                    Harness.Result a = Harness.run(ref, p, x, rows, g.clone()), b = Harness.run(dev, p, x, rows, g.clone());
                    String tag = cfg + " " + h.label() + " (seed " + seed + ")";
                    check(tag + " output", b.out(), a.out());
                    check(tag + " input gradient", b.dIn(), a.dIn());
                    check(tag + " table gradient", b.dParams(), a.dParams());
                    System.out.printf("hash parity %s %s: relative errors output %.2e, input gradient %.2e, table gradient %.2e%n",
                            cfg, h.label(), Harness.relError(b.out(), a.out()), Harness.relError(b.dIn(), a.dIn()),
                            Harness.relError(b.dParams(), a.dParams()));
                })));
            }
        }
        return tests;
    }

    /** Runs body with the OpenCL backend gathering hash gradients by h, then restores the default. */
    static void withScatter(ClBackend.HashScatter h, Runnable body) {
        withVariant("hash-scatter", h.label(), body);
    }

    /** Runs body with variant {@code name} of kernel family {@code family}, then restores the one before. */
    static void withVariant(String family, String name, Runnable body) {
        String before = cl.variant(family);
        cl.variant(family, name);
        try {
            body.run();
        } finally {
            cl.variant(family, before);
        }
    }

    /**
     * Every way of running the hash encoding's forward ({@link ClBackend.HashForward}; lanes of
     * the device's width and of 4 and 16) under collisions, on cell boundaries and at an odd
     * table offset: outputs and input gradients against the reference.
     */
    @TestFactory
    List<DynamicTest> hashForwardVariants() {
        List<DynamicTest> tests = new ArrayList<>();
        long seed = System.nanoTime();
        List<EncodingConfig.Hash> configs = COLLISION_CONFIGS;
        for (ClBackend.HashForward f : ClBackend.HashForward.values()) {
            for (int lanes : f == ClBackend.HashForward.LANES ? new int[]{cl.lanes(), 4, 16} : new int[]{cl.lanes()}) {
                String name = f.label() + (f == ClBackend.HashForward.LANES ? " of " + lanes : "");
                for (EncodingConfig.Hash cfg : configs) {
                    tests.add(DynamicTest.dynamicTest(name + " " + cfg, () -> withLanes(lanes, () -> withVariant("hash-forward", f.label(), () -> {
                        int rows = 20003; // not a multiple of any lane count
                        Components.Case c = new Components.Case("hash", b -> Standalone.of(new nfield.field.HashEncoding(cfg), b));
                        Standalone ref = c.build().apply(new RefBackend()), dev = c.build().apply(cl);
                        double[] p = Harness.uniform(ref.component().paramCount(), seed);
                        double[] x = Harness.uniform(rows * 3, seed + 1);
                        for (int i = 0; i < 30; i++) x[i] = i % 2 == 0 ? 1.5 : -1.25; // outside the box: clamped to its faces
                        double[] g = Harness.uniform(rows * ref.component().outputWidth(), seed + 2);
                        Harness.Result a = Harness.run(ref, p, x, rows, g.clone()), b = Harness.run(dev, p, x, rows, g.clone());
                        String tag = name + " " + cfg + " (seed " + seed + ")";
                        check(tag + " output", b.out(), a.out());
                        check(tag + " input gradient", b.dIn(), a.dIn());
                    }))));
                }
                tests.add(DynamicTest.dynamicTest(name + " on cell boundaries", () -> withLanes(lanes,
                        () -> withVariant("hash-forward", f.label(), this::hashCellsAgreeOnCellBoundaries))));
                tests.add(DynamicTest.dynamicTest(name + " at an odd offset", () -> withLanes(lanes, () -> withVariant("hash-forward", f.label(), () -> {
                    nfield.compute.HashSpec spec = nfield.compute.HashSpec.of(3, 2, 9, new int[]{6, 12, 24}, true);
                    int rows = 5001, off = 3;
                    double[] p = Harness.uniform(off + spec.paramCount() + 2, 61);
                    double[] x = Harness.uniform(rows * 3, 62), g = Harness.uniform(rows * spec.outputWidth(), 63);
                    double[][] r = hashBackward(new RefBackend(), spec, off, p, x, g, 0.5), d = hashBackward(cl, spec, off, p, x, g, 0.5);
                    check(name + " odd offset: output", d[0], r[0]);
                }))));
            }
        }
        return tests;
    }

    /**
     * Every way of running a dense layer's forward ({@link ClBackend.DenseForward}) against the
     * reference: widths of one, two and three tiles of 32, inputs not a multiple of 8, odd row
     * counts (the two-row kernel's last work-item has one row), with and without the stored z.
     */
    @TestFactory
    List<DynamicTest> denseForwardVariants() {
        return forwardVariants("dense-forward", new int[][]{{27, 64}, {64, 64}, {13, 32}, {64, 96}, {32, 8}, {64, 3}});
    }

    /**
     * Narrow layers ({@link ClBackend.DenseNarrow}: outputs not a multiple of 8, the colour and
     * density heads) against the reference, one to 63 outputs, inputs not a multiple of 8.
     */
    @TestFactory
    List<DynamicTest> denseNarrowVariants() {
        return forwardVariants("dense-narrow", new int[][]{{64, 3}, {64, 1}, {27, 5}, {32, 15}, {13, 57}, {7, 63}});
    }

    /** Every variant of {@code family} on layers of the given [inputs, outputs], 1001 rows, with and without z. */
    private static List<DynamicTest> forwardVariants(String family, int[][] shapes) {
        List<DynamicTest> tests = new ArrayList<>();
        long seed = System.nanoTime();
        for (String f : cl.variants().get(family)) {
            for (int[] sh : shapes) {
                for (boolean storeZ : new boolean[]{false, true}) {
                    tests.add(DynamicTest.dynamicTest(f + " " + sh[0] + "→" + sh[1] + (storeZ ? " with z" : ""), () -> withVariant(family, f, () -> {
                        int rows = 1001, in = sh[0], out = sh[1];
                        double[] p = Harness.uniform(in * out + out + 5, seed), x = Harness.uniform(rows * in, seed + 1);
                        double[][] r = denseOn(new RefBackend(), in, out, p, x, storeZ), d = denseOn(cl, in, out, p, x, storeZ);
                        check(f + " " + in + "→" + out + " y (seed " + seed + ")", d[0], r[0]);
                        if (storeZ) check(f + " " + in + "→" + out + " z (seed " + seed + ")", d[1], r[1]);
                    })));
                }
            }
        }
        return tests;
    }

    /**
     * Every way of running a dense layer's backward ({@link ClBackend.DenseBackward}, {@link ClBackend.DenseWeights}) against the
     * reference: the input gradient, dz left in dy and the parameter gradients, for inputs within
     * one tile of 64 and over several (not a multiple of 8), narrow and wide outputs, an
     * activation that reads z (softplus) and one that does not (relu, z aliasing y).
     */
    @TestFactory
    List<DynamicTest> denseBackwardVariants() {
        List<DynamicTest> tests = new ArrayList<>();
        long seed = System.nanoTime();
        int[][] shapes = {{64, 3}, {64, 64}, {27, 64}, {32, 16}, {64, 96}, {128, 128}, {13, 5}, {200, 3}, {70, 16}, {32, 64}};
        for (ClBackend.DenseBackward f : ClBackend.DenseBackward.values()) {
          for (ClBackend.DenseWeights wv : ClBackend.DenseWeights.values()) {
            for (int[] sh : shapes) {
                for (boolean softplus : new boolean[]{false, true}) {
                    String name = f.label() + ", weights " + wv.label() + " " + sh[0] + "→" + sh[1] + (softplus ? " softplus" : " relu");
                    tests.add(DynamicTest.dynamicTest(name, () -> withVariant("dense-backward", f.label(), () -> withVariant("dense-weights", wv.label(), () -> {
                        int rows = 517, in = sh[0], out = sh[1];
                        double[] p = Harness.uniform(in * out + out + 5, seed), x = Harness.uniform(rows * in, seed + 1),
                                g = Harness.uniform(rows * out, seed + 2);
                        nfield.compute.Activation act = softplus ? nfield.compute.Activation.softplus(1) : nfield.compute.Activation.RELU;
                        double[][] r = Harness.denseBackward(new RefBackend(), in, out, p, 5, x, g, act), d = Harness.denseBackward(cl, in, out, p, 5, x, g, act);
                        check(name + " dx (seed " + seed + ")", d[0], r[0]);
                        check(name + " dz (seed " + seed + ")", d[1], r[1]);
                        check(name + " parameter gradients (seed " + seed + ")", d[2], r[2]);
                    }))));
                }
            }
          }
        }
        return tests;
    }

    /**
     * transposed2 sums each input's gradient over the outputs in the same order as transposed, two
     * rows at a time: the same bits, so the CPU's default does not change a fit.
     */
    @Test
    void transposedTwoRowsGiveTheSameBits() {
        long seed = System.nanoTime();
        for (int[] sh : new int[][]{{64, 64}, {256, 256}, {32, 16}, {128, 3}}) {
            int rows = 777, in = sh[0], out = sh[1];
            double[] p = Harness.toFloat(Harness.uniform(in * out + out, seed)), x = Harness.toFloat(Harness.uniform(rows * in, seed + 1)),
                    g = Harness.toFloat(Harness.uniform(rows * out, seed + 2));
            double[][][] got = new double[2][][];
            String[] variants = {"transposed", "transposed2"};
            for (int v = 0; v < 2; v++) {
                int k = v;
                withVariant("dense-backward", variants[v], () -> got[k] = Harness.denseBackward(cl, in, out, p, 0, x, g, nfield.compute.Activation.RELU));
            }
            assertArrayEquals(got[0][0], got[1][0], in + "→" + out + " dx (seed " + seed + ")");
            assertArrayEquals(got[0][1], got[1][1], in + "→" + out + " dz (seed " + seed + ")");
        }
    }

    /**
     * copyCols (util/tensor.cl, built for each column count: float4 moves where it is a multiple
     * of 4) against the reference: column counts 1 to 16, odd offsets on both sides, copied and
     * accumulated, an odd row count.
     */
    @TestFactory
    List<DynamicTest> copyColumns() {
        List<DynamicTest> tests = new ArrayList<>();
        long seed = System.nanoTime();
        for (int ncols : new int[]{1, 3, 4, 8, 15, 16}) {
            for (boolean acc : new boolean[]{false, true}) {
                tests.add(DynamicTest.dynamicTest("copy " + ncols + " columns" + (acc ? ", accumulated" : ""), () -> {
                    int rows = 333, scols = ncols + 5, dcols = ncols + 3, sc0 = 3, dc0 = 1;
                    double[] src = Harness.uniform(rows * scols, seed), dst = Harness.uniform(rows * dcols, seed + 1);
                    double[][] out = new double[2][];
                    Backend[] bs = {new RefBackend(), cl};
                    for (int k = 0; k < 2; k++) {
                        Tensor s = bs[k].alloc(rows, scols), d = bs[k].alloc(rows, dcols);
                        bs[k].write(s, src);
                        bs[k].write(d, dst);
                        bs[k].copyCols(s, sc0, d, dc0, ncols, acc);
                        out[k] = bs[k].read(d);
                    }
                    check("copy " + ncols + (acc ? " accumulated" : "") + " (seed " + seed + ")", out[1], out[0]);
                    // the columns outside the copy are left as they were
                    for (int r = 0; r < rows; r++) {
                        for (int c = 0; c < dcols; c++) {
                            if (c < dc0 || c >= dc0 + ncols) assertEquals((float) dst[r * dcols + c], out[1][r * dcols + c], 0.0);
                        }
                    }
                }));
            }
        }
        return tests;
    }

    /** {y, z} of a softplus dense layer whose parameters start at offset 5 of p. */
    private static double[][] denseOn(Backend b, int in, int out, double[] p, double[] x, boolean storeZ) {
        int rows = x.length / in;
        Tensor pt = b.alloc(1, p.length), xt = b.alloc(rows, in), yt = b.alloc(rows, out), zt = storeZ ? b.alloc(rows, out) : null;
        b.write(pt, p);
        b.write(xt, x);
        b.denseForward(xt, pt, 5, nfield.compute.Activation.softplus(1), yt, zt);
        return new double[][]{b.read(yt), storeZ ? b.read(zt) : new double[0]};
    }

    /** Runs body with lanes kernels built for {@code lanes} points a work-item, then restores the width. */
    static void withLanes(int lanes, Runnable body) {
        String before = System.getProperty(ClBackend.LANES_PROPERTY);
        System.setProperty(ClBackend.LANES_PROPERTY, Integer.toString(lanes));
        try {
            body.run();
        } finally {
            if (before == null) System.clearProperty(ClBackend.LANES_PROPERTY);
            else System.setProperty(ClBackend.LANES_PROPERTY, before);
        }
    }

    /**
     * Points on and one float ulp either side of cell boundaries (vertices of random levels of a
     * 16-level pyramid, finest resolution 7006): both backends must pick the same cell, or the
     * piecewise-constant input gradients would differ by a whole jump.
     */
    @Test
    void hashCellsAgreeOnCellBoundaries() {
        EncodingConfig.Hash cfg = new EncodingConfig.Hash(16, 2, 14, 16, 1.5, true);
        int[] res = cfg.resolutions();
        int rows = 3000;
        java.util.SplittableRandom rng = new java.util.SplittableRandom(51);
        double[] x = new double[rows * 3];
        for (int i = 0; i < x.length; i++) {
            int n = res[rng.nextInt(res.length)];
            float v = (float) (2.0 * rng.nextInt(n + 1) / n - 1);
            int step = rng.nextInt(3) - 1;
            x[i] = step < 0 ? Math.nextDown(v) : step > 0 ? Math.nextUp(v) : v;
        }
        Components.Case c = new Components.Case("hash", b -> Standalone.of(new nfield.field.HashEncoding(cfg), b));
        Standalone ref = c.build().apply(new RefBackend()), dev = c.build().apply(cl);
        double[] p = Harness.uniform(ref.component().paramCount(), 52);
        double[] g = Harness.uniform(rows * ref.component().outputWidth(), 53);
        Harness.Result a = Harness.run(ref, p, x, rows, g.clone()), b = Harness.run(dev, p, x, rows, g.clone());
        check("on cell boundaries: output", b.out(), a.out());
        check("on cell boundaries: input gradient", b.dIn(), a.dIn());
        check("on cell boundaries: table gradient", b.dParams(), a.dParams());
    }

    /** Tables at an odd offset in the parameter vector (feature pairs then are not 8-byte aligned), every scatter. */
    @TestFactory
    List<DynamicTest> hashTablesAtAnOddOffset() {
        List<DynamicTest> tests = new ArrayList<>();
        for (ClBackend.HashScatter h : ClBackend.HashScatter.values()) {
            tests.add(DynamicTest.dynamicTest(h.label(), () -> withScatter(h, () -> {
                nfield.compute.HashSpec spec = nfield.compute.HashSpec.of(3, 2, 9, new int[]{6, 12, 24}, true);
                int rows = 5000, off = 3;
                double[] p = Harness.uniform(off + spec.paramCount() + 2, 61);
                double[] x = Harness.uniform(rows * 3, 62), g = Harness.uniform(rows * spec.outputWidth(), 63);
                double[][] ref = hashBackward(new RefBackend(), spec, off, p, x, g, 0.5), dev = hashBackward(cl, spec, off, p, x, g, 0.5);
                check("odd offset " + h.label() + ": output", dev[0], ref[0]);
                check("odd offset " + h.label() + ": input gradient", dev[2], ref[2]);
                check("odd offset " + h.label() + ": gradients (+= onto 0.5)", dev[1], ref[1]);
                for (int i : new int[]{0, 1, 2, off + spec.paramCount(), off + spec.paramCount() + 1}) {
                    assertEquals(0.5, dev[1][i], "gradient outside the tables touched at " + i);
                }
            })));
        }
        return tests;
    }

    /** {output, grads (filled with base, then +=), dx} of one forward and backward of the hash encoding on b. */
    static double[][] hashBackward(Backend b, nfield.compute.HashSpec spec, int off, double[] p, double[] x, double[] g, double base) {
        int rows = x.length / 3, w = spec.outputWidth();
        Tensor pt = b.alloc(1, p.length), gt = b.alloc(1, p.length), xt = b.alloc(rows, 3), yt = b.alloc(rows, w),
                dyt = b.alloc(rows, w), dxt = b.alloc(rows, 3);
        b.write(pt, p);
        b.fill(gt, base);
        b.write(xt, x);
        b.write(dyt, g);
        b.hashEncode(xt, pt, off, spec, yt);
        b.hashEncodeBackward(xt, pt, gt, off, spec, dyt, dxt);
        return new double[][]{b.read(yt), b.read(gt), b.read(dxt)};
    }

    /**
     * The reproducible scatters give the same bits on every run; the fixed-point one also with the
     * points in another order (integer sums do not depend on it), where float sums do.
     */
    @Test
    void reproducibleHashScatters() {
        nfield.compute.HashSpec spec = nfield.compute.HashSpec.of(8, 2, 10, new int[]{4, 8, 16, 32, 64, 128, 256, 512}, true);
        int rows = 30000;
        long seed = System.nanoTime();
        double[] p = Harness.uniform(spec.paramCount(), seed), x = Harness.uniform(rows * 3, seed + 1),
                g = Harness.uniform(rows * spec.outputWidth(), seed + 2);
        int[] perm = new int[rows];
        for (int i = 0; i < rows; i++) perm[i] = i;
        java.util.SplittableRandom rng = new java.util.SplittableRandom(seed);
        for (int i = rows - 1; i > 0; i--) { int j = rng.nextInt(i + 1), t = perm[i]; perm[i] = perm[j]; perm[j] = t; }
        double[] xp = new double[x.length], gp = new double[g.length];
        int w = spec.outputWidth();
        for (int i = 0; i < rows; i++) {
            System.arraycopy(x, 3 * perm[i], xp, 3 * i, 3);
            System.arraycopy(g, w * perm[i], gp, w * i, w);
        }
        double[][] owned = new double[2][];
        for (ClBackend.HashScatter h : List.of(ClBackend.HashScatter.FIXED, ClBackend.HashScatter.OWNER, ClBackend.HashScatter.OWNER_LANES)) {
            withScatter(h, () -> {
                double[] first = hashBackward(cl, spec, 0, p, x, g, 0)[1];
                if (h.owned()) owned[h == ClBackend.HashScatter.OWNER ? 0 : 1] = first;
                for (int run = 0; run < 3; run++) {
                    assertArrayEquals(first, hashBackward(cl, spec, 0, p, x, g, 0)[1], h.label() + ": run " + run + " differs (seed " + seed + ")");
                }
                if (h == ClBackend.HashScatter.FIXED) {
                    assertArrayEquals(first, hashBackward(cl, spec, 0, p, xp, gp, 0)[1], "fixed: points in another order (seed " + seed + ")");
                }
            });
        }
        // the two owners add the same products in the same order: either may be the default (by the machine) with the same fits
        assertArrayEquals(owned[0], owned[1], "owner and owner-lanes differ (seed " + seed + ")");
    }

    /**
     * The fixed-point scatter scales each level by its own max|dy|: a level whose gradients are
     * 1e-12 of another's keeps its relative accuracy; inf or NaN in dy makes that level's gradient
     * NaN, as float sums would, and leaves the next call unharmed.
     */
    @Test
    void fixedPointScatterRangeAndNaN() {
        withScatter(ClBackend.HashScatter.FIXED, () -> {
            nfield.compute.HashSpec spec = nfield.compute.HashSpec.of(3, 2, 9, new int[]{6, 12, 24}, true);
            int rows = 4000, w = spec.outputWidth();
            double[] p = Harness.uniform(spec.paramCount(), 71), x = Harness.uniform(rows * 3, 72), g = Harness.uniform(rows * w, 73);
            for (int r = 0; r < rows; r++) for (int f = 0; f < 2; f++) { g[r * w + 3 + f] *= 1e-12; g[r * w + 5 + f] *= 1e6; }
            double[] ref = hashBackward(new RefBackend(), spec, 0, p, x, g, 0)[1], dev = hashBackward(cl, spec, 0, p, x, g, 0)[1];
            for (int l = 0; l < 3; l++) {
                int a = spec.tableOffset(l), b = a + spec.tableSizes()[l] * 2;
                check("fixed level " + l + " of gradients scaled 1e-12, 1, 1e6",
                        java.util.Arrays.copyOfRange(dev, a, b), java.util.Arrays.copyOfRange(ref, a, b));
            }
            double[] bad = g.clone();
            bad[17 * w + 4] = Double.NaN;
            double[] nan = hashBackward(cl, spec, 0, p, x, bad, 0)[1];
            int a1 = spec.tableOffset(1);
            for (int i = 0; i < a1; i++) assertTrue(Double.isNaN(nan[i]), "level 0 gradient " + i + " not NaN with NaN in its dy");
            for (int i = a1; i < nan.length; i++) assertEquals(dev[i], nan[i], "level 1-2 gradient " + i + " changed by NaN in level 0's dy");
            assertArrayEquals(dev, hashBackward(cl, spec, 0, p, x, g, 0)[1], "the call after a NaN one");
        });
    }

    @TestFactory
    List<DynamicTest> everyLoss() {
        List<DynamicTest> tests = new ArrayList<>();
        Components.losses().forEach((type, fn) -> {
            tests.add(DynamicTest.dynamicTest("loss " + type, () -> {
                double[] p = Harness.uniform(ROWS, 31), t = Harness.uniform(ROWS, 32);
                for (int i = 0; i < ROWS; i++) { p[i] = (float) (p[i] * 0.3); t[i] = (float) (t[i] * 0.3); }
                double[][] r = lossOn(new RefBackend(), fn, p, t), d = lossOn(cl, fn, p, t);
                check("loss " + type + " value", d[0], r[0]);
                check("loss " + type + " gradient", d[1], r[1]);
                assertEquals(r[2][0], d[2][0], 1e-5 * Math.abs(r[2][0]) + 1e-7, "loss " + type + " mean");
                // a NaN prediction (a diverged field) gives a NaN loss and gradient in both, even where a clamp would hide it
                p[3] = Double.NaN;
                p[4] = 5; // beyond any clamp
                double[][] rn = lossOn(new RefBackend(), fn, p, t), dn = lossOn(cl, fn, p, t);
                for (double[][] x : new double[][][]{rn, dn}) {
                    assertTrue(Double.isNaN(x[0][3]) && Double.isNaN(x[1][3]) && Double.isNaN(x[2][0]), "loss " + type + ": NaN lost");
                    assertTrue(Double.isFinite(x[0][4]) && Double.isFinite(x[1][4]), "loss " + type + ": a finite prediction gave NaN");
                }
            }));
        });
        return tests;
    }

    private static double[][] lossOn(Backend b, LossFn fn, double[] p, double[] t) {
        Tensor pt = b.alloc(ROWS, 1), tt = b.alloc(ROWS, 1), e = b.alloc(ROWS, 1), d = b.alloc(ROWS, 1);
        b.write(pt, p);
        b.write(tt, t);
        b.loss(pt, tt, fn, 1.0 / ROWS, e, d);
        return new double[][]{b.read(e), b.read(d), {b.sum(e) / ROWS}};
    }

    @Test
    void sampledRowsAreTheSame() {
        double[] pool = Harness.uniform(1000 * 4, 41);
        double[][] got = new double[2][];
        Backend[] bs = {new RefBackend(), cl};
        for (int i = 0; i < 2; i++) {
            Tensor pt = bs[i].alloc(1000, 4), out = bs[i].alloc(300, 4);
            bs[i].write(pt, pool);
            bs[i].sampleRows(pt, 1000, out, 0x1234_5678_9ABCL);
            got[i] = bs[i].read(out);
        }
        assertTrue(java.util.Arrays.equals(got[0], got[1]), "the device sampler picks other rows than Backend.sampleIndex");
    }

    @Test
    void tenAdamStepsOfAWholeField() {
        FieldConfig fc = new FieldConfig("sdf", new EncodingConfig.Frequency(4, true),
                new NetworkConfig(32, 3, ActivationConfig.relu(), List.of(2), 1), "softplus");
        OptimizerConfig oc = new OptimizerConfig(1e-3, 0.9, 0.999, 1e-8, new ScheduleConfig("cosine", 0.1, 2));
        long seed = System.nanoTime();
        double[][] finals = {Harness.paramsAfterAdam(new RefBackend(), fc, oc, ROWS, 10, seed), Harness.paramsAfterAdam(cl, fc, oc, ROWS, 10, seed)};
        check("parameters after 10 Adam steps (seed " + seed + ")", finals[1], finals[0]);
    }
}
