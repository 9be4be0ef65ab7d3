// Tensor plumbing shared by every component (twins in RefBackend).

/** t[k] = v for k < count. */
__kernel void fill(const int count, __global float* t, const float v)
{
    const int k = get_global_id(0);
    if (k < count) t[k] = v;
}

/**
 * dst[r, dc0 + j] (+)= src[r, sc0 + j], j < NCOLS; src [n, scols], dst [n, dcols]. NCOLS is a build
 * option: the division of the work-item's index by it becomes a multiply and shift (a division by
 * a number known only at run time is scalar code on a CPU), and a multiple of 4 moves in float4s.
 * nerf-default's seven copies a step took 11.3 ms on PoCL with both at run time, 2.3 ms so.
 */
#ifdef NCOLS
__kernel void copy_cols(const int n, const int scols, const int sc0, const int dcols, const int dc0,
                        const int accumulate, __global const float* src, __global float* dst)
{
#if NCOLS % 4 == 0
    // a work-item per 4 columns of a row, in one float4
    const int gid = get_global_id(0);
    if (gid >= n * (NCOLS / 4)) return;
    const int r = gid / (NCOLS / 4), j = 4 * (gid % (NCOLS / 4));
    const float4 v = vload4(0, src + (size_t)r * scols + sc0 + j);
    __global float* d = dst + (size_t)r * dcols + dc0 + j;
    vstore4(accumulate ? vload4(0, d) + v : v, 0, d);
#else
    const int gid = get_global_id(0);
    if (gid >= n * NCOLS) return;
    const int r = gid / NCOLS, j = gid % NCOLS;
    const float v = src[(size_t)r * scols + sc0 + j];
    __global float* d = dst + (size_t)r * dcols + dc0 + j;
    *d = accumulate ? *d + v : v;
#endif
}
#endif

/** parts[g] = Σ src[k] for k ≡ g (mod global size); the host adds the parts in double. */
__kernel void reduce_sum(const int count, __global const float* src, __global float* parts)
{
    const int g = get_global_id(0), G = get_global_size(0);
    float s = 0.0f;
    for (int k = g; k < count; k += G) s += src[k];
    parts[g] = s;
}

/** grads[goff + k] += Σ_c partial[c, k] for k < len; partial [chunks, len]. */
__kernel void reduce_partials(const int len, const int chunks, __global const float* partial,
                              __global float* grads, const int goff)
{
    const int k = get_global_id(0);
    if (k >= len) return;
    float s = 0.0f;
    for (int c = 0; c < chunks; c++) s += partial[(size_t)c * len + k];
    grads[goff + k] += s;
}

/** PCG-RXS-M-XS (Jarzynski and Olano 2020), as Backend.hash. */
inline uint pcg_hash(uint x)
{
    const uint state = x * 747796405u + 2891336453u;
    const uint word = ((state >> ((state >> 28u) + 4u)) ^ state) * 277803737u;
    return (word >> 22u) ^ word;
}

/** out[r, :] = pool[hash(hash(r) ^ seed) mod pool_rows, :]; pool [pool_rows, cols], out [n, cols]. */
__kernel void sample_rows(const int n, const int cols, const int pool_rows, const uint seed,
                          __global const float* pool, __global float* out)
{
    const int r = get_global_id(0);
    if (r >= n) return;
    const uint idx = pcg_hash(pcg_hash((uint)r) ^ seed) % (uint)pool_rows;
    for (int j = 0; j < cols; j++) out[(size_t)r * cols + j] = pool[(size_t)idx * cols + j];
}

/** y[r, col + j] = codes[index[r]][j]; codes [count, C] at params[off]; rows whose index is out of range get 0. */
__kernel void gather_codes(const int n, const int C, const int count, const int off, const int ycols, const int col,
                           __global const float* params, __global const float* index, __global float* y)
{
    const int gid = get_global_id(0);
    if (gid >= n * C) return;
    const int r = gid / C, j = gid % C;
    const int i = (int)index[r];
    y[(size_t)r * ycols + col + j] = (i >= 0 && i < count) ? params[off + (size_t)i * C + j] : 0.0f;
}

/**
 * grads[off + index[r]·C + j] += dy[r, col + j] + decay · params[off + index[r]·C + j]. One
 * work-item owns column j of every code and walks the rows in order (no atomics; a run of rows
 * sharing a code is summed in a register first); rows whose index is out of range are skipped.
 */
__kernel void gather_codes_backward(const int n, const int C, const int count, const int off, const int dcols, const int col,
                                    const float decay, __global const float* params, __global const float* index,
                                    __global const float* dy, __global float* grads)
{
    const int j = get_global_id(0);
    if (j >= C) return;
    int cur = -1;
    float acc = 0.0f;
    for (int r = 0; r < n; r++) {
        const int i = (int)index[r];
        if (i < 0 || i >= count) continue;
        if (i != cur) {
            if (cur >= 0) grads[off + (size_t)cur * C + j] += acc;
            cur = i;
            acc = 0.0f;
        }
        acc += dy[(size_t)r * dcols + col + j] + decay * params[off + (size_t)i * C + j];
    }
    if (cur >= 0) grads[off + (size_t)cur * C + j] += acc;
}
