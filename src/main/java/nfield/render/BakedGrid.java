package nfield.render;

import nfield.field.FieldQuery;

import java.util.function.DoubleUnaryOperator;

/**
 * An SDF sampled on a res³ grid over the field box [-1, 1]³: value i (x fastest) at
 * x_i = -1 + 2 i / (res - 1). Uploaded as an R32F 3D texture; {@link #sample} is the CPU twin of
 * the shader's trilinear lookup (texel centres, clamp to edge).
 */
public final class BakedGrid {
    private final int res;
    private final float[] values;

    public BakedGrid(int res, float[] values) {
        if (res < 2) throw new IllegalArgumentException("bake resolution " + res + ": at least 2");
        if (values.length != res * res * res) throw new IllegalArgumentException("expected " + res * res * res + " values, got " + values.length);
        this.res = res;
        this.values = values;
    }

    /** A 3-D signed distance function of (x, y, z). */
    public interface Sdf {
        double at(double x, double y, double z);
    }

    public static BakedGrid of(Sdf f, int res) {
        float[] v = new float[res * res * res];
        java.util.stream.IntStream.range(0, res).parallel().forEach(z -> {
            for (int y = 0; y < res; y++) {
                for (int x = 0; x < res; x++) {
                    v[(z * res + y) * res + x] = (float) f.at(coord(x, res), coord(y, res), coord(z, res));
                }
            }
        });
        return new BakedGrid(res, v);
    }

    /** Evaluates the field's first output at every grid point (on its backend). */
    public static BakedGrid bake(nfield.field.ScalarField q, int res) {
        // the points (3 floats), the values (1) and the values' copy on the way out
        nfield.io.Memory.require("baking a " + res + "^3 grid", 20L * res * res * res, "lower --bake (e.g. --bake 128)");
        float[] pts = new float[res * res * res * 3];
        for (int z = 0, i = 0; z < res; z++) {
            for (int y = 0; y < res; y++) {
                for (int x = 0; x < res; x++, i++) {
                    pts[i * 3] = (float) coord(x, res);
                    pts[i * 3 + 1] = (float) coord(y, res);
                    pts[i * 3 + 2] = (float) coord(z, res);
                }
            }
        }
        return new BakedGrid(res, q.values(pts, res * res * res));
    }

    static double coord(int i, int res) {
        return -1 + 2.0 * i / (res - 1);
    }

    public int res() { return res; }

    public float[] values() { return values; }

    /** Trilinear value at field point p, as GL samples the texture: u = (p + 1)/2 · (res − 1)/res + 0.5/res. */
    public float sample(float px, float py, float pz) {
        float fx = lattice(px), fy = lattice(py), fz = lattice(pz);
        int x0 = (int) Math.floor(fx), y0 = (int) Math.floor(fy), z0 = (int) Math.floor(fz);
        float tx = fx - x0, ty = fy - y0, tz = fz - z0;
        float v = 0;
        for (int k = 0; k < 8; k++) {
            int x = clamp(x0 + (k & 1)), y = clamp(y0 + (k >> 1 & 1)), z = clamp(z0 + (k >> 2));
            float w = ((k & 1) != 0 ? tx : 1 - tx) * ((k & 2) != 0 ? ty : 1 - ty) * ((k & 4) != 0 ? tz : 1 - tz);
            v += w * values[(z * res + y) * res + x];
        }
        return v;
    }

    /** Texture coordinate → continuous texel index minus the half-texel offset. */
    private float lattice(float p) {
        float u = (p + 1) * 0.5f * (res - 1f) / res + 0.5f / res;
        return u * res - 0.5f;
    }

    private int clamp(int i) {
        return Math.max(0, Math.min(res - 1, i));
    }
}
