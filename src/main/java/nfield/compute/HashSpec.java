package nfield.compute;

import java.util.Arrays;

/**
 * The layout of a multiresolution hash encoding (Müller et al. 2022, sec. 3) as the kernels see
 * it. Level l has a grid of resolution N_l = {@code resolutions[l]} over [-1, 1]^3, vertices
 * (i, j, k) ∈ [0, N_l]^3, and a table of T_l = {@code tableSizes[l]} = min(2^log2Table, (N_l+1)^3)
 * entries × {@code features} floats at parameter offset {@code off + tableOffsets[l]}
 * (entry-major: entry e, feature f at {@code tableOffsets[l] + e·features + f}). A level is
 * dense when (N_l+1)^3 ≤ 2^log2Table (index i + j(N_l+1) + k(N_l+1)^2), otherwise hashed
 * ((i ⊕ j·2654435761 ⊕ k·805459861) mod 2^log2Table in uint32 arithmetic).
 */
public record HashSpec(int levels, int features, int log2Table, int[] resolutions, int[] tableSizes,
                       int[] tableOffsets, boolean includeInput) {
    /** The prime multipliers of the spatial hash, per axis (the x axis multiplies by 1). */
    public static final int PRIME_Y = (int) 2654435761L, PRIME_Z = 805459861;

    public HashSpec {
        if (levels < 1 || features < 1 || log2Table < 1 || log2Table > 30) throw new IllegalArgumentException("hash spec: bad sizes");
        if (resolutions.length != levels || tableSizes.length != levels || tableOffsets.length != levels) {
            throw new IllegalArgumentException("hash spec: per-level arrays must have " + levels + " entries");
        }
        resolutions = resolutions.clone();
        tableSizes = tableSizes.clone();
        tableOffsets = tableOffsets.clone();
        long at = 0;
        for (int l = 0; l < levels; l++) {
            if (resolutions[l] < 1 || resolutions[l] > 1 << 24) throw new IllegalArgumentException("hash spec: resolution " + resolutions[l]);
            if (tableSizes[l] != tableSize(resolutions[l], log2Table)) throw new IllegalArgumentException("hash spec: table size of level " + l);
            if (tableOffsets[l] != at) throw new IllegalArgumentException("hash spec: tables must be contiguous in level order");
            at += (long) tableSizes[l] * features;
        }
        if (at > Integer.MAX_VALUE) throw new IllegalArgumentException("hash spec: " + at + " parameters do not fit an int offset");
    }

    /** The layout for the given resolutions: tables contiguous in level order. */
    public static HashSpec of(int levels, int features, int log2Table, int[] resolutions, boolean includeInput) {
        int[] sizes = new int[levels], offsets = new int[levels];
        long at = 0;
        for (int l = 0; l < levels; l++) {
            sizes[l] = tableSize(resolutions[l], log2Table);
            offsets[l] = (int) Math.min(at, Integer.MAX_VALUE);
            at += (long) sizes[l] * features;
        }
        return new HashSpec(levels, features, log2Table, resolutions, sizes, offsets, includeInput);
    }

    /** T = min(2^log2Table, (n+1)^3). */
    public static int tableSize(int resolution, int log2Table) {
        long n1 = resolution + 1L;
        return n1 > 1 << 10 ? 1 << log2Table : (int) Math.min(1L << log2Table, n1 * n1 * n1);
    }

    /** Whether level l indexes its table densely (every vertex its own entry). */
    public boolean dense(int level) {
        long n1 = resolutions[level] + 1L;
        return n1 <= 1 << 10 && n1 * n1 * n1 <= 1L << log2Table;
    }

    /** The table entry of vertex (i, j, k) of level l, in [0, T_l). */
    public int index(int level, int i, int j, int k) {
        if (dense(level)) {
            int n1 = resolutions[level] + 1;
            return i + n1 * (j + n1 * k);
        }
        return (i ^ j * PRIME_Y ^ k * PRIME_Z) & ((1 << log2Table) - 1);
    }

    /** Leading raw-coordinate columns of the output: 3 if includeInput else 0. */
    public int rawColumns() {
        return includeInput ? 3 : 0;
    }

    /** Output width: 3·inc + levels·features. */
    public int outputWidth() {
        return rawColumns() + levels * features;
    }

    /** Parameters of all tables together: Σ_l T_l · features. */
    public int paramCount() {
        return tableOffsets[levels - 1] + tableSizes[levels - 1] * features;
    }

    @Override public int[] resolutions() { return resolutions.clone(); }

    @Override public int[] tableSizes() { return tableSizes.clone(); }

    @Override public int[] tableOffsets() { return tableOffsets.clone(); }

    public int resolution(int level) { return resolutions[level]; }

    public int tableSize(int level) { return tableSizes[level]; }

    public int tableOffset(int level) { return tableOffsets[level]; }

    @Override
    public boolean equals(Object o) {
        return o instanceof HashSpec h && levels == h.levels && features == h.features && log2Table == h.log2Table
                && includeInput == h.includeInput && Arrays.equals(resolutions, h.resolutions);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(resolutions) * 31 + (levels * 31 + features) * 31 + log2Table * 2 + (includeInput ? 1 : 0);
    }

    @Override
    public String toString() {
        return "HashSpec[levels=" + levels + ", features=" + features + ", log2Table=" + log2Table + ", resolutions="
                + Arrays.toString(resolutions) + ", includeInput=" + includeInput + "]";
    }
}
