package nfield.radiance;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImageMetricsTest {
    /** A smooth pattern and a perturbed copy, [h, w, 3]; see {@link #matchesScikitImage()}. */
    static float[][] pair(int w, int h) {
        float[] a = new float[3 * w * h], b = new float[3 * w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int p = 3 * (y * w + x);
                a[p] = (float) ((Math.sin(x * 0.3) + 1) / 2);
                a[p + 1] = (float) ((Math.cos(y * 0.2) + 1) / 2);
                a[p + 2] = (float) (((x + y) % 7) / 6.0);
                double[] n = {Math.sin(x * y * 0.05), Math.cos(x * 0.7), Math.sin(y * 0.9)};
                for (int c = 0; c < 3; c++) b[p + c] = (float) Math.min(1, Math.max(0, a[p + c] + 0.1 * n[c]));
            }
        }
        return new float[][]{a, b};
    }

    /**
     * The same images in NumPy give, with scikit-image 0.19 (Debian 12):
     * structural_similarity(a, b, channel_axis=2, data_range=1, gaussian_weights=True, sigma=1.5,
     * use_sample_covariance=False) = 0.88677454 and −10·log10(mean((a − b)²)) = 23.7463645.
     * (a: sin/cos/modulo pattern, b: a plus 0.1·(sin xy/20, cos 0.7x, sin 0.9y), clipped; float32.)
     */
    @Test
    void matchesScikitImage() {
        float[][] p = pair(37, 29);
        assertEquals(0.88677454, ImageMetrics.ssim(p[0], p[1], 37, 29), 2e-6);
        assertEquals(23.7463645, ImageMetrics.psnr(p[0], p[1]), 1e-4);
    }

    @Test
    void identicalImagesScoreOneAndDifferentOnesLess() {
        float[][] p = pair(20, 16);
        assertEquals(1.0, ImageMetrics.ssim(p[0], p[0], 20, 16), 1e-12);
        assertTrue(ImageMetrics.psnr(p[0], p[0]) > 150);
        assertTrue(ImageMetrics.ssim(p[0], p[1], 20, 16) < 0.95);
    }
}
