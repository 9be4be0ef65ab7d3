package nfield.render;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * A radiance field sampled for the viewer's volume mode: colour and density on an
 * nx × ny × nz lattice over a box [lo, hi] of the viewer's (y-up) space, texel (i, j, k) at
 * {@code lo + (hi − lo) · (i, j, k) / (n − 1)}, stored RGBA (r, g, b in [0, 1], density per
 * field unit) with x fastest. Uploaded as an RGBA32F 3D texture and ray-marched with alpha
 * compositing by {@code shaders/render/volume.frag}; {@link #sample} is the CPU twin of its
 * trilinear lookup.
 *
 * <p>Densities below a threshold are stored as 0: the threshold training's occupancy grid uses
 * (optical thickness 0.01 over one training step), below which the field was never sampled, so
 * what it holds there is untrained haze. Empty space is skipped through {@link #skip()}: macro
 * cells of {@value #MACRO}³ lattice intervals, each holding the Chebyshev distance (in macro
 * cells) to the nearest cell whose trilinear footprint has a density above 0, 0 for such an
 * occupied cell.
 * From a point in a cell at distance k ≥ 1, every point of the cube of cells within distance
 * k − 1 is empty, so a ray may jump to where it leaves that cube.
 */
public final class VolumeGrid {
    /** Lattice intervals per macro cell along each axis. */
    public static final int MACRO = 4;
    private final int nx, ny, nz;
    private final float[] lo, hi, rgba;
    private final int mx, my, mz;
    private final float[] skip;

    /**
     * @param dims [nx, ny, nz], each ≥ 2
     * @param lo   box corner, viewer space
     * @param hi   opposite corner, hi > lo on each axis
     * @param rgba 4 · nx · ny · nz values, kept (not copied); densities ≤ 0 are empty space
     */
    public VolumeGrid(int[] dims, float[] lo, float[] hi, float[] rgba) {
        nx = dims[0];
        ny = dims[1];
        nz = dims[2];
        if (nx < 2 || ny < 2 || nz < 2) throw new IllegalArgumentException("volume grid " + Arrays.toString(dims) + ": at least 2 per axis");
        for (int a = 0; a < 3; a++) {
            if (!(hi[a] > lo[a])) throw new IllegalArgumentException("volume box " + Arrays.toString(lo) + " .. " + Arrays.toString(hi));
        }
        if (rgba.length != 4L * nx * ny * nz) throw new IllegalArgumentException("expected " + 4L * nx * ny * nz + " values, got " + rgba.length);
        this.lo = lo.clone();
        this.hi = hi.clone();
        this.rgba = rgba;
        mx = macroCount(nx);
        my = macroCount(ny);
        mz = macroCount(nz);
        skip = distances();
    }

    private static int macroCount(int n) {
        return (n - 1 + MACRO - 1) / MACRO;
    }

    /** Evaluates a radiance field: xyz [n, 3] in the field's coordinates → [n, 4] = (density, r, g, b). */
    @FunctionalInterface
    public interface Radiance {
        float[] eval(float[] xyz, int n);
    }

    /**
     * Bakes a radiance field: first its density on a {@code coarse}³ lattice over [-1, 1]³ to
     * find the box that holds densities above {@code threshold}, then colour and density on a
     * lattice over that box with {@code res} points along its longest side, densities below the
     * threshold set to 0. {@code zUp}: the field's vertical is z (NeRF's Blender scenes), which
     * becomes the viewer's y.
     */
    public static VolumeGrid bake(Radiance field, int res, int coarse, float threshold, boolean zUp) {
        if (res < 2 || coarse < 2) throw new IllegalArgumentException("bake resolution " + res + " (coarse " + coarse + "): at least 2");
        // the lattice's RGBA floats, the points asked for and the answers on the way (a few copies of a res^3 grid)
        nfield.io.Memory.require("baking a " + res + "^3 volume", 48L * res * res * res, "lower --bake (e.g. --bake 128)");
        float[] full = {-1, -1, -1}, fullHi = {1, 1, 1};
        float[] c = evaluate(field, new int[]{coarse, coarse, coarse}, full, fullHi, threshold, zUp);
        boolean[] keep = mainParts(c, coarse, 2f / (coarse - 1));
        int[] min = {coarse, coarse, coarse}, max = {-1, -1, -1};
        for (int k = 0, i = 0; k < coarse; k++) {
            for (int j = 0; j < coarse; j++) {
                for (int x = 0; x < coarse; x++, i++) {
                    if (!keep[i]) continue;
                    int[] at = {x, j, k};
                    for (int a = 0; a < 3; a++) {
                        min[a] = Math.min(min[a], at[a]);
                        max[a] = Math.max(max[a], at[a]);
                    }
                }
            }
        }
        float[] lo = new float[3], hi = new float[3];
        if (max[0] < 0) { // nothing visible: a tiny empty grid
            return new VolumeGrid(new int[]{2, 2, 2}, full, fullHi, new float[32]);
        }
        for (int a = 0; a < 3; a++) { // one coarse interval of margin: thin parts between coarse points are kept
            lo[a] = (float) Math.max(-1, -1 + 2.0 * (min[a] - 1) / (coarse - 1));
            hi[a] = (float) Math.min(1, -1 + 2.0 * (max[a] + 1) / (coarse - 1));
        }
        float side = Math.max(hi[0] - lo[0], Math.max(hi[1] - lo[1], hi[2] - lo[2]));
        int[] dims = new int[3];
        for (int a = 0; a < 3; a++) dims[a] = Math.max(2, (int) Math.ceil((res - 1) * (hi[a] - lo[a]) / side) + 1);
        return new VolumeGrid(dims, lo, hi, evaluate(field, dims, lo, hi, threshold, zUp));
    }

    /** Parts whose opacity is at least this share of the largest part's decide the baked box. */
    static final double PART_SHARE = 0.01;

    /**
     * The coarse points of the parts that matter: points with density are grouped into
     * 26-connected parts, each weighed by its opacity (the sum of 1 − exp(−σ · spacing)); parts
     * below {@link #PART_SHARE} of the heaviest one (specks floating in empty space) are dropped.
     */
    static boolean[] mainParts(float[] rgba, int n, float spacing) {
        int cells = n * n * n;
        int[] label = new int[cells];
        java.util.List<Double> mass = new java.util.ArrayList<>();
        int[] queue = new int[cells];
        for (int start = 0; start < cells; start++) {
            if (label[start] != 0 || !(rgba[4 * start + 3] > 0)) continue;
            int id = mass.size() + 1, head = 0, tail = 0;
            double m = 0;
            queue[tail++] = start;
            label[start] = id;
            while (head < tail) {
                int i = queue[head++];
                m += 1 - Math.exp(-rgba[4 * i + 3] * spacing);
                int x = i % n, y = i / n % n, z = i / (n * n);
                for (int dz = -1; dz <= 1; dz++) {
                    for (int dy = -1; dy <= 1; dy++) {
                        for (int dx = -1; dx <= 1; dx++) {
                            int a = x + dx, b = y + dy, c = z + dz;
                            if (a < 0 || b < 0 || c < 0 || a >= n || b >= n || c >= n) continue;
                            int j = (c * n + b) * n + a;
                            if (label[j] == 0 && rgba[4 * j + 3] > 0) {
                                label[j] = id;
                                queue[tail++] = j;
                            }
                        }
                    }
                }
            }
            mass.add(m);
        }
        double heaviest = mass.stream().mapToDouble(Double::doubleValue).max().orElse(0);
        boolean[] keep = new boolean[cells];
        for (int i = 0; i < cells; i++) keep[i] = label[i] != 0 && mass.get(label[i] - 1) >= PART_SHARE * heaviest;
        return keep;
    }

    /** The field at every lattice point of the box, as RGBA (density last, 0 where not above the threshold). */
    static float[] evaluate(Radiance field, int[] dims, float[] lo, float[] hi, float threshold, boolean zUp) {
        int n = dims[0] * dims[1] * dims[2];
        float[] xyz = new float[3 * n];
        for (int k = 0, i = 0; k < dims[2]; k++) {
            for (int j = 0; j < dims[1]; j++) {
                for (int x = 0; x < dims[0]; x++, i++) {
                    float px = coord(lo, hi, dims, 0, x), py = coord(lo, hi, dims, 1, j), pz = coord(lo, hi, dims, 2, k);
                    xyz[3 * i] = px;
                    xyz[3 * i + 1] = zUp ? -pz : py; // viewer (x, y, z) is field (x, -z, y) when the field is z-up
                    xyz[3 * i + 2] = zUp ? py : pz;
                }
            }
        }
        float[] out = field.eval(xyz, n);
        float[] rgba = new float[4 * n];
        for (int i = 0; i < n; i++) {
            float sigma = out[4 * i];
            rgba[4 * i + 3] = sigma > threshold && Float.isFinite(sigma) ? sigma : 0;
            for (int ch = 0; ch < 3; ch++) rgba[4 * i + ch] = Math.max(0, Math.min(1, out[4 * i + 1 + ch]));
        }
        return rgba;
    }

    private static float coord(float[] lo, float[] hi, int[] dims, int axis, int i) {
        return lo[axis] + (hi[axis] - lo[axis]) * i / (dims[axis] - 1);
    }

    /** The fine step of the march: the lattice's smallest spacing. */
    public float step() {
        return Math.min((hi[0] - lo[0]) / (nx - 1), Math.min((hi[1] - lo[1]) / (ny - 1), (hi[2] - lo[2]) / (nz - 1)));
    }

    public int[] dims() { return new int[]{nx, ny, nz}; }

    public int[] macroDims() { return new int[]{mx, my, mz}; }

    public float[] lo() { return lo.clone(); }

    public float[] hi() { return hi.clone(); }

    public float[] rgba() { return rgba; }

    /** Macro-cell distances, x fastest (see the class comment). */
    public float[] skip() { return skip; }

    /** Share of macro cells that are occupied. */
    public double occupancy() {
        int n = 0;
        for (float v : skip) if (v == 0) n++;
        return n / (double) skip.length;
    }

    private float[] distances() {
        int cells = mx * my * mz;
        float[] d = new float[cells];
        int inf = Integer.MAX_VALUE;
        int[] dist = new int[cells];
        Arrays.fill(dist, inf);
        IntStream.range(0, mz).parallel().forEach(cz -> {
            for (int cy = 0; cy < my; cy++) {
                for (int cx = 0; cx < mx; cx++) {
                    if (occupied(cx, cy, cz)) dist[(cz * my + cy) * mx + cx] = 0;
                }
            }
        });
        // grow the distance one ring at a time over the 26-neighbourhood (Chebyshev metric)
        int[] next = dist.clone();
        for (int ring = 1; ring <= Math.max(mx, Math.max(my, mz)); ring++) {
            boolean changed = false;
            for (int cz = 0; cz < mz; cz++) {
                for (int cy = 0; cy < my; cy++) {
                    for (int cx = 0; cx < mx; cx++) {
                        int i = (cz * my + cy) * mx + cx;
                        if (dist[i] != inf) continue;
                        search:
                        for (int z = Math.max(0, cz - 1); z <= Math.min(mz - 1, cz + 1); z++) {
                            for (int y = Math.max(0, cy - 1); y <= Math.min(my - 1, cy + 1); y++) {
                                for (int x = Math.max(0, cx - 1); x <= Math.min(mx - 1, cx + 1); x++) {
                                    if (dist[(z * my + y) * mx + x] == ring - 1) {
                                        next[i] = ring;
                                        changed = true;
                                        break search;
                                    }
                                }
                            }
                        }
                    }
                }
            }
            System.arraycopy(next, 0, dist, 0, cells);
            if (!changed) break;
        }
        // no occupied cell at all: every cell may jump past the whole box
        int far = mx + my + mz;
        for (int i = 0; i < cells; i++) d[i] = dist[i] == inf ? far : dist[i];
        return d;
    }

    /** Whether any texel a trilinear lookup inside macro cell (cx, cy, cz) may read has a density. */
    private boolean occupied(int cx, int cy, int cz) {
        for (int z = cz * MACRO; z <= Math.min(nz - 1, cz * MACRO + MACRO + 1); z++) {
            for (int y = cy * MACRO; y <= Math.min(ny - 1, cy * MACRO + MACRO + 1); y++) {
                for (int x = cx * MACRO; x <= Math.min(nx - 1, cx * MACRO + MACRO + 1); x++) {
                    if (rgba[4 * ((z * ny + y) * nx + x) + 3] > 0) return true;
                }
            }
        }
        return false;
    }

    /** Trilinear RGBA at viewer-space point p into dest[0..4), as GL samples the texture (clamp to edge). */
    public void sample(float px, float py, float pz, float[] dest) {
        sampleLattice(lattice(px, 0), lattice(py, 1), lattice(pz, 2), dest);
    }

    /** Trilinear RGBA at continuous lattice coordinates (0 at lo, n − 1 at hi) into dest[0..4). */
    public void sampleLattice(float fx, float fy, float fz, float[] dest) {
        int x0 = (int) Math.floor(fx), y0 = (int) Math.floor(fy), z0 = (int) Math.floor(fz);
        float tx = fx - x0, ty = fy - y0, tz = fz - z0;
        Arrays.fill(dest, 0, 4, 0);
        for (int k = 0; k < 8; k++) {
            int x = clamp(x0 + (k & 1), nx), y = clamp(y0 + (k >> 1 & 1), ny), z = clamp(z0 + (k >> 2), nz);
            float w = ((k & 1) != 0 ? tx : 1 - tx) * ((k & 2) != 0 ? ty : 1 - ty) * ((k & 4) != 0 ? tz : 1 - tz);
            int at = 4 * ((z * ny + y) * nx + x);
            for (int c = 0; c < 4; c++) dest[c] += w * rgba[at + c];
        }
    }

    /** Continuous lattice coordinate of p on an axis: 0 at lo, n − 1 at hi. */
    float lattice(float p, int axis) {
        int n = axis == 0 ? nx : axis == 1 ? ny : nz;
        return (p - lo[axis]) / (hi[axis] - lo[axis]) * (n - 1);
    }

    private static int clamp(int i, int n) {
        return Math.max(0, Math.min(n - 1, i));
    }

    /** The macro-cell distance at macro cell (cx, cy, cz), each clamped into the grid. */
    float skipAt(int cx, int cy, int cz) {
        return skip[(clamp(cz, mz) * my + clamp(cy, my)) * mx + clamp(cx, mx)];
    }
}
