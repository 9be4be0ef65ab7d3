package nfield.radiance;

import java.util.SplittableRandom;

/**
 * Which cells of the field's box [-1, 1]^3 may hold density, so ray marching skips empty space
 * (Müller et al. 2022, "Instant Neural Graphics Primitives", appendix E.2): a res³ grid of
 * density estimates, each cell's the maximum of its old value decayed by {@link #DECAY} and the
 * density at a fresh random point in the cell; a cell is occupied when its estimate exceeds
 * min(mean estimate, {@code threshold}). All cells start occupied. Cell (i, j, k) covers
 * [-1 + i·2/res, -1 + (i+1)·2/res) on x, likewise y (j) and z (k); index i + res·(j + res·k).
 */
public final class OccupancyGrid {
    /** Decay of the density estimates per update (instant-ngp: 0.95). */
    public static final double DECAY = 0.95;

    /** Density at points [n, 3] (field coordinates) → [n]. */
    @FunctionalInterface
    public interface Density {
        float[] at(float[] xyz, int n);
    }

    private final int res;
    private final float[] estimate;
    private final boolean[] occupied;
    private boolean[] seen; // null: every cell may hold density; else cells outside it are empty for good
    private int occupiedCount;
    private double lastCut = Double.NaN; // the cut of the last update; NaN before the first
    private boolean[] held; // null: none; else these cells stay occupied whatever their density ({@link #hold})

    /** The density threshold training and rendering use: optical thickness 0.01 over one marching step. */
    public static double densityThreshold(double step) {
        return 0.01 / step;
    }

    public OccupancyGrid(int res) {
        if (res < 1 || res > 512) throw new IllegalArgumentException("occupancy grid resolution " + res + ": use 1 .. 512");
        this.res = res;
        estimate = new float[res * res * res];
        occupied = new boolean[res * res * res];
        java.util.Arrays.fill(occupied, true);
        java.util.Arrays.fill(estimate, Float.POSITIVE_INFINITY);
        occupiedCount = occupied.length;
    }

    public int resolution() { return res; }

    public int cells() { return occupied.length; }

    public int occupiedCells() { return occupiedCount; }

    /** The share of cells occupied. */
    public double occupancy() { return occupiedCount / (double) occupied.length; }

    /** Cell index of a point in field coordinates, or −1 outside the box. */
    public int cell(float x, float y, float z) {
        int i = (int) Math.floor((x + 1) * 0.5f * res), j = (int) Math.floor((y + 1) * 0.5f * res), k = (int) Math.floor((z + 1) * 0.5f * res);
        if (i < 0 || j < 0 || k < 0 || i >= res || j >= res || k >= res) return -1;
        return i + res * (j + res * k);
    }

    public boolean occupied(float x, float y, float z) {
        int c = cell(x, y, z);
        return c >= 0 && occupied[c];
    }

    public boolean occupied(int cell) {
        return occupied[cell];
    }

    /**
     * Marks every cell outside {@code seen} empty for good (instant-ngp marks the cells no
     * training camera sees so: nothing there is ever trained, so whatever density the network
     * puts there is noise that would only cost samples).
     */
    public void restrict(boolean[] seen) {
        if (seen.length != occupied.length) throw new IllegalArgumentException("restrict: " + seen.length + " flags for " + occupied.length + " cells");
        this.seen = seen.clone();
        int count = 0;
        for (int c = 0; c < occupied.length; c++) {
            if (!seen[c]) {
                occupied[c] = false;
                estimate[c] = 0;
            }
            if (occupied[c]) count++;
        }
        occupiedCount = count;
    }

    /** How many cells some training camera sees ({@link #restrict}): all of them when not restricted. */
    public int seenCells() {
        if (seen == null) return occupied.length;
        int n = 0;
        for (boolean b : seen) if (b) n++;
        return n;
    }

    /** The centre of cell {@code c} in field coordinates into dest[0..3). */
    public void centre(int c, double[] dest) {
        double h = 2.0 / res;
        dest[0] = -1 + (c % res + 0.5) * h;
        dest[1] = -1 + ((c / res) % res + 0.5) * h;
        dest[2] = -1 + (c / (res * res) + 0.5) * h;
    }

    /**
     * Updates {@code share} of the cells, chosen at random (at least one), each at a random point
     * inside it, then re-derives occupancy with the threshold (a density: cells below
     * min(mean, threshold) are empty).
     */
    public void update(Density density, double share, double threshold, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int n = occupied.length;
        int m = Math.max(1, (int) Math.min(n, Math.round(share * n)));
        int[] cells = new int[m];
        float[] xyz = new float[3 * m];
        float h = 2f / res;
        for (int q = 0; q < m; q++) {
            int c = m == n ? q : rng.nextInt(n);
            cells[q] = c;
            int i = c % res, j = (c / res) % res, k = c / (res * res);
            xyz[3 * q] = -1 + (i + (float) rng.nextDouble()) * h;
            xyz[3 * q + 1] = -1 + (j + (float) rng.nextDouble()) * h;
            xyz[3 * q + 2] = -1 + (k + (float) rng.nextDouble()) * h;
        }
        float[] d = density.at(xyz, m);
        for (int q = 0; q < m; q++) {
            int c = cells[q];
            float old = estimate[c];
            float decayed = Float.isInfinite(old) ? 0 : (float) (old * DECAY);
            float v = Float.isFinite(d[q]) ? d[q] : 0;
            estimate[c] = Math.max(decayed, v);
        }
        double sum = 0;
        int finite = 0;
        for (float e : estimate) {
            if (Float.isFinite(e)) {
                sum += e;
                finite++;
            }
        }
        double cut = Math.min(finite > 0 ? sum / finite : threshold, threshold);
        lastCut = cut;
        int count = 0;
        for (int c = 0; c < n; c++) {
            occupied[c] = (estimate[c] > cut || (held != null && held[c])) && (seen == null || seen[c]); // never-visited cells (infinite estimate) stay occupied
            if (occupied[c]) count++;
        }
        occupiedCount = count;
    }

    /**
     * Opens again the cells (those some camera sees) holding any of the points [n, 3] (field
     * coordinates), with an estimate that outlasts the next update's decay, so whatever is there
     * gets two refreshes' worth of training before the grid judges it again. For the cells along
     * a ray whose pixel shows something but which crossed no occupied cell: a grid that lost a
     * subject early (its density pushed under the threshold before it was learned) never samples
     * it again, so nothing would ever bring it back. Returns how many cells were opened.
     */
    public int reopen(float[] xyz, int n) {
        if (Double.isNaN(lastCut)) return 0; // not yet judged: nothing is closed but the unseen
        float mark = (float) (lastCut / DECAY * 1.01);
        int opened = 0;
        for (int q = 0; q < n; q++) {
            int c = cell(xyz[3 * q], xyz[3 * q + 1], xyz[3 * q + 2]);
            if (c < 0 || occupied[c] || (seen != null && !seen[c])) continue;
            occupied[c] = true;
            estimate[c] = Math.max(estimate[c], mark);
            opened++;
        }
        occupiedCount += opened;
        return opened;
    }

    /**
     * Keeps {@code cells} occupied through the updates from now on, whatever their density (null:
     * none from now on; the next update judges them again), as long as some camera sees them.
     */
    public void hold(boolean[] cells) {
        if (cells != null && cells.length != occupied.length) throw new IllegalArgumentException("hold: " + cells.length + " flags for " + occupied.length + " cells");
        held = cells == null ? null : cells.clone();
        if (held == null) return;
        int count = 0;
        for (int c = 0; c < occupied.length; c++) {
            if (held[c] && (seen == null || seen[c])) occupied[c] = true;
            if (occupied[c]) count++;
        }
        occupiedCount = count;
    }

    /** Whether cells are held open ({@link #hold}). */
    public boolean holding() { return held != null; }
}
