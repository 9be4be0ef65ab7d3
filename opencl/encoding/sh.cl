// Real spherical harmonics, twin of nfield.field.SphericalHarmonicsEncoding (reference: RefBackend).
// The basis comes as polynomial terms, from the host at build time (SphericalHarmonicsEncoding.TERMS):
//   -D W=<degree²> -D SH_TERMS=T(column,coef,px,py,pz)T(...)...  (the terms whose column < W)
// so every term unrolls into straight-line code: powers are products, the W sums stay in registers.
// (A loop over a term table in global memory with pown() took ~2 µs a row on PoCL: 50x slower.)

#define P0(v) 1.0f
#define P1(v) (v)
#define P2(v) ((v) * (v))
#define P3(v) ((v) * (v) * (v))
#define P(v, e) P##e(v)
// d/dv v^e
#define D0(v) 0.0f
#define D1(v) 1.0f
#define D2(v) (2.0f * (v))
#define D3(v) (3.0f * (v) * (v))
#define D(v, e) D##e(v)

#define ZERO16(M) M(0) M(1) M(2) M(3) M(4) M(5) M(6) M(7) M(8) M(9) M(10) M(11) M(12) M(13) M(14) M(15)
#define DECLARE(c) float a##c = 0.0f;
#define STORE(c) if (c < W) yr[c] = a##c;

/** x [n, 3] → y [n, W]. */
__kernel void sh_forward(const int n, __global const float* restrict x, __global float* restrict y)
{
    const int r = get_global_id(0);
    if (r >= n) return;
    const float px = x[3 * r], py = x[3 * r + 1], pz = x[3 * r + 2];
    ZERO16(DECLARE)
#define T(c, k, ex, ey, ez) a##c += (k) * (P(px, ex) * P(py, ey) * P(pz, ez));
    SH_TERMS
#undef T
    __global float* yr = y + (size_t)r * W;
    ZERO16(STORE)
}

/** dy [n, W] → dx [n, 3]: the terms' derivatives. */
__kernel void sh_backward(const int n, __global const float* restrict x, __global const float* restrict dy,
                          __global float* restrict dx)
{
    const int r = get_global_id(0);
    if (r >= n) return;
    const float px = x[3 * r], py = x[3 * r + 1], pz = x[3 * r + 2];
    __global const float* g = dy + (size_t)r * W;
    float gx = 0.0f, gy = 0.0f, gz = 0.0f;
#define T(c, k, ex, ey, ez) { const float s = (k) * g[c]; \
        gx += s * (D(px, ex) * P(py, ey) * P(pz, ez)); \
        gy += s * (P(px, ex) * D(py, ey) * P(pz, ez)); \
        gz += s * (P(px, ex) * P(py, ey) * D(pz, ez)); }
    SH_TERMS
#undef T
    dx[3 * r] = gx;
    dx[3 * r + 1] = gy;
    dx[3 * r + 2] = gz;
}
