package nfield.render;

import java.util.Locale;
import java.util.SplittableRandom;

/** {@code --bake auto}: the bake resolution picked from how fast the device evaluates the field. */
public final class BakeResolution {
    private BakeResolution() {}

    /** What an automatic bake may take. */
    public static final double BAKE_SECONDS = 5.0;

    /**
     * The finest bake from {@code min} to {@code max} (steps of 32) whose res³ evaluations, times
     * {@code factor} for extra passes, fit in {@value #BAKE_SECONDS} s at the rate the device
     * evaluates this field (timed on 32,768 random points after one warm-up pass).
     */
    public static int auto(VolumeGrid.Radiance eval, double factor, int min, int max) {
        int n = 1 << 15;
        float[] xyz = new float[3 * n];
        SplittableRandom rnd = new SplittableRandom(1);
        for (int i = 0; i < xyz.length; i++) xyz[i] = (float) (2 * rnd.nextDouble() - 1);
        eval.eval(xyz, n);
        long t0 = System.nanoTime();
        eval.eval(xyz, n);
        double rate = n / Math.max(1e-9, (System.nanoTime() - t0) * 1e-9);
        int res = min;
        for (int r = min; r <= max; r += 32) if (factor * r * (double) r * r / rate <= BAKE_SECONDS) res = r;
        System.err.printf(Locale.ROOT, "bake resolution %d (auto: the device evaluates the field at %.2fM points/s; "
                + "a bake within %.0f s)%n", res, rate * 1e-6, BAKE_SECONDS);
        return res;
    }
}
