// NeRF frequency encoding, twin of nfield.field.FrequencyEncoding (reference: RefBackend).
// x [n, D] → y [n, D·(INC + 2L)]: [x if INC], then per octave k < L: sin(2^k π x_d), cos(2^k π x_d).
// Build options: -D D=<input width> -D L=<octaves> -D INC=0|1.

#define YC (D * (INC + 2 * L))

__kernel void frequency_forward(const int n, __global const float* restrict x, __global float* restrict y)
{
    const int r = get_global_id(0);
    if (r >= n) return;
    __global const float* xr = x + (size_t)r * D;
    __global float* yr = y + (size_t)r * YC;
#if INC
    for (int d = 0; d < D; d++) yr[d] = xr[d];
#endif
    for (int d = 0; d < D; d++) {
        const float xd = xr[d];
        for (int k = 0; k < L; k++) {
            const float t = (float)(1 << k) * xd; // exact: a power-of-two scaling
            yr[INC * D + 2 * D * k + d] = sinpi(t);
            yr[INC * D + 2 * D * k + D + d] = cospi(t);
        }
    }
}

/** dy [n, YC] → dx [n, D]. */
__kernel void frequency_backward(const int n, __global const float* restrict x, __global const float* restrict dy,
                                 __global float* restrict dx)
{
    const int r = get_global_id(0);
    if (r >= n) return;
    __global const float* xr = x + (size_t)r * D;
    __global const float* g = dy + (size_t)r * YC;
    for (int d = 0; d < D; d++) {
        const float xd = xr[d];
        float s = INC ? g[d] : 0.0f;
        for (int k = 0; k < L; k++) {
            const float t = (float)(1 << k) * xd;
            s += M_PI_F * (float)(1 << k) * (cospi(t) * g[INC * D + 2 * D * k + d] - sinpi(t) * g[INC * D + 2 * D * k + D + d]);
        }
        dx[(size_t)r * D + d] = s;
    }
}
