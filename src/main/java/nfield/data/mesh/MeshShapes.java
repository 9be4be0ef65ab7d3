package nfield.data.mesh;

import java.util.List;
import java.util.Locale;

/**
 * Meshes nfield generates itself (so the default job and the tests need no downloaded data):
 * closed, outward-oriented tubes swept along closed curves.
 * <ul>
 *   <li>{@code shape:torus}: torus in the xz plane, major radius 0.5, minor radius 0.2.</li>
 *   <li>{@code shape:knot}: a trefoil knot tube, the default shape of {@code nfield fit}.</li>
 * </ul>
 */
public enum MeshShapes {
    TORUS, KNOT;

    public String id() {
        return "shape:" + name().toLowerCase(Locale.ROOT);
    }

    public static List<String> ids() {
        return java.util.Arrays.stream(values()).map(MeshShapes::id).toList();
    }

    public static MeshShapes parse(String s) {
        for (MeshShapes m : values()) if (m.id().equals(s)) return m;
        return null;
    }

    /** The mesh at a resolution good for fitting (tens of thousands of triangles). */
    public Mesh mesh() {
        return switch (this) {
            case TORUS -> torus(0.5, 0.2, 192, 64);
            case KNOT -> knot(0.4, 512, 48);
        };
    }

    /** Torus around the y axis: {@code nu} segments around the ring, {@code nv} around the tube. */
    public static Mesh torus(double major, double minor, int nu, int nv) {
        return tube("shape:torus", nu, nv, minor, (t, c, d) -> {
            double a = 2 * Math.PI * t;
            c[0] = major * Math.cos(a);
            c[1] = 0;
            c[2] = major * Math.sin(a);
            d[0] = -Math.sin(a);
            d[1] = 0;
            d[2] = Math.cos(a);
        }, new double[]{0, 1, 0});
    }

    /**
     * Trefoil knot (x = sin t + 2 sin 2t, y = cos t − 2 cos 2t, z = −sin 3t) scaled by 1/3, with
     * a tube of the given radius. Its tangent is never parallel to z, so the tube frame
     * (T × z, T × (T × z)) is smooth and closes without a seam.
     */
    public static Mesh knot(double radius, int nu, int nv) {
        double s = 1.0 / 3;
        return tube("shape:knot", nu, nv, radius * s, (u, c, d) -> {
            double t = 2 * Math.PI * u;
            c[0] = s * (Math.sin(t) + 2 * Math.sin(2 * t));
            c[1] = s * (Math.cos(t) - 2 * Math.cos(2 * t));
            c[2] = s * (-Math.sin(3 * t));
            d[0] = Math.cos(t) + 4 * Math.cos(2 * t);
            d[1] = -Math.sin(t) + 4 * Math.sin(2 * t);
            d[2] = -3 * Math.cos(3 * t);
        }, new double[]{0, 0, 1});
    }

    interface Curve {
        /** Point c and tangent d (any length) at u in [0, 1). */
        void at(double u, double[] c, double[] d);
    }

    static Mesh tube(String name, int nu, int nv, double r, Curve curve, double[] up) {
        double[] v = new double[nu * nv * 3];
        int[] f = new int[nu * nv * 6];
        double[] c = new double[3], d = new double[3];
        for (int i = 0; i < nu; i++) {
            curve.at((double) i / nu, c, d);
            double[] t = unit(d);
            double[] n1 = unit(cross(t, up));
            double[] n2 = cross(t, n1);
            for (int j = 0; j < nv; j++) {
                double a = 2 * Math.PI * j / nv, ca = Math.cos(a), sa = Math.sin(a);
                for (int k = 0; k < 3; k++) v[(i * nv + j) * 3 + k] = c[k] + r * (ca * n1[k] + sa * n2[k]);
            }
        }
        int o = 0;
        for (int i = 0; i < nu; i++) {
            for (int j = 0; j < nv; j++) {
                int a = i * nv + j, b = ((i + 1) % nu) * nv + j, cc = ((i + 1) % nu) * nv + (j + 1) % nv, dd = i * nv + (j + 1) % nv;
                f[o++] = a; f[o++] = b; f[o++] = cc;
                f[o++] = a; f[o++] = cc; f[o++] = dd;
            }
        }
        Mesh m = new Mesh(name, v, f);
        return signedVolume(m) >= 0 ? m : flip(m);
    }

    /** The enclosed volume by the divergence theorem: positive for outward-oriented closed meshes. */
    public static double signedVolume(Mesh m) {
        double[] v = m.vertices();
        int[] t = m.triangles();
        double vol = 0;
        for (int i = 0; i < t.length; i += 3) {
            int a = t[i] * 3, b = t[i + 1] * 3, c = t[i + 2] * 3;
            vol += v[a] * (v[b + 1] * v[c + 2] - v[b + 2] * v[c + 1])
                    - v[a + 1] * (v[b] * v[c + 2] - v[b + 2] * v[c])
                    + v[a + 2] * (v[b] * v[c + 1] - v[b + 1] * v[c]);
        }
        return vol / 6;
    }

    private static Mesh flip(Mesh m) {
        int[] t = m.triangles().clone();
        for (int i = 0; i < t.length; i += 3) {
            int x = t[i + 1];
            t[i + 1] = t[i + 2];
            t[i + 2] = x;
        }
        return new Mesh(m.name(), m.vertices(), t, m.warnings());
    }

    private static double[] cross(double[] a, double[] b) {
        return new double[]{a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
    }

    private static double[] unit(double[] a) {
        double l = Math.sqrt(a[0] * a[0] + a[1] * a[1] + a[2] * a[2]);
        return new double[]{a[0] / l, a[1] / l, a[2] / l};
    }
}
