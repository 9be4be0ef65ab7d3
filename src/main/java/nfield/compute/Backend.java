package nfield.compute;

/**
 * The kernels every component is made of, on one device. {@code java} (the reference, double
 * precision, the oracle of every test) and {@code opencl} implement the same contract; shapes
 * are given per method as [rows, cols]; B is the batch (rows). Parameter tensors are the flat
 * [1, P] vectors of a {@link ParamStore}; {@code off} is an offset into them.
 * Gradients into parameters accumulate (+=); gradients into inputs overwrite.
 */
public interface Backend extends AutoCloseable {
    String name();

    /** One line: device and driver. */
    String device();

    /** A zeroed [rows, cols] tensor. */
    Tensor alloc(int rows, int cols);

    /** Uploads the first rows·cols values of {@code src} (it may be longer). */
    void write(Tensor t, double[] src);

    void write(Tensor t, float[] src);

    double[] read(Tensor t);

    /** {@link #read} as floats, what a device holds (the OpenCL backend reads them with no double copy). */
    default float[] readFloats(Tensor t) {
        double[] d = read(t);
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) f[i] = (float) d[i];
        return f;
    }

    void fill(Tensor t, double value);

    /** dst[:, dstCol + j] (+)= src[:, srcCol + j] for j < ncols; same row count. */
    void copyCols(Tensor src, int srcCol, Tensor dst, int dstCol, int ncols, boolean accumulate);

    /**
     * x [B, D] → y [B, D·(inc + 2L)]: [x if inc] then for k &lt; L: sin(2^k π x_d) for d &lt; D,
     * cos(2^k π x_d) for d &lt; D.
     */
    void frequencyEncode(Tensor x, Tensor y, int octaves, boolean includeInput);

    /** dy [B, D·(inc + 2L)] → dx [B, D]. (Every backward below takes {@code grads == null}: points only, no parameter gradients.) */
    void frequencyEncodeBackward(Tensor x, Tensor dy, Tensor dx, int octaves, boolean includeInput);

    /**
     * x [B, D], matrix Bm [F, D] at params[off] → y [B, inc·D + 2F]: [x if inc], cos(2π x·Bm_j)
     * for j &lt; F, sin(2π x·Bm_j) for j &lt; F.
     */
    void fourierEncode(Tensor x, Tensor params, int off, int features, boolean includeInput, Tensor y);

    /** dy [B, inc·D + 2F] → dx [B, D]; the matrix is frozen (no gradient). */
    void fourierEncodeBackward(Tensor x, Tensor params, int off, int features, boolean includeInput, Tensor dy, Tensor dx);

    /**
     * Real spherical harmonics (the polynomial terms of
     * {@link SphericalHarmonics#TERMS}): x [B, 3] → y [B, degree²].
     */
    void shEncode(Tensor x, int degree, Tensor y);

    /** dy [B, degree²] → dx [B, 3], the terms' derivatives. */
    void shEncodeBackward(Tensor x, int degree, Tensor dy, Tensor dx);

    /**
     * Multiresolution hash encoding (layout: {@link HashSpec}): x [B, 3] → y [B, 3·inc + L·F]:
     * [x if inc], then for each level l the F features trilinearly interpolated from the level's
     * table at params[off + tableOffset(l) ..] over the 8 vertices of the point's cell. Per axis,
     * p = (x + 1)/2 · N_l clamped to [0, N_l], the cell c = min(floor(p), N_l - 1), the weights
     * from t = p - c. Every backend finds c from float32 x with the same float32 operations (see
     * {@code hashCell} in the reference), so all pick the same cell, and with it the same piece of
     * the piecewise-constant derivative; t is then computed in the backend's precision.
     */
    void hashEncode(Tensor x, Tensor params, int off, HashSpec spec, Tensor y);

    /**
     * Backward of {@link #hashEncode}: dy [B, 3·inc + L·F] → grads[off ..] += Σ_points w·dy for
     * every vertex's table entry (colliding entries add up), and, when {@code dx != null}, dx [B, 3] =
     * dy of the raw columns + Σ_l (N_l/2) ∂y_l/∂t · dy_l (the piecewise-constant derivative of the
     * interpolation, zero on an axis where x lies outside [-1, 1]).
     */
    void hashEncodeBackward(Tensor x, Tensor params, Tensor grads, int off, HashSpec spec, Tensor dy, Tensor dx);

    /**
     * x [B, I], W [I, O] then b [O] at params[off] → z = x W + b [B, O] (stored when
     * {@code z != null}), y = act(z) [B, O].
     */
    void denseForward(Tensor x, Tensor params, int off, Activation act, Tensor y, Tensor z);

    /**
     * Backward of {@link #denseForward}: dy [B, O] holds dL/dy on entry and dL/dz on return;
     * dx [B, I] = dz Wᵀ when {@code dx != null}; grads[off ..] += (xᵀ dz, Σ_rows dz).
     * {@code z} may be null when the activation does not need it.
     */
    void denseBackward(Tensor x, Tensor params, Tensor grads, int off, Activation act, Tensor y, Tensor z,
                       Tensor dy, Tensor dx);

    /** y[:, c] = act(z[:, c]) for c in [col0, col0 + ncols); z, y [B, C] (may be the same tensor only if act is NONE). */
    void activation(Tensor z, Tensor y, int col0, int ncols, Activation act);

    /** dz[:, c] = dy[:, c] · act'(z, y) for c in [col0, col0 + ncols). */
    void activationBackward(Tensor z, Tensor y, Tensor dy, Tensor dz, int col0, int ncols, Activation act);

    /** elem [B, C] = loss(pred, target); dPred [B, C] = scale · dloss/dpred. */
    void loss(Tensor pred, Tensor target, LossFn fn, double scale, Tensor elem, Tensor dPred);

    /**
     * The central-difference stencil of the first m rows of points [B, 3]: out [6m, 3], row
     * 6r + 2k + s = p_r + (s == 0 ? +h : −h) e_k.
     */
    void stencilPoints(Tensor points, int m, double h, Tensor out);

    /**
     * The eikonal penalty from stencil values v [6m, 1]: g_k = (v[6r+2k] − v[6r+2k+1]) / 2h,
     * elem[r] = (|g| − 1)² [m, 1]; dv [6m, 1] = scale · d elem[r] / d v (0 where |g| = 0).
     */
    void eikonal(Tensor values, int m, double h, double scale, Tensor elem, Tensor dValues);

    /**
     * Volume rendering along rays (Max 1995; NeRF, Mildenhall et al. 2020, eq. 3). Ray r owns the
     * consecutive rows [first_r, first_r + count_r) of {@code samples} in order along the ray;
     * {@code rays} [R, 2] holds (first_r, count_r) as exact integers (so S &lt; 2^24).
     * samples [S, 4] = (σ ≥ 0, r, g, b) after the head's activations, deltas [S, 1] the lengths of
     * the samples' segments. α_i = 1 − exp(−σ_i δ_i), T_i = Π_{j&lt;i} (1 − α_j), w_i = T_i α_i;
     * marching stops after the first sample whose T_{i+1} falls below {@code minTransmittance}
     * (later samples weigh nothing). out [R, 4] = (Σ w_i c_i + T·bg_r, 1 − T), T the transmittance
     * left, background [R, 3].
     */
    void volumeRender(Tensor samples, Tensor deltas, Tensor rays, Tensor background, double minTransmittance, Tensor out);

    /**
     * Backward of {@link #volumeRender} given its {@code out}: dOut [R, 4] = dL/d(rgb, opacity) →
     * dSamples [S, 4] = dL/d(σ, rgb) for every row the rays own (zero past an early stop):
     * dL/dc_i = w_i·g, dL/dσ_i = δ_i·(g·(T_{i+1} c_i − (C − Σ_{j≤i} w_j c_j)) + g_O·T), where C is
     * the ray's colour (background term included), g = dL/dC and g_O = dL/d opacity.
     */
    void volumeRenderBackward(Tensor samples, Tensor deltas, Tensor rays, Tensor background, double minTransmittance,
                              Tensor out, Tensor dOut, Tensor dSamples);

    /** The shapes {@link #volumeRenderBackward} takes, checked alike on every backend. */
    static void checkVolume(Tensor samples, Tensor deltas, Tensor rays, Tensor background, Tensor out, Tensor dOut, Tensor dSamples) {
        checkVolume(samples, deltas, rays, background, out);
        Tensor.checkShape("volume dOut", dOut, rays.rows(), 4);
        Tensor.checkShape("volume dSamples", dSamples, samples.rows(), 4);
    }

    /** The shapes {@link #volumeRender} takes, checked alike on every backend. */
    static void checkVolume(Tensor samples, Tensor deltas, Tensor rays, Tensor background, Tensor out) {
        Tensor.checkCols("volume samples", samples, 4);
        Tensor.checkShape("volume deltas", deltas, samples.rows(), 1);
        Tensor.checkCols("volume rays", rays, 2);
        Tensor.checkShape("volume background", background, rays.rows(), 3);
        Tensor.checkShape("volume out", out, rays.rows(), 4);
        if (samples.rows() >= 1 << 24) throw new IllegalArgumentException("volume rendering: " + samples.rows() + " samples; at most 2^24 - 1");
    }

    /**
     * Latent codes into a batch (DeepSDF's auto-decoder, Park et al. 2019, sec. 4): the codes are
     * a [K, C] table at params[off]; for every row r, y[r, col + j] = code_{i_r}[j] for j &lt; C,
     * where i_r = index[r, 0] is an exact integer in [0, K). index [B, 1], y [B, ≥ col + C].
     */
    void gatherCodes(Tensor params, int off, int count, int codeSize, Tensor index, Tensor y, int col);

    /**
     * Backward of {@link #gatherCodes}: for every row r and j &lt; C,
     * grads[off + i_r·C + j] += dy[r, col + j] + decay · params[off + i_r·C + j] (the decay term
     * is the gradient of (decay/2)·‖code‖² counted once per row that uses the code). Rows that
     * share a code add up.
     */
    void gatherCodesBackward(Tensor params, Tensor grads, int off, int count, int codeSize, Tensor index, Tensor dy, int col, double decay);

    /** The sum of all entries (accumulated in double on the host from device partial sums). */
    double sum(Tensor t);

    /**
     * One Adam step on params[off, off + count) as PyTorch writes it:
     * m = β1 m + (1-β1) g; v = β2 v + (1-β2) g²; p -= lr/(1-β1^t) · m / (sqrt(v/(1-β2^t)) + eps).
     */
    default void adam(ParamStore store, int off, int count, double lr, double beta1, double beta2, double eps, long t) {
        adam(store, off, count, lr, beta1, beta2, eps, t, false);
    }

    /**
     * The Adam step, and with {@code zeroGrads} grads[off, off + count) set to 0 as they are read
     * (the next step's gradients then need no pass of their own to clear them).
     */
    void adam(ParamStore store, int off, int count, double lr, double beta1, double beta2, double eps, long t, boolean zeroGrads);

    /** out[r] = pool[h(seed, r) mod poolRows] for every row r of out; h is {@link #hash}. */
    void sampleRows(Tensor pool, int poolRows, Tensor out, long seed);

    /** Waits for queued work (for timing). */
    void finish();

    /** Starts (true) or stops timing every kernel launch, each waited for (backends without kernels ignore it). */
    default void profile(boolean on) {}

    /** Kernel name → {launches, seconds} since {@code profile(true)}; empty where nothing is timed. */
    default java.util.Map<String, double[]> profileResults() {
        return java.util.Map.of();
    }

    /**
     * Kernel variants this backend switches between at run time, by family (e.g. {@code
     * hash-scatter} → atomic, fixed, owner), for A/B runs in one process; empty where there are none.
     */
    default java.util.Map<String, java.util.List<String>> variants() {
        return java.util.Map.of();
    }

    /** The variant of a family in use. */
    default String variant(String family) {
        throw new IllegalArgumentException(name() + " backend has no kernel variants (\"" + family + "\")");
    }

    /** Uses variant {@code name} of {@code family} from now on. */
    default void variant(String family, String name) {
        throw new IllegalArgumentException(name() + " backend has no kernel variants (\"" + family + "\")");
    }

    @Override
    void close();

    /**
     * A scope of allocations: closing it releases every tensor made since it opened, which must
     * not be used after (compiled programs stay). A run of many fits on one backend closes one
     * per fit, so its memory does not grow with the number of fits. Scopes nest; a backend whose
     * memory the garbage collector reclaims does nothing.
     */
    default Scope scope() {
        return () -> {};
    }

    /** See {@link #scope()}. */
    interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * The PCG-RXS-M-XS 32-bit hash (Jarzynski and Olano 2020, "Hash functions for GPU
     * rendering"), the row sampler's random source on every backend.
     */
    static int hash(int x) {
        int state = x * 747796405 + 0xAC564B05; // 2891336453
        int word = ((state >>> ((state >>> 28) + 4)) ^ state) * 277803737;
        return (word >>> 22) ^ word;
    }

    /** A 64-bit seed folded to the 32 bits the kernels take. */
    static int foldSeed(long seed) {
        return (int) seed ^ hash((int) (seed >>> 32));
    }

    /** The pool row picked for output row r under a folded seed. */
    static int sampleIndex(int foldedSeed, int r, int poolRows) {
        return Integer.remainderUnsigned(hash(hash(r) ^ foldedSeed), poolRows);
    }
}
