package nfield.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@link Half#round} and the baked grid's values, which the R16F texture holds bit for bit. */
class HalfTest {
    @Test
    void roundsToNearestEvenAndKeepsTinyDistancesOnTheirSide() {
        assertEquals(1f, Half.round(1f + 0x1p-11f), "a tie goes to the even mantissa");
        assertEquals(1f + 0x1p-9f, Half.round(1f + 3 * 0x1p-11f), "a tie goes to the even mantissa, up");
        assertEquals(1f + 0x1p-10f, Half.round(1f + 0x1.2p-11f * 1.5f), "above a tie rounds up");
        assertEquals(0x1p-14f, Half.round(1e-7f), "a tiny positive distance stays positive, a normal half");
        assertEquals(-0x1p-14f, Half.round(-1e-7f), "and a tiny negative one negative");
        assertEquals(0f, Half.round(0f));
        assertEquals(Float.POSITIVE_INFINITY, Half.round(1e6f));
        assertTrue(Float.isNaN(Half.round(Float.NaN)));
    }

    @Test
    void theGridHoldsHalvesExactly() {
        java.util.SplittableRandom r = new java.util.SplittableRandom(3);
        float[] v = new float[4 * 4 * 4];
        for (int i = 0; i < v.length; i++) v[i] = (float) (r.nextDouble() * 2 - 1) * (i % 3 == 0 ? 1e-6f : 1f);
        float[] kept = v.clone();
        BakedGrid g = new BakedGrid(4, v);
        for (int i = 0; i < v.length; i++) {
            float h = g.values()[i];
            assertEquals(h, Half.value(Half.bits(h)), "value " + i + " is a half: the texture's bits are exact");
            assertEquals(kept[i] < 0, h < 0, "value " + i + " keeps its sign");
            assertTrue(Math.abs(h - kept[i]) <= Math.max(Math.abs(kept[i]) * 0x1p-11f, 0x1p-14f), "value " + i + ": " + h + " vs " + kept[i]);
        }
    }
}
