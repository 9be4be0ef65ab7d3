package nfield.data.nerf;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Writes COLMAP sparse models in both of COLMAP's forms, byte for byte as its documentation
 * describes them (little-endian .bin; .txt with its comment headers), for the reader's tests.
 */
final class ColmapFiles {
    private ColmapFiles() {}

    record Cam(int id, ColmapModel.Model model, long width, long height, double... params) {}

    record Img(int id, double[] q, double[] t, int camera, String name) {}

    record Pt(long id, double x, double y, double z, double error) {}

    /** Little-endian bytes, in order. */
    static final class Bytes {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Bytes i32(int v) { return put(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v)); }
        Bytes u64(long v) { return put(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v)); }
        Bytes f64(double v) { return put(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putDouble(v)); }
        Bytes u8(int v) { out.write(v); return this; }
        Bytes str(String s) { out.writeBytes(s.getBytes(StandardCharsets.UTF_8)); out.write(0); return this; }

        private Bytes put(ByteBuffer b) {
            out.writeBytes(b.array());
            return this;
        }

        byte[] bytes() { return out.toByteArray(); }
    }

    static byte[] camerasBin(List<Cam> cams) {
        Bytes b = new Bytes().u64(cams.size());
        for (Cam c : cams) {
            b.i32(c.id()).i32(c.model().id).u64(c.width()).u64(c.height());
            for (double p : c.params()) b.f64(p);
        }
        return b.bytes();
    }

    /** Each image with one 2D point (x, y, point id 1). */
    static byte[] imagesBin(List<Img> ims) {
        Bytes b = new Bytes().u64(ims.size());
        for (Img m : ims) {
            b.i32(m.id());
            for (double v : m.q()) b.f64(v);
            for (double v : m.t()) b.f64(v);
            b.i32(m.camera()).str(m.name()).u64(1).f64(10.5).f64(20.5).u64(1);
        }
        return b.bytes();
    }

    /** Each point with colour 128 128 128 and a track of two entries. */
    static byte[] pointsBin(List<Pt> pts) {
        Bytes b = new Bytes().u64(pts.size());
        for (Pt p : pts) {
            b.u64(p.id()).f64(p.x()).f64(p.y()).f64(p.z()).u8(128).u8(128).u8(128).f64(p.error()).u64(2).i32(1).i32(0).i32(2).i32(0);
        }
        return b.bytes();
    }

    static String camerasTxt(List<Cam> cams) {
        StringBuilder sb = new StringBuilder("# Camera list with one line of data per camera:\n#   CAMERA_ID, MODEL, WIDTH, HEIGHT, PARAMS[]\n"
                + "# Number of cameras: " + cams.size() + "\n");
        for (Cam c : cams) {
            sb.append(c.id()).append(' ').append(c.model()).append(' ').append(c.width()).append(' ').append(c.height());
            for (double p : c.params()) sb.append(' ').append(num(p));
            sb.append('\n');
        }
        return sb.toString();
    }

    /** Every other image without 2D points (an empty second line, as COLMAP writes it). */
    static String imagesTxt(List<Img> ims) {
        StringBuilder sb = new StringBuilder("# Image list with two lines of data per image:\n"
                + "#   IMAGE_ID, QW, QX, QY, QZ, TX, TY, TZ, CAMERA_ID, NAME\n#   POINTS2D[] as (X, Y, POINT3D_ID)\n");
        for (int i = 0; i < ims.size(); i++) {
            Img m = ims.get(i);
            sb.append(m.id());
            for (double v : m.q()) sb.append(' ').append(num(v));
            for (double v : m.t()) sb.append(' ').append(num(v));
            sb.append(' ').append(m.camera()).append(' ').append(m.name()).append('\n');
            sb.append(i % 2 == 0 ? "10.5 20.5 1 30.5 40.5 -1" : "").append('\n');
        }
        return sb.toString();
    }

    static String pointsTxt(List<Pt> pts) {
        StringBuilder sb = new StringBuilder("# 3D point list with one line of data per point:\n"
                + "#   POINT3D_ID, X, Y, Z, R, G, B, ERROR, TRACK[] as (IMAGE_ID, POINT2D_IDX)\n");
        for (Pt p : pts) {
            sb.append(p.id()).append(' ').append(num(p.x())).append(' ').append(num(p.y())).append(' ').append(num(p.z()))
                    .append(" 128 128 128 ").append(num(p.error())).append(" 1 0 2 0\n");
        }
        return sb.toString();
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%.17g", v);
    }

    /** Writes the model into {@code dir} in the form asked for. */
    static void write(Path dir, boolean binary, List<Cam> cams, List<Img> ims, List<Pt> pts) {
        try {
            Files.createDirectories(dir);
            if (binary) {
                Files.write(dir.resolve("cameras.bin"), camerasBin(cams));
                Files.write(dir.resolve("images.bin"), imagesBin(ims));
                Files.write(dir.resolve("points3D.bin"), pointsBin(pts));
            } else {
                Files.writeString(dir.resolve("cameras.txt"), camerasTxt(cams));
                Files.writeString(dir.resolve("images.txt"), imagesTxt(ims));
                Files.writeString(dir.resolve("points3D.txt"), pointsTxt(pts));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The unit quaternion (w, x, y, z) of the row-major rotation {@code r}. */
    static double[] quaternion(double[] r) {
        return nfield.geom.Rotations.quaternion(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8]);
    }
}
