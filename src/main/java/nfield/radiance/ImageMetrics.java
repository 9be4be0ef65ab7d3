package nfield.radiance;

/**
 * Image quality of a prediction against the truth, both [H, W, 3] floats in [0, 1]:
 * PSNR = −10 log10(MSE) over all pixels and channels (data range 1), and SSIM (Wang et al. 2004)
 * with an 11×11 Gaussian window of σ 1.5, K1 = 0.01, K2 = 0.03, computed per channel over the
 * positions where the window fits ("valid"), averaged over positions and channels.
 */
public final class ImageMetrics {
    private ImageMetrics() {}

    public static double mse(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            double d = a[i] - b[i];
            s += d * d;
        }
        return s / a.length;
    }

    public static double psnr(float[] a, float[] b) {
        return -10 * Math.log10(Math.max(mse(a, b), 1e-20));
    }

    public static double ssim(float[] a, float[] b, int w, int h) {
        int r = 5;
        double[] g = new double[2 * r + 1];
        double gs = 0;
        for (int i = -r; i <= r; i++) {
            g[i + r] = Math.exp(-i * i / (2 * 1.5 * 1.5));
            gs += g[i + r];
        }
        for (int i = 0; i < g.length; i++) g[i] /= gs;
        double c1 = 0.01 * 0.01, c2 = 0.03 * 0.03;
        int ow = w - 2 * r, oh = h - 2 * r;
        if (ow < 1 || oh < 1) throw new IllegalArgumentException("SSIM needs images of at least 11x11, got " + w + "x" + h);
        double total = 0;
        for (int c = 0; c < 3; c++) {
            // separable filtering of x, y, x², y², xy: rows first, then columns
            double[][] rows = new double[5][ow * h];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < ow; x++) {
                    double mx = 0, my = 0, xx = 0, yy = 0, xy = 0;
                    for (int k = 0; k < g.length; k++) {
                        int p = 3 * (y * w + x + k) + c;
                        double u = a[p], v = b[p], wk = g[k];
                        mx += wk * u;
                        my += wk * v;
                        xx += wk * u * u;
                        yy += wk * v * v;
                        xy += wk * u * v;
                    }
                    int q = y * ow + x;
                    rows[0][q] = mx;
                    rows[1][q] = my;
                    rows[2][q] = xx;
                    rows[3][q] = yy;
                    rows[4][q] = xy;
                }
            }
            for (int y = 0; y < oh; y++) {
                for (int x = 0; x < ow; x++) {
                    double[] m = new double[5];
                    for (int k = 0; k < g.length; k++) {
                        int q = (y + k) * ow + x;
                        for (int s = 0; s < 5; s++) m[s] += g[k] * rows[s][q];
                    }
                    double vx = m[2] - m[0] * m[0], vy = m[3] - m[1] * m[1], cov = m[4] - m[0] * m[1];
                    total += (2 * m[0] * m[1] + c1) * (2 * cov + c2) / ((m[0] * m[0] + m[1] * m[1] + c1) * (vx + vy + c2));
                }
            }
        }
        return total / (3.0 * ow * oh);
    }
}
