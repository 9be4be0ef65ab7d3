package nfield.data.mesh;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Writers of small test meshes in every format the readers take; polygons are int[] of 0-based indices. */
final class MeshFiles {
    private MeshFiles() {}

    /** A box's 6 faces as quads, counter-clockwise from outside, over the vertices of {@link #box}. */
    static final int[][] BOX_QUADS = {{0, 2, 3, 1}, {4, 5, 7, 6}, {0, 1, 5, 4}, {2, 6, 7, 3}, {0, 4, 6, 2}, {1, 3, 7, 5}};

    /** The 8 corners of a box, vertex i = (xs[i & 1], ys[(i >> 1) & 1], zs[i >> 2]), as [8, 3]. */
    static double[] box(double[] xs, double[] ys, double[] zs) {
        double[] v = new double[24];
        for (int i = 0; i < 8; i++) {
            v[3 * i] = xs[i & 1];
            v[3 * i + 1] = ys[(i >> 1) & 1];
            v[3 * i + 2] = zs[i >> 2];
        }
        return v;
    }

    /** A box with float-exact, non-integer coordinates. */
    static double[] box() {
        return box(new double[] {-1.25, 0.5}, new double[] {0.125, 3}, new double[] {-2, 1e-3f});
    }

    /** The triangles [T, 3] a reader makes of {@code polys} by fan triangulation. */
    static int[] fan(int[][] polys) {
        int[] t = new int[Arrays.stream(polys).mapToInt(p -> 3 * (p.length - 2)).sum()];
        int k = 0;
        for (int[] p : polys) {
            for (int i = 1; i + 1 < p.length; i++) {
                t[k++] = p[0];
                t[k++] = p[i];
                t[k++] = p[i + 1];
            }
        }
        return t;
    }

    static String obj(double[] v, int[][] polys) {
        StringBuilder s = new StringBuilder("# test mesh\n");
        for (int i = 0; i < v.length; i += 3) s.append("v ").append(v[i]).append(' ').append(v[i + 1]).append(' ').append(v[i + 2]).append('\n');
        for (int[] p : polys) {
            s.append('f');
            for (int i : p) s.append(' ').append(i + 1);
            s.append('\n');
        }
        return s.toString();
    }

    static String off(double[] v, int[][] polys) {
        StringBuilder s = new StringBuilder("OFF\n").append(v.length / 3).append(' ').append(polys.length).append(" 0\n");
        for (int i = 0; i < v.length; i += 3) s.append(v[i]).append(' ').append(v[i + 1]).append(' ').append(v[i + 2]).append('\n');
        for (int[] p : polys) {
            s.append(p.length);
            for (int i : p) s.append(' ').append(i);
            s.append('\n');
        }
        return s.toString();
    }

    static String stlAscii(double[] v, int[] t) {
        StringBuilder s = new StringBuilder("solid test\n");
        for (int i = 0; i < t.length; i += 3) {
            s.append("  facet normal 0 0 0\n    outer loop\n");
            for (int k = 0; k < 3; k++) {
                int j = 3 * t[i + k];
                s.append("      vertex ").append(v[j]).append(' ').append(v[j + 1]).append(' ').append(v[j + 2]).append('\n');
            }
            s.append("    endloop\n  endfacet\n");
        }
        return s.append("endsolid test\n").toString();
    }

    /** Binary STL with the given header text (up to 80 bytes) and {@code count} in the count field. */
    static byte[] stlBinary(double[] v, int[] t, String header, long count) {
        ByteBuffer b = ByteBuffer.allocate(84 + 50 * (t.length / 3)).order(ByteOrder.LITTLE_ENDIAN);
        b.put(Arrays.copyOf(header.getBytes(StandardCharsets.US_ASCII), 80));
        b.putInt((int) count);
        for (int i = 0; i < t.length; i += 3) {
            b.putFloat(0).putFloat(0).putFloat(1);
            for (int k = 0; k < 3; k++) for (int c = 0; c < 3; c++) b.putFloat((float) v[3 * t[i + k] + c]);
            b.putShort((short) 0);
        }
        return b.array();
    }

    static byte[] stlBinary(double[] v, int[] t) {
        return stlBinary(v, t, "binary test mesh", t.length / 3);
    }

    /**
     * PLY in {@code format} (ascii, binary_little_endian, binary_big_endian) with extra vertex
     * properties (a scalar, a list), an extra element before and one after the faces, and extra
     * face properties around the index list.
     */
    static byte[] ply(String format, String xyzType, String countType, String indexType, String indexName, double[] v, int[][] polys) {
        String header = "ply\nformat " + format + " 1.0\ncomment written by MeshFiles\nobj_info test\n"
                + "element vertex " + v.length / 3 + "\nproperty " + xyzType + " x\nproperty uchar red\nproperty " + xyzType + " y\n"
                + "property list uchar int16 junk\nproperty " + xyzType + " z\nproperty float32 confidence\n"
                + "element edge 2\nproperty int vertex1\nproperty int32 vertex2\n"
                + "element face " + polys.length + "\nproperty uint8 flags\nproperty list " + countType + " " + indexType + " " + indexName
                + "\nproperty list uint8 float texcoord\n"
                + "element material 1\nproperty list int int32 names\nproperty double shininess\nend_header\n";
        Values out = new Values(format);
        out.bytes.writeBytes(header.getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i < v.length; i += 3) {
            out.put(xyzType, v[i]).put("uchar", 200).put(xyzType, v[i + 1]);
            out.put("uchar", 2).put("int16", -7).put("int16", 300);
            out.put(xyzType, v[i + 2]).put("float32", 0.5).end();
        }
        out.put("int", 0).put("int32", 1).end().put("int", 2).put("int32", 3).end();
        for (int[] p : polys) {
            out.put("uint8", 1).put(countType, p.length);
            for (int i : p) out.put(indexType, i);
            out.put("uint8", 2).put("float", 0.25).put("float", 0.75).end();
        }
        out.put("int", 3).put("int32", 7).put("int32", 8).put("int32", 9).put("double", 12.5).end();
        return out.bytes.toByteArray();
    }

    /** PLY element values, as text tokens or as binary in the format's byte order. */
    static final class Values {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final boolean ascii;
        final ByteOrder order;

        Values(String format) {
            ascii = format.equals("ascii");
            order = format.equals("binary_big_endian") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        }

        Values put(String type, double value) {
            boolean integral = !type.startsWith("float") && !type.equals("double");
            if (ascii) {
                bytes.writeBytes(((integral ? Long.toString((long) value) : Double.toString(value)) + " ").getBytes(StandardCharsets.US_ASCII));
                return this;
            }
            ByteBuffer b = ByteBuffer.allocate(8).order(order);
            switch (type) {
                case "char", "int8", "uchar", "uint8" -> b.put((byte) value);
                case "short", "int16", "ushort", "uint16" -> b.putShort((short) value);
                case "int", "int32", "uint", "uint32" -> b.putInt((int) (long) value);
                case "float", "float32" -> b.putFloat((float) value);
                case "double", "float64" -> b.putDouble(value);
                default -> throw new IllegalArgumentException(type);
            }
            bytes.write(b.array(), 0, b.position());
            return this;
        }

        Values end() {
            if (ascii) bytes.write('\n');
            return this;
        }
    }
}
