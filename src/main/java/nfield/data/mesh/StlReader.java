package nfield.data.mesh;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * STL, binary (80-byte header, uint32 triangle count, 50 bytes per triangle: normal, 3 vertices
 * as little-endian float32, 2 attribute bytes) or ASCII ({@code solid} / {@code facet normal} /
 * {@code outer loop} / {@code vertex} x3 / {@code endloop} / {@code endfacet} / {@code endsolid}).
 * Binary when 84 + 50 * count equals the file size, even if the header starts with "solid".
 * STL repeats positions per triangle; exactly-equal positions are welded into shared vertices.
 */
final class StlReader {
    private StlReader() {}

    static Mesh read(String name, byte[] data) throws MeshFormatException {
        long count = data.length >= 84 ? ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).getInt(80) & 0xFFFFFFFFL : -1;
        if (count >= 0 && 84 + 50 * count == data.length) return binary(name, data, (int) count);
        if (startsWithSolid(data)) {
            String hint = count < 0 || !looksBinary(data) ? "" : " (read as ASCII: if this is binary STL, its header's triangle count "
                    + count + " needs 84 + 50 * " + count + " = " + (84 + 50 * count) + " bytes but the file is " + data.length + ")";
            return ascii(name, data, hint);
        }
        if (count < 0) {
            throw new MeshFormatException(name + ": byte 0: the file is " + data.length
                    + " bytes, too short for binary STL (an 84-byte header) and it does not start with 'solid' (ASCII STL)");
        }
        if (84 + 50 * count > data.length) {
            throw new MeshFormatException(name + ": byte 80: the header claims " + count + " triangles, which need 84 + 50 * "
                    + count + " = " + (84 + 50 * count) + " bytes, but the file is " + data.length
                    + " bytes: the file is truncated at byte " + data.length + " or the count is wrong");
        }
        Mesh m = binary(name, data, (int) count);
        List<String> w = new ArrayList<>(m.warnings());
        w.add(0, "ignored " + (data.length - 84 - 50 * count) + " bytes after the last of " + count + " triangles");
        return new Mesh(m.name(), m.vertices(), m.triangles(), w);
    }

    private static boolean startsWithSolid(byte[] data) {
        int p = 0;
        while (p < data.length && (data[p] == ' ' || data[p] == '\t' || data[p] == '\r' || data[p] == '\n')) p++;
        return data.length - p >= 5 && new String(data, p, 5, StandardCharsets.ISO_8859_1).equals("solid");
    }

    /** Whether the bytes after the 84-byte header start with control characters no ASCII STL has. */
    private static boolean looksBinary(byte[] data) {
        for (int i = 84; i < Math.min(data.length, 84 + 4096); i++) if (data[i] >= 0 && data[i] < 9) return true;
        return false;
    }

    private static Mesh binary(String name, byte[] data, int count) throws MeshFormatException {
        ByteBuffer buf = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        MeshBuilder mb = new MeshBuilder();
        int[] idx = new int[3];
        for (int t = 0; t < count; t++) {
            int at = 84 + 50 * t;
            for (int k = 0; k < 3; k++) {
                int o = at + 12 + 12 * k;
                double x = buf.getFloat(o), y = buf.getFloat(o + 4), z = buf.getFloat(o + 8);
                if (!Double.isFinite(x) || !Double.isFinite(y) || !Double.isFinite(z)) {
                    throw new MeshFormatException(name + ": byte " + o + ": vertex " + k + " of triangle " + t
                            + " has a non-finite coordinate (" + x + ", " + y + ", " + z + ")");
                }
                idx[k] = mb.weldedVertex(x, y, z);
            }
            mb.triangle(idx[0], idx[1], idx[2]);
        }
        return mb.build(name, new ArrayList<>());
    }

    private static Mesh ascii(String name, byte[] data, String hint) throws MeshFormatException {
        TextScanner sc = new TextScanner(name, data, false);
        MeshBuilder mb = new MeshBuilder();
        sc.nextAny(); // "solid"; the rest of the line is the name
        sc.nextLine();
        int facets = 0;
        while (true) {
            if (!sc.nextAny()) throw sc.error("file ends after " + facets + " facets without 'endsolid'; the file is truncated" + hint);
            if (sc.is("endsolid")) {
                sc.nextLine();
                if (!sc.nextAny()) break;
                if (!sc.is("solid")) throw sc.error("expected 'solid' or the end of the file after 'endsolid', found '" + sc.token() + "'" + hint);
                sc.nextLine();
                continue;
            }
            if (!sc.is("facet")) throw sc.error("expected 'facet' or 'endsolid', found '" + sc.token() + "'" + hint);
            expect(sc, "normal", hint);
            for (int k = 0; k < 3; k++) {
                expect(sc, null, hint);
                sc.number("normal component");
            }
            expect(sc, "outer", hint);
            expect(sc, "loop", hint);
            int n = 0, first = 0, prev = 0;
            while (true) {
                expect(sc, null, hint);
                if (sc.is("endloop")) break;
                if (!sc.is("vertex")) throw sc.error("expected 'vertex' or 'endloop', found '" + sc.token() + "'" + hint);
                double[] p = new double[3];
                for (int k = 0; k < 3; k++) {
                    expect(sc, null, hint);
                    p[k] = sc.coordinate("vertex coordinate");
                }
                int i = mb.weldedVertex(p[0], p[1], p[2]);
                if (n == 0) first = i;
                else if (n >= 2) mb.triangle(first, prev, i);
                prev = i;
                n++;
            }
            if (n < 3) throw sc.error("facet " + facets + " has " + n + " vertices; a facet needs 3");
            expect(sc, "endfacet", hint);
            facets++;
        }
        return mb.build(name, new ArrayList<>());
    }

    /** Reads the next token and checks it is {@code keyword} (any token when null). */
    private static void expect(TextScanner sc, String keyword, String hint) throws MeshFormatException {
        if (!sc.nextAny()) {
            throw sc.error("file ends inside a facet" + (keyword == null ? "" : ", expected '" + keyword + "'") + "; the file is truncated" + hint);
        }
        if (keyword != null && !sc.is(keyword)) throw sc.error("expected '" + keyword + "', found '" + sc.token() + "'" + hint);
    }
}
