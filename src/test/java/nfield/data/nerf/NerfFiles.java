package nfield.data.nerf;

import javax.imageio.ImageIO;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Small posed-image files for tests: PNGs in any sample layout, transforms json, .npy and .npz. */
final class NerfFiles {
    private NerfFiles() {}

    /** Identity rotation, camera at (0, 0, 4): looks down −z at the origin. */
    static final double[] AT_Z4 = {1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 4, 0, 0, 0, 1};

    /** An 8-bit RGBA PNG whose pixel (x, y) is {@code rgba.apply(x, y)} as 0xRRGGBBAA. */
    static Path rgbaPng(Path file, int w, int h, PixelFn rgba) {
        BufferedImage im = new BufferedImage(w, h, BufferedImage.TYPE_4BYTE_ABGR);
        WritableRaster r = im.getRaster();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int v = rgba.at(x, y);
                r.setPixel(x, y, new int[] {v >>> 24, (v >>> 16) & 0xFF, (v >>> 8) & 0xFF, v & 0xFF});
            }
        }
        return write(im, file);
    }

    /** A plain RGBA PNG, every pixel {@code 0xRRGGBBAA}. */
    static Path flatPng(Path file, int w, int h, int rgba) {
        return rgbaPng(file, w, h, (x, y) -> rgba);
    }

    /** A 16-bit PNG with {@code bands} channels (1 gray, 2 gray + alpha, 3 RGB, 4 RGBA), samples from {@code fn(x, y, band)}. */
    static Path png16(Path file, int w, int h, int bands, SampleFn fn) {
        boolean alpha = bands == 2 || bands == 4;
        ColorSpace cs = ColorSpace.getInstance(bands <= 2 ? ColorSpace.CS_GRAY : ColorSpace.CS_sRGB);
        ComponentColorModel cm = new ComponentColorModel(cs, alpha, false, alpha ? Transparency.TRANSLUCENT : Transparency.OPAQUE,
                DataBuffer.TYPE_USHORT);
        WritableRaster r = cm.createCompatibleWritableRaster(w, h);
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) for (int b = 0; b < bands; b++) r.setSample(x, y, b, fn.at(x, y, b));
        return write(new BufferedImage(cm, r, false, null), file);
    }

    static Path write(BufferedImage im, Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            if (!ImageIO.write(im, "png", file.toFile())) throw new IllegalStateException("no PNG writer for " + im);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A 4×4 matrix as JSON rows. */
    static String matrix(double... m) {
        StringBuilder sb = new StringBuilder("[");
        for (int r = 0; r < 4; r++) {
            sb.append(r == 0 ? "[" : ", [");
            for (int c = 0; c < 4; c++) sb.append(c == 0 ? "" : ", ").append(num(m[4 * r + c]));
            sb.append(']');
        }
        return sb.append(']').toString();
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "NaN" : String.format(Locale.ROOT, "%s", v);
    }

    /** A frame: {"file_path": path, "transform_matrix": m} plus {@code extra} ("\"fl_x\": 10"). */
    static String frame(String path, double[] m, String... extra) {
        StringBuilder sb = new StringBuilder("{\"file_path\": \"" + path + "\", \"transform_matrix\": " + matrix(m));
        for (String e : extra) sb.append(", ").append(e);
        return sb.append('}').toString();
    }

    /** {"camera_angle_x": ..., "frames": [...]} with top-level {@code head} entries ("\"camera_angle_x\": 0.7"). */
    static String transforms(String head, String... frames) {
        return "{" + (head.isEmpty() ? "" : head + ", ") + "\"frames\": [" + String.join(", ", frames) + "]}";
    }

    static Path text(Path file, String s) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            return Files.writeString(file, s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An .npy: version {@code version}, the header NumPy writes (padded to 64 bytes), then {@code data}. */
    static byte[] npy(int version, String descr, String shape, byte[] data) {
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
        int pre = version == 1 ? 10 : 12;
        int len = dict.length() + 1;
        int pad = (64 - (pre + len) % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        ByteBuffer b = ByteBuffer.allocate(pre + header.length() + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) version, 0});
        if (version == 1) b.putShort((short) header.length());
        else b.putInt(header.length());
        b.put(header.getBytes(StandardCharsets.ISO_8859_1)).put(data);
        return b.array();
    }

    static byte[] f4(float... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : v) b.putFloat(x);
        return b.array();
    }

    static byte[] f8(double... v) {
        ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (double x : v) b.putDouble(x);
        return b.array();
    }

    /** {@code n} copies of a pose as float32 [n, 4, 4]. */
    static byte[] poses(int n, double[] m) {
        float[] v = new float[16 * n];
        for (int k = 0; k < n; k++) for (int i = 0; i < 16; i++) v[16 * k + i] = (float) m[i];
        return f4(v);
    }

    /** A zip of the given entries, in order. */
    static Path npz(Path file, Map<String, byte[]> entries) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(bytes)) {
            for (var e : entries.entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey()));
                z.write(e.getValue());
                z.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            return Files.write(file, bytes.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FunctionalInterface
    interface PixelFn {
        int at(int x, int y);
    }

    @FunctionalInterface
    interface SampleFn {
        int at(int x, int y, int band);
    }
}
