package nfield.compute.opencl;

import nfield.compute.Backend;
import nfield.compute.Tensor;
import nfield.config.SceneConfig;
import nfield.pipeline.FitRequest;
import nfield.pipeline.FitListener;
import nfield.pipeline.SdfFit;
import nfield.testing.OpenCl;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link Backend#scope()} on OpenCL: a whole fit's buffers released at its end, what was made before kept and working. */
class ScopeTest {
    @Test
    void aScopeReleasesWhatWasMadeInItAndNothingElse() throws Exception {
        ClBackend b = OpenCl.open();
        Tensor kept = b.alloc(4, 2);
        b.write(kept, new double[] {1, 2, 3, 4, 5, 6, 7, 8});
        int before = b.buffers();
        SceneConfig scene = SceneConfig.parse("scope test", """
                {"field": {"kind": "sdf", "encoding": {"type": "hash", "levels": 4, "log2_table": 10},
                           "network": {"width": 16, "hidden_layers": 2}},
                 "train": {"batch": 256, "steps": 5, "pool_size": 2048, "refresh_every": 0, "log_every": 5}}
                """);
        for (int round = 0; round < 3; round++) {
            try (Backend.Scope s = b.scope()) {
                SdfFit.run(FitRequest.of("analytic:sphere", scene), b, FitListener.NONE);
                assertTrue(b.buffers() > before + 5, "a fit makes buffers: " + b.buffers());
            }
            assertEquals(before, b.buffers(), "round " + round + ": every buffer of the fit is released");
        }
        assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6, 7, 8}, b.read(kept), "a tensor made before the scope still holds its values");
    }
}
