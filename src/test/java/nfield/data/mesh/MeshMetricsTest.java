package nfield.data.mesh;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class MeshMetricsTest {
    @Test
    void aMeshAgainstItselfIsPerfect() {
        Mesh m = MeshShapes.torus(0.5, 0.2, 96, 32);
        MeshMetrics.Result r = MeshMetrics.compute(m, m, 20_000, 20_000, 0.01, 1);
        assertEquals(0, r.chamferL1(), 1e-12);
        assertEquals(0, r.chamferL2(), 1e-20);
        assertEquals(1, r.fscore(), 0);
        assertEquals(1, r.normalConsistency(), 1e-9);
        assertEquals(1, r.iou(), 0);
    }

    /** Two concentric tori (minor radii 0.22 and 0.2): every point is 0.02 from the other surface. */
    @Test
    void concentricToriGiveTheKnownGapAndVolumeRatio() {
        Mesh ref = MeshShapes.torus(0.5, 0.2, 384, 128), pred = MeshShapes.torus(0.5, 0.22, 384, 128);
        MeshMetrics.Result r = MeshMetrics.compute(pred, ref, 50_000, 200_000, 0.01, 2);
        double scale = 2 / 1.4; // the reference's longest side, 2 (R + r) = 1.4, becomes 2
        assertEquals(0.02 * scale, r.chamferL1(), 2e-4);
        assertEquals(Math.pow(0.02 * scale, 2), r.chamferL2(), 2e-5);
        assertEquals(0, r.fscore(), 0, "the gap (0.0286) exceeds tau");
        assertEquals(1, r.normalConsistency(), 1e-3);
        // volume ratio (0.2 / 0.22)^2 = 0.826; Monte Carlo with 200k points: sd about 0.002
        assertEquals(0.8264, r.iou(), 0.01);
        MeshMetrics.Result loose = MeshMetrics.compute(pred, ref, 20_000, 20_000, 0.05, 3);
        assertEquals(1, loose.fscore(), 0, "every point lies within tau = 0.05");
    }
}
