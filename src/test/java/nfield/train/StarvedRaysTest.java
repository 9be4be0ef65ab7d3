package nfield.train;

import nfield.compute.ref.RefBackend;
import nfield.data.nerf.Intrinsics;
import nfield.data.nerf.PosedImages;
import nfield.radiance.OccupancyGrid;
import nfield.radiance.RayMarcher;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A grid that closed every cell a subject lies in (its density pushed under the threshold before
 * it was learned: lego from a COLMAP model on a random background, after 16 steps) never samples
 * it again. {@link RadianceObjective} opens the cells again along the rays whose pixel shows
 * something but which crossed no occupied cell; rays whose pixel shows only the background open
 * nothing.
 */
class StarvedRaysTest {
    @Test
    void aClosedGridOpensAlongRaysThatShowSomething() {
        try (RefBackend b = new RefBackend()) {
            RadianceObjective o = RandomBackgroundTest.objective(b, RandomBackgroundTest.images(true));
            close(o.grid());
            assertEquals(0, o.grid().occupiedCells());
            o.step(1, false);
            long[] s = o.starved();
            System.out.printf("closed grid: %d of %d rays starved, %d cells opened again (%d occupied)%n", s[0], o.lastRays(), s[1],
                    o.grid().occupiedCells());
            assertEquals(0, o.lastSamples(), "the step itself found nothing to sample");
            assertEquals(Math.min(RadianceObjective.MAX_STARVED, o.lastRays()), s[0], "every pixel shows the flat colour");
            assertTrue(s[1] > 0 && s[1] == o.grid().occupiedCells(), s[1] + " opened, " + o.grid().occupiedCells() + " occupied");
            // the same rays find samples now
            RadianceObjective.Rays d = o.draw(1, o.lastRays());
            RayMarcher.Samples again = o.marcher().march(d.rays(), o.lastRays(), d.jitter(), o.grid());
            assertTrue(again.total() > 0);
            int hit = 0;
            for (int r = 0; r < again.rays(); r++) if (again.count()[r] > 0) hit++;
            assertTrue(hit >= s[0], hit + " rays sampled of " + s[0] + " starved");
        }
    }

    @Test
    void pixelsThatShowOnlyTheBackgroundOpenNothing() {
        try (RefBackend b = new RefBackend()) {
            int w = 4, h = 3;
            byte[] white = new byte[3 * w * h];
            java.util.Arrays.fill(white, (byte) 255);
            double[] pose = {1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 4, 0, 0, 0, 1};
            PosedImages empty = new PosedImages("empty", "train", w, h, List.of(white), List.of(new byte[w * h]),
                    List.of(new Intrinsics(5, 5, 2, 1.5)), pose, new float[] {1, 1, 1}, PosedImages.defaultBox(), List.of("empty.png"), List.of());
            for (boolean random : new boolean[] {false, true}) {
                RadianceObjective o = RandomBackgroundTest.objective(b, empty).withBackground(null, random);
                close(o.grid());
                o.step(1, false);
                assertEquals(0, o.starved()[0], random ? "random background" : "its own background");
                assertEquals(0, o.grid().occupiedCells());
            }
        }
    }

    /** Every cell's density judged zero. */
    static void close(OccupancyGrid g) {
        g.update((xyz, n) -> new float[n], 1.0, 1.0, 1);
    }
}
