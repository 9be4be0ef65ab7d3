package nfield.render;

import nfield.field.FieldQuery;

import java.util.function.DoubleUnaryOperator;

/**
 * An SDF sampled on a res³ grid over the field box [-1, 1]³: value i (x fastest) at
 * x_i = -1 + 2 i / (res - 1), each rounded to half precision ({@link Half#round}: what the R16F
 * 3D texture holds, so the GL and its CPU twin see the same values). {@link #sample} is the CPU
 * twin of the shader's trilinear lookup (texel centres, clamp to edge).
 */
public final class BakedGrid {
    private final int res;
    private final float[] values;

    /** Keeps {@code values}, rounded to half precision in place. */
    public BakedGrid(int res, float[] values) {
        if (res < 2) throw new IllegalArgumentException("bake resolution " + res + ": at least 2");
        if (values.length != res * res * res) throw new IllegalArgumentException("expected " + res * res * res + " values, got " + values.length);
        this.res = res;
        this.values = values;
        java.util.stream.IntStream.range(0, res).parallel().forEach(z -> {
            for (int i = z * res * res, end = i + res * res; i < end; i++) values[i] = Half.round(values[i]);
        });
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

    /**
     * The field's first output (a signed distance) on the grid, on its backend, sparsely as
     * {@link nfield.io.FieldMesher#sample} does: only blocks that can hold the surface are evaluated
     * point by point, the others are their corners' trilinear interpolation (a 256³ bake of a fitted
     * bunny evaluates about 8% of the points).
     */
    public static BakedGrid bake(nfield.field.ScalarField q, int res) {
        nfield.io.Memory.require("baking a " + res + "^3 grid", (long) nfield.io.FieldMesher.SAMPLE_BYTES_PER_POINT * res * res * res,
                "lower --bake (e.g. --bake 128)");
        return new BakedGrid(res, nfield.io.FieldMesher.sample(q, res, nfield.io.FieldMesher.Fill.TRILINEAR).values());
    }

    static double coord(int i, int res) {
        return -1 + 2.0 * i / (res - 1);
    }

    public int res() { return res; }

    private float[] occupied;

    /**
     * The box {x0, y0, z0, x1, y1, z1} (field coordinates) of the grid cells that have a corner
     * below {@code hit}: outside it every trilinear value is at least {@code hit} (a convex
     * combination of corners that all are), so a ray that sphere-traces to {@code hit} can only
     * end inside it. An empty grid gives a point box outside [-1, 1]³. Computed once, for
     * {@link CpuTracer#HIT}.
     */
    public float[] occupied() {
        if (occupied != null) return occupied.clone();
        float hit = CpuTracer.HIT;
        int lx = res, ly = res, lz = res, hx = -1, hy = -1, hz = -1;
        for (int z = 0, i = 0; z < res; z++) {
            for (int y = 0; y < res; y++) {
                for (int x = 0; x < res; x++, i++) {
                    if (!(values[i] < hit)) continue;
                    lx = Math.min(lx, x); hx = Math.max(hx, x);
                    ly = Math.min(ly, y); hy = Math.max(hy, y);
                    lz = Math.min(lz, z); hz = Math.max(hz, z);
                }
            }
        }
        if (hx < 0) {
            occupied = new float[]{2, 2, 2, 2, 2, 2};
        } else { // the cells on either side of those points, a hair wider for rounding
            float e = 1e-4f;
            occupied = new float[]{(float) coord(Math.max(0, lx - 1), res) - e, (float) coord(Math.max(0, ly - 1), res) - e,
                    (float) coord(Math.max(0, lz - 1), res) - e, (float) coord(Math.min(res - 1, hx + 1), res) + e,
                    (float) coord(Math.min(res - 1, hy + 1), res) + e, (float) coord(Math.min(res - 1, hz + 1), res) + e};
        }
        return occupied.clone();
    }

    public float[] values() { return values; }

    private byte[] shading;

    /**
     * What the viewer shades with, baked per grid point as RGBA8: the unit normal (the central
     * difference of the neighbouring values, n · 0.5 + 0.5) and the ambient-occlusion factor
     * (the tracers' five samples along that normal at the point). One trilinear fetch at a hit
     * then replaces eleven. Occlusion is computed in the shell of points within
     * {@value #SHADING_SHELL} grid steps of the surface (a hit's cell corners lie there); elsewhere
     * it is 1 (none). Computed once.
     */
    public byte[] shading() {
        if (shading != null) return shading;
        nfield.io.Memory.require("baking the viewer's normals at " + res + "^3", 4L * res * res * res, "lower --bake");
        byte[] out = new byte[4 * res * res * res];
        float h = 2f / (res - 1), shell = SHADING_SHELL * h;
        java.util.stream.IntStream.range(0, res).parallel().forEach(z -> {
            for (int y = 0; y < res; y++) {
                for (int x = 0; x < res; x++) {
                    int i = (z * res + y) * res + x;
                    float gx = at(x + 1, y, z) - at(x - 1, y, z), gy = at(x, y + 1, z) - at(x, y - 1, z), gz = at(x, y, z + 1) - at(x, y, z - 1);
                    float l = (float) Math.sqrt(gx * gx + gy * gy + gz * gz);
                    float nx = 0, ny = 1, nz = 0;
                    if (l > 0 && Float.isFinite(l)) {
                        nx = gx / l;
                        ny = gy / l;
                        nz = gz / l;
                    }
                    float ao = 1;
                    if (Math.abs(values[i]) < shell) {
                        float px = (float) coord(x, res), py = (float) coord(y, res), pz = (float) coord(z, res), occ = 0, w = 1;
                        for (int k = 1; k <= 5; k++) {
                            float s = 0.02f * k;
                            occ += w * (s - sample(px + s * nx, py + s * ny, pz + s * nz));
                            w *= 0.6f;
                        }
                        ao = Math.max(0, Math.min(1, 1 - 3 * occ));
                    }
                    out[4 * i] = unorm8(nx * 0.5f + 0.5f);
                    out[4 * i + 1] = unorm8(ny * 0.5f + 0.5f);
                    out[4 * i + 2] = unorm8(nz * 0.5f + 0.5f);
                    out[4 * i + 3] = unorm8(ao);
                }
            }
        });
        shading = out;
        return out;
    }

    /** Grid steps from the surface within which {@link #shading()} holds the occlusion. */
    static final float SHADING_SHELL = 3;

    private float at(int x, int y, int z) {
        return values[(clamp(z) * res + clamp(y)) * res + clamp(x)];
    }

    private static byte unorm8(float v) {
        return (byte) Math.round(Math.max(0, Math.min(1, v)) * 255);
    }

    /** The trilinear RGBA of {@link #shading()} at field point p (as GL filters an RGBA8 texture) into rgba, each in [0, 1]. */
    public void sampleShading(float px, float py, float pz, float[] rgba) {
        byte[] s = shading();
        float fx = lattice(px), fy = lattice(py), fz = lattice(pz);
        int x0 = (int) Math.floor(fx), y0 = (int) Math.floor(fy), z0 = (int) Math.floor(fz);
        float tx = fx - x0, ty = fy - y0, tz = fz - z0;
        java.util.Arrays.fill(rgba, 0);
        for (int k = 0; k < 8; k++) {
            int x = clamp(x0 + (k & 1)), y = clamp(y0 + (k >> 1 & 1)), z = clamp(z0 + (k >> 2));
            float w = ((k & 1) != 0 ? tx : 1 - tx) * ((k & 2) != 0 ? ty : 1 - ty) * ((k & 4) != 0 ? tz : 1 - tz);
            int i = 4 * ((z * res + y) * res + x);
            for (int c = 0; c < 4; c++) rgba[c] += w * (s[i + c] & 0xff) / 255f;
        }
    }

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
