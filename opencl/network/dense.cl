// A dense layer y = act(x W + b), twin of nfield.field.Dense (reference: RefBackend.dense*).
// Build options: -D IN=<inputs> -D OUT=<outputs> -D STORE_Z=0|1 -D HAS_DX=0|1 plus the activation's.
// Parameters: W [IN, OUT] row-major (row i: the weights out of input i), then b [OUT], at p + off.
//
// Fast path (OUT % 8 == 0): one work-item per batch row keeps up to 64 outputs in eight float8
// registers (named variables: arrays of vectors are not promoted to registers by PoCL), streams
// the rows of W with vload8 + fma, and walks wider layers in tiles of 64 columns. The tile
// helpers take the tile width k as a constant, so after inlining every `if (j < k)` folds away.

#define UNROLL8(M) M(0) M(1) M(2) M(3) M(4) M(5) M(6) M(7)
#define UNROLL4(M) M(0) M(1) M(2) M(3)
#define TILE 64

// ---------------------------------------------------------------- forward

#define FWD_INIT(j) float8 a##j = (float8)(0.0f); if (j < k) a##j = vload8(j, b + c0);
#define FWD_FMA(j) if (j < k) a##j = fma(xi, vload8(j, Wi), a##j);
#if STORE_Z
#define FWD_STORE(j) if (j < k) { vstore8(a##j, j, zr + c0); vstore8(ACT_F(float8, a##j), j, yr + c0); }
#else
#define FWD_STORE(j) if (j < k) vstore8(ACT_F(float8, a##j), j, yr + c0);
#endif

/** 8·k outputs from column c0 of one row. */
inline void fwd_tile(const int c0, const int k, __global const float* restrict xr, __global const float* restrict W,
                     __global const float* restrict b, __global float* restrict yr, __global float* restrict zr)
{
    UNROLL8(FWD_INIT)
    for (int i = 0; i < IN; i++) {
        const float8 xi = (float8)(xr[i]);
        __global const float* Wi = W + i * OUT + c0;
        UNROLL8(FWD_FMA)
    }
    UNROLL8(FWD_STORE)
}

/** x [n, IN] → y [n, OUT] (and z [n, OUT] when STORE_Z). */
__kernel void dense_forward(const int n, __global const float* restrict x, __global const float* restrict p,
                            const int off, __global float* restrict y, __global float* restrict z)
{
    const int row = get_global_id(0);
    if (row >= n) return;
    __global const float* W = p + off;
    __global const float* b = W + IN * OUT;
    __global const float* xr = x + (size_t)row * IN;
    __global float* yr = y + (size_t)row * OUT;
    __global float* zr = z + (size_t)row * OUT;
#if OUT % 8 == 0
    for (int t = 0; t < OUT / TILE; t++) fwd_tile(t * TILE, 8, xr, W, b, yr, zr);
#if OUT % TILE != 0
    fwd_tile(OUT / TILE * TILE, (OUT % TILE) / 8, xr, W, b, yr, zr);
#endif
#else
    // narrow layers (the colour and density heads): four partial sums an output, so that the FMAs
    // do not wait on each other (one chain of IN dependent FMAs was latency-bound)
    for (int o = 0; o < OUT; o++) {
        float s0 = 0.0f, s1 = 0.0f, s2 = 0.0f, s3 = 0.0f;
        int i = 0;
        for (; i + 4 <= IN; i += 4) {
            s0 = fma(xr[i], W[i * OUT + o], s0);
            s1 = fma(xr[i + 1], W[(i + 1) * OUT + o], s1);
            s2 = fma(xr[i + 2], W[(i + 2) * OUT + o], s2);
            s3 = fma(xr[i + 3], W[(i + 3) * OUT + o], s3);
        }
        for (; i < IN; i++) s0 = fma(xr[i], W[i * OUT + o], s0);
        const float s = b[o] + ((s0 + s1) + (s2 + s3));
#if STORE_Z
        zr[o] = s;
#endif
        yr[o] = ACT_F(float, s);
    }
#endif
}

#if OUT % 32 == 0
// Two rows a work-item (dense_forward_rows2): tiles of 32 outputs for both rows, so that each
// load of W feeds two FMAs (8 accumulators, 4 loads of W and 2 broadcasts per input).
#define FW2_INIT(j) float8 a##j = vload8(j, b + c0), e##j = a##j;
#define FW2_FMA(j) { const float8 w = vload8(j, Wi); a##j = fma(x0, w, a##j); e##j = fma(x1, w, e##j); }
#if STORE_Z
#define FW2_STORE(j) vstore8(a##j, j, z0 + c0); vstore8(ACT_F(float8, a##j), j, y0 + c0); \
    if (two) { vstore8(e##j, j, z1 + c0); vstore8(ACT_F(float8, e##j), j, y1 + c0); }
#else
#define FW2_STORE(j) vstore8(ACT_F(float8, a##j), j, y0 + c0); if (two) vstore8(ACT_F(float8, e##j), j, y1 + c0);
#endif

/** x [n, IN] → y [n, OUT] (and z when STORE_Z), rows 2g and 2g + 1 in work-item g; global size ≥ ceil(n / 2). */
__kernel void dense_forward_rows2(const int n, __global const float* restrict x, __global const float* restrict p,
                                  const int off, __global float* restrict y, __global float* restrict z)
{
    const int r0 = 2 * get_global_id(0);
    if (r0 >= n) return;
    const bool two = r0 + 1 < n;
    const int r1 = two ? r0 + 1 : r0;
    __global const float* W = p + off;
    __global const float* b = W + IN * OUT;
    __global const float* xa = x + (size_t)r0 * IN;
    __global const float* xb = x + (size_t)r1 * IN;
    __global float* y0 = y + (size_t)r0 * OUT;
    __global float* y1 = y + (size_t)r1 * OUT;
    __global float* z0 = z + (size_t)r0 * OUT;
    __global float* z1 = z + (size_t)r1 * OUT;
    for (int c0 = 0; c0 < OUT; c0 += 32) {
        UNROLL4(FW2_INIT)
        for (int i = 0; i < IN; i++) {
            const float8 x0 = (float8)(xa[i]), x1 = (float8)(xb[i]);
            __global const float* Wi = W + i * OUT + c0;
            UNROLL4(FW2_FMA)
        }
        UNROLL4(FW2_STORE)
    }
}
#endif

// ---------------------------------------------------------------- backward to the input

#define BWD_LOAD(j) float8 d##j = (float8)(0.0f); if (j < k) { \
    d##j = vload8(j, gr + c0) * ACT_D(float8, vload8(j, zr + c0), vload8(j, yr + c0)); vstore8(d##j, j, gr + c0); }
#define BWD_DOT(j) if (j < k) s = fma(d##j, vload8(j, Wi), s);

/** dz = dy · act'(z, y) over 8·k columns from c0 (written over dy); dx (+)= dz W[:, tile]ᵀ. */
inline void bwd_tile(const int c0, const int k, const int first, __global const float* restrict W,
                     __global const float* yr, __global const float* zr, __global float* gr, __global float* restrict dxr)
{
    UNROLL8(BWD_LOAD)
#if HAS_DX
    for (int i = 0; i < IN; i++) {
        __global const float* Wi = W + i * OUT + c0;
        float8 s = (float8)(0.0f);
        UNROLL8(BWD_DOT)
        const float4 h = s.lo + s.hi;
        const float v = (h.x + h.y) + (h.z + h.w);
        if (first) dxr[i] = v; else dxr[i] += v;
    }
#endif
}

/**
 * dy [n, OUT] holds dL/dy and gets dL/dz; dx [n, IN] = dz Wᵀ when HAS_DX. z may alias y when the
 * activation does not read it.
 */
__kernel void dense_backward_input(const int n, __global const float* restrict p, const int off,
                                   __global const float* y, __global const float* z,
                                   __global float* dy, __global float* restrict dx)
{
    const int row = get_global_id(0);
    if (row >= n) return;
    __global const float* W = p + off;
    __global const float* yr = y + (size_t)row * OUT;
    __global const float* zr = z + (size_t)row * OUT;
    __global float* gr = dy + (size_t)row * OUT;
    __global float* dxr = dx + (size_t)row * IN;
#if OUT % 8 == 0
    for (int t = 0; t < OUT / TILE; t++) bwd_tile(t * TILE, 8, t == 0, W, yr, zr, gr, dxr);
#if OUT % TILE != 0
    bwd_tile(OUT / TILE * TILE, (OUT % TILE) / 8, OUT < TILE, W, yr, zr, gr, dxr);
#endif
#else
    float g[OUT]; // dz in registers: dx's loop reads it IN times
    for (int o = 0; o < OUT; o++) {
        g[o] = gr[o] * ACT_D(float, zr[o], yr[o]);
        gr[o] = g[o];
    }
#if HAS_DX
    for (int i = 0; i < IN; i++) {
        float s = 0.0f;
        for (int o = 0; o < OUT; o++) s = fma(g[o], W[i * OUT + o], s);
        dxr[i] = s;
    }
#endif
#endif
}

// ---------------------------------------------------------------- parameter gradients

#define WGT_INIT(j) float8 a##j = (float8)(0.0f);
#define WGT_FMA(j) if (j < k) a##j = fma(xi, vload8(j, dr), a##j);
#define WGT_STORE(j) if (j < k) vstore8(a##j, j, pr + c0);

/** partial[i, c0 .. c0 + 8k) = Σ_{r0 ≤ r < r1} x[r, i] · dz[r, c0 ..] (x = 1 for the bias row i == IN). */
inline void wgt_tile(const int c0, const int k, const int i, const int r0, const int r1,
                     __global const float* restrict x, __global const float* restrict dz, __global float* restrict pr)
{
    UNROLL8(WGT_INIT)
    for (int r = r0; r < r1; r++) {
        const float8 xi = (float8)(i < IN ? x[(size_t)r * IN + i] : 1.0f);
        __global const float* dr = dz + (size_t)r * OUT + c0;
        UNROLL8(WGT_FMA)
    }
    UNROLL8(WGT_STORE)
}

/**
 * Work-item (i, c) sums x[r, i] · dz[r, :] over the rows r of chunk c (i == IN: the bias, x = 1)
 * into partial[c, i, :]. partial [chunks, (IN+1)·OUT] is laid out like the layer's parameters
 * (W then b); reduce_partials (util/tensor.cl) adds the chunks into the gradients.
 */
__kernel void dense_backward_weights(const int n, const int rows_per_chunk, __global const float* restrict x,
                                     __global const float* restrict dz, __global float* restrict partial)
{
    const int i = get_global_id(0);
    const int c = get_global_id(1);
    if (i > IN) return;
    const int r0 = c * rows_per_chunk;
    const int r1 = min(n, r0 + rows_per_chunk);
    __global float* pr = partial + (size_t)c * (IN + 1) * OUT + (size_t)i * OUT;
#if OUT % 8 == 0
    for (int t = 0; t < OUT / TILE; t++) wgt_tile(t * TILE, 8, i, r0, r1, x, dz, pr);
#if OUT % TILE != 0
    wgt_tile(OUT / TILE * TILE, (OUT % TILE) / 8, i, r0, r1, x, dz, pr);
#endif
#elif IN % 8 == 0
    // narrow layers with inputs in blocks of 8: work-item i (a multiple of 8) sums 8 inputs' rows
    // at once, x[r, i .. i+8) in one load, every output in the same pass (OUT float8 sums); the
    // work-items between block starts have nothing to do, and i == IN takes the bias
    if (i < IN && i % 8 != 0) return;
    if (i < IN) {
        float8 acc[OUT];
        for (int o = 0; o < OUT; o++) acc[o] = (float8)(0.0f);
        for (int r = r0; r < r1; r++) {
            const float8 xv = vload8(0, x + (size_t)r * IN + i);
            for (int o = 0; o < OUT; o++) acc[o] = fma(xv, (float8)(dz[(size_t)r * OUT + o]), acc[o]);
        }
        for (int o = 0; o < OUT; o++) {
            float a[8];
            vstore8(acc[o], 0, a);
            for (int j = 0; j < 8; j++) pr[j * OUT + o] = a[j];
        }
    } else {
        float acc[OUT];
        for (int o = 0; o < OUT; o++) acc[o] = 0.0f;
        for (int r = r0; r < r1; r++) for (int o = 0; o < OUT; o++) acc[o] += dz[(size_t)r * OUT + o];
        for (int o = 0; o < OUT; o++) pr[o] = acc[o];
    }
#else
    // narrow layers: every output's sum in the same pass over the rows, and with few outputs
    // several rows at a time in separate sums (U·OUT ≥ 4 independent chains of FMAs)
#define U (OUT >= 4 ? 1 : OUT >= 2 ? 2 : 4)
    float acc[U][OUT];
    for (int u = 0; u < U; u++) for (int o = 0; o < OUT; o++) acc[u][o] = 0.0f;
    int r = r0;
    for (; r + U <= r1; r += U) {
        for (int u = 0; u < U; u++) {
            const float xi = i < IN ? x[(size_t)(r + u) * IN + i] : 1.0f;
            for (int o = 0; o < OUT; o++) acc[u][o] = fma(xi, dz[(size_t)(r + u) * OUT + o], acc[u][o]);
        }
    }
    for (; r < r1; r++) {
        const float xi = i < IN ? x[(size_t)r * IN + i] : 1.0f;
        for (int o = 0; o < OUT; o++) acc[0][o] = fma(xi, dz[(size_t)r * OUT + o], acc[0][o]);
    }
    for (int o = 0; o < OUT; o++) {
        float s = 0.0f;
        for (int u = 0; u < U; u++) s += acc[u][o];
        pr[o] = s;
    }
#undef U
#endif
}

// ---------------------------------------------------------------- weights rearranged once a call
// Two variants read a copy of the layer's weights laid out for them, made by a small kernel before
// each call (the weights change every step): narrow layers (OUT % 8 != 0) forward through
// weights padded to PAD outputs, so that every row runs the fast path's float8 FMAs; the
// backward to the input through W transposed (rows of IN8 inputs), so that dx's row is a sum of
// OUT broadcast FMAs into IN8 / 8 float8 sums, with no horizontal sums.

#define PAD ((OUT + 7) / 8 * 8)
#define IN8 ((IN + 7) / 8 * 8)

/** wp [IN + 1, PAD]: W then b (row IN), zero columns from OUT to PAD. */
__kernel void dense_pad_weights(__global const float* restrict p, const int off, __global float* restrict wp)
{
    const int k = get_global_id(0);
    if (k >= (IN + 1) * PAD) return;
    const int i = k / PAD, o = k % PAD;
    wp[k] = o < OUT ? p[off + i * OUT + o] : 0.0f; // b follows W in p: row IN is the bias
}

#if PAD <= TILE
#define PAD_OUT(j) if (j < k) vstore8(a##j, j, out);

/** x [n, IN] → y [n, OUT] (and z when STORE_Z) through wp (dense_pad_weights), OUT % 8 != 0 and OUT < 64. */
__kernel void dense_forward_padded(const int n, __global const float* restrict x, __global const float* restrict wp,
                                   __global float* restrict y, __global float* restrict z)
{
    const int row = get_global_id(0);
    if (row >= n) return;
    const int k = PAD / 8, c0 = 0;
    __global const float* b = wp + IN * PAD;
    __global const float* xr = x + (size_t)row * IN;
    UNROLL8(FWD_INIT)
    for (int i = 0; i < IN; i++) {
        const float8 xi = (float8)(xr[i]);
        __global const float* Wi = wp + i * PAD;
        UNROLL8(FWD_FMA)
    }
    float out[PAD];
    UNROLL8(PAD_OUT)
    __global float* yr = y + (size_t)row * OUT;
#if STORE_Z
    __global float* zr = z + (size_t)row * OUT;
    for (int o = 0; o < OUT; o++) zr[o] = out[o];
#endif
    for (int o = 0; o < OUT; o++) yr[o] = ACT_F(float, out[o]);
}
#endif

/** wt [OUT, IN8]: W transposed, zero columns from IN to IN8. */
__kernel void dense_transpose_weights(__global const float* restrict p, const int off, __global float* restrict wt)
{
    const int k = get_global_id(0);
    if (k >= OUT * IN8) return;
    const int o = k / IN8, i = k % IN8;
    wt[k] = i < IN ? p[off + i * OUT + o] : 0.0f;
}

#define BT_FMA(j) if (j < k) a##j = fma(g, vload8(j, Wo), a##j);
#define BT_STORE(j) if (j < k) { \
    if (IN % 8 == 0 || c0 + 8 * j + 8 <= IN) vstore8(a##j, j, dxr + c0); \
    else { float t8[8]; vstore8(a##j, 0, t8); for (int q = 0; c0 + 8 * j + q < IN; q++) dxr[c0 + 8 * j + q] = t8[q]; } }

/** dx[c0 .. c0 + 8k) = Σ_o dz[o] · Wᵀ[o, c0 ..] (only the columns below IN written). */
inline void bwt_tile(const int c0, const int k, __global const float* restrict wt, __global const float* gr, __global float* restrict dxr)
{
    UNROLL8(WGT_INIT)
    for (int o = 0; o < OUT; o++) {
        const float8 g = (float8)(gr[o]);
        __global const float* Wo = wt + o * IN8 + c0;
        UNROLL8(BT_FMA)
    }
    UNROLL8(BT_STORE)
}

/** dense_backward_input through wt (dense_transpose_weights): the same results, summed in another order. */
__kernel void dense_backward_input_t(const int n, __global const float* restrict wt,
                                     __global const float* y, __global const float* z,
                                     __global float* dy, __global float* restrict dx)
{
    const int row = get_global_id(0);
    if (row >= n) return;
    __global const float* yr = y + (size_t)row * OUT;
    __global const float* zr = z + (size_t)row * OUT;
    __global float* gr = dy + (size_t)row * OUT;
    for (int o = 0; o < OUT; o++) gr[o] = gr[o] * ACT_D(float, zr[o], yr[o]);
#if HAS_DX
    __global float* dxr = dx + (size_t)row * IN;
    for (int t = 0; t < IN8 / TILE; t++) bwt_tile(t * TILE, 8, wt, gr, dxr);
#if IN8 % TILE != 0
    bwt_tile(IN8 / TILE * TILE, (IN8 % TILE) / 8, wt, gr, dxr);
#endif
#endif
}

#if IN % 32 == 0 && HAS_DX
// Two rows a work-item (dense_backward_input_t2): tiles of 32 inputs for both rows, so that each
// load of Wᵀ feeds two FMAs (8 accumulators, 4 loads of Wᵀ and 2 broadcasts an output), as
// dense_forward_rows2 does for the forward. Each sum runs over o in the same order as in
// dense_backward_input_t: the same bits.
#define BT2_INIT(j) float8 a##j = (float8)(0.0f), e##j = a##j;
#define BT2_FMA(j) { const float8 w = vload8(j, Wo); a##j = fma(g0, w, a##j); e##j = fma(g1, w, e##j); }
#define BT2_STORE(j) vstore8(a##j, j, dx0 + c0); if (two) vstore8(e##j, j, dx1 + c0);

/** dense_backward_input_t for rows 2g and 2g + 1 in work-item g; global size ≥ ceil(n / 2). */
__kernel void dense_backward_input_t2(const int n, __global const float* restrict wt,
                                      __global const float* y, __global const float* z,
                                      __global float* dy, __global float* restrict dx)
{
    const int r0 = 2 * get_global_id(0);
    if (r0 >= n) return;
    const bool two = r0 + 1 < n;
    const int r1 = two ? r0 + 1 : r0;
    __global float* ga = dy + (size_t)r0 * OUT;
    __global float* gb = dy + (size_t)r1 * OUT;
    {
        __global const float* ya = y + (size_t)r0 * OUT;
        __global const float* za = z + (size_t)r0 * OUT;
        for (int o = 0; o < OUT; o++) ga[o] = ga[o] * ACT_D(float, za[o], ya[o]);
    }
    if (two) {
        __global const float* yb = y + (size_t)r1 * OUT;
        __global const float* zb = z + (size_t)r1 * OUT;
        for (int o = 0; o < OUT; o++) gb[o] = gb[o] * ACT_D(float, zb[o], yb[o]);
    }
    __global float* dx0 = dx + (size_t)r0 * IN;
    __global float* dx1 = dx + (size_t)r1 * IN;
    for (int c0 = 0; c0 < IN; c0 += 32) {
        UNROLL4(BT2_INIT)
        for (int o = 0; o < OUT; o++) {
            const float8 g0 = (float8)(ga[o]), g1 = (float8)(gb[o]);
            __global const float* Wo = wt + o * IN8 + c0;
            UNROLL4(BT2_FMA)
        }
        UNROLL4(BT2_STORE)
    }
}
#endif

#if OUT % 32 == 0
// Two inputs a work-item (dense_backward_weights2): tiles of 32 outputs for both inputs, so that
// each load of dz feeds two FMAs (8 accumulators, 4 loads of dz and 2 of x a row).
#define WG2_INIT(j) float8 a##j = (float8)(0.0f), e##j = a##j;
#define WG2_FMA(j) { const float8 d = vload8(j, dr); a##j = fma(x0, d, a##j); e##j = fma(x1, d, e##j); }
#define WG2_STORE(j) vstore8(a##j, j, p0 + c0); if (two) vstore8(e##j, j, p1 + c0);

/** dense_backward_weights for inputs 2g and 2g + 1 in work-item (g, c); global size ≥ ceil((IN + 1) / 2) on the first axis. */
__kernel void dense_backward_weights2(const int n, const int rows_per_chunk, __global const float* restrict x,
                                      __global const float* restrict dz, __global float* restrict partial)
{
    const int i0 = 2 * get_global_id(0);
    const int c = get_global_id(1);
    if (i0 > IN) return;
    const bool two = i0 + 1 <= IN;
    const int i1 = two ? i0 + 1 : i0;
    const int r0 = c * rows_per_chunk;
    const int r1 = min(n, r0 + rows_per_chunk);
    __global float* p0 = partial + (size_t)c * (IN + 1) * OUT + (size_t)i0 * OUT;
    __global float* p1 = partial + (size_t)c * (IN + 1) * OUT + (size_t)i1 * OUT;
    for (int c0 = 0; c0 < OUT; c0 += 32) {
        UNROLL4(WG2_INIT)
        for (int r = r0; r < r1; r++) {
            const float8 x0 = (float8)(i0 < IN ? x[(size_t)r * IN + i0] : 1.0f);
            const float8 x1 = (float8)(i1 < IN ? x[(size_t)r * IN + i1] : 1.0f);
            __global const float* dr = dz + (size_t)r * OUT + c0;
            UNROLL4(WG2_FMA)
        }
        UNROLL4(WG2_STORE)
    }
}
#endif
