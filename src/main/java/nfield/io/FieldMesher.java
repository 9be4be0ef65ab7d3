package nfield.io;

import nfield.data.mesh.Mesh;
import nfield.field.FieldQuery;

/**
 * The zero level set of an SDF field as a closed triangle mesh, in field coordinates.
 *
 * <p>The field is sampled on a res³ grid over [-1, 1]³, sparsely: first at the corners of
 * blocks of {@value #BLOCK}³ cells; a block whose corners share one sign and all lie further
 * than {@value #SAFETY} × its half-diagonal from the surface cannot hold it (a signed distance
 * changes no faster than the distance; the factor leaves room for a learned field that is not
 * exactly 1-Lipschitz) and takes its corners' mean everywhere; the grid points of the other
 * blocks are evaluated exactly. The outermost grid layer is kept positive (outside), so the surface is
 * always closed. {@link MarchingCubes} then extracts the surface and the vertex normals are the
 * normalised gradients of the field (a backward pass to the points).
 */
public final class FieldMesher {
    public static final int BLOCK = 4;
    public static final double SAFETY = 2.0;

    /** Mesh and unit normals [V, 3] in field coordinates, with what it cost. */
    public record Result(Mesh mesh, float[] normals, long evaluated, double evalSeconds, double mcSeconds,
                         double normalSeconds) {}

    private FieldMesher() {}

    public static Result extract(FieldQuery query, int res, boolean normals, String name) {
        if (res < 2 || res > 2048) throw new IllegalArgumentException("--res " + res + ": use 2 .. 2048");
        long t0 = System.nanoTime();
        double h = 2.0 / (res - 1);
        int cells = res - 1, nb = (cells + BLOCK - 1) / BLOCK, nc = nb + 1;
        // 0) the coarse grid: every BLOCK-th grid point (and the last one)
        float[] corners = new float[nc * nc * nc * 3];
        for (int z = 0, c = 0; z < nc; z++) {
            for (int y = 0; y < nc; y++) {
                for (int x = 0; x < nc; x++, c++) {
                    corners[c * 3] = (float) (-1 + h * Math.min(x * BLOCK, cells));
                    corners[c * 3 + 1] = (float) (-1 + h * Math.min(y * BLOCK, cells));
                    corners[c * 3 + 2] = (float) (-1 + h * Math.min(z * BLOCK, cells));
                }
            }
        }
        float[] cv = query.values(corners, nc * nc * nc);
        float[] values = new float[res * res * res];
        // 1) a block may hold the surface if its corners change sign or one lies within
        //    SAFETY x half its diagonal of it; the other blocks take their corners' mean
        boolean[] exact = new boolean[values.length];
        long marked = 0;
        double reach = SAFETY * 0.5 * Math.sqrt(3) * BLOCK * h;
        for (int bz = 0; bz < nb; bz++) {
            for (int by = 0; by < nb; by++) {
                for (int bx = 0; bx < nb; bx++) {
                    float min = Float.POSITIVE_INFINITY, max = Float.NEGATIVE_INFINITY, near = Float.POSITIVE_INFINITY;
                    double sum = 0;
                    for (int k = 0; k < 8; k++) {
                        float c = cv[((bz + (k >> 2)) * nc + by + ((k >> 1) & 1)) * nc + bx + (k & 1)];
                        min = Math.min(min, c);
                        max = Math.max(max, c);
                        near = Math.min(near, Math.abs(c));
                        sum += c;
                    }
                    boolean active = (min < 0) != (max < 0) || near <= (float) reach || Double.isNaN(sum);
                    float fillValue = (float) (sum / 8);
                    for (int z = bz * BLOCK; z <= Math.min(bz * BLOCK + BLOCK, cells); z++) {
                        for (int y = by * BLOCK; y <= Math.min(by * BLOCK + BLOCK, cells); y++) {
                            int row = (z * res + y) * res;
                            for (int x = bx * BLOCK; x <= Math.min(bx * BLOCK + BLOCK, cells); x++) {
                                if (active) {
                                    if (!exact[row + x]) {
                                        exact[row + x] = true;
                                        marked++;
                                    }
                                } else if (!exact[row + x]) {
                                    values[row + x] = fillValue;
                                }
                            }
                        }
                    }
                }
            }
        }
        // 2) evaluate the marked points exactly
        if (marked > Integer.MAX_VALUE / 3) throw new IllegalArgumentException("--res " + res + ": too many points to evaluate");
        float[] pts = new float[(int) marked * 3];
        int[] where = new int[(int) marked];
        int m = 0;
        for (int i = 0; i < values.length; i++) {
            if (!exact[i]) continue;
            int x = i % res, y = (i / res) % res, z = i / (res * res);
            pts[m * 3] = (float) (-1 + h * x);
            pts[m * 3 + 1] = (float) (-1 + h * y);
            pts[m * 3 + 2] = (float) (-1 + h * z);
            where[m++] = i;
        }
        float[] v = query.values(pts, m);
        for (int i = 0; i < m; i++) values[where[i]] = v[i];
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
        return new Result(mesh, n, (long) nc * nc * nc + m, (t1 - t0) * 1e-9, (t2 - t1) * 1e-9, (t3 - t2) * 1e-9);
    }
}
