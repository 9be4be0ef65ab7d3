package nfield.render;

import nfield.io.AtomicFiles;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;

/** PNG output of GL-ordered pixels (rows from the bottom), written atomically. */
public final class Images {
    private Images() {}

    public static BufferedImage toImage(int[] glPixels, int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) img.setRGB(0, h - 1 - y, w, 1, glPixels, y * w, w);
        return img;
    }

    /** An image [h, w, 3] of floats in [0, 1] (clamped), row 0 at the top, as an 8-bit PNG. */
    public static void writePng(Path file, float[] rgb, int w, int h) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) img.setRGB(x, y, rgb(rgb, 3 * (y * w + x)));
        AtomicFiles.write(file, out -> javax.imageio.ImageIO.write(img, "png", out));
    }

    /** prediction | truth, side by side, as one PNG. */
    public static void writePair(Path file, float[] left, float[] right, int w, int h) throws IOException {
        float[] pair = new float[6 * w * h];
        for (int y = 0; y < h; y++) {
            System.arraycopy(left, 3 * y * w, pair, 6 * y * w, 3 * w);
            System.arraycopy(right, 3 * y * w, pair, 6 * y * w + 3 * w, 3 * w);
        }
        writePng(file, pair, 2 * w, h);
    }

    private static int rgb(float[] a, int p) {
        int r = Math.round(255 * Math.min(1, Math.max(0, a[p]))), g = Math.round(255 * Math.min(1, Math.max(0, a[p + 1])));
        int b = Math.round(255 * Math.min(1, Math.max(0, a[p + 2])));
        return r << 16 | g << 8 | b;
    }

    public static void writePng(Path file, int[] glPixels, int w, int h) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        javax.imageio.ImageIO.write(toImage(glPixels, w, h), "png", out);
        AtomicFiles.write(file, out.toByteArray());
    }
}
