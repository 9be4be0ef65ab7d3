package nfield.io;

import nfield.data.mesh.Mesh;
import nfield.field.CropBox;
import nfield.field.FieldQuery;
import nfield.field.FittedField;
import nfield.field.ScalarField;

/**
 * The zero level set of an SDF field as a closed triangle mesh, in field coordinates.
 *
 * <p>The field is sampled on a res³ grid over [-1, 1]³, sparsely and coarse to fine: blocks of
 * e cells (e a power of two, from about res/8 down to 1) are split in eight; a child whose
 * corners share one sign and all lie further than {@value #SAFETY} × its half-diagonal from
 * the surface cannot hold it (a signed distance changes no faster than the distance; the
 * factor leaves room for a learned field that is not exactly 1-Lipschitz) and takes its
 * corners' mean everywhere; the others are split again, down to single cells, whose corners
 * are then all evaluated exactly. About as many points are evaluated as cells meet the
 * surface, a few percent of the grid. The outermost grid layer is kept positive (outside), so the surface is
 * always closed. {@link MarchingCubes} then extracts the surface and the vertex normals are the
 * normalised gradients of the field (a backward pass to the points).
 */
public final class FieldMesher {
    public static final double SAFETY = 1.25;

    /** Mesh and unit normals [V, 3] in field coordinates, with what it cost. */
    public record Result(Mesh mesh, float[] normals, long evaluated, double evalSeconds, double mcSeconds,
                         double normalSeconds) {
        /** {@code nfield mesh --json}'s line, with where it was written and the extraction and write times. */
        public com.fasterxml.jackson.databind.node.ObjectNode toJson(String output, int res, double extractSeconds, double writeSeconds) {
            return nfield.config.Json.MAPPER.createObjectNode().put("output", output).put("res", res)
                    .put("vertices", mesh.vertexCount()).put("triangles", mesh.triangleCount()).put("evaluated_points", evaluated)
                    .put("field_seconds", evalSeconds).put("mc_seconds", mcSeconds).put("normal_seconds", normalSeconds)
                    .put("extract_seconds", extractSeconds).put("write_seconds", writeSeconds);
        }
    }

    private FieldMesher() {}

    /** Points of the box [lo, hi] not evaluated yet take {@code v} (a sign-consistent stand-in). */
    private static void fill(float[] values, boolean[] known, int res, int lx, int ly, int lz, int hx, int hy, int hz, float v) {
        for (int z = lz; z <= hz; z++) {
            for (int y = ly; y <= hy; y++) {
                int row = (z * res + y) * res;
                for (int x = lx; x <= hx; x++) if (!known[row + x]) values[row + x] = v;
            }
        }
    }

    /**
     * The surface of a fitted SDF at {@code res}³ in the original coordinates of the data it was
     * fitted to ({@link Result#mesh()} moved back by its normalisation; the normals are unchanged
     * by a uniform scale), named {@code name}. Refuses a radiance field and a field with no zero crossing.
     */
    public static Result surface(FittedField f, int res, boolean normals, String name) {
        return surface(f, res, normals, name, CropBox.FULL);
    }

    /** {@link #surface(FittedField, int, boolean, String)} of the part inside {@code crop} (closed, capped where the box cuts it). */
    public static Result surface(FittedField f, int res, boolean normals, String name, CropBox crop) {
        if (!f.isSdf()) throw new IllegalArgumentException(f.name() + ": a " + f.meta().kind() + " field; meshing needs an sdf field");
        Result r = extract(crop.crop(new FieldQuery(f.field())), res, normals, name);
        if (r.mesh().triangleCount() == 0) {
            throw new IllegalArgumentException(f.name() + ": the field has no zero crossing inside " + (crop.full() ? "[-1, 1]^3"
                    : "the crop box " + crop) + " at --res " + res + " (nothing to mesh; " + (crop.full() ? "was it trained?)" : "widen --crop)"));
        }
        return new Result(r.mesh().denormalized(f.normalization()), r.normals(), r.evaluated(), r.evalSeconds(), r.mcSeconds(),
                r.normalSeconds());
    }

    /** The zero level set of a signed distance field (blocks far from the surface by their values are skipped). */
    public static Result extract(ScalarField query, int res, boolean normals, String name) {
        return extract(query, res, normals, name, true);
    }

    /**
     * The zero level set of {@code query}, negative inside; with {@code distance} false the values
     * are not distances (a density level), so no block is skipped: every grid point is evaluated.
     */
    public static Result extract(ScalarField query, int res, boolean normals, String name, boolean distance) {
        if (res < 2 || res > 1024) throw new IllegalArgumentException("--res " + res + ": use 2 .. 1024 (the grid takes 5 bytes a point)");
        // the grid (a float and a flag a point), and the surface: up to a few triangles a boundary cell, as doubles and ints
        Memory.require("meshing at --res " + res, 5L * res * res * res + 240L * res * res, "lower --res");
        long t0 = System.nanoTime();
        double h = 2.0 / (res - 1);
        int cells = res - 1;
        float[] values = new float[res * res * res];
        boolean[] known = new boolean[values.length];
        int e = 2;
        while (e * 2 <= cells / 8) e *= 2;
        // the top level: every block of e cells is a candidate
        int nb = (cells + e - 1) / e;
        int[] blocks = new int[nb * nb * nb * 3];
        int count = 0;
        for (int z = 0; z < nb; z++) {
            for (int y = 0; y < nb; y++) {
                for (int x = 0; x < nb; x++) {
                    blocks[count * 3] = x * e;
                    blocks[count * 3 + 1] = y * e;
                    blocks[count * 3 + 2] = z * e;
                    count++;
                }
            }
        }
        long evaluated = 0;
        int[] pending = new int[1 << 16];
        while (true) {
            // evaluate the 3x3x3 points of every candidate block (its children's corners)
            int half = e / 2, np = 0;
            for (int i = 0; i < count; i++) {
                for (int k = 0; k < 27; k++) {
                    int x = Math.min(blocks[i * 3] + (k % 3) * half, cells);
                    int y = Math.min(blocks[i * 3 + 1] + (k / 3 % 3) * half, cells);
                    int z = Math.min(blocks[i * 3 + 2] + (k / 9) * half, cells);
                    int g = (z * res + y) * res + x;
                    if (known[g]) continue;
                    known[g] = true;
                    if (np == pending.length) pending = java.util.Arrays.copyOf(pending, np * 2);
                    pending[np++] = g;
                }
            }
            float[] pts = new float[np * 3];
            for (int i = 0; i < np; i++) {
                int g = pending[i];
                pts[i * 3] = (float) (-1 + h * (g % res));
                pts[i * 3 + 1] = (float) (-1 + h * (g / res % res));
                pts[i * 3 + 2] = (float) (-1 + h * (g / (res * res)));
            }
            float[] v = query.values(pts, np);
            for (int i = 0; i < np; i++) values[pending[i]] = v[i];
            evaluated += np;
            // children of e/2 cells: kept when their corners change sign or come within
            // SAFETY x half the child's diagonal of the surface; the others are filled
            double reach = distance ? SAFETY * 0.5 * Math.sqrt(3) * half * h : Double.POSITIVE_INFINITY;
            int[] next = new int[count * 8 * 3];
            int kept = 0;
            for (int i = 0; i < count; i++) {
                for (int c = 0; c < 8; c++) {
                    int lx = blocks[i * 3] + (c & 1) * half, ly = blocks[i * 3 + 1] + ((c >> 1) & 1) * half,
                            lz = blocks[i * 3 + 2] + (c >> 2) * half;
                    if (lx >= cells || ly >= cells || lz >= cells) continue;
                    int hx = Math.min(lx + half, cells), hy = Math.min(ly + half, cells), hz = Math.min(lz + half, cells);
                    float min = Float.POSITIVE_INFINITY, max = Float.NEGATIVE_INFINITY, near = Float.POSITIVE_INFINITY;
                    double sum = 0;
                    for (int k = 0; k < 8; k++) {
                        float cv = values[(((k >> 2) == 0 ? lz : hz) * res + (((k >> 1) & 1) == 0 ? ly : hy)) * res
                                + ((k & 1) == 0 ? lx : hx)];
                        min = Math.min(min, cv);
                        max = Math.max(max, cv);
                        near = Math.min(near, Math.abs(cv));
                        sum += cv;
                    }
                    if ((min < 0) != (max < 0) || near <= reach || Double.isNaN(sum)) {
                        next[kept * 3] = lx;
                        next[kept * 3 + 1] = ly;
                        next[kept * 3 + 2] = lz;
                        kept++;
                    } else {
                        fill(values, known, res, lx, ly, lz, hx, hy, hz, (float) (sum / 8));
                    }
                }
            }
            if (half == 1) break; // the kept children are single cells, their corners all evaluated
            blocks = next;
            count = kept;
            e = half;
        }
        // 3) keep the boundary layer outside so the surface closes inside the box
        float outside = (float) (0.5 * h);
        for (int z = 0; z < res; z++) {
            for (int y = 0; y < res; y++) {
                boolean edge = z == 0 || y == 0 || z == cells || y == cells;
                int row = (z * res + y) * res;
                for (int x = 0; x < res; x++) {
                    if (edge || x == 0 || x == cells) values[row + x] = Math.max(values[row + x], outside);
                }
            }
        }
        long t1 = System.nanoTime();
        Mesh mesh = MarchingCubes.extract(values, res, res, res, new double[]{-1, -1, -1}, h, 0f, name);
        long t2 = System.nanoTime();
        float[] n = null;
        if (normals && mesh.vertexCount() > 0) {
            double[] vd = mesh.vertices();
            float[] vf = new float[vd.length];
            for (int i = 0; i < vd.length; i++) vf[i] = (float) vd[i];
            n = query.gradients(vf, mesh.vertexCount());
            for (int i = 0; i < n.length; i += 3) {
                double l = Math.sqrt(n[i] * n[i] + n[i + 1] * n[i + 1] + n[i + 2] * n[i + 2]);
                if (l > 0) {
                    n[i] /= l;
                    n[i + 1] /= l;
                    n[i + 2] /= l;
                }
            }
        }
        long t3 = System.nanoTime();
        return new Result(mesh, n, evaluated, (t1 - t0) * 1e-9, (t2 - t1) * 1e-9, (t3 - t2) * 1e-9);
    }
}
