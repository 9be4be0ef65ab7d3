package nfield.train;

import nfield.compute.Tensor;
import nfield.compute.ref.RefBackend;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pool's refreshes: drawn in the background; installed at a fixed step when reproducible, whatever the generator's speed. */
class RefreshingPoolTest {
    /** Rows whose every value is the seed's low bits, after {@code sleepMs}. */
    static RefreshingPool.Generator slow(int sleepMs) {
        return (rows, from, to, seed) -> {
            try {
                Thread.sleep(sleepMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            for (int i = from * 4; i < to * 4; i++) rows[i] = seed & 0xff;
            return 0;
        };
    }

    /** The refresh count after each of 40 steps. */
    static List<Long> run(int sleepMs, boolean reproducible) {
        List<Long> counts = new ArrayList<>();
        try (RefBackend b = new RefBackend();
             RefreshingPool p = new RefreshingPool(b, 64, 1, slow(sleepMs), 10, 0.25, 7, "test").reproducible(reproducible)) {
            Tensor x = b.alloc(8, 3), y = b.alloc(8, 1);
            for (int step = 0; step < 40; step++) {
                p.next(x, y, step);
                counts.add(p.refreshes());
            }
            assertEquals(64 + p.refreshes() * 16, p.drawn());
        }
        return counts;
    }

    @Test
    void aReproduciblePoolInstallsEachRefreshHalfAPeriodAfterItWasDrawn() {
        List<Long> fast = run(0, true), slow = run(40, true);
        assertEquals(fast, slow, "the same steps see the same rows, however long a refresh takes");
        assertEquals(0L, fast.get(14));
        assertEquals(1L, fast.get(15), "drawn at step 10, installed at step 15");
        assertEquals(3L, fast.get(39));
    }

    @Test
    void otherwiseARefreshGoesInWhenItIsReady() {
        List<Long> slow = run(40, false);
        assertTrue(slow.get(15) == 0, "a refresh that takes 40 ms is not in 5 steps later: " + slow);
        assertTrue(slow.get(39) <= 3, slow.toString());
    }
}
