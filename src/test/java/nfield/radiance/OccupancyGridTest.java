package nfield.radiance;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link OccupancyGrid#reopen}: cells opened again get the next refresh's grace, then are judged by their density. */
class OccupancyGridTest {
    static final double THRESHOLD = 1.0;

    /** Density 5 in the cells with x > 0, 0 elsewhere. */
    static float[] halfDense(float[] xyz, int n) {
        float[] d = new float[n];
        for (int i = 0; i < n; i++) d[i] = xyz[3 * i] > 0 ? 5 : 0;
        return d;
    }

    @Test
    void reopenedCellsOutlastOneRefreshThenFollowTheirDensity() {
        OccupancyGrid g = new OccupancyGrid(8);
        assertEquals(0, g.reopen(new float[] {-0.9f, -0.9f, -0.9f}, 1), "before the first refresh every cell is open already");
        g.update(OccupancyGridTest::halfDense, 1.0, THRESHOLD, 1);
        assertEquals(256, g.occupiedCells());
        float[] p = {-0.9f, -0.9f, -0.9f, -0.85f, -0.9f, -0.9f, -0.6f, -0.9f, -0.9f, 0.9f, 0.9f, 0.9f, 2f, 0f, 0f};
        // the first two points share a cell, the fourth is open already, the fifth lies outside the grid
        assertEquals(2, g.reopen(p, 5));
        assertEquals(258, g.occupiedCells());
        assertTrue(g.occupied(-0.9f, -0.9f, -0.9f) && g.occupied(-0.6f, -0.9f, -0.9f));
        g.update(OccupancyGridTest::halfDense, 1.0, THRESHOLD, 2); // still no density there: the grace holds once
        assertTrue(g.occupied(-0.9f, -0.9f, -0.9f) && g.occupied(-0.6f, -0.9f, -0.9f));
        assertEquals(258, g.occupiedCells());
        g.update(OccupancyGridTest::halfDense, 1.0, THRESHOLD, 3); // and then it is over
        assertFalse(g.occupied(-0.9f, -0.9f, -0.9f) || g.occupied(-0.6f, -0.9f, -0.9f));
        assertEquals(256, g.occupiedCells());
        // where density arrives within the grace, the cell stays
        g.reopen(p, 1);
        g.update((xyz, n) -> {
            float[] d = halfDense(xyz, n);
            for (int i = 0; i < n; i++) if (xyz[3 * i] < -0.75f && xyz[3 * i + 1] < -0.75f && xyz[3 * i + 2] < -0.75f) d[i] = 5;
            return d;
        }, 1.0, THRESHOLD, 4);
        g.update(OccupancyGridTest::halfDense, 1.0, THRESHOLD, 5);
        g.update(OccupancyGridTest::halfDense, 1.0, THRESHOLD, 6);
        assertTrue(g.occupied(-0.9f, -0.9f, -0.9f), "density 5 decays over refreshes, not at once");
    }

    @Test
    void cellsNoCameraSeesStayClosed() {
        OccupancyGrid g = new OccupancyGrid(4);
        boolean[] seen = new boolean[64];
        for (int c = 0; c < 64; c++) seen[c] = c % 2 == 0;
        g.restrict(seen);
        g.update((xyz, n) -> new float[n], 1.0, THRESHOLD, 1);
        assertEquals(0, g.occupiedCells());
        float[] all = new float[3 * 64];
        double[] q = new double[3];
        for (int c = 0; c < 64; c++) {
            g.centre(c, q);
            for (int a = 0; a < 3; a++) all[3 * c + a] = (float) q[a];
        }
        assertEquals(32, g.reopen(all, 64));
        for (int c = 0; c < 64; c++) assertEquals(seen[c], g.occupied(c), "cell " + c);
    }

    @Test
    void heldCellsStayOccupiedUntilReleased() {
        OccupancyGrid g = new OccupancyGrid(4);
        boolean[] seen = new boolean[64], held = new boolean[64];
        for (int c = 0; c < 64; c++) {
            seen[c] = c != 5;
            held[c] = c < 8;
        }
        g.restrict(seen);
        g.hold(held);
        assertTrue(g.holding());
        g.update((xyz, n) -> new float[n], 1.0, THRESHOLD, 1);
        assertEquals(7, g.occupiedCells(), "the held cells some camera sees");
        for (int c = 0; c < 64; c++) assertEquals(c < 8 && c != 5, g.occupied(c), "cell " + c);
        g.hold(null);
        assertFalse(g.holding());
        assertEquals(7, g.occupiedCells(), "released: judged again at the next update");
        g.update((xyz, n) -> new float[n], 1.0, THRESHOLD, 2);
        assertEquals(0, g.occupiedCells());
    }
}
