package nfield.train;

import nfield.compute.ref.RefBackend;
import nfield.config.MarchingConfig;
import nfield.geom.Normalization;
import nfield.data.nerf.Intrinsics;
import nfield.data.nerf.PosedImages;
import nfield.field.Field;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The targets of {@link RadianceObjective} on a random background: each ray's target is its
 * pixel composited on that ray's own random colour, {@code rgb · a + bg · (1 − a)}, the colour the
 * volume renderer puts behind the ray.
 */
class RandomBackgroundTest {
    static final int W = 4, H = 3;
    /** Every pixel: colour (201, 40, 90) at alpha 102 (0.4). */
    static final double[] RGB = {201 / 255.0, 40 / 255.0, 90 / 255.0};
    static final double ALPHA = 102 / 255.0;

    /** One flat image composited on white as a reader stores it, with or without its alpha. */
    static PosedImages images(boolean withAlpha) {
        byte[] rgb = new byte[3 * W * H], alpha = new byte[W * H];
        for (int p = 0; p < W * H; p++) {
            for (int c = 0; c < 3; c++) rgb[3 * p + c] = (byte) Math.round(255 * (RGB[c] * ALPHA + (1 - ALPHA)));
            alpha[p] = (byte) 102;
        }
        double[] pose = {1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 4, 0, 0, 0, 1};
        return new PosedImages("flat", "train", W, H, List.of(rgb), withAlpha ? List.of(alpha) : null, List.of(new Intrinsics(5, 5, 2, 1.5)),
                pose, new float[] {1, 1, 1}, PosedImages.defaultBox(), List.of("flat.png"), List.of());
    }

    static RadianceObjective objective(RefBackend b, PosedImages data) {
        Field f = nfield.radiance.PhotometricLossTest.field(b);
        return new RadianceObjective(f, data, new Normalization(0, 0, 0, 0.33), MarchingConfig.defaults(), 9);
    }

    @Test
    void targetsAreThePixelCompositedOnTheRaysOwnRandomBackground() {
        try (RefBackend b = new RefBackend()) {
            PosedImages data = images(true);
            RadianceObjective o = objective(b, data).withBackground(null, true);
            int n = 2000;
            RadianceObjective.Rays r = o.draw(3, n);
            double worst = 0, mean = 0, min = 1, max = 0;
            for (int i = 0; i < n; i++) {
                for (int c = 0; c < 3; c++) {
                    double bg = r.background()[3 * i + c];
                    double want = RGB[c] * ALPHA + bg * (1 - ALPHA);
                    worst = Math.max(worst, Math.abs(r.target()[3 * i + c] - want));
                    mean += bg / (3.0 * n);
                    min = Math.min(min, bg);
                    max = Math.max(max, bg);
                }
            }
            System.out.printf(Locale.ROOT, "random background: %d rays, target vs rgb·a + bg·(1 − a): worst %.3f / 255; "
                    + "backgrounds in [%.4f, %.4f], mean %.4f%n", n, worst * 255, min, max, mean);
            assertTrue(worst <= 0.5 / 255 + 1e-6, "target off by " + worst * 255 + " / 255"); // the stored composite's rounding
            assertTrue(min < 0.01 && max > 0.99 && Math.abs(mean - 0.5) < 0.02, "uniform backgrounds: " + min + ".." + max + ", mean " + mean);
            // the backgrounds differ from step to step, the same step draws the same
            assertTrue(!Arrays.equals(r.background(), o.draw(4, n).background()));
            assertTrue(Arrays.equals(r.background(), o.draw(3, n).background()));
        }
    }

    @Test
    void aFixedColourOrTheDataBackground() {
        try (RefBackend b = new RefBackend()) {
            PosedImages data = images(true);
            RadianceObjective.Rays black = objective(b, data).withBackground(new float[] {0, 0, 0}, false).draw(1, 50);
            RadianceObjective.Rays own = objective(b, data).draw(1, 50);
            float[] stored = new float[3];
            data.color(0, 0, 0, stored, 0);
            for (int i = 0; i < 50; i++) {
                for (int c = 0; c < 3; c++) {
                    assertEquals(0, black.background()[3 * i + c]);
                    assertEquals(RGB[c] * ALPHA, black.target()[3 * i + c], 0.5 / 255 + 1e-6);
                    assertEquals(1, own.background()[3 * i + c]);
                    assertEquals(stored[c], own.target()[3 * i + c]);
                }
            }
            // rays and jitter do not depend on the background
            assertTrue(Arrays.equals(black.rays(), own.rays()) && Arrays.equals(black.jitter(), own.jitter()));
        }
    }

    @Test
    void imagesWithoutAlphaCannotTakeAnotherBackground() {
        try (RefBackend b = new RefBackend()) {
            PosedImages data = images(false);
            assertTrue(!data.hasAlpha());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> objective(b, data).withBackground(null, true));
            assertTrue(e.getMessage().contains("no alpha channel"), e.getMessage());
        }
    }
}
