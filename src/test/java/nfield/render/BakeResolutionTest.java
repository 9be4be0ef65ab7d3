package nfield.render;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@code view --bake auto}: the finest bake that fits the time budget at the rate the device evaluates the field. */
class BakeResolutionTest {
    /** An evaluator that takes n / rate seconds (a stand-in for a device of known speed). */
    private static VolumeGrid.Radiance device(double pointsPerSecond) {
        return (xyz, n) -> {
            try {
                Thread.sleep((long) (1000 * n / pointsPerSecond));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new float[n];
        };
    }

    @Test
    void picksTheFinestBakeWithinTheBudget() {
        // 5 s at 1M points/s: 160^3 = 4.1M fits, 192^3 = 7.1M does not
        assertEquals(160, BakeResolution.auto(device(1e6), 1, 128, 256));
        // a fast device gets the finest allowed, a slow one the coarsest
        assertEquals(256, BakeResolution.auto(device(2e7), 1, 128, 256));
        assertEquals(128, BakeResolution.auto(device(1e5), 1, 128, 256));
        // extra passes count: at twice the cost 128^3 (2.1M, 4.2M with the factor) is the finest within 5 s
        assertEquals(128, BakeResolution.auto(device(1e6), 2, 128, 256));
    }
}
