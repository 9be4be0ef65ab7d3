package nfield.data.mesh;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

/**
 * Exact signed distance to a triangle mesh: the distance to the closest point (through a
 * {@link Bvh}), negative inside, the sign by one of the {@link SignMethod}s. Immutable and
 * thread-safe; {@link #fill} runs on all cores.
 */
public final class MeshSdf {
    /** Directions cast by {@link SignMethod#RAYSTAB}. */
    public static final int RAYS = 7;
    /** Winding numbers in (0.5 - AMBIGUOUS_BAND, 0.5 + AMBIGUOUS_BAND) count as ambiguous. */
    public static final double AMBIGUOUS_BAND = 0.2;
    private static final double[] DIRECTIONS = directions();

    private final Mesh mesh;
    private final Bvh bvh;
    private final double[] bounds;
    /** Unit face normals [T, 3]; angle-weighted vertex pseudo-normals [V, 3]; edge normals [E, 3]. */
    private final double[] faceN, vertexN, edgeN;
    /** Per triangle, its three edges (ab, bc, ca) as edge ids. */
    private final int[] edgeOf;
    /** Edges and vertices on the boundary of an open mesh (used by one triangle only). */
    private final boolean[] boundaryEdge, boundaryVertex;
    private final int boundaryEdges;
    private final boolean closedAndOriented;

    public MeshSdf(Mesh mesh) {
        this.mesh = mesh;
        bvh = new Bvh(mesh);
        bounds = mesh.bounds();
        double[] v = mesh.vertices();
        int[] t = mesh.triangles();
        int nt = mesh.triangleCount(), nv = mesh.vertexCount();
        faceN = new double[nt * 3];
        vertexN = new double[nv * 3];
        edgeOf = new int[nt * 3];
        Map<Long, Integer> ids = new HashMap<>(nt * 3);
        int[] uses = new int[nt * 3], direction = new int[nt * 3];
        double[] en = new double[nt * 9];
        int ne = 0;
        for (int i = 0; i < nt; i++) {
            double[] n = normal(v, t[i * 3], t[i * 3 + 1], t[i * 3 + 2]);
            System.arraycopy(n, 0, faceN, i * 3, 3);
            for (int j = 0; j < 3; j++) {
                int p = t[i * 3 + j], q = t[i * 3 + (j + 1) % 3], r = t[i * 3 + (j + 2) % 3];
                double angle = angle(v, p, q, r);
                for (int k = 0; k < 3; k++) vertexN[p * 3 + k] += angle * n[k];
                long key = (long) Math.min(p, q) * nv + Math.max(p, q);
                Integer id = ids.get(key);
                if (id == null) {
                    id = ne++;
                    ids.put(key, id);
                }
                edgeOf[i * 3 + j] = id;
                uses[id]++;
                direction[id] += p < q ? 1 : -1;
                for (int k = 0; k < 3; k++) en[id * 3 + k] += n[k];
            }
        }
        edgeN = java.util.Arrays.copyOf(en, ne * 3);
        boundaryEdge = new boolean[ne];
        boundaryVertex = new boolean[nv];
        int b = 0;
        for (int i = 0; i < nt; i++) {
            for (int j = 0; j < 3; j++) {
                int e = edgeOf[i * 3 + j];
                if (uses[e] == 1 && !boundaryEdge[e]) {
                    boundaryEdge[e] = true;
                    b++;
                    boundaryVertex[t[i * 3 + j]] = true;
                    boundaryVertex[t[i * 3 + (j + 1) % 3]] = true;
                }
            }
        }
        boundaryEdges = b;
        boolean ok = true;
        for (int e = 0; e < ne && ok; e++) ok = uses[e] == 2 && direction[e] == 0;
        closedAndOriented = ok;
    }

    /**
     * Every edge is shared by exactly two triangles that traverse it in opposite directions: a
     * closed, edge-manifold, consistently oriented mesh, where pseudo-normal signs are exact.
     */
    public boolean closedAndOriented() { return closedAndOriented; }

    /** {@code auto}: pseudo-normals on a closed, oriented mesh (exact there, and fastest), the winding number otherwise. */
    public SignMethod resolve(String sign) {
        if (sign.equals("auto")) return closedAndOriented ? SignMethod.PSEUDONORMAL : SignMethod.WINDING;
        return SignMethod.parse(sign);
    }

    public Mesh mesh() { return mesh; }

    public Bvh bvh() { return bvh; }

    /** Unit face normals [T, 3] (zero for degenerate triangles); shared, do not modify. */
    double[] faceNormals() { return faceN; }

    /** Edges used by one triangle only: 0 for a closed mesh. */
    public int boundaryEdges() { return boundaryEdges; }

    private static double[] normal(double[] v, int a, int b, int c) {
        double ux = v[b * 3] - v[a * 3], uy = v[b * 3 + 1] - v[a * 3 + 1], uz = v[b * 3 + 2] - v[a * 3 + 2];
        double wx = v[c * 3] - v[a * 3], wy = v[c * 3 + 1] - v[a * 3 + 1], wz = v[c * 3 + 2] - v[a * 3 + 2];
        double nx = uy * wz - uz * wy, ny = uz * wx - ux * wz, nz = ux * wy - uy * wx;
        double l = Math.sqrt(nx * nx + ny * ny + nz * nz);
        return l > 0 ? new double[]{nx / l, ny / l, nz / l} : new double[3];
    }

    /** The angle at p between the edges p→q and p→r. */
    private static double angle(double[] v, int p, int q, int r) {
        double ax = v[q * 3] - v[p * 3], ay = v[q * 3 + 1] - v[p * 3 + 1], az = v[q * 3 + 2] - v[p * 3 + 2];
        double bx = v[r * 3] - v[p * 3], by = v[r * 3 + 1] - v[p * 3 + 1], bz = v[r * 3 + 2] - v[p * 3 + 2];
        double cx = ay * bz - az * by, cy = az * bx - ax * bz, cz = ax * by - ay * bx;
        return Math.atan2(Math.sqrt(cx * cx + cy * cy + cz * cz), ax * bx + ay * by + az * bz);
    }

    /** Fixed, well-spread ray directions off the axes (a Fibonacci sphere, slightly rotated). */
    private static double[] directions() {
        double[] d = new double[RAYS * 3];
        double golden = Math.PI * (3 - Math.sqrt(5));
        for (int i = 0; i < RAYS; i++) {
            double y = 1 - (i + 0.5) * 2.0 / RAYS, r = Math.sqrt(1 - y * y), phi = i * golden + 0.1234;
            d[i * 3] = r * Math.cos(phi) + 1e-7;
            d[i * 3 + 1] = y + 2e-7;
            d[i * 3 + 2] = r * Math.sin(phi) + 3e-7;
        }
        return d;
    }

    /** Per-thread scratch. */
    public static final class Query {
        final Bvh.Hit hit = new Bvh.Hit();
        final int[] stack = new int[128];
        /** Set by {@link #signedDistance}: the sign was ambiguous (see {@link SignMethod}). */
        public boolean ambiguous;
        /** Set by {@link #signedDistance} with WINDING: the winding number. */
        public double winding;
    }

    private boolean outsideBounds(double x, double y, double z) {
        return x < bounds[0] || y < bounds[1] || z < bounds[2] || x > bounds[3] || y > bounds[4] || z > bounds[5];
    }

    public double distance(double x, double y, double z, Query q) {
        return Math.sqrt(bvh.closest(x, y, z, q.hit).d2);
    }

    /** The generalized winding number at a point (about 1 inside, 0 outside). */
    public double winding(double x, double y, double z, Query q) {
        return bvh.winding(x, y, z, q.stack);
    }

    /** Signed distance (negative inside) at (x, y, z); sets {@code q.ambiguous}. */
    public double signedDistance(double x, double y, double z, SignMethod method, Query q) {
        Bvh.Hit h = bvh.closest(x, y, z, q.hit);
        double d = Math.sqrt(h.d2);
        q.ambiguous = false;
        // Outside the bounding box the surface is behind a plane: it subtends at most a
        // half-sphere, |w| <= 0.5, and every ray test agrees: outside.
        if (outsideBounds(x, y, z)) {
            q.winding = 0;
            return d;
        }
        boolean inside;
        switch (method) {
            case WINDING -> {
                double w = bvh.winding(x, y, z, q.stack);
                q.winding = w;
                inside = w >= 0.5;
                q.ambiguous = Math.abs(w - 0.5) < AMBIGUOUS_BAND;
            }
            case PSEUDONORMAL -> {
                double[] n;
                int o;
                int t = h.triangle;
                int f = h.feature;
                if (f == 0) {
                    n = faceN;
                    o = t * 3;
                } else if (f <= 3) {
                    int vtx = mesh.triangles()[t * 3 + f - 1];
                    n = vertexN;
                    o = vtx * 3;
                    q.ambiguous = boundaryVertex[vtx];
                } else {
                    int e = edgeOf[t * 3 + f - 4];
                    n = edgeN;
                    o = e * 3;
                    q.ambiguous = boundaryEdge[e];
                }
                double dot = (x - h.x) * n[o] + (y - h.y) * n[o + 1] + (z - h.z) * n[o + 2];
                inside = dot < 0;
            }
            case RAYSTAB -> {
                int votes = 0;
                for (int r = 0; r < RAYS; r++) {
                    int c = bvh.crossings(x, y, z, DIRECTIONS[r * 3], DIRECTIONS[r * 3 + 1], DIRECTIONS[r * 3 + 2], q.stack);
                    votes += c & 1;
                }
                inside = votes * 2 > RAYS;
                q.ambiguous = votes != 0 && votes != RAYS;
            }
            default -> throw new AssertionError(method);
        }
        return inside ? -d : d;
    }

    /**
     * rows [n, stride] with x, y, z in columns 0-2: writes the signed distance into column 3
     * for rows [from, to), on all cores; returns how many signs were ambiguous.
     */
    public long fill(float[] rows, int stride, int from, int to, SignMethod method) {
        AtomicLong ambiguous = new AtomicLong();
        int chunk = 2048;
        int chunks = (to - from + chunk - 1) / chunk;
        IntStream.range(0, chunks).parallel().forEach(c -> {
            Query q = new Query();
            long amb = 0;
            int hi = Math.min(to, from + (c + 1) * chunk);
            for (int i = from + c * chunk; i < hi; i++) {
                int o = i * stride;
                rows[o + 3] = (float) signedDistance(rows[o], rows[o + 1], rows[o + 2], method, q);
                if (q.ambiguous) amb++;
            }
            ambiguous.addAndGet(amb);
        });
        return ambiguous.get();
    }
}
