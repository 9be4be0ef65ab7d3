package nfield.compute;

import nfield.compute.ref.RefBackend;
import nfield.field.Component;
import nfield.testing.Components;
import nfield.testing.Harness;
import nfield.testing.Standalone;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Float64 central finite differences against the analytic backward pass of every registered
 * component (inputs and parameters) and every loss, on the reference backend.
 * Tolerance: |analytic - numeric| ≤ 1e-6 · max(1, max|numeric|) + 1e-5 · |numeric|, h = 1e-6.
 * Inputs come from each case's {@code smooth} sampler: a hash grid's points keep 1e-4 (100 h)
 * from every cell boundary of every level, so no central difference straddles one.
 */
class GradientCheckTest {
    static final double H = 1e-6;
    static final int ROWS = 5;

    @TestFactory
    List<DynamicTest> everyComponent() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Components.Case c : Components.all()) tests.add(DynamicTest.dynamicTest(c.name(), () -> check(c)));
        return tests;
    }

    private void check(Components.Case k) {
        Standalone s = k.build().apply(new RefBackend());
        Component c = s.component();
        double[] p = Harness.params(c, 11);
        double[] x = k.smooth().draw(ROWS, c.inputWidth(), 12);
        double[] g = Harness.uniform(ROWS * c.outputWidth(), 13);
        Harness.Result r = Harness.run(s, p, x, ROWS, g.clone());
        // inputs
        double[] numX = new double[x.length];
        for (int i = 0; i < x.length; i++) numX[i] = central(x, i, () -> Harness.objective(s, p, x, ROWS, g));
        compare(k + " d/dinput", r.dIn(), numX);
        // trainable parameters (frozen slices have no gradient by design)
        List<Integer> idx = new ArrayList<>();
        for (ParamStore.Slice sl : s.store().slices()) {
            if (!sl.trainable()) continue;
            for (int i = sl.offset(); i < sl.offset() + sl.length(); i++) idx.add(i);
        }
        // all of them if few; else 30 at random and 30 among those the analytic pass touched (a hash
        // table's gradient is sparse: random picks alone would mostly compare zeros)
        List<Integer> touched = new ArrayList<>();
        for (int i : idx) if (r.dParams()[i] != 0) touched.add(i);
        SplittableRandom pick = new SplittableRandom(14);
        int checks = Math.min(idx.size(), 60);
        double[] ana = new double[checks], num = new double[checks];
        for (int j = 0; j < checks; j++) {
            List<Integer> from = j % 2 == 1 && !touched.isEmpty() ? touched : idx;
            int i = idx.size() <= 60 ? idx.get(j) : from.get(pick.nextInt(from.size()));
            num[j] = central(p, i, () -> Harness.objective(s, p, x, ROWS, g));
            ana[j] = r.dParams()[i];
        }
        compare(k + " d/dparams", ana, num);
        if (!idx.isEmpty()) assertTrue(max(num) > 0, k + ": all parameter gradients are zero; the check would prove nothing");
    }

    /** (f(v + h e_i) - f(v - h e_i)) / 2h, with v[i] restored. */
    private static double central(double[] v, int i, java.util.function.DoubleSupplier f) {
        double keep = v[i];
        v[i] = keep + H;
        double fp = f.getAsDouble();
        v[i] = keep - H;
        double fm = f.getAsDouble();
        v[i] = keep;
        return (fp - fm) / (2 * H);
    }

    private static double max(double[] a) {
        double m = 0;
        for (double v : a) m = Math.max(m, Math.abs(v));
        return m;
    }

    static void compare(String what, double[] analytic, double[] numeric) {
        assertEquals(numeric.length, analytic.length, what + ": length");
        double scale = Math.max(1, max(numeric));
        for (int i = 0; i < numeric.length; i++) {
            double tol = 1e-6 * scale + 1e-5 * Math.abs(numeric[i]);
            double a = analytic[i], n = numeric[i];
            assertTrue(Math.abs(a - n) <= tol, what + "[" + i + "]: analytic " + a + " vs numeric " + n);
        }
    }

    @TestFactory
    List<DynamicTest> everyLoss() {
        List<DynamicTest> tests = new ArrayList<>();
        Components.losses().forEach((type, fn) -> {
            tests.add(DynamicTest.dynamicTest("loss " + type, () -> {
                SplittableRandom rng = new SplittableRandom(21);
                int checked = 0;
                for (int i = 0; i < 400; i++) {
                    double p = rng.nextDouble() * 0.6 - 0.3, t = rng.nextDouble() * 0.6 - 0.3;
                    // keep away from the kinks (p = t, |p| = delta, |p - t| = delta), where no derivative exists
                    if (Math.abs(p - t) < 1e-3 || Math.abs(Math.abs(p) - fn.delta()) < 1e-3
                            || Math.abs(Math.abs(p - t) - fn.delta()) < 1e-3) continue;
                    double num = (fn.value(p + H, t) - fn.value(p - H, t)) / (2 * H);
                    compare("loss " + type + " at p=" + p + " t=" + t, new double[]{fn.grad(p, t)}, new double[]{num});
                    checked++;
                }
                assertTrue(checked > 300, "too few points checked: " + checked);
            }));
        });
        return tests;
    }
}
