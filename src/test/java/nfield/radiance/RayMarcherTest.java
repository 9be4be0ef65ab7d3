package nfield.radiance;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RayMarcherTest {
    @Test
    void samplesLieOnTheRayInsideTheBoxAStepApart() {
        RayMarcher m = new RayMarcher(0.1, 1000);
        // along +x through the box centre from x = -3: the box spans t in [2, 4]
        float[] rays = {-3, 0, 0, 1, 0, 0, /* a miss */ -3, 2, 0, 1, 0, 0, /* from inside, diagonal */ 0, 0, 0, 0.6f, 0.8f, 0};
        RayMarcher.Samples s = m.march(rays, 3, new float[]{0.25f, 0.5f, 0.5f}, null);
        assertEquals(20, s.count()[0]);
        assertEquals(0, s.count()[1]);
        assertEquals(0, s.first()[0]);
        assertEquals(-1 + 0.025, s.points()[0], 1e-6);
        assertEquals(-1 + 0.025 + 0.1 * 19, s.points()[3 * 19], 1e-5);
        // from the centre along (0.6, 0.8): leaves y = 1 at t = 1.25, samples at 0.05, 0.15, .., 1.15
        assertEquals(12, s.count()[2]);
        assertEquals(20, s.first()[2]);
        for (int i = 0; i < s.total(); i++) assertEquals(0.1f, s.deltas()[i]);
        float[] table = s.rayTable();
        assertEquals(20, table[4]);
        assertEquals(12, table[5]);
    }

    @Test
    void capsSamplesPerRay() {
        RayMarcher m = new RayMarcher(0.01, 50);
        RayMarcher.Samples s = m.march(new float[]{-3, 0, 0, 1, 0, 0}, 1, null, null);
        assertEquals(50, s.total());
    }

    @Test
    void emptyCellsAreSkipped() {
        OccupancyGrid g = new OccupancyGrid(8);
        assertEquals(1.0, g.occupancy());
        // density 10 inside the ball of radius 0.5, 0 outside: refreshing empties the far cells
        g.update((xyz, n) -> {
            float[] d = new float[n];
            for (int i = 0; i < n; i++) {
                double r2 = xyz[3 * i] * xyz[3 * i] + xyz[3 * i + 1] * xyz[3 * i + 1] + xyz[3 * i + 2] * xyz[3 * i + 2];
                d[i] = r2 < 0.25 ? 10 : 0;
            }
            return d;
        }, 1.0, 1.0, 7);
        assertTrue(g.occupancy() < 0.3 && g.occupancy() > 0.01, "occupancy " + g.occupancy());
        assertTrue(g.occupied(0, 0, 0));
        assertTrue(!g.occupied(0.95f, 0.95f, 0.95f));
        RayMarcher m = new RayMarcher(0.01, 10000);
        RayMarcher.Samples s = m.march(new float[]{-3, 0, 0, 1, 0, 0}, 1, null, g);
        assertTrue(s.total() > 80 && s.total() < 160, "samples " + s.total()); // only the cells around the ball, |x| < 0.75
        for (int i = 0; i < s.total(); i++) assertTrue(Math.abs(s.points()[3 * i]) < 0.76, "sample at x = " + s.points()[3 * i]);
    }
}
