package nfield.data.mesh;

import java.util.ArrayList;

/**
 * Object File Format: an {@code OFF} header (also {@code COFF}, {@code NOFF}, {@code STOFF}, ...:
 * the extra per-vertex values after x y z are ignored), the counts {@code nv nf [ne]} (on the
 * header line or the next), nv vertex lines {@code x y z ...}, then nf face lines
 * {@code n i0 .. i(n-1) [colour]} with 0-based indices, fan-triangulated. '#' starts a comment.
 */
final class OffReader {
    private OffReader() {}

    static Mesh read(String name, byte[] data) throws MeshFormatException {
        TextScanner sc = new TextScanner(name, data, true);
        if (!sc.nextAny()) throw new MeshFormatException(name + ": line 1: empty file; expected an 'OFF' header");
        String head = sc.token();
        if (!head.endsWith("OFF") || !head.substring(0, head.length() - 3).matches("(ST)?C?N?")) {
            throw sc.error("expected the header 'OFF' (or COFF, NOFF, STOFF, ...), found '" + head + "'");
        }
        if (!sc.nextAny()) throw sc.error("file ends before the counts 'vertices faces edges'");
        int countsLine = sc.line();
        long nv = count(sc, "vertex count");
        if (!sc.nextAny()) throw sc.error("file ends before the face count");
        long nf = count(sc, "face count");
        int left = data.length - sc.endOfLine();
        if ((nv + nf) * 2 > left) {
            throw sc.error("the header claims " + nv + " vertices and " + nf + " faces, but the file is only "
                    + data.length + " bytes (each entry needs at least 2 bytes): the counts are wrong or the file is truncated");
        }
        MeshBuilder mb = new MeshBuilder();
        for (long i = 0; i < nv; i++) {
            nextEntry(sc, "vertices", i, nv, countsLine);
            double x = sc.coordinate("x coordinate");
            sc.require("y coordinate of vertex " + i);
            double y = sc.coordinate("y coordinate");
            sc.require("z coordinate of vertex " + i);
            double z = sc.coordinate("z coordinate");
            mb.vertex(x, y, z);
        }
        for (long f = 0; f < nf; f++) {
            nextEntry(sc, "faces", f, nf, countsLine);
            long n = sc.integer("vertex count of face " + f);
            if (n < 3) throw sc.error("face " + f + " has " + n + " vertices; a face needs at least 3");
            int first = 0, prev = 0;
            for (long k = 0; k < n; k++) {
                if (!sc.next()) throw sc.error("face " + f + " says it has " + n + " vertices but lists only " + k);
                long idx = sc.integer("vertex index");
                if (idx < 0 || idx >= nv) {
                    throw sc.error("vertex index " + idx + " is out of range: the file has " + nv + " vertices (0-based)");
                }
                if (k == 0) first = (int) idx;
                else if (k >= 2) mb.triangle(first, prev, (int) idx);
                prev = (int) idx;
            }
        }
        return mb.build(name, new ArrayList<>());
    }

    private static long count(TextScanner sc, String what) throws MeshFormatException {
        long n = sc.integer(what);
        if (n < 0 || n > Integer.MAX_VALUE) throw sc.error(what + " " + n + " is out of range");
        return n;
    }

    /** Moves to the first token of the next non-blank line (the rest of this one is ignored), or fails saying the file is truncated. */
    private static void nextEntry(TextScanner sc, String plural, long i, long n, int countsLine) throws MeshFormatException {
        do {
            if (!sc.nextLine()) {
                throw sc.error("file ends after " + i + " of " + n + " " + plural
                        + " (the counts at line " + countsLine + "); the file is truncated");
            }
        } while (!sc.next());
    }
}
