package nfield.data.nerf;

/**
 * Turns rows of float samples in [0, 1] (gray, gray + alpha, RGB or RGBA) into one 8-bit RGB
 * image: alpha-weighted onto a background ({@code c · a + bg · (1 − a)}, or {@code c + bg · (1 − a)}
 * for premultiplied samples), box-filtered by an integer factor (the mean of each f × f block,
 * rows and columns beyond a whole block dropped), rounded to 8 bits once. Samples with alpha also
 * give the alpha channel, box-filtered the same way and rounded to 8 bits: since compositing is
 * linear in the background, the block's composite on another background bg' is then
 * {@code rgb + (bg' − bg) · (1 − alpha)} (see {@link PosedImages#color(int, int, int, float[], float[], int)}).
 */
final class Compositor {
    /** [H / f, W / f, 3] composited bytes and [H / f, W / f] alpha bytes (null when the samples have no alpha). */
    record Image(byte[] rgb, byte[] alpha) {}

    /** Fills {@code dest} with row {@code y}: width × channels samples in [0, 1], channel-interleaved. */
    interface Rows {
        void row(int y, float[] dest) throws java.io.IOException;
    }

    private Compositor() {}

    /** [H / f, W / f, 3] bytes, and [H / f, W / f] alpha bytes when the samples have alpha. */
    static Image composite(int width, int height, int channels, boolean premultiplied, Rows rows, float[] background, int factor)
            throws java.io.IOException {
        if (channels < 1 || channels > 4) throw new IllegalArgumentException("channels " + channels);
        int w2 = width / factor, h2 = height / factor;
        boolean alpha = channels == 2 || channels == 4;
        boolean gray = channels <= 2;
        float br = background[0], bg = background[1], bb = background[2];
        float[] row = new float[width * channels];
        float[] acc = new float[w2 * 3];
        float[] accA = alpha ? new float[w2] : null;
        byte[] out = new byte[3 * w2 * h2];
        byte[] outA = alpha ? new byte[w2 * h2] : null;
        float scale = 255f / (factor * factor);
        for (int y2 = 0; y2 < h2; y2++) {
            java.util.Arrays.fill(acc, 0);
            if (alpha) java.util.Arrays.fill(accA, 0);
            for (int dy = 0; dy < factor; dy++) {
                rows.row(y2 * factor + dy, row);
                for (int x = 0, n = w2 * factor; x < n; x++) {
                    int s = x * channels;
                    float r, g, b;
                    if (gray) {
                        r = g = b = row[s];
                    } else {
                        r = row[s];
                        g = row[s + 1];
                        b = row[s + 2];
                    }
                    if (alpha) {
                        float a = row[s + channels - 1], rest = 1 - a;
                        accA[x / factor] += a;
                        if (premultiplied) {
                            r += br * rest;
                            g += bg * rest;
                            b += bb * rest;
                        } else {
                            r = r * a + br * rest;
                            g = g * a + bg * rest;
                            b = b * a + bb * rest;
                        }
                    }
                    int o = (x / factor) * 3;
                    acc[o] += r;
                    acc[o + 1] += g;
                    acc[o + 2] += b;
                }
            }
            int o = 3 * y2 * w2;
            for (int i = 0; i < acc.length; i++) out[o + i] = toByte(acc[i] * scale);
            if (alpha) for (int i = 0; i < w2; i++) outA[y2 * w2 + i] = toByte(accA[i] * scale);
        }
        return new Image(out, outA);
    }

    /** Rounds a value in [0, 255] (clamped) to an unsigned byte. */
    static byte toByte(float v) {
        int q = (int) (v + 0.5f);
        return (byte) (q < 0 ? 0 : Math.min(q, 255));
    }
}
