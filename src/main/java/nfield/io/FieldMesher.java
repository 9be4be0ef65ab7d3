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
        if (res < 2 || res > 1024) throw new IllegalArgumentException("--res " + res + ": use 2 .. 1024 (the grid takes up to "
                + SAMPLE_BYTES_PER_POINT + " bytes a point)");
        // the sampled grid and the surface: up to a few triangles a boundary cell
        Memory.require("meshing at --res " + res, (long) SAMPLE_BYTES_PER_POINT * res * res * res + 240L * res * res, "lower --res");
        long t0 = System.nanoTime();
        Sampled grid = sample(query, res, distance ? Fill.MEAN : null);
        float[] values = grid.values();
        double h = 2.0 / (res - 1);
        int cells = res - 1;
        long evaluated = grid.evaluated();
        // keep the boundary layer outside so the surface closes inside the box: the six faces of the grid
        float outside = (float) (0.5 * h);
        for (int z = 0; z < res; z++) {
            boolean face = z == 0 || z == cells;
            for (int y = 0; y < res; y++) {
                int row = (z * res + y) * res;
                if (face || y == 0 || y == cells) {
                    for (int x = 0; x < res; x++) values[row + x] = Math.max(values[row + x], outside);
                } else {
                    values[row] = Math.max(values[row], outside);
                    values[row + cells] = Math.max(values[row + cells], outside);
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

    /** How a block that cannot hold the surface is filled in. */
    public enum Fill {
        /** Its corners' mean everywhere: the right sign, which is all marching cubes needs. */
        MEAN,
        /**
         * The trilinear interpolation of its corners (a distance where the surface is flat at the
         * block's scale, exact for a plane), but no more than its corners prove (|f(c)| − |p − c|,
         * the largest over the corners c): sphere tracing through it never steps past the surface,
         * though it takes shorter steps in the middle of a large block than the field would allow.
         */
        TRILINEAR
    }

    /** A res³ grid of values (x fastest) and how many points were evaluated by the field. */
    public record Sampled(int res, float[] values, long evaluated) {}

    /**
     * The field on a res³ grid over [-1, 1]³ (x fastest), evaluated coarse to fine as the class
     * describes: blocks that cannot hold the surface are filled as {@code fill} says; with
     * {@code fill} null nothing is skipped (every point is evaluated: values that are not distances).
     */
    public static Sampled sample(ScalarField query, int res, Fill fill) {
        if (res < 2 || res > 1024) throw new IllegalArgumentException("grid resolution " + res + ": use 2 .. 1024");
        double h = 2.0 / (res - 1);
        int cells = res - 1;
        float[] values = new float[res * res * res];
        long[] known = new long[(values.length + 63) >>> 6];
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
        // the blocks to fill, coarse to fine: their low corner's index and their size in cells
        // (their corners are evaluated points, which no fill overwrites: they are read at the end)
        int[] boxes = new int[2 * 1024];
        int nbox = 0;
        boolean skip = fill != null;
        while (true) {
            // evaluate the 3x3x3 points of every candidate block (its children's corners)
            int half = e / 2, np = 0;
            int[] pending = new int[(int) Math.min(27L * count, values.length)];
            for (int i = 0; i < count; i++) {
                for (int k = 0; k < 27; k++) {
                    int x = Math.min(blocks[i * 3] + (k % 3) * half, cells);
                    int y = Math.min(blocks[i * 3 + 1] + (k / 3 % 3) * half, cells);
                    int z = Math.min(blocks[i * 3 + 2] + (k / 9) * half, cells);
                    int g = (z * res + y) * res + x;
                    if ((known[g >>> 6] & (1L << g)) != 0) continue;
                    known[g >>> 6] |= 1L << g;
                    pending[np++] = g;
                }
            }
            // in chunks, so that the points on their way to the field take bounded memory
            float[] pts = new float[Math.min(np, CHUNK) * 3];
            for (int s0 = 0; s0 < np; s0 += CHUNK) {
                int m = Math.min(CHUNK, np - s0);
                for (int i = 0; i < m; i++) {
                    int g = pending[s0 + i];
                    pts[i * 3] = (float) (-1 + h * (g % res));
                    pts[i * 3 + 1] = (float) (-1 + h * (g / res % res));
                    pts[i * 3 + 2] = (float) (-1 + h * (g / (res * res)));
                }
                float[] v = query.values(pts, m);
                for (int i = 0; i < m; i++) values[pending[s0 + i]] = v[i];
            }
            evaluated += np;
            if (half == 1) break; // the children are single cells, their corners all evaluated
            // children of e/2 cells: kept when their corners change sign or come within
            // SAFETY x half the child's diagonal of the surface; the others are filled (at the
            // end: a fill now would overwrite corners that finer blocks still read)
            double reach = skip ? SAFETY * 0.5 * Math.sqrt(3) * half * h : Double.POSITIVE_INFINITY;
            int[] next = new int[3 * 64];
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
                        if (kept * 3 == next.length) next = java.util.Arrays.copyOf(next, next.length * 2);
                        next[kept * 3] = lx;
                        next[kept * 3 + 1] = ly;
                        next[kept * 3 + 2] = lz;
                        kept++;
                    } else {
                        if (nbox * 2 == boxes.length) boxes = java.util.Arrays.copyOf(boxes, boxes.length * 2);
                        boxes[nbox * 2] = (lz * res + ly) * res + lx;
                        boxes[nbox * 2 + 1] = half;
                        nbox++;
                    }
                }
            }
            blocks = next;
            count = kept;
            e = half;
        }
        // the fills, coarse to fine (a finer box lies in a coarser kept one), of the points not evaluated,
        // in slabs of z on every core; within a slab in the boxes' order, so every point gets the value a single pass would give
        final int[] bx = boxes;
        final int nb0 = nbox, slab = 8;
        java.util.stream.IntStream.range(0, (res + slab - 1) / slab).parallel().forEach(t -> {
            int za = t * slab, zb = Math.min(res, za + slab);
            for (int b = 0; b < nb0; b++) {
                int lz = bx[b * 2] / (res * res);
                if (lz < zb && Math.min(lz + bx[b * 2 + 1], cells) >= za) fillBox(values, known, res, bx[b * 2], bx[b * 2 + 1], fill, za, zb);
            }
        });
        return new Sampled(res, values, evaluated);
    }

    /** Bytes a point that {@link #sample} may take at most: values, the points of a level, the blocks' lists. */
    public static final int SAMPLE_BYTES_PER_POINT = 12;

    /** Points per call of the field while sampling. */
    private static final int CHUNK = 1 << 18;

    /**
     * Fills the points of the box of {@code size} cells at grid index {@code g0} (clamped to the
     * grid) in the planes z in [za, zb) that were not evaluated: only those on the box's boundary
     * can have been (by a neighbour), its inside is written in one go. Its corners are evaluated.
     */
    private static void fillBox(float[] values, long[] known, int res, int g0, int size, Fill fill, int za, int zb) {
        int cells = res - 1;
        int lx = g0 % res, ly = g0 / res % res, lz0 = g0 / (res * res);
        int hx = Math.min(lx + size, cells), hy = Math.min(ly + size, cells), hz0 = Math.min(lz0 + size, cells);
        int lz = Math.max(za, lz0), hz = Math.min(zb - 1, hz0);
        float c0 = values[(lz0 * res + ly) * res + lx], c1 = values[(lz0 * res + ly) * res + hx],
                c2 = values[(lz0 * res + hy) * res + lx], c3 = values[(lz0 * res + hy) * res + hx],
                c4 = values[(hz0 * res + ly) * res + lx], c5 = values[(hz0 * res + ly) * res + hx],
                c6 = values[(hz0 * res + hy) * res + lx], c7 = values[(hz0 * res + hy) * res + hx];
        boolean mean = fill == Fill.MEAN;
        float h = 2f / (res - 1);
        float[] a = {Math.abs(c0), Math.abs(c1), Math.abs(c2), Math.abs(c3), Math.abs(c4), Math.abs(c5), Math.abs(c6), Math.abs(c7)};
        float avg = (float) (((double) c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7) / 8);
        float sx = 1f / Math.max(1, hx - lx), sy = 1f / Math.max(1, hy - ly), sz = 1f / Math.max(1, hz0 - lz0);
        for (int z = lz; z <= hz; z++) {
            float tz = (z - lz0) * sz;
            for (int y = ly; y <= hy; y++) {
                float ty = (y - ly) * sy;
                // the x-edges' ends at this (y, z), then along x
                float a0 = lerp(lerp(c0, c2, ty), lerp(c4, c6, ty), tz), a1 = lerp(lerp(c1, c3, ty), lerp(c5, c7, ty), tz);
                int row = (z * res + y) * res;
                boolean face = z == lz0 || z == hz0 || y == ly || y == hy;
                if (mean) {
                    for (int x = lx; x <= hx; x++) {
                        int g = row + x;
                        if ((face || x == lx || x == hx) && (known[g >>> 6] & (1L << g)) != 0) continue;
                        values[g] = avg;
                    }
                    continue;
                }
                // squared distances (in cells) to the corners' rows: y and z parts
                float yl = y - ly, yh = hy - y, zl = z - lz0, zh = hz0 - z;
                float d00 = yl * yl + zl * zl, d10 = yh * yh + zl * zl, d01 = yl * yl + zh * zh, d11 = yh * yh + zh * zh;
                for (int x = lx; x <= hx; x++) {
                    int g = row + x;
                    if ((face || x == lx || x == hx) && (known[g >>> 6] & (1L << g)) != 0) continue;
                    float xl = (x - lx) * (x - lx), xh = (hx - x) * (hx - x);
                    // no more than what the corners prove: |f(p)| >= |f(c)| - |p - c| for a 1-Lipschitz f
                    float bound = Math.max(Math.max(Math.max(a[0] - h * (float) Math.sqrt(xl + d00), a[1] - h * (float) Math.sqrt(xh + d00)),
                                    Math.max(a[2] - h * (float) Math.sqrt(xl + d10), a[3] - h * (float) Math.sqrt(xh + d10))),
                            Math.max(Math.max(a[4] - h * (float) Math.sqrt(xl + d01), a[5] - h * (float) Math.sqrt(xh + d01)),
                                    Math.max(a[6] - h * (float) Math.sqrt(xl + d11), a[7] - h * (float) Math.sqrt(xh + d11))));
                    float v = lerp(a0, a1, (x - lx) * sx);
                    values[g] = Math.copySign(Math.min(Math.abs(v), bound), v);
                }
            }
        }
    }

    private static float lerp(float a, float b, float t) {
        return a + (b - a) * t;
    }
}
