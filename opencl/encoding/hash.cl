// Multiresolution hash encoding (Müller et al. 2022, sec. 3), twin of nfield.field.HashEncoding
// (reference: RefBackend; layout and indexing: nfield.compute.HashSpec).
// x [n, 3] → y [n, YC], YC = 3·INC + LEVELS·F: [x if INC], then for level l the F features
// trilinearly interpolated from the level's table (T_l entries × F floats at p + off + OFFS[l])
// at the 8 vertices of the point's cell in a grid of resolution RES[l].
// Build options: -D LEVELS=<L> -D F=<features> -D INC=0|1 -D LOG2_T=<log2 of the hashed table size>
//   -D RES_LIST=<N_0,N_1,...> -D OFFS_LIST=<float offset of each level's table>
//   -D DENSE_LIST=<1 where level l is indexed densely, else 0>; backward also -D HAS_DX=0|1 and
//   -D EVEN_OFF=0|1 (whether off is even: pairs of features then lie 8-byte aligned).
// Launch: 2-D, dimension 0 the point, dimension 1 the level (level-major work-groups keep one
// level's table in cache at a time).

#define YC (3 * INC + LEVELS * F)

__constant int RES[LEVELS] = {RES_LIST};
__constant int OFFS[LEVELS] = {OFFS_LIST};
__constant int DENSE[LEVELS] = {DENSE_LIST};

/**
 * One axis of a point in a grid of resolution N: the cell *c = min(floor(p), N - 1) and the
 * fraction *t = p - c, with p = (x + 1)/2 · N = fma(x, N/2, N/2) clamped to [0, N]; returns
 * dp/dx (N/2, or 0 where clamped). fma(x, N/2, N/2 - c) is p - c rounded once (N/2 - c is
 * exact), so its sign says whether rounding p pushed it up to the integer c: the cell is exact,
 * the same as the reference's, and t is accurate to a float ulp of 1 even where p is large.
 */
inline float hash_cell(const float x, const int N, int* c, float* t)
{
    const float h = 0.5f * (float)N;
    if (!(x >= -1.0f)) { *c = 0; *t = 0.0f; return 0.0f; }
    if (x > 1.0f) { *c = N - 1; *t = 1.0f; return 0.0f; }
    int ci = (int)floor(fma(x, h, h));
    if (fma(x, h, h - (float)ci) < 0.0f) ci--;
    ci = clamp(ci, 0, N - 1);
    *c = ci;
    *t = fma(x, h, h - (float)ci);
    return h;
}

/** The table entry of vertex (i, j, k) of level l. */
inline uint hash_index(const int l, const uint i, const uint j, const uint k)
{
    if (DENSE[l]) {
        const uint n1 = (uint)RES[l] + 1u;
        return i + n1 * (j + n1 * k);
    }
    return (i ^ (j * 2654435761u) ^ (k * 805459861u)) & ((1u << LOG2_T) - 1u);
}

// The table scatter adds floats atomically by compare-and-swap on their bits (OpenCL 1.2 has no
// float atomic add). Where features come in pairs at 8-byte aligned addresses (F even, off even)
// and the device has 64-bit atomics, one swap adds a pair: half the locked operations.
#if F % 2 == 0 && EVEN_OFF && defined(cl_khr_int64_base_atomics)
#pragma OPENCL EXTENSION cl_khr_int64_base_atomics : enable
#define PAIRS 1
#else
#define PAIRS 0
#endif

/** *p += v, atomically; {@code old} is a guess of *p (a wrong guess costs one more round). */
inline void atomic_add_float(volatile __global uint* p, uint old, const float v)
{
    for (;;) {
        const uint seen = atomic_cmpxchg(p, old, as_uint(as_float(old) + v));
        if (seen == old) return;
        old = seen;
    }
}

#if PAIRS
/** The pair of floats at p (8-byte aligned) += v, atomically; {@code old} is a guess of its bits. */
inline void atomic_add_float2(volatile __global ulong* p, ulong old, const float2 v)
{
    for (;;) {
        const ulong seen = atom_cmpxchg(p, old, as_ulong(as_float2(old) + v));
        if (seen == old) return;
        old = seen;
    }
}
#endif

/** x [n, 3], tables at p + off → y [n, YC]; global size (≥ n, LEVELS). */
__kernel void hash_forward(const int n, __global const float* restrict x, __global const float* restrict p,
                           const int off, __global float* restrict y)
{
    const int r = get_global_id(0), l = get_global_id(1);
    if (r >= n) return;
    __global const float* xr = x + (size_t)r * 3;
    __global float* yr = y + (size_t)r * YC;
#if INC
    if (l == 0) { yr[0] = xr[0]; yr[1] = xr[1]; yr[2] = xr[2]; }
#endif
    const int N = RES[l];
    int c0, c1, c2;
    float t0, t1, t2;
    hash_cell(xr[0], N, &c0, &t0);
    hash_cell(xr[1], N, &c1, &t1);
    hash_cell(xr[2], N, &c2, &t2);
    __global const float* table = p + off + OFFS[l];
    float acc[F];
    for (int f = 0; f < F; f++) acc[f] = 0.0f;
    for (int k = 0; k < 8; k++) {
        const int b0 = k & 1, b1 = (k >> 1) & 1, b2 = (k >> 2) & 1;
        const float w = (b0 ? t0 : 1.0f - t0) * (b1 ? t1 : 1.0f - t1) * (b2 ? t2 : 1.0f - t2);
        __global const float* e = table + (size_t)hash_index(l, c0 + b0, c1 + b1, c2 + b2) * F;
        for (int f = 0; f < F; f++) acc[f] = fma(w, e[f], acc[f]);
    }
    for (int f = 0; f < F; f++) yr[3 * INC + l * F + f] = acc[f];
}

/**
 * dy [n, YC] → grads[off + OFFS[l] + e·F + f] += w·dy for each vertex's entry e (atomic: points
 * and hash collisions share entries, in no fixed order); with HAS_DX, dxl [LEVELS, n, 3] = level
 * l's part of dx.
 * Global size (≥ n, LEVELS).
 */
__kernel void hash_backward(const int n, __global const float* restrict x, __global const float* restrict p,
                            const int off, __global float* grads, __global const float* restrict dy,
                            __global float* restrict dxl)
{
    const int r = get_global_id(0), l = get_global_id(1);
    if (r >= n) return;
    __global const float* xr = x + (size_t)r * 3;
    const int N = RES[l];
    int c0, c1, c2;
    float t0, t1, t2;
    const float s0 = hash_cell(xr[0], N, &c0, &t0);
    const float s1 = hash_cell(xr[1], N, &c1, &t1);
    const float s2 = hash_cell(xr[2], N, &c2, &t2);
    float g[F];
    bool any = false;
    for (int f = 0; f < F; f++) {
        g[f] = dy[(size_t)r * YC + 3 * INC + l * F + f];
        any |= g[f] != 0.0f;
    }
    uint e[8]; // first float of each corner's entry, relative to the level's table
    for (int k = 0; k < 8; k++) e[k] = hash_index(l, c0 + (k & 1), c1 + ((k >> 1) & 1), c2 + ((k >> 2) & 1)) * F;
#ifndef HAS_GRADS
#define HAS_GRADS 1
#endif
    if (HAS_GRADS && any) {
        // Plain loads of all 8 entries first, as the swaps' guesses: their cache misses overlap,
        // whereas a locked compare-and-swap waits for everything issued before it.
#if PAIRS
        volatile __global ulong* gt = (volatile __global ulong*)(grads + off + OFFS[l]);
        ulong old[8][F / 2];
        for (int k = 0; k < 8; k++) for (int q = 0; q < F / 2; q++) old[k][q] = gt[e[k] / 2 + q];
#else
        volatile __global uint* gt = (volatile __global uint*)(grads + off + OFFS[l]);
        uint old[8][F];
        for (int k = 0; k < 8; k++) for (int f = 0; f < F; f++) old[k][f] = gt[e[k] + f];
#endif
        for (int k = 0; k < 8; k++) {
            const float w = ((k & 1) ? t0 : 1.0f - t0) * ((k & 2) ? t1 : 1.0f - t1) * ((k & 4) ? t2 : 1.0f - t2);
            if (w == 0.0f) continue;
#if PAIRS
            for (int q = 0; q < F / 2; q++) atomic_add_float2(gt + e[k] / 2 + q, old[k][q], w * (float2)(g[2 * q], g[2 * q + 1]));
#else
            for (int f = 0; f < F; f++) atomic_add_float(gt + e[k] + f, old[k][f], w * g[f]);
#endif
        }
    }
#if HAS_DX
    __global const float* table = p + off + OFFS[l];
    float a0 = 0.0f, a1 = 0.0f, a2 = 0.0f;
    for (int k = 0; k < 8; k++) {
        const int b0 = k & 1, b1 = (k >> 1) & 1, b2 = (k >> 2) & 1;
        const float w0 = b0 ? t0 : 1.0f - t0, w1 = b1 ? t1 : 1.0f - t1, w2 = b2 ? t2 : 1.0f - t2;
        float v = 0.0f; // entry · dy
        for (int f = 0; f < F; f++) v = fma(table[e[k] + f], g[f], v);
        a0 += (b0 ? v : -v) * w1 * w2;
        a1 += (b1 ? v : -v) * w0 * w2;
        a2 += (b2 ? v : -v) * w0 * w1;
    }
    __global float* o = dxl + ((size_t)l * n + r) * 3;
    o[0] = s0 * a0;
    o[1] = s1 * a1;
    o[2] = s2 * a2;
#endif
}

/** dx [n, 3] = (dy[:, 0:3] if INC) + Σ_l dxl[l]; dxl [LEVELS, n, 3]. */
__kernel void hash_backward_dx(const int n, __global const float* restrict dy, __global const float* restrict dxl,
                               __global float* restrict dx)
{
    const int r = get_global_id(0);
    if (r >= n) return;
    for (int d = 0; d < 3; d++) {
        float s = INC ? dy[(size_t)r * YC + d] : 0.0f;
        for (int l = 0; l < LEVELS; l++) s += dxl[((size_t)l * n + r) * 3 + d];
        dx[(size_t)r * 3 + d] = s;
    }
}
