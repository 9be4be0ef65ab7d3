package nfield.data.mesh;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Collects vertices and triangles into growable primitive arrays while a reader parses, welds
 * exactly-equal positions on request (STL), and finishes into a {@link Mesh}: degenerate
 * triangles dropped, unused vertices counted, an empty result refused.
 */
final class MeshBuilder {
    private double[] v = new double[3 * 1024];
    private int nv3;
    private int[] t = new int[3 * 1024];
    private int nt3;
    /** Open-addressing table of vertex indices for {@link #weldedVertex}; -1 = empty. */
    private int[] weld;

    int vertexCount() { return nv3 / 3; }

    int triangleCount() { return nt3 / 3; }

    /** Appends a vertex; the caller has checked that the coordinates are finite. */
    void vertex(double x, double y, double z) {
        if (nv3 + 3 > v.length) v = Arrays.copyOf(v, grow(v.length));
        v[nv3] = x;
        v[nv3 + 1] = y;
        v[nv3 + 2] = z;
        nv3 += 3;
    }

    /** Appends a triangle of 0-based vertex indices; the caller has checked their range. */
    void triangle(int a, int b, int c) {
        if (nt3 + 3 > t.length) t = Arrays.copyOf(t, grow(t.length));
        t[nt3] = a;
        t[nt3 + 1] = b;
        t[nt3 + 2] = c;
        nt3 += 3;
    }

    private static int grow(int n) {
        long m = Math.min((long) n * 2, Integer.MAX_VALUE - 8);
        if (m <= n) throw new IllegalStateException("mesh too large for one array");
        return (int) m;
    }

    /** The index of a vertex at exactly (x, y, z), appended if no earlier one is there (-0.0 == 0.0). */
    int weldedVertex(double x, double y, double z) {
        x += 0.0;
        y += 0.0;
        z += 0.0;
        if (weld == null || vertexCount() * 2 >= weld.length) rehash();
        int mask = weld.length - 1;
        for (int h = hash(x, y, z) & mask; ; h = (h + 1) & mask) {
            int i = weld[h];
            if (i < 0) {
                weld[h] = vertexCount();
                vertex(x, y, z);
                return weld[h];
            }
            if (v[3 * i] == x && v[3 * i + 1] == y && v[3 * i + 2] == z) return i;
        }
    }

    private static int hash(double x, double y, double z) {
        long h = Double.doubleToLongBits(x);
        h = h * 0x9E3779B97F4A7C15L + Double.doubleToLongBits(y);
        h = h * 0x9E3779B97F4A7C15L + Double.doubleToLongBits(z);
        h ^= h >>> 29;
        h *= 0xBF58476D1CE4E5B9L;
        return (int) (h ^ (h >>> 32));
    }

    private void rehash() {
        int size = Integer.highestOneBit(Math.max(1024, vertexCount() * 4 - 1)) * 2;
        weld = new int[size];
        Arrays.fill(weld, -1);
        for (int i = 0; i < vertexCount(); i++) {
            int h = hash(v[3 * i], v[3 * i + 1], v[3 * i + 2]) & (size - 1);
            while (weld[h] >= 0) h = (h + 1) & (size - 1);
            weld[h] = i;
        }
    }

    /**
     * The finished mesh. Triangles with a repeated vertex or zero area (|cross| == 0) are dropped
     * and counted in one warning; vertices no triangle uses are kept and counted in another.
     *
     * @param warnings the reader's own warnings so far, listed first
     * @throws MeshFormatException "NAME: no triangles ..." when nothing is left
     */
    Mesh build(String name, List<String> warnings) throws MeshFormatException {
        int read = triangleCount(), kept = 0;
        for (int i = 0; i < nt3; i += 3) {
            int a = t[i], b = t[i + 1], c = t[i + 2];
            if (a == b || b == c || a == c || zeroArea(a, b, c)) continue;
            t[kept++] = a;
            t[kept++] = b;
            t[kept++] = c;
        }
        int dropped = read - kept / 3;
        if (kept == 0) {
            throw new MeshFormatException(name + ": no triangles" + (read == 0
                    ? " (the file has " + vertexCount() + " vertices and no faces)"
                    : " left: all " + read + " were degenerate (a repeated vertex or zero area)"));
        }
        List<String> all = new ArrayList<>(warnings);
        if (dropped > 0) {
            all.add("dropped " + dropped + " degenerate triangle" + (dropped == 1 ? "" : "s") + " (a repeated vertex or zero area)");
        }
        boolean[] used = new boolean[vertexCount()];
        for (int i = 0; i < kept; i++) used[t[i]] = true;
        int unused = 0;
        for (boolean u : used) if (!u) unused++;
        if (unused > 0) all.add(unused + " vert" + (unused == 1 ? "ex is" : "ices are") + " not used by any triangle (kept)");
        return new Mesh(name, Arrays.copyOf(v, nv3), Arrays.copyOf(t, kept), all);
    }

    private boolean zeroArea(int a, int b, int c) {
        double ux = v[3 * b] - v[3 * a], uy = v[3 * b + 1] - v[3 * a + 1], uz = v[3 * b + 2] - v[3 * a + 2];
        double wx = v[3 * c] - v[3 * a], wy = v[3 * c + 1] - v[3 * a + 1], wz = v[3 * c + 2] - v[3 * a + 2];
        return uy * wz - uz * wy == 0 && uz * wx - ux * wz == 0 && ux * wy - uy * wx == 0;
    }
}
