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

// SIMD lanes (-D VW=4|8|16, the device's preferred float vector width): kernels that take VW
// points at a time in vector types, for CPUs whose OpenCL compilers do not vectorise across
// work-items themselves (PoCL's does not, for these kernels' branches and gathers).
#ifdef VW
#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)
#define FV CAT(float, VW)
#define IV CAT(int, VW)
#define UV CAT(uint, VW)
#define CONVERT_IV CAT(convert_int, VW)
#define CONVERT_UV CAT(convert_uint, VW)
#define CONVERT_FV CAT(convert_float, VW)
#define VLOAD CAT(vload, VW)
#define VSTORE CAT(vstore, VW)

/** hash_cell for VW points at once: cells *c, fractions *t, returns dp/dx per lane. */
inline FV hash_cell_lanes(const FV x, const int N, IV* c, FV* t)
{
    const float h = 0.5f * (float)N;
    IV ci = CONVERT_IV(floor(fma(x, (FV)h, (FV)h)));
    ci += fma(x, (FV)h, (FV)h - CONVERT_FV(ci)) < (FV)0.0f; // true is -1: one cell down where p rounded up to it
    ci = clamp(ci, (IV)0, (IV)(N - 1));
    const FV tt = fma(x, (FV)h, (FV)h - CONVERT_FV(ci));
    const IV lo = x >= (FV)-1.0f, hi = x > (FV)1.0f; // lo: -1 where x ≥ -1 (not NaN)
    *c = select((IV)0, select(ci, (IV)(N - 1), hi), lo);
    *t = select((FV)0.0f, select(tt, (FV)1.0f, hi), lo);
    return select((FV)0.0f, select((FV)h, (FV)0.0f, hi), lo);
}

/** hash_index for VW vertices. */
inline UV hash_index_lanes(const int l, const UV i, const UV j, const UV k)
{
    if (DENSE[l]) {
        const uint n1 = (uint)RES[l] + 1u;
        return i + n1 * (j + n1 * k);
    }
    return (i ^ (j * 2654435761u) ^ (k * 805459861u)) & (UV)((1u << LOG2_T) - 1u);
}

/** Coordinate d of VW points from row r0 on (rows past n - 1 read row n - 1). */
inline FV hash_coord_lanes(const int n, const int r0, const int d, __global const float* restrict x)
{
    float v[VW];
    for (int i = 0; i < VW; i++) v[i] = x[(size_t)min(r0 + i, n - 1) * 3 + d];
    return VLOAD(0, v);
}

/** The 8 corners of level l's cells of VW points: entries e (first float, relative to the level's table) and weights w. */
inline void hash_corners_lanes(const int l, const FV x0, const FV x1, const FV x2, UV e[8], FV w[8])
{
    const int N = RES[l];
    IV c0, c1, c2;
    FV t0, t1, t2;
    hash_cell_lanes(x0, N, &c0, &t0);
    hash_cell_lanes(x1, N, &c1, &t1);
    hash_cell_lanes(x2, N, &c2, &t2);
    const UV u0 = CONVERT_UV(c0), u1 = CONVERT_UV(c1), u2 = CONVERT_UV(c2);
    for (int k = 0; k < 8; k++) {
        const uint b0 = k & 1, b1 = (k >> 1) & 1, b2 = (k >> 2) & 1;
        e[k] = hash_index_lanes(l, u0 + b0, u1 + b1, u2 + b2) * (uint)F;
        w[k] = (b0 ? t0 : 1.0f - t0) * (b1 ? t1 : 1.0f - t1) * (b2 ? t2 : 1.0f - t2);
    }
}

/** hash_forward for VW points a work-item: global size (≥ ceil(n / VW), LEVELS). */
__kernel void hash_forward_lanes(const int n, __global const float* restrict x, __global const float* restrict p,
                                 const int off, __global float* restrict y)
{
    const int r0 = get_global_id(0) * VW, l = get_global_id(1);
    if (r0 >= n) return;
    const FV x0 = hash_coord_lanes(n, r0, 0, x), x1 = hash_coord_lanes(n, r0, 1, x), x2 = hash_coord_lanes(n, r0, 2, x);
#if INC
    if (l == 0) {
        for (int i = 0; i < VW && r0 + i < n; i++) {
            for (int d = 0; d < 3; d++) y[(size_t)(r0 + i) * YC + d] = x[(size_t)(r0 + i) * 3 + d];
        }
    }
#endif
    UV e[8];
    FV w[8];
    hash_corners_lanes(l, x0, x1, x2, e, w);
    __global const float* table = p + off + OFFS[l];
    FV acc[F];
    for (int f = 0; f < F; f++) acc[f] = (FV)0.0f;
    for (int k = 0; k < 8; k++) {
        uint ek[VW];
        VSTORE(e[k], 0, ek);
#if F % 2 == 0
        for (int f = 0; f < F; f += 2) { // pairs of features in one load each
            float v0[VW], v1[VW];
            for (int i = 0; i < VW; i++) {
                const float2 v = vload2(0, table + ek[i] + f);
                v0[i] = v.x;
                v1[i] = v.y;
            }
            acc[f] = fma(w[k], VLOAD(0, v0), acc[f]);
            acc[f + 1] = fma(w[k], VLOAD(0, v1), acc[f + 1]);
        }
#else
        for (int f = 0; f < F; f++) {
            float v[VW];
            for (int i = 0; i < VW; i++) v[i] = table[ek[i] + f];
            acc[f] = fma(w[k], VLOAD(0, v), acc[f]);
        }
#endif
    }
    for (int f = 0; f < F; f++) {
        float a[VW];
        VSTORE(acc[f], 0, a);
        for (int i = 0; i < VW && r0 + i < n; i++) y[(size_t)(r0 + i) * YC + 3 * INC + l * F + f] = a[i];
    }
}
#endif

// How the table gradient is gathered (-D SCATTER=...; nfield.compute.opencl.ClBackend.HashScatter):
//  0 float atomics: every (point, level) work-item adds w·dy into the table by compare-and-swap,
//    in no fixed order, so the float sums differ from run to run in their last bits;
//  1 fixed point: the same work-items add round(w·dy·2^k) into a 64-bit integer accumulator
//    (atom_add, order-free: integer sums are exact), then hash_fixed_to_float adds 2^-k·acc into
//    grads and zeroes acc. k is chosen per level from the level's max|dy| (hash_dy_max) so that no
//    sum can overflow, which leaves 2^-(61 - log2 n) of that max as the resolution: finer than the
//    rounding of a float sum of the larger terms, though a term below it is lost;
//  2 owner: one work-item per level adds its level's contributions, point after point, with plain
//    loads and stores (hash_backward_owned): no atomics, a fixed order, LEVELS-way parallel; the
//    owner-lanes variant (hash_backward_owned_lanes) computes cells and weights VW points at a time.
// Modes 1 and 2 give the same bits on every run.
#ifndef SCATTER
#define SCATTER 0
#endif
#if SCATTER == 1
#pragma OPENCL EXTENSION cl_khr_int64_base_atomics : enable
#endif

/** The 8 corners of point xr's cell at level l: entries e (first float, relative to the level's table) and weights w. */
inline void hash_corners(const int l, __global const float* xr, uint e[8], float w[8], float t[3], float s[3])
{
    const int N = RES[l];
    int c0, c1, c2;
    s[0] = hash_cell(xr[0], N, &c0, &t[0]);
    s[1] = hash_cell(xr[1], N, &c1, &t[1]);
    s[2] = hash_cell(xr[2], N, &c2, &t[2]);
    for (int k = 0; k < 8; k++) {
        e[k] = hash_index(l, c0 + (k & 1), c1 + ((k >> 1) & 1), c2 + ((k >> 2) & 1)) * F;
        w[k] = ((k & 1) ? t[0] : 1.0f - t[0]) * ((k & 2) ? t[1] : 1.0f - t[1]) * ((k & 4) ? t[2] : 1.0f - t[2]);
    }
}

/** The shift k of SCATTER 1 for a batch of n points whose |dy| is at most as_float(mbits) (finite, > 0). */
inline int fixed_shift(const uint mbits, const int n)
{
    const int log2n = n <= 1 ? 0 : 32 - clz(n - 1); // n ≤ 2^log2n
    // a sum is at most n·max|dy| < 2^(log2n + ilogb(max) + 1), so 2^k times it stays below 2^62
    return 61 - log2n - ilogb(as_float(mbits));
}

/**
 * dy [n, YC] → table gradient += Σ w·dy for each vertex's entry (by SCATTER: grads by float
 * atomics, or the fixed-point accumulator acc [paramCount] with mbits[l] = bits of level l's max|dy|);
 * with HAS_DX, dxl [LEVELS, n, 3] = level l's part of dx.
 * Global size (≥ n, LEVELS).
 */
__kernel void hash_backward(const int n, __global const float* restrict x, __global const float* restrict p,
                            const int off,
#if SCATTER == 1
                            volatile __global long* acc, __global const uint* restrict mbits,
#else
                            __global float* grads,
#endif
                            __global const float* restrict dy, __global float* restrict dxl)
{
    const int r = get_global_id(0), l = get_global_id(1);
    if (r >= n) return;
    __global const float* xr = x + (size_t)r * 3;
    uint e[8];
    float w[8], t[3], s[3];
    hash_corners(l, xr, e, w, t, s);
    float g[F];
    bool any = false;
    for (int f = 0; f < F; f++) {
        g[f] = dy[(size_t)r * YC + 3 * INC + l * F + f];
        any |= g[f] != 0.0f;
    }
#ifndef HAS_GRADS
#define HAS_GRADS 1
#endif
#if SCATTER == 1
    if (HAS_GRADS && any && mbits[l] < 0x7f800000u) { // not with inf or NaN in dy: hash_fixed_to_float says so
        const int sh = fixed_shift(mbits[l], n);
        volatile __global long* at = acc + OFFS[l];
        for (int k = 0; k < 8; k++) {
            if (w[k] == 0.0f) continue;
            for (int f = 0; f < F; f++) {
                const long v = convert_long_rte(ldexp(w[k] * g[f], sh));
                if (v != 0) atom_add(at + e[k] + f, v);
            }
        }
    }
#elif SCATTER == 0
    if (HAS_GRADS && any) {
        // Plain loads of all 8 entries first, as the swaps' guesses: their cache misses overlap,
        // whereas a locked compare-and-swap waits for everything issued before it. These loads
        // race with other work-items' swaps by design (a stale guess costs one more round);
        // OclgrindTest lets races on the lines marked "racy guess" pass, and no others.
#if PAIRS
        volatile __global ulong* gt = (volatile __global ulong*)(grads + off + OFFS[l]);
        ulong old[8][F / 2];
        for (int k = 0; k < 8; k++) for (int q = 0; q < F / 2; q++) old[k][q] = gt[e[k] / 2 + q]; // racy guess
#else
        volatile __global uint* gt = (volatile __global uint*)(grads + off + OFFS[l]);
        uint old[8][F];
        for (int k = 0; k < 8; k++) for (int f = 0; f < F; f++) old[k][f] = gt[e[k] + f]; // racy guess
#endif
        for (int k = 0; k < 8; k++) {
            if (w[k] == 0.0f) continue;
#if PAIRS
            for (int q = 0; q < F / 2; q++) atomic_add_float2(gt + e[k] / 2 + q, old[k][q], w[k] * (float2)(g[2 * q], g[2 * q + 1]));
#else
            for (int f = 0; f < F; f++) atomic_add_float(gt + e[k] + f, old[k][f], w[k] * g[f]);
#endif
        }
    }
#endif
#if HAS_DX
    __global const float* table = p + off + OFFS[l];
    float a0 = 0.0f, a1 = 0.0f, a2 = 0.0f;
    for (int k = 0; k < 8; k++) {
        const int b0 = k & 1, b1 = (k >> 1) & 1, b2 = (k >> 2) & 1;
        const float w0 = b0 ? t[0] : 1.0f - t[0], w1 = b1 ? t[1] : 1.0f - t[1], w2 = b2 ? t[2] : 1.0f - t[2];
        float v = 0.0f; // entry · dy
        for (int f = 0; f < F; f++) v = fma(table[e[k] + f], g[f], v);
        a0 += (b0 ? v : -v) * w1 * w2;
        a1 += (b1 ? v : -v) * w0 * w2;
        a2 += (b2 ? v : -v) * w0 * w1;
    }
    __global float* o = dxl + ((size_t)l * n + r) * 3;
    o[0] = s[0] * a0;
    o[1] = s[1] * a1;
    o[2] = s[2] * a2;
#endif
}

/**
 * mbits[l] = max(mbits[l], bits of max_r |dy[r, level l's columns]|) (positive floats order as
 * their bits, and max is order-free): a work-group's max in local memory, then one global atomic
 * of each work-group. Global size (≥ n, LEVELS), work-groups of points of one level.
 */
__kernel void hash_dy_max(const int n, __global const float* restrict dy, volatile __global uint* mbits)
{
    const int r = get_global_id(0), l = get_global_id(1);
    __local uint group;
    if (get_local_id(0) == 0) group = 0;
    barrier(CLK_LOCAL_MEM_FENCE);
    if (r < n) {
        uint m = 0;
        for (int f = 0; f < F; f++) m = max(m, as_uint(fabs(dy[(size_t)r * YC + 3 * INC + l * F + f])));
        atomic_max(&group, m);
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    if (get_local_id(0) == 0) atomic_max(mbits + l, group);
}

/**
 * SCATTER 1's last pass: grads[off + i] += 2^-k·acc[i], acc[i] = 0, for i < count (with inf or NaN
 * in dy, grads become NaN, as the float sums would). Global size ≥ count.
 */
__kernel void hash_fixed_to_float(const int count, const int n, __global long* restrict acc,
                                  __global const uint* restrict mbits, const int off, __global float* restrict grads)
{
    const int i = get_global_id(0);
    if (i >= count) return;
    int l = LEVELS - 1;
    while (i < OFFS[l]) l--;
    const uint mb = mbits[l];
    if (mb >= 0x7f800000u) { grads[off + i] = NAN; return; }
    const long a = acc[i];
    if (a == 0) return;
    grads[off + i] += ldexp(convert_float(a), -fixed_shift(mb, n));
    acc[i] = 0;
}

/**
 * SCATTER 2: grads[off + OFFS[l] + e·F + f] += w·dy, level l's work-item going through the points
 * in order (no atomics: one work-item owns a level's table). Global size LEVELS.
 */
__kernel void hash_backward_owned(const int n, __global const float* restrict x, const int off,
                                  __global float* grads, __global const float* restrict dy)
{
    const int l = get_global_id(0);
    if (l >= LEVELS) return;
    __global float* gt = grads + off + OFFS[l];
    for (int r = 0; r < n; r++) {
        float g[F];
        bool any = false;
        for (int f = 0; f < F; f++) {
            g[f] = dy[(size_t)r * YC + 3 * INC + l * F + f];
            any |= g[f] != 0.0f;
        }
        if (!any) continue;
        uint e[8];
        float w[8], t[3], s[3];
        hash_corners(l, x + (size_t)r * 3, e, w, t, s);
        for (int k = 0; k < 8; k++) {
            if (w[k] == 0.0f) continue;
            for (int f = 0; f < F; f++) gt[e[k] + f] += w[k] * g[f];
        }
    }
}

#ifdef VW
/**
 * SCATTER 2 with the cells, entries and weights of VW points at a time computed in vector lanes
 * (hash_corners_lanes); the adds stay in point order (reproducible), a pair of features at a time
 * where F is even. Global size LEVELS.
 */
__kernel void hash_backward_owned_lanes(const int n, __global const float* restrict x, const int off,
                                        __global float* grads, __global const float* restrict dy)
{
    const int l = get_global_id(0);
    if (l >= LEVELS) return;
    __global float* gt = grads + off + OFFS[l];
    for (int r0 = 0; r0 < n; r0 += VW) {
        float g[VW][F];
        bool any = false;
        for (int i = 0; i < VW; i++) {
            for (int f = 0; f < F; f++) {
                g[i][f] = r0 + i < n ? dy[(size_t)(r0 + i) * YC + 3 * INC + l * F + f] : 0.0f;
                any |= g[i][f] != 0.0f;
            }
        }
        if (!any) continue;
        UV e[8];
        FV w[8];
        hash_corners_lanes(l, hash_coord_lanes(n, r0, 0, x), hash_coord_lanes(n, r0, 1, x), hash_coord_lanes(n, r0, 2, x), e, w);
        uint ek[8][VW];
        float wk[8][VW];
        for (int k = 0; k < 8; k++) {
            VSTORE(e[k], 0, ek[k]);
            VSTORE(w[k], 0, wk[k]);
        }
        for (int i = 0; i < VW && r0 + i < n; i++) {
            for (int k = 0; k < 8; k++) {
                if (wk[k][i] == 0.0f) continue;
#if F % 2 == 0
                for (int f = 0; f < F; f += 2) {
                    __global float* q = gt + ek[k][i] + f;
                    vstore2(vload2(0, q) + wk[k][i] * (float2)(g[i][f], g[i][f + 1]), 0, q);
                }
#else
                for (int f = 0; f < F; f++) gt[ek[k][i] + f] += wk[k][i] * g[i][f];
#endif
            }
        }
    }
}
#endif

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
