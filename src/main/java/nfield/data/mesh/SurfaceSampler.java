package nfield.data.mesh;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/** Uniform random points on a mesh's surface: a triangle picked by area, then uniform barycentrics. */
public final class SurfaceSampler {
    private final Mesh mesh;
    /** Cumulative triangle areas, normalised to end at 1. */
    private final double[] cumulative;
    private final double area;

    public SurfaceSampler(Mesh mesh) {
        this.mesh = mesh;
        double[] v = mesh.vertices();
        int[] t = mesh.triangles();
        cumulative = new double[mesh.triangleCount()];
        double acc = 0;
        for (int i = 0; i < cumulative.length; i++) {
            int a = t[i * 3] * 3, b = t[i * 3 + 1] * 3, c = t[i * 3 + 2] * 3;
            double ux = v[b] - v[a], uy = v[b + 1] - v[a + 1], uz = v[b + 2] - v[a + 2];
            double wx = v[c] - v[a], wy = v[c + 1] - v[a + 1], wz = v[c + 2] - v[a + 2];
            double nx = uy * wz - uz * wy, ny = uz * wx - ux * wz, nz = ux * wy - uy * wx;
            acc += 0.5 * Math.sqrt(nx * nx + ny * ny + nz * nz);
            cumulative[i] = acc;
        }
        if (!(acc > 0)) throw new IllegalArgumentException(mesh.name() + ": the surface has zero area");
        area = acc;
        for (int i = 0; i < cumulative.length; i++) cumulative[i] /= acc;
    }

    public double area() { return area; }

    /** A random surface point into p; returns its triangle. */
    public int sample(RandomGenerator rng, double[] p) {
        int t = Arrays.binarySearch(cumulative, rng.nextDouble());
        if (t < 0) t = -t - 1;
        t = Math.min(t, cumulative.length - 1);
        double r1 = Math.sqrt(rng.nextDouble()), r2 = rng.nextDouble();
        double wa = 1 - r1, wb = r1 * (1 - r2), wc = r1 * r2;
        double[] v = mesh.vertices();
        int[] tr = mesh.triangles();
        int a = tr[t * 3] * 3, b = tr[t * 3 + 1] * 3, c = tr[t * 3 + 2] * 3;
        for (int k = 0; k < 3; k++) p[k] = wa * v[a + k] + wb * v[b + k] + wc * v[c + k];
        return t;
    }
}
