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

    // ---- contracted (unbounded scenes)

    @Test
    void theContractionKeepsTheBoxOfInterestAndSqueezesTheRest() {
        float[] q = new float[3];
        RayMarcher.contract(0.8, -0.3, 1.0, q, 0); // inside (max norm 1): halved
        assertEquals(0.4f, q[0], 1e-7);
        assertEquals(-0.15f, q[1], 1e-7);
        assertEquals(0.5f, q[2], 1e-7);
        RayMarcher.contract(4, 2, -1, q, 0); // m = 4: (2 - 1/4) p / 4, halved
        assertEquals(0.5 * 1.75, q[0], 1e-6);
        assertEquals(0.5 * 1.75 * 0.5, q[1], 1e-6);
        assertEquals(-0.5 * 1.75 * 0.25, q[2], 1e-6);
        // continuous at the box of interest's surface, monotone outward, never reaching the field's box edge
        double last = 0;
        for (double m = 0.5; m < 1e6; m *= 1.5) {
            RayMarcher.contract(m, 0.3 * m, 0, q, 0);
            assertTrue(q[0] > last && q[0] < 1, m + " -> " + q[0]);
            last = q[0];
        }
        RayMarcher.contract(1 + 1e-9, 0, 0, q, 0);
        assertEquals(0.5f, q[0], 1e-6);
    }

    @Test
    void contractedSamplesAreEvenInsideAndDisparitySpacedBeyond() {
        double[] outer = {-8, -8, -8, 8, 8, 8};
        RayMarcher m = new RayMarcher(0.01, 4096, outer);
        assertEquals(0.02, m.baseDelta(), 1e-15);
        // along +x through the centre from x = -8: the whole scene box, t in [0, 16]
        float[] rays = {-8, 0, 0, 1, 0, 0, /* a miss */ -9, 9, 0, 1, 0, 0};
        RayMarcher.Samples s = m.march(rays, 2, new float[] {0.5f, 0.5f}, null);
        assertEquals(0, s.count()[1]);
        double sum = 0;
        int inside = 0;
        for (int i = 0; i < s.count()[0]; i++) {
            float x = s.points()[3 * i];
            sum += s.deltas()[i];
            assertTrue(Math.abs(x) < 1, "what the field reads lies in its box: " + x);
            if (Math.abs(x) <= 0.5f) {
                inside++;
                assertEquals(0.02f, s.deltas()[i], 1e-6, "a step of 2 · 0.01 inside the box of interest");
            }
            if (i > 0) assertTrue(x > s.points()[3 * (i - 1)], "samples advance along the ray");
        }
        assertEquals(100, inside, 1, "the box of interest, 2 long, holds 2 / 0.02 samples");
        assertEquals(16, sum, 0.02 * 64, "the segments cover the ray's way through the scene box, to within the last (longest) step");
        // beyond it, each step is 0.02 · m² long (m the max norm where the sample lies)
        assertEquals(0.02 * 64, s.deltas()[0], 0.02 * 64 * 0.25, "far out (m about 8) a step is about 0.02 · 64 long");
        for (int i = 0; i < s.count()[0]; i++) {
            double x = Math.abs(s.points()[3 * i]);
            if (x > 0.5) { // back from what the field reads to the normalised max norm: 2x = 2 - 1/m
                double mm = 1 / (2 - 2 * x);
                assertEquals(0.02 * mm * mm, s.deltas()[i], 0.02 * mm * mm * 1e-4, "sample " + i);
            }
        }
        // about 1/0.02 samples each side in the contracted shell (from contracted radius 1 to 2 - 1/8), far fewer than 14 / 0.02
        int beyond = s.count()[0] - inside;
        assertTrue(beyond > 60 && beyond < 120, beyond + " samples beyond the box of interest");
    }

    @Test
    void theGridComparesEachCellsOwnSegmentLength() {
        RayMarcher m = new RayMarcher(0.01, 64, new double[] {-4, -4, -4, 4, 4, 4});
        assertEquals(1, m.deltaScale(0.3f, -0.5f, 0.2f), 0);
        // q = 0.75: contracted radius 1.5 = 2 - 1/m, so m = 2 and the segment is 4 times the base
        assertEquals(4, m.deltaScale(0.75f, 0.1f, 0), 1e-5);
        float[] d = m.forGrid((xyz, n) -> new float[] {1, 1}).at(new float[] {0.1f, 0, 0, 0, -0.75f, 0}, 2);
        assertEquals(1, d[0]);
        assertEquals(4, d[1], 1e-5);
        assertEquals(1, new RayMarcher(0.01, 64).deltaScale(0.9f, 0, 0), 0, "a bounded marcher's segments are all alike");
    }

    @Test
    void uncontractUndoesTheContraction() {
        java.util.SplittableRandom rng = new java.util.SplittableRandom(3);
        float[] q = new float[3];
        double[] p = new double[3];
        for (int i = 0; i < 1000; i++) {
            double scale = Math.exp(rng.nextDouble(-2, 4));
            double x = rng.nextDouble(-1, 1) * scale, y = rng.nextDouble(-1, 1) * scale, z = rng.nextDouble(-1, 1) * scale;
            RayMarcher.contract(x, y, z, q, 0);
            RayMarcher.uncontract(q[0], q[1], q[2], p);
            double tol = 1e-5 * Math.max(1, scale * scale); // float q: the far shell is squeezed
            assertEquals(x, p[0], tol);
            assertEquals(y, p[1], tol);
            assertEquals(z, p[2], tol);
        }
    }
}
