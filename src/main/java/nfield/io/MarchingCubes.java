package nfield.io;

import nfield.data.mesh.Mesh;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;

/**
 * Marching cubes over a regular grid of samples, giving a closed, consistently oriented mesh.
 *
 * <h2>Classification</h2>
 * A grid point is <em>inside</em> when its value is {@code < iso} and <em>outside</em> when it
 * is {@code >= iso}, everywhere (cells, faces and edges all use this one test), so a value that
 * equals {@code iso} exactly is outside and never opens a crack. A grid edge is crossed when
 * its two ends are on different sides; it then gets exactly one vertex, shared by the up to four
 * cells around the edge, at the linear interpolation {@code t = (iso - a) / (b - a)} between its
 * end values. {@code t} is clamped to {@code [T_MIN, 1 - T_MIN]} ({@value #T_MIN} of a cell), so
 * a vertex never lands exactly on a grid point: vertices of different edges never coincide even
 * where samples equal {@code iso}, and no triangle repeats a vertex. Triangles are never dropped
 * (tiny ones near such points are kept: dropping them could open the mesh).
 *
 * <h2>The case table, and the ambiguous faces</h2>
 * The triangles of a cell come from a table generated when this class loads (nothing is typed
 * in), indexed by the 8 corner classes and, for each ambiguous face, one decision bit:
 * <ol>
 * <li>On each of the 6 faces the crossed edges are joined by segments: a face has 0, 2 or 4
 * crossed edges. With 2 there is one segment. With 4 (two diagonal corners inside, the other two
 * outside) the face is ambiguous and is resolved by the <b>asymptotic decider</b>: the bilinear
 * interpolant of the face's four values {@code a b / c d} (diagonals {@code a,d} and {@code b,c})
 * has a saddle of value {@code (ad - bc) / (a + d - b - c)} (values taken relative to iso); if
 * the saddle is outside ({@code >= iso}, the same rule as for samples) the outside corners are
 * joined across the face and the segments cut off the two inside corners, otherwise they cut off
 * the two outside corners. The decision uses only that face's four samples, read in the same
 * order and computed with the same arithmetic from either cell, so both cells sharing a face
 * draw the same segments there.</li>
 * <li>Each segment is directed so that, seen from outside the cell, the outside side of the face
 * is on its left. Every crossed edge is then the end of exactly one segment and the start of
 * exactly one other (checked while generating), so the segments chain into closed polygons,
 * counter-clockwise seen from the outside region.</li>
 * <li>Each polygon is triangulated (a fan where one works) without any diagonal whose two ends
 * lie on edges of one face: such a diagonal could also be drawn by the neighbouring cell across
 * that face. All other triangle edges are either face segments (used once on each side of the
 * face, in opposite directions) or diagonals through the cell (used twice inside it). A polygon
 * that has no such triangulation (it holds both segments of two or more ambiguous faces, as
 * when three inside corners around an outside one are joined across all three faces; 116 of the
 * table's 656 cases) is instead fanned around one added vertex at the mean of its vertices, inside
 * the cell. These centre vertices are the only ones not on grid edges; they come after all edge
 * vertices in the output.</li>
 * </ol>
 * So when the surface does not reach the grid boundary every output edge is used by exactly two
 * triangles, in opposite directions, and triangle normals (right-hand rule) point toward
 * increasing values: outward for a signed distance that is negative inside.
 *
 * <h2>NaN</h2>
 * A cell with a NaN among its corners is skipped: it produces no triangles, so the mesh is open
 * where the surface passes through it. Edges with a NaN end get no vertex, vertices that only
 * skipped cells would use are dropped, and the mesh's warnings count the skipped cells.
 *
 * <h2>Speed</h2>
 * Large grids are cut into slabs of cell layers extracted in parallel; every slab numbers its
 * vertices layer by layer in the same order as a single pass would, and its top layer (which
 * the next slab also computes) is mapped onto the next slab's vertices when merging, so the
 * output is identical whatever the number of slabs or threads. No allocation per cell.
 */
public final class MarchingCubes {
    /** Smallest interpolation parameter along an edge (in cells); the largest is {@code 1 - T_MIN}. */
    public static final double T_MIN = 1e-3;

    private MarchingCubes() {}

    // ---------------------------------------------------------------------------------------
    // Cube geometry. Corner i is at (i & 1, (i >> 1) & 1, (i >> 2) & 1). Edge e = 4 * axis + k
    // runs along axis from corner EDGE_C0[e] (coordinate 0 on that axis) to EDGE_C1[e]; k holds
    // the other two coordinates, lower axis in bit 0. Face f = 2 * axis + side holds the corners
    // whose coordinate on axis equals side; its outward normal is (2 * side - 1) along axis.
    // ---------------------------------------------------------------------------------------
    static final int[] EDGE_C0 = new int[12], EDGE_C1 = new int[12], EDGE_AXIS = new int[12];
    /** Bit f set when edge e lies in face f (two bits per edge). */
    static final int[] EDGE_FACES = new int[12];
    /** The four corners of each face, ascending: (0,0), (1,0), (0,1), (1,1) in its two axes. */
    static final int[][] FACE_CORNERS = new int[6][4];

    /** Triangles of case (config << 6 | faceBits): edges TRI_EDGES[TRI_START[key] ..< TRI_START[key + 1]]. */
    private static final int[] TRI_START = new int[256 * 64 + 1];
    private static final byte[] TRI_EDGES;
    /**
     * Polygons of case key fanned around an added centre vertex: at CENTRE_EDGES[CENTRE_START[key]]
     * on, per polygon, its vertex count then its edges. In TRI_EDGES, 12 + j is centre j.
     */
    private static final int[] CENTRE_START = new int[256 * 64 + 1];
    private static final byte[] CENTRE_EDGES;
    private static final int MAX_CENTRES;
    /** Bit f set when face f of configuration c is ambiguous. */
    private static final byte[] AMBIGUOUS = new byte[256];

    static {
        for (int e = 0; e < 12; e++) {
            int axis = e >> 2, k = e & 3;
            int[] other = otherAxes(axis);
            int c0 = ((k & 1) << other[0]) | (((k >> 1) & 1) << other[1]);
            EDGE_AXIS[e] = axis;
            EDGE_C0[e] = c0;
            EDGE_C1[e] = c0 | (1 << axis);
        }
        for (int f = 0; f < 6; f++) {
            int axis = f >> 1, side = f & 1, n = 0;
            for (int c = 0; c < 8; c++) if (((c >> axis) & 1) == side) FACE_CORNERS[f][n++] = c;
            for (int e = 0; e < 12; e++) {
                if (EDGE_AXIS[e] != axis && ((EDGE_C0[e] >> axis) & 1) == side) EDGE_FACES[e] |= 1 << f;
            }
        }
        byte[] edges = new byte[256 * 64 * 48], centres = new byte[256 * 64 * 16];
        int n = 0, m = 0, maxCentres = 0;
        for (int config = 0; config < 256; config++) {
            int amb = 0;
            for (int f = 0; f < 6; f++) if (crossings(config, f) == 4) amb |= 1 << f;
            AMBIGUOUS[config] = (byte) amb;
            for (int bits = 0; bits < 64; bits++) {
                TRI_START[config << 6 | bits] = n;
                CENTRE_START[config << 6 | bits] = m;
                if ((bits & ~amb) != 0) continue; // never looked up: only ambiguous faces get a bit
                Case c = cellCase(config, bits);
                for (int[] tri : c.triangles()) {
                    for (int v : tri) edges[n++] = (byte) v;
                }
                for (int[] poly : c.centres()) {
                    centres[m++] = (byte) poly.length;
                    for (int v : poly) centres[m++] = (byte) v;
                }
                maxCentres = Math.max(maxCentres, c.centres().size());
            }
        }
        TRI_START[256 * 64] = n;
        CENTRE_START[256 * 64] = m;
        TRI_EDGES = Arrays.copyOf(edges, n);
        CENTRE_EDGES = Arrays.copyOf(centres, m);
        MAX_CENTRES = maxCentres;
    }

    /** Bit f set when face f of the configuration (bit i = corner i inside) has 4 crossed edges. */
    static int ambiguousFaces(int config) {
        return AMBIGUOUS[config];
    }

    private static int[] otherAxes(int axis) {
        return axis == 0 ? new int[]{1, 2} : axis == 1 ? new int[]{0, 2} : new int[]{0, 1};
    }

    private static boolean inside(int config, int corner) {
        return ((config >> corner) & 1) != 0;
    }

    private static int crossings(int config, int face) {
        int n = 0;
        for (int e = 0; e < 12; e++) {
            if ((EDGE_FACES[e] >> face & 1) != 0 && inside(config, EDGE_C0[e]) != inside(config, EDGE_C1[e])) n++;
        }
        return n;
    }

    private static double[] corner(int c) {
        return new double[]{c & 1, (c >> 1) & 1, (c >> 2) & 1};
    }

    private static double[] mid(int e) {
        double[] a = corner(EDGE_C0[e]), b = corner(EDGE_C1[e]);
        return new double[]{(a[0] + b[0]) / 2, (a[1] + b[1]) / 2, (a[2] + b[2]) / 2};
    }

    /** The edge of the face that leaves corner c along alongAxis. */
    private static int faceEdgeAt(int face, int c, int alongAxis) {
        for (int e = 0; e < 12; e++) {
            if ((EDGE_FACES[e] >> face & 1) != 0 && EDGE_AXIS[e] == alongAxis && (EDGE_C0[e] == c || EDGE_C1[e] == c)) return e;
        }
        throw new IllegalStateException("no edge");
    }

    /**
     * Directs segment {p, q} on face f so that corner c lies on its right (cRight) or left, seen
     * from outside the cell, and records it in next[].
     */
    private static void link(int[] next, int f, int p, int q, int c, boolean cRight) {
        double[] a = mid(p), b = mid(q), k = corner(c);
        double[] u = {b[0] - a[0], b[1] - a[1], b[2] - a[2]}, w = {k[0] - a[0], k[1] - a[1], k[2] - a[2]};
        double[] cross = {u[1] * w[2] - u[2] * w[1], u[2] * w[0] - u[0] * w[2], u[0] * w[1] - u[1] * w[0]};
        double s = cross[f >> 1] * ((f & 1) == 1 ? 1 : -1); // dot with the outward face normal
        if (s == 0) throw new IllegalStateException("corner on the segment");
        boolean forward = (s < 0) == cRight;
        int from = forward ? p : q, to = forward ? q : p;
        if (next[from] != -1) throw new IllegalStateException("edge " + from + " starts two segments");
        next[from] = to;
    }

    /**
     * The triangles of a cell, as triples of edges (a vertex on that edge) or 12 + j (the centre
     * of polygon centres[j]).
     */
    record Case(List<int[]> triangles, List<int[]> centres) {}

    /** The case of one configuration with the given ambiguous-face decisions. */
    static Case cellCase(int config, int faceBits) {
        int[] next = new int[12];
        Arrays.fill(next, -1);
        for (int f = 0; f < 6; f++) {
            int axis = f >> 1;
            int[] cs = FACE_CORNERS[f];
            List<Integer> crossed = new ArrayList<>();
            for (int e = 0; e < 12; e++) {
                if ((EDGE_FACES[e] >> f & 1) != 0 && inside(config, EDGE_C0[e]) != inside(config, EDGE_C1[e])) crossed.add(e);
            }
            if (crossed.size() == 2) {
                int in = -1;
                for (int c : cs) if (inside(config, c)) in = c;
                link(next, f, crossed.get(0), crossed.get(1), in, true);
            } else if (crossed.size() == 4) {
                // insideSeparated: segments cut off the inside corners; else the outside ones
                boolean insideSeparated = (faceBits >> f & 1) != 0;
                int[] ax = otherAxes(axis);
                for (int c : cs) {
                    if (inside(config, c) != insideSeparated) continue;
                    link(next, f, faceEdgeAt(f, c, ax[0]), faceEdgeAt(f, c, ax[1]), c, inside(config, c));
                }
            }
        }
        int[] prev = new int[12];
        Arrays.fill(prev, -1);
        for (int e = 0; e < 12; e++) {
            boolean crossed = inside(config, EDGE_C0[e]) != inside(config, EDGE_C1[e]);
            if (crossed != (next[e] != -1)) throw new IllegalStateException("config " + config + ": edge " + e + " not chained");
            if (next[e] != -1) {
                if (prev[next[e]] != -1) throw new IllegalStateException("config " + config + ": edge " + next[e] + " ends two segments");
                prev[next[e]] = e;
            }
        }
        List<int[]> out = new ArrayList<>(), centres = new ArrayList<>();
        boolean[] done = new boolean[12];
        for (int e = 0; e < 12; e++) {
            if (next[e] == -1 || done[e]) continue;
            List<Integer> poly = new ArrayList<>();
            for (int v = e; !done[v]; v = next[v]) {
                done[v] = true;
                poly.add(v);
            }
            int[] p = poly.stream().mapToInt(Integer::intValue).toArray();
            List<int[]> tris = triangulate(p);
            if (tris == null) {
                int centre = 12 + centres.size();
                centres.add(p);
                for (int j = 0; j < p.length; j++) out.add(new int[]{centre, p[j], p[(j + 1) % p.length]});
            } else {
                out.addAll(tris);
            }
        }
        return new Case(out, centres);
    }

    /** Whether a diagonal between the crossings on edges a and b stays off the cell's faces. */
    private static boolean throughCell(int a, int b) {
        return (EDGE_FACES[a] & EDGE_FACES[b]) == 0;
    }

    /** A fan if one is safe, else any safe triangulation; null if there is none. */
    private static List<int[]> triangulate(int[] p) {
        int n = p.length;
        for (int s = 0; s < n; s++) {
            boolean ok = true;
            for (int j = 2; j < n - 1 && ok; j++) ok = throughCell(p[s], p[(s + j) % n]);
            if (ok) {
                List<int[]> tris = new ArrayList<>();
                for (int j = 1; j < n - 1; j++) tris.add(new int[]{p[s], p[(s + j) % n], p[(s + j + 1) % n]});
                return tris;
            }
        }
        return triangulateAny(p);
    }

    private static List<int[]> triangulateAny(int[] p) {
        int n = p.length;
        if (n == 3) return new ArrayList<>(List.of(new int[]{p[0], p[1], p[2]}));
        // the triangle on side p0 -> p1 has some apex pk; both sub-polygons must triangulate
        for (int k = 2; k < n; k++) {
            if (k != 2 && !throughCell(p[1], p[k])) continue;
            if (k != n - 1 && !throughCell(p[k], p[0])) continue;
            List<int[]> tris = new ArrayList<>();
            tris.add(new int[]{p[0], p[1], p[k]});
            if (k > 2) {
                List<int[]> a = triangulateAny(Arrays.copyOfRange(p, 1, k + 1));
                if (a == null) continue;
                tris.addAll(a);
            }
            if (k < n - 1) {
                int[] rest = new int[n - k + 1];
                System.arraycopy(p, k, rest, 0, n - k);
                rest[n - k] = p[0];
                List<int[]> b = triangulateAny(rest);
                if (b == null) continue;
                tris.addAll(b);
            }
            return tris;
        }
        return null;
    }

    // ---------------------------------------------------------------------------------------
    // Extraction
    // ---------------------------------------------------------------------------------------

    /**
     * Extracts the iso-surface {@code value = iso}. {@code values} is [nz][ny][nx] flattened
     * x-fastest: {@code values[(z * ny + y) * nx + x]} is the sample at
     * {@code origin + spacing * (x, y, z)}, and so are the output coordinates. Triangles are
     * counter-clockwise seen from the side of larger values. A grid with fewer than 2 samples
     * along an axis gives an empty mesh.
     */
    public static Mesh extract(float[] values, int nx, int ny, int nz, double[] origin, double spacing, float iso, String name) {
        long cells = (long) Math.max(nx - 1, 0) * Math.max(ny - 1, 0) * Math.max(nz - 1, 0);
        int parallelism = ForkJoinPool.getCommonPoolParallelism() + 1;
        int slabs = cells < (1 << 16) || parallelism < 2 ? 1 : (int) Math.min(nz - 1, 4L * parallelism);
        return extract(values, nx, ny, nz, origin, spacing, iso, name, slabs);
    }

    /** As {@link #extract(float[], int, int, int, double[], double, float, String)}, in the given number of z-slabs. */
    static Mesh extract(float[] values, int nx, int ny, int nz, double[] origin, double spacing, float iso, String name, int slabs) {
        if (nx < 1 || ny < 1 || nz < 1) throw new IllegalArgumentException(name + ": grid size " + nx + "x" + ny + "x" + nz + " must be positive");
        if ((long) nx * ny * nz != values.length) {
            throw new IllegalArgumentException(name + ": " + values.length + " values for a " + nx + "x" + ny + "x" + nz + " grid");
        }
        if (origin.length != 3) throw new IllegalArgumentException(name + ": origin needs 3 coordinates, got " + origin.length);
        if (!(spacing > 0) || Double.isInfinite(spacing)) throw new IllegalArgumentException(name + ": spacing " + spacing + " must be positive and finite");
        if (Float.isNaN(iso)) throw new IllegalArgumentException(name + ": iso value is NaN");
        if (nx < 2 || ny < 2 || nz < 2) return new Mesh(name, new double[0], new int[0]);
        int cellLayers = nz - 1;
        int ns = Math.max(1, Math.min(slabs, cellLayers));
        Slab[] parts;
        if (ns == 1) {
            parts = new Slab[]{new Slab(values, nx, ny, origin, spacing, iso, 0, cellLayers)};
        } else {
            parts = IntStream.range(0, ns).parallel()
                    .mapToObj(k -> new Slab(values, nx, ny, origin, spacing, iso,
                            (int) ((long) cellLayers * k / ns), (int) ((long) cellLayers * (k + 1) / ns)))
                    .toArray(Slab[]::new);
        }
        return merge(parts, name);
    }

    private static Mesh merge(Slab[] parts, String name) {
        int ns = parts.length;
        long[] base = new long[ns + 1];
        long triCount = 0, nanCells = 0;
        for (int k = 0; k < ns; k++) {
            Slab s = parts[k];
            if (k + 1 < ns && s.vertexCount - s.topStart != parts[k + 1].firstBlockCount) {
                throw new IllegalStateException("slab " + k + " top layer disagrees with slab " + (k + 1));
            }
            base[k + 1] = base[k] + s.topStart;
            triCount += s.triCount;
            nanCells += s.nanCells;
        }
        long edgeVertices = base[ns - 1] + parts[ns - 1].vertexCount, vertexCount = edgeVertices;
        long[] extraBase = new long[ns];
        for (int k = 0; k < ns; k++) {
            extraBase[k] = vertexCount;
            vertexCount += parts[k].extraCount;
        }
        if (vertexCount * 3 > Integer.MAX_VALUE - 8 || triCount * 3 > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(name + ": the surface is too large for one mesh (" + vertexCount + " vertices, " + triCount + " triangles)");
        }
        double[] verts = new double[(int) vertexCount * 3];
        int[] tris = new int[(int) triCount * 3];
        int t = 0;
        for (int k = 0; k < ns; k++) {
            Slab s = parts[k];
            int keep = k + 1 < ns ? s.topStart : s.vertexCount;
            System.arraycopy(s.verts, 0, verts, (int) base[k] * 3, keep * 3);
            System.arraycopy(s.extra, 0, verts, (int) extraBase[k] * 3, s.extraCount * 3);
            int b = (int) base[k], top = s.topStart, shift = (int) base[k + 1] - top, e = (int) extraBase[k];
            for (int i = 0; i < s.triCount * 3; i++) {
                int v = s.tris[i];
                tris[t++] = v < 0 ? e + ~v : v < top ? b + v : shift + v;
            }
        }
        List<String> warnings = new ArrayList<>();
        if (nanCells > 0) {
            warnings.add("skipped " + nanCells + " grid cell" + (nanCells == 1 ? "" : "s")
                    + " with NaN corners (the surface has holes where it passes through them)");
            return compact(name, verts, tris, warnings);
        }
        return new Mesh(name, verts, tris, warnings);
    }

    /** Drops vertices no triangle uses (edges next to skipped NaN cells). */
    private static Mesh compact(String name, double[] verts, int[] tris, List<String> warnings) {
        int[] map = new int[verts.length / 3];
        Arrays.fill(map, -1);
        int n = 0;
        for (int v : tris) if (map[v] == -1) map[v] = 0;
        for (int i = 0; i < map.length; i++) if (map[i] == 0) map[i] = n++;
        double[] out = new double[n * 3];
        for (int i = 0; i < map.length; i++) {
            if (map[i] >= 0) System.arraycopy(verts, i * 3, out, map[i] * 3, 3);
        }
        for (int i = 0; i < tris.length; i++) tris[i] = map[tris[i]];
        return new Mesh(name, out, tris, warnings);
    }

    /**
     * One slab of cell layers [z0, z1). Vertices are numbered block by block: the x- and
     * y-edges of grid layer z0, the z-edges from layer z0 to z0 + 1, the x/y-edges of layer
     * z0 + 1, ..., ending with the x/y-edges of layer z1 (from topStart on), which is exactly the
     * first block of the next slab.
     */
    private static final class Slab {
        final float[] values;
        final int nx, ny, layer;
        final double ox, oy, oz, h;
        final float iso;
        double[] verts;
        int vertexCount;
        /** Centre vertices (see CENTRE_EDGES), referred to as ~j in tris; they follow all edge vertices. */
        double[] extra = new double[48];
        int extraCount;
        int[] tris;
        int triCount;
        int topStart, firstBlockCount;
        long nanCells;

        Slab(float[] values, int nx, int ny, double[] origin, double spacing, float iso, int z0, int z1) {
            this.values = values;
            this.nx = nx;
            this.ny = ny;
            this.layer = nx * ny;
            this.ox = origin[0];
            this.oy = origin[1];
            this.oz = origin[2];
            this.h = spacing;
            this.iso = iso;
            int guess = Math.max(1024, 4 * (nx + ny) * (z1 - z0));
            verts = new double[guess * 3];
            tris = new int[guess * 6];
            run(z0, z1);
        }

        private void run(int z0, int z1) {
            byte[] flagA = new byte[layer], flagB = new byte[layer], rowA = new byte[ny], rowB = new byte[ny];
            int[] xA = new int[layer], yA = new int[layer], xB = new int[layer], yB = new int[layer], zE = new int[layer];
            int[] cellEdge = new int[12 + MAX_CENTRES];
            classify(z0, flagA, rowA);
            layerVertices(z0, flagA, rowA, xA, yA);
            firstBlockCount = vertexCount;
            for (int z = z0; z < z1; z++) {
                classify(z + 1, flagB, rowB);
                zVertices(z, flagA, flagB, rowA, rowB, zE);
                if (z + 1 == z1) topStart = vertexCount;
                layerVertices(z + 1, flagB, rowB, xB, yB);
                cells(z, flagA, flagB, rowA, rowB, xA, yA, xB, yB, zE, cellEdge);
                byte[] tf = flagA; flagA = flagB; flagB = tf;
                tf = rowA; rowA = rowB; rowB = tf;
                int[] t = xA; xA = xB; xB = t;
                t = yA; yA = yB; yB = t;
            }
        }

        /**
         * Per sample 1 = inside (value < iso), 0 = outside, 2 = NaN; per row of the layer 0 or 1
         * when all its samples are outside or all inside (no surface to look for), else 2.
         */
        private void classify(int z, byte[] flag, byte[] rows) {
            int off = z * layer;
            float iso = this.iso;
            for (int y = 0; y < ny; y++) {
                int or = 0, and = 1;
                for (int i = y * nx, end = i + nx; i < end; i++) {
                    float v = values[off + i];
                    int f = v < iso ? 1 : v != v ? 2 : 0;
                    flag[i] = (byte) f;
                    or |= f;
                    and &= f;
                }
                rows[y] = (byte) (or == 0 ? 0 : or == 1 && and == 1 ? 1 : 2);
            }
        }

        /** Whether rows a and b (states from classify) hold no sign change and no NaN. */
        private static boolean same(int a, int b) {
            return a == b && a != 2;
        }

        private static boolean crossed(int a, int b) {
            return a != b && ((a | b) & 2) == 0;
        }

        /** Vertices on the x-edges of row y, then on the y-edges from row y to y + 1, row by row. */
        private void layerVertices(int z, byte[] flag, byte[] rows, int[] xIdx, int[] yIdx) {
            int off = z * layer;
            double pz = oz + h * z;
            for (int y = 0; y < ny; y++) {
                int row = y * nx;
                double py = oy + h * y;
                if (rows[y] == 2) {
                    for (int i = row, end = row + nx - 1; i < end; i++) {
                        if (crossed(flag[i], flag[i + 1])) {
                            xIdx[i] = addVertex(ox + h * (i - row + t(values[off + i], values[off + i + 1])), py, pz);
                        }
                    }
                }
                if (y + 1 < ny && !same(rows[y], rows[y + 1])) {
                    for (int i = row, end = row + nx; i < end; i++) {
                        if (crossed(flag[i], flag[i + nx])) {
                            yIdx[i] = addVertex(ox + h * (i - row), oy + h * (y + t(values[off + i], values[off + i + nx])), pz);
                        }
                    }
                }
            }
        }

        private void zVertices(int z, byte[] lo, byte[] hi, byte[] rowLo, byte[] rowHi, int[] zIdx) {
            int off = z * layer;
            for (int y = 0; y < ny; y++) {
                if (same(rowLo[y], rowHi[y])) continue;
                int row = y * nx;
                for (int x = 0; x < nx; x++) {
                    int i = row + x;
                    if (crossed(lo[i], hi[i])) {
                        zIdx[i] = addVertex(ox + h * x, oy + h * y, oz + h * (z + t(values[off + i], values[off + layer + i])));
                    }
                }
            }
        }

        private double t(float a, float b) {
            double t = ((double) iso - a) / ((double) b - a);
            if (!(t > T_MIN)) return T_MIN; // also NaN from infinite samples
            return Math.min(t, 1 - T_MIN);
        }

        private int addVertex(double x, double y, double z) {
            if (vertexCount * 3 + 3 > verts.length) verts = Arrays.copyOf(verts, Math.max(verts.length * 2, 3072));
            int n = vertexCount * 3;
            verts[n] = x;
            verts[n + 1] = y;
            verts[n + 2] = z;
            return vertexCount++;
        }

        private int addExtra(double x, double y, double z) {
            if (extraCount * 3 + 3 > extra.length) extra = Arrays.copyOf(extra, extra.length * 2);
            int n = extraCount * 3;
            extra[n] = x;
            extra[n + 1] = y;
            extra[n + 2] = z;
            return extraCount++;
        }

        private void cells(int z, byte[] fa, byte[] fb, byte[] ra, byte[] rb, int[] xA, int[] yA, int[] xB, int[] yB, int[] zE, int[] ce) {
            for (int y = 0; y + 1 < ny; y++) {
                int r = ra[y];
                if (same(r, ra[y + 1]) && same(r, rb[y]) && same(r, rb[y + 1])) continue;
                int row = y * nx;
                for (int x = 0; x + 1 < nx; x++) {
                    int i = row + x;
                    int c0 = fa[i], c1 = fa[i + 1], c2 = fa[i + nx], c3 = fa[i + nx + 1];
                    int c4 = fb[i], c5 = fb[i + 1], c6 = fb[i + nx], c7 = fb[i + nx + 1];
                    int config = c0 | c1 << 1 | c2 << 2 | c3 << 3 | c4 << 4 | c5 << 5 | c6 << 6 | c7 << 7;
                    if (config == 0 || config == 255) continue;
                    if (((c0 | c1 | c2 | c3 | c4 | c5 | c6 | c7) & 2) != 0) {
                        nanCells++;
                        continue;
                    }
                    int amb = AMBIGUOUS[config], bits = 0;
                    if (amb != 0) bits = decide(amb, z * layer + i);
                    int key = config << 6 | bits;
                    int from = TRI_START[key], to = TRI_START[key + 1];
                    // edges 0-3: along x at (y, z) = (0,0), (1,0), (0,1), (1,1); 4-7 along y at
                    // (x, z); 8-11 along z at (x, y)
                    ce[0] = xA[i]; ce[1] = xA[i + nx]; ce[2] = xB[i]; ce[3] = xB[i + nx];
                    ce[4] = yA[i]; ce[5] = yA[i + 1]; ce[6] = yB[i]; ce[7] = yB[i + 1];
                    ce[8] = zE[i]; ce[9] = zE[i + 1]; ce[10] = zE[i + nx]; ce[11] = zE[i + nx + 1];
                    for (int c = CENTRE_START[key], cEnd = CENTRE_START[key + 1], j = 12; c < cEnd; j++) {
                        int len = CENTRE_EDGES[c++];
                        double sx = 0, sy = 0, sz = 0;
                        for (int q = 0; q < len; q++) {
                            int v = ce[CENTRE_EDGES[c++]] * 3;
                            sx += verts[v];
                            sy += verts[v + 1];
                            sz += verts[v + 2];
                        }
                        ce[j] = ~addExtra(sx / len, sy / len, sz / len);
                    }
                    if (triCount * 3 + (to - from) > tris.length) tris = Arrays.copyOf(tris, Math.max(tris.length * 2, triCount * 3 + (to - from)));
                    int n = triCount * 3;
                    for (int k = from; k < to; k++) tris[n++] = ce[TRI_EDGES[k]];
                    triCount += (to - from) / 3;
                }
            }
        }

        /** Decision bits of the ambiguous faces of the cell whose corner 0 is sample g. */
        private int decide(int amb, int g) {
            int bits = 0;
            for (int f = 0; f < 6; f++) {
                if ((amb >> f & 1) == 0) continue;
                int[] cs = FACE_CORNERS[f];
                double a = sample(g, cs[0]), b = sample(g, cs[1]), c = sample(g, cs[2]), d = sample(g, cs[3]);
                if (saddleOutside(a, b, c, d)) bits |= 1 << f;
            }
            return bits;
        }

        private double sample(int g, int corner) {
            return (double) values[g + (corner & 1) + ((corner >> 1) & 1) * nx + ((corner >> 2) & 1) * layer] - iso;
        }
    }

    /**
     * The asymptotic decider for a face with values (relative to iso) a, b / c, d in its two
     * axes, diagonals a, d and b, c on opposite sides: whether the saddle of the bilinear
     * interpolant, (ad - bc) / (a + d - b - c), is outside (>= 0).
     */
    static boolean saddleOutside(double a, double b, double c, double d) {
        double num = a * d - b * c, den = a + d - b - c;
        return den > 0 ? num >= 0 : num <= 0;
    }
}
