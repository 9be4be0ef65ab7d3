package nfield.data.mesh;

import java.util.Arrays;

/**
 * A bounding-volume hierarchy over a mesh's triangles (median split on the longest centroid
 * axis, up to {@value #LEAF} triangles per leaf), answering three queries: the exact closest
 * point, the number of crossings along a ray, and the generalized winding number.
 *
 * <p>The winding number (Jacobson et al. 2013, "Robust inside-outside segmentation using
 * generalized winding numbers") is the signed solid angle of the surface seen from q over 4π:
 * 1 inside a closed outward-oriented mesh, 0 outside, and a smooth in-between value near the
 * holes of an open one. Far nodes use the Taylor expansion of Barill et al. 2018 ("Fast
 * winding numbers for soups and clouds", §3) to second order: a node seen from further than
 * {@value #BETA} times its radius contributes (N·r/|r|³ + Σ_ij J_ij C_ij) / 4π with
 * r = p̃ − q, J = I/|r|³ − 3 r rᵀ/|r|⁵, N the node's summed area vector, p̃ its area-weighted
 * centroid and C its second moment.
 *
 * <p>Queries allocate nothing; each thread uses its own {@link Hit} (the queries themselves are
 * thread-safe: the tree is immutable).
 */
public final class Bvh {
    static final int LEAF = 4;
    /** Barill et al.'s accuracy parameter β: expand a node when q is within β · radius. */
    static final double BETA = 2.0;
    private static final int STRIDE = 16;

    private final int triangles;
    /** Per triangle in tree order: a, b, c (9 doubles). */
    private final double[] tri;
    /** Tree order → original triangle index. */
    private final int[] order;
    /** Per node: min xyz, max xyz. */
    private double[] box;
    /** Per node: first triangle (tree order) and count for leaves (count > 0); right child for inner nodes (left = node + 1). */
    private int[] start, count, right;
    /** Per node: its triangle range [lo, hi) in tree order. */
    private int[] lo, hi;
    /** Per node ({@value #STRIDE} doubles): area vector N (3), area-weighted centroid p (3), radius, second moment C (3×3, row-major). */
    private double[] dipole;
    private int nodes;

    /** The result of a closest-point query; reuse one per thread. */
    public static final class Hit {
        /** Squared distance, closest point, original triangle index, feature. */
        public double d2, x, y, z;
        public int triangle;
        /** 0: face interior; 1, 2, 3: vertex a, b, c; 4: edge ab, 5: edge bc, 6: edge ca. */
        public int feature;
        final int[] stack = new int[128];
    }

    public Bvh(Mesh mesh) {
        triangles = mesh.triangleCount();
        if (triangles == 0) throw new IllegalArgumentException(mesh.name() + ": no triangles");
        double[] v = mesh.vertices();
        int[] t = mesh.triangles();
        double[] centroid = new double[triangles * 3];
        order = new int[triangles];
        for (int i = 0; i < triangles; i++) {
            order[i] = i;
            for (int k = 0; k < 3; k++) {
                centroid[i * 3 + k] = (v[t[i * 3] * 3 + k] + v[t[i * 3 + 1] * 3 + k] + v[t[i * 3 + 2] * 3 + k]) / 3;
            }
        }
        int cap = 2 * ((triangles + LEAF - 1) / LEAF) * 2 + 1;
        box = new double[cap * 6];
        start = new int[cap];
        count = new int[cap];
        right = new int[cap];
        lo = new int[cap];
        hi = new int[cap];
        build(0, triangles, centroid, new long[triangles]);
        tri = new double[triangles * 9];
        for (int i = 0; i < triangles; i++) {
            int o = order[i];
            for (int j = 0; j < 3; j++) {
                System.arraycopy(v, t[o * 3 + j] * 3, tri, i * 9 + j * 3, 3);
            }
        }
        box = Arrays.copyOf(box, nodes * 6);
        start = Arrays.copyOf(start, nodes);
        count = Arrays.copyOf(count, nodes);
        right = Arrays.copyOf(right, nodes);
        lo = Arrays.copyOf(lo, nodes);
        hi = Arrays.copyOf(hi, nodes);
        dipole = new double[nodes * STRIDE];
        fillBoxesAndDipoles();
    }

    public int nodeCount() { return nodes; }

    private int build(int lo, int hi, double[] centroid, long[] keys) {
        int node = nodes++;
        this.lo[node] = lo;
        this.hi[node] = hi;
        if (hi - lo <= LEAF) {
            start[node] = lo;
            count[node] = hi - lo;
            return node;
        }
        double[] cmin = {Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE};
        double[] cmax = {-Double.MAX_VALUE, -Double.MAX_VALUE, -Double.MAX_VALUE};
        for (int i = lo; i < hi; i++) {
            for (int k = 0; k < 3; k++) {
                double c = centroid[order[i] * 3 + k];
                cmin[k] = Math.min(cmin[k], c);
                cmax[k] = Math.max(cmax[k], c);
            }
        }
        int axis = 0;
        for (int k = 1; k < 3; k++) if (cmax[k] - cmin[k] > cmax[axis] - cmin[axis]) axis = k;
        // sort this range by centroid along the axis: key = (ordered double bits, index)
        for (int i = lo; i < hi; i++) {
            double c = centroid[order[i] * 3 + axis];
            long bits = Double.doubleToLongBits(c + 0.0);
            bits ^= (bits >> 63) & 0x7FFFFFFFFFFFFFFFL; // monotone in c
            keys[i] = bits;
        }
        sortByKey(lo, hi, keys);
        int mid = (lo + hi) >>> 1;
        build(lo, mid, centroid, keys);
        right[node] = build(mid, hi, centroid, keys);
        return node;
    }

    private void sortByKey(int lo, int hi, long[] keys) {
        Integer[] idx = new Integer[hi - lo];
        for (int i = 0; i < idx.length; i++) idx[i] = lo + i;
        Arrays.sort(idx, (p, q) -> Long.compare(keys[p], keys[q]));
        int[] o = new int[idx.length];
        for (int i = 0; i < idx.length; i++) o[i] = order[idx[i]];
        System.arraycopy(o, 0, order, lo, o.length);
    }

    /** Bounds and expansion moments of every node, from the triangles in its range (tree order). */
    private void fillBoxesAndDipoles() {
        for (int node = 0; node < nodes; node++) {
            int o = node * 6, d = node * STRIDE;
            Arrays.fill(box, o, o + 3, Double.POSITIVE_INFINITY);
            Arrays.fill(box, o + 3, o + 6, Double.NEGATIVE_INFINITY);
            double ax = 0, ay = 0, az = 0, cx = 0, cy = 0, cz = 0, area = 0;
            for (int i = lo[node]; i < hi[node]; i++) {
                int t = i * 9;
                for (int j = 0; j < 9; j++) {
                    int k = j % 3;
                    box[o + k] = Math.min(box[o + k], tri[t + j]);
                    box[o + 3 + k] = Math.max(box[o + 3 + k], tri[t + j]);
                }
                double a = Math.sqrt(areaVector(t, av));
                ax += av[0];
                ay += av[1];
                az += av[2];
                area += a;
                cx += a * (tri[t] + tri[t + 3] + tri[t + 6]) / 3;
                cy += a * (tri[t + 1] + tri[t + 4] + tri[t + 7]) / 3;
                cz += a * (tri[t + 2] + tri[t + 5] + tri[t + 8]) / 3;
            }
            double px, py, pz;
            if (area > 0) {
                px = cx / area;
                py = cy / area;
                pz = cz / area;
            } else {
                px = 0.5 * (box[o] + box[o + 3]);
                py = 0.5 * (box[o + 1] + box[o + 4]);
                pz = 0.5 * (box[o + 2] + box[o + 5]);
            }
            double r2 = 0;
            for (int c = 0; c < 8; c++) {
                double ex = ((c & 1) == 0 ? box[o] : box[o + 3]) - px;
                double ey = ((c & 2) == 0 ? box[o + 1] : box[o + 4]) - py;
                double ez = ((c & 4) == 0 ? box[o + 2] : box[o + 5]) - pz;
                r2 = Math.max(r2, ex * ex + ey * ey + ez * ez);
            }
            dipole[d] = ax;
            dipole[d + 1] = ay;
            dipole[d + 2] = az;
            dipole[d + 3] = px;
            dipole[d + 4] = py;
            dipole[d + 5] = pz;
            dipole[d + 6] = Math.sqrt(r2);
            // second moment C_ij = sum_t (area vector)_i (centroid_t - p)_j: exact, since the
            // first moment of a triangle about p is its area times (centroid - p)
            for (int i = lo[node]; i < hi[node]; i++) {
                int t = i * 9;
                areaVector(t, av);
                double dx = (tri[t] + tri[t + 3] + tri[t + 6]) / 3 - px;
                double dy = (tri[t + 1] + tri[t + 4] + tri[t + 7]) / 3 - py;
                double dz = (tri[t + 2] + tri[t + 5] + tri[t + 8]) / 3 - pz;
                for (int a = 0; a < 3; a++) {
                    dipole[d + 7 + a * 3] += av[a] * dx;
                    dipole[d + 8 + a * 3] += av[a] * dy;
                    dipole[d + 9 + a * 3] += av[a] * dz;
                }
            }
        }
    }

    private final double[] av = new double[3];

    /** The area vector (½ (b − a) × (c − a)) of the triangle at tri[t] into out; returns its squared length. */
    private double areaVector(int t, double[] out) {
        double ux = tri[t + 3] - tri[t], uy = tri[t + 4] - tri[t + 1], uz = tri[t + 5] - tri[t + 2];
        double vx = tri[t + 6] - tri[t], vy = tri[t + 7] - tri[t + 1], vz = tri[t + 8] - tri[t + 2];
        out[0] = 0.5 * (uy * vz - uz * vy);
        out[1] = 0.5 * (uz * vx - ux * vz);
        out[2] = 0.5 * (ux * vy - uy * vx);
        return out[0] * out[0] + out[1] * out[1] + out[2] * out[2];
    }

    private double boxDistance2(int node, double x, double y, double z) {
        int o = node * 6;
        double dx = Math.max(0, Math.max(box[o] - x, x - box[o + 3]));
        double dy = Math.max(0, Math.max(box[o + 1] - y, y - box[o + 4]));
        double dz = Math.max(0, Math.max(box[o + 2] - z, z - box[o + 5]));
        return dx * dx + dy * dy + dz * dz;
    }

    /** The exact closest point of the mesh to (x, y, z), into {@code hit}. */
    public Hit closest(double x, double y, double z, Hit hit) {
        hit.d2 = Double.POSITIVE_INFINITY;
        int[] stack = hit.stack;
        int sp = 0;
        stack[sp++] = 0;
        while (sp > 0) {
            int node = stack[--sp];
            if (boxDistance2(node, x, y, z) >= hit.d2) continue;
            if (count[node] > 0) {
                for (int i = start[node]; i < start[node] + count[node]; i++) closestOnTriangle(i, x, y, z, hit);
                continue;
            }
            int l = node + 1, r = right[node];
            double dl = boxDistance2(l, x, y, z), dr = boxDistance2(r, x, y, z);
            if (dl <= dr) {
                if (dr < hit.d2) stack[sp++] = r;
                if (dl < hit.d2) stack[sp++] = l;
            } else {
                if (dl < hit.d2) stack[sp++] = l;
                if (dr < hit.d2) stack[sp++] = r;
            }
        }
        return hit;
    }

    /** Closest point on triangle i (tree order) by Voronoi regions (Ericson 2005, §5.1.5); updates hit if closer. */
    private void closestOnTriangle(int i, double px, double py, double pz, Hit hit) {
        int t = i * 9;
        double ax = tri[t], ay = tri[t + 1], az = tri[t + 2];
        double abx = tri[t + 3] - ax, aby = tri[t + 4] - ay, abz = tri[t + 5] - az;
        double acx = tri[t + 6] - ax, acy = tri[t + 7] - ay, acz = tri[t + 8] - az;
        double apx = px - ax, apy = py - ay, apz = pz - az;
        double d1 = abx * apx + aby * apy + abz * apz, d2 = acx * apx + acy * apy + acz * apz;
        double v, w;
        int feature;
        if (d1 <= 0 && d2 <= 0) {
            v = 0; w = 0; feature = 1;
        } else {
            double bpx = apx - abx, bpy = apy - aby, bpz = apz - abz;
            double d3 = abx * bpx + aby * bpy + abz * bpz, d4 = acx * bpx + acy * bpy + acz * bpz;
            double vc = d1 * d4 - d3 * d2;
            double cpx = apx - acx, cpy = apy - acy, cpz = apz - acz;
            double d5 = abx * cpx + aby * cpy + abz * cpz, d6 = acx * cpx + acy * cpy + acz * cpz;
            double vb = d5 * d2 - d1 * d6;
            double va = d3 * d6 - d5 * d4;
            if (d3 >= 0 && d4 <= d3) {
                v = 1; w = 0; feature = 2;
            } else if (vc <= 0 && d1 >= 0 && d3 <= 0) {
                v = d1 / (d1 - d3); w = 0; feature = 4;
            } else if (d6 >= 0 && d5 <= d6) {
                v = 0; w = 1; feature = 3;
            } else if (vb <= 0 && d2 >= 0 && d6 <= 0) {
                v = 0; w = d2 / (d2 - d6); feature = 6;
            } else if (va <= 0 && d4 - d3 >= 0 && d5 - d6 >= 0) {
                w = (d4 - d3) / ((d4 - d3) + (d5 - d6)); v = 1 - w; feature = 5;
            } else {
                double den = 1 / (va + vb + vc);
                v = vb * den; w = vc * den; feature = 0;
            }
        }
        double qx = ax + abx * v + acx * w, qy = ay + aby * v + acy * w, qz = az + abz * v + acz * w;
        double ex = px - qx, ey = py - qy, ez = pz - qz;
        double d = ex * ex + ey * ey + ez * ez;
        if (d < hit.d2) {
            hit.d2 = d;
            hit.x = qx;
            hit.y = qy;
            hit.z = qz;
            hit.triangle = order[i];
            hit.feature = feature;
        }
    }

    /**
     * How many triangles the ray from (x, y, z) along (dx, dy, dz) crosses at t &gt; 0
     * (Möller and Trumbore 1997), for ray-parity signs.
     */
    public int crossings(double x, double y, double z, double dx, double dy, double dz, int[] stack) {
        double ix = 1 / dx, iy = 1 / dy, iz = 1 / dz;
        int n = 0, sp = 0;
        stack[sp++] = 0;
        while (sp > 0) {
            int node = stack[--sp];
            int o = node * 6;
            double t0 = 0, t1 = Double.POSITIVE_INFINITY;
            double a = (box[o] - x) * ix, b = (box[o + 3] - x) * ix;
            t0 = Math.max(t0, Math.min(a, b));
            t1 = Math.min(t1, Math.max(a, b));
            a = (box[o + 1] - y) * iy;
            b = (box[o + 4] - y) * iy;
            t0 = Math.max(t0, Math.min(a, b));
            t1 = Math.min(t1, Math.max(a, b));
            a = (box[o + 2] - z) * iz;
            b = (box[o + 5] - z) * iz;
            t0 = Math.max(t0, Math.min(a, b));
            t1 = Math.min(t1, Math.max(a, b));
            if (t0 > t1) continue;
            if (count[node] == 0) {
                stack[sp++] = node + 1;
                stack[sp++] = right[node];
                continue;
            }
            for (int i = start[node]; i < start[node] + count[node]; i++) {
                int t = i * 9;
                double e1x = tri[t + 3] - tri[t], e1y = tri[t + 4] - tri[t + 1], e1z = tri[t + 5] - tri[t + 2];
                double e2x = tri[t + 6] - tri[t], e2y = tri[t + 7] - tri[t + 1], e2z = tri[t + 8] - tri[t + 2];
                double px = dy * e2z - dz * e2y, py = dz * e2x - dx * e2z, pz = dx * e2y - dy * e2x;
                double det = e1x * px + e1y * py + e1z * pz;
                if (det == 0) continue;
                double inv = 1 / det;
                double sx = x - tri[t], sy = y - tri[t + 1], sz = z - tri[t + 2];
                double u = (sx * px + sy * py + sz * pz) * inv;
                if (u < 0 || u > 1) continue;
                double qx = sy * e1z - sz * e1y, qy = sz * e1x - sx * e1z, qz = sx * e1y - sy * e1x;
                double v = (dx * qx + dy * qy + dz * qz) * inv;
                if (v < 0 || u + v > 1) continue;
                if ((e2x * qx + e2y * qy + e2z * qz) * inv > 0) n++;
            }
        }
        return n;
    }

    /** The generalized winding number at (x, y, z): exact near the surface, dipole-approximated far away. */
    public double winding(double x, double y, double z, int[] stack) {
        return winding(x, y, z, stack, BETA, 2);
    }

    /** With an explicit β and expansion order (1 or 2), for tests. */
    double winding(double x, double y, double z, int[] stack, double beta, int orderOfExpansion) {
        double sum = 0;
        int sp = 0;
        stack[sp++] = 0;
        while (sp > 0) {
            int node = stack[--sp];
            int d = node * STRIDE;
            double rx = dipole[d + 3] - x, ry = dipole[d + 4] - y, rz = dipole[d + 5] - z;
            double r2 = rx * rx + ry * ry + rz * rz;
            double reach = beta * dipole[d + 6];
            if (r2 > reach * reach) {
                // element at p + δ seen from q: n·(r + δ)/|r + δ|³ ≈ n·r/|r|³ + nᵀ J δ with
                // J = I/|r|³ − 3 r rᵀ/|r|⁵ (symmetric), summed: N·r/|r|³ + Σ_ij J_ij C_ij
                double inv = 1 / Math.sqrt(r2), inv3 = inv * inv * inv, inv5 = inv3 * inv * inv;
                double first = (dipole[d] * rx + dipole[d + 1] * ry + dipole[d + 2] * rz) * inv3;
                double trace = dipole[d + 7] + dipole[d + 11] + dipole[d + 15];
                double rCr = rx * (dipole[d + 7] * rx + dipole[d + 8] * ry + dipole[d + 9] * rz)
                        + ry * (dipole[d + 10] * rx + dipole[d + 11] * ry + dipole[d + 12] * rz)
                        + rz * (dipole[d + 13] * rx + dipole[d + 14] * ry + dipole[d + 15] * rz);
                sum += orderOfExpansion == 1 ? first : first + trace * inv3 - 3 * rCr * inv5;
                continue;
            }
            if (count[node] == 0) {
                stack[sp++] = node + 1;
                stack[sp++] = right[node];
                continue;
            }
            for (int i = start[node]; i < start[node] + count[node]; i++) sum += solidAngle(i, x, y, z);
        }
        return sum / (4 * Math.PI);
    }

    /** The signed solid angle of triangle i seen from q (Van Oosterom and Strackee 1983). */
    private double solidAngle(int i, double x, double y, double z) {
        int t = i * 9;
        double ax = tri[t] - x, ay = tri[t + 1] - y, az = tri[t + 2] - z;
        double bx = tri[t + 3] - x, by = tri[t + 4] - y, bz = tri[t + 5] - z;
        double cx = tri[t + 6] - x, cy = tri[t + 7] - y, cz = tri[t + 8] - z;
        double la = Math.sqrt(ax * ax + ay * ay + az * az);
        double lb = Math.sqrt(bx * bx + by * by + bz * bz);
        double lc = Math.sqrt(cx * cx + cy * cy + cz * cz);
        double det = ax * (by * cz - bz * cy) + ay * (bz * cx - bx * cz) + az * (bx * cy - by * cx);
        double den = la * lb * lc + (ax * bx + ay * by + az * bz) * lc + (ax * cx + ay * cy + az * cz) * lb
                + (bx * cx + by * cy + bz * cz) * la;
        return 2 * Math.atan2(det, den);
    }
}
