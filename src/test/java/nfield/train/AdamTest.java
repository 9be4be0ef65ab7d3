package nfield.train;

import nfield.compute.Backend;
import nfield.compute.ParamStore;
import nfield.compute.ref.RefBackend;
import nfield.config.OptimizerConfig;
import nfield.config.ScheduleConfig;
import nfield.testing.Harness;
import nfield.testing.OpenCl;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Adam clears the gradients as it reads them where it covers the whole store, and the next
 * {@link ParamStore#zeroGrads} then skips its pass: the parameters after steps with different
 * gradients each time must be those of clearing by a pass of its own every step (on both
 * backends), the gradients must be 0 after such a step, and a frozen prefix keeps the old way.
 */
class AdamTest {
    static final OptimizerConfig OC = new OptimizerConfig(1e-2, 0.9, 0.999, 1e-8, new ScheduleConfig("constant", 1, 0));

    @Test
    void clearingAsItReadsEqualsClearingByAPass() {
        for (Backend b : new Backend[]{new RefBackend(), OpenCl.open()}) {
            int n = 1003;
            double[] fused = run(b, n, 0, true), apart = run(b, n, 0, false);
            assertArrayEquals(apart, fused, b.name() + ": parameters after 5 steps");
            ParamStore s = store(b, n);
            new Adam(OC, s, 0).step(0);
            for (double g : s.readGrads()) assertEquals(0.0, g, b.name() + ": a gradient left after a clearing step");
        }
    }

    @Test
    void aFrozenPrefixIsNotClearedByAdam() {
        for (Backend b : new Backend[]{new RefBackend(), OpenCl.open()}) {
            ParamStore s = store(b, 500);
            double[] before = s.readGrads();
            new Adam(OC, s, 100).step(0);
            assertArrayEquals(before, s.readGrads(), b.name() + ": Adam over [100, 500) changed gradients");
            assertArrayEquals(run(b, 500, 100, false), run(b, 500, 100, true), b.name() + ": frozen prefix, 5 steps");
        }
    }

    private static ParamStore store(Backend b, int n) {
        ParamStore s = new ParamStore(b, n);
        s.writeParams(Harness.toFloat(Harness.uniform(n, 1)));
        s.resetOptimizer();
        b.write(s.grads(), Harness.toFloat(Harness.uniform(n, 2)));
        return s;
    }

    /** Five steps, each with gradients added onto what zeroGrads left: by Adam (fused) or by explicit clearing. */
    private static double[] run(Backend b, int n, int from, boolean fused) {
        ParamStore s = store(b, n);
        Adam adam = new Adam(OC, s, from);
        for (int step = 0; step < 5; step++) {
            if (fused) s.zeroGrads();
            else b.fill(s.grads(), 0);
            double[] g = s.readGrads(), add = Harness.toFloat(Harness.uniform(n, 10 + step));
            for (int i = 0; i < n; i++) g[i] += add[i];
            b.write(s.grads(), g);
            if (fused) adam.step(0);
            else b.adam(s, from, n - from, OC.lr(), OC.beta1(), OC.beta2(), OC.eps(), step + 1, false);
        }
        return s.readParams();
    }
}
