package nfield.data.nerf;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;

/**
 * Image files through ImageIO (PNG, JPEG, BMP, ...): the size from the header alone, and the
 * pixels as 8-bit RGB composited on a background, with the 8-bit alpha channel when the file has one. Any sample layout ImageIO gives is converted:
 * gray, gray + alpha, RGB, RGBA, palette, 8 or 16 bits per sample. Errors are plain
 * {@link IOException}s whose message says what is wrong with the file, for the caller to prefix.
 */
final class ImageFiles {
    private ImageFiles() {}

    /** {width, height, 1 if the pixels have alpha else 0} from the header, without decoding the pixels. */
    static int[] size(Path file) throws IOException {
        if (!Files.isReadable(file)) throw new IOException("cannot be read: permission denied (check `ls -l` on it; `chmod a+r` it)");
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            if (in == null) throw new IOException("cannot be opened");
            return size(in);
        }
    }

    /** {@link #size(Path)} of an image held in memory. */
    static int[] size(byte[] bytes) throws IOException {
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            return size(in);
        }
    }

    private static int[] size(ImageInputStream in) throws IOException {
        ImageReader r = reader(in);
        try {
            r.setInput(in, true, true);
            int w = r.getWidth(0), h = r.getHeight(0);
            if (w <= 0 || h <= 0) throw new IOException("has no pixels: its header says " + w + "x" + h);
            return new int[] {w, h, hasAlpha(r) ? 1 : 0};
        } catch (RuntimeException e) { // some ImageIO plugins throw unchecked on a corrupt header
            throw new IOException("has a header that cannot be read: " + e, e);
        } finally {
            r.dispose();
        }
    }

    /** The header's colour model has alpha (false when the reader cannot tell before decoding). */
    private static boolean hasAlpha(ImageReader r) {
        try {
            var t = r.getRawImageType(0);
            if (t == null) {
                var it = r.getImageTypes(0);
                t = it.hasNext() ? it.next() : null;
            }
            return t != null && t.getColorModel().hasAlpha();
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** [H / f, W / f, 3] bytes composited on {@code background} (and the alpha, if any), box-filtered by {@code factor}. */
    static Compositor.Image decode(Path file, float[] background, int factor) throws IOException {
        return decode(Files.readAllBytes(file), background, factor);
    }

    /** {@link #decode(Path, float[], int)} of an image held in memory. */
    static Compositor.Image decode(byte[] bytes, float[] background, int factor) throws IOException {
        BufferedImage im;
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            ImageReader r = reader(in);
            try {
                r.setInput(in, true, true);
                im = r.read(0);
            } catch (RuntimeException e) { // some ImageIO plugins throw unchecked on corrupt data
                throw new IOException("cannot be decoded: " + e, e);
            } finally {
                r.dispose();
            }
        }
        int w = im.getWidth(), h = im.getHeight();
        Raster raster = im.getRaster();
        ColorModel cm = im.getColorModel();
        int bands = raster.getNumBands();
        int[] samples = new int[w * bands];
        if (cm instanceof IndexColorModel icm) {
            boolean alpha = icm.hasAlpha();
            int ch = alpha ? 4 : 3;
            return Compositor.composite(w, h, ch, false, (y, dest) -> {
                raster.getSamples(0, y, w, 1, 0, samples);
                for (int x = 0; x < w; x++) {
                    int i = samples[x], o = x * ch;
                    dest[o] = icm.getRed(i) / 255f;
                    dest[o + 1] = icm.getGreen(i) / 255f;
                    dest[o + 2] = icm.getBlue(i) / 255f;
                    if (alpha) dest[o + 3] = icm.getAlpha(i) / 255f;
                }
            }, background, factor);
        }
        int colour = bands - (cm.hasAlpha() ? 1 : 0);
        if (colour != 1 && colour != 3) {
            throw new IOException("has " + bands + " channels" + (cm.hasAlpha() ? " with alpha" : "") + "; gray, gray + alpha, RGB or RGBA are supported");
        }
        float[] inv = new float[bands];
        for (int b = 0; b < bands; b++) inv[b] = 1f / ((1L << raster.getSampleModel().getSampleSize(b)) - 1);
        return Compositor.composite(w, h, bands, cm.isAlphaPremultiplied(), (y, dest) -> {
            raster.getPixels(0, y, w, 1, samples);
            for (int i = 0; i < samples.length; i++) dest[i] = samples[i] * inv[i % bands];
        }, background, factor);
    }

    private static ImageReader reader(ImageInputStream in) throws IOException {
        Iterator<ImageReader> it = ImageIO.getImageReaders(in);
        if (!it.hasNext()) throw new IOException("is not an image format ImageIO can read");
        return it.next();
    }
}
