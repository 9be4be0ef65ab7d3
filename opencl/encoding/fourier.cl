// Gaussian Fourier features, twin of nfield.field.FourierEncoding (reference: RefBackend).
// x [n, D], matrix B [F, D] at p + off → y [n, INC·D + 2F]: [x if INC], cos(2π x·B_j), sin(2π x·B_j).
// Build options: -D D=<input width> -D F=<features> -D INC=0|1.

#define YC (INC * D + 2 * F)

__kernel void fourier_forward(const int n, __global const float* restrict x, __global const float* restrict p,
                              const int off, __global float* restrict y)
{
    const int r = get_global_id(0);
    if (r >= n) return;
    __global const float* xr = x + (size_t)r * D;
    __global const float* B = p + off;
    __global float* yr = y + (size_t)r * YC;
#if INC
    for (int d = 0; d < D; d++) yr[d] = xr[d];
#endif
    for (int j = 0; j < F; j++) {
        float t = 0.0f;
        for (int d = 0; d < D; d++) t = fma(xr[d], B[j * D + d], t);
        float c;
        const float s = sincos(2.0f * M_PI_F * t, &c);
        yr[INC * D + j] = c;
        yr[INC * D + F + j] = s;
    }
}

/** dy [n, YC] → dx [n, D]; B is frozen (no gradient). */
__kernel void fourier_backward(const int n, __global const float* restrict x, __global const float* restrict p,
                               const int off, __global const float* restrict dy, __global float* restrict dx)
{
    const int r = get_global_id(0);
    if (r >= n) return;
    __global const float* xr = x + (size_t)r * D;
    __global const float* B = p + off;
    __global const float* g = dy + (size_t)r * YC;
    float acc[D];
    for (int d = 0; d < D; d++) acc[d] = INC ? g[d] : 0.0f;
    for (int j = 0; j < F; j++) {
        float t = 0.0f;
        for (int d = 0; d < D; d++) t = fma(xr[d], B[j * D + d], t);
        float c;
        const float s = sincos(2.0f * M_PI_F * t, &c);
        const float k = 2.0f * M_PI_F * (c * g[INC * D + F + j] - s * g[INC * D + j]);
        for (int d = 0; d < D; d++) acc[d] = fma(k, B[j * D + d], acc[d]);
    }
    for (int d = 0; d < D; d++) dx[(size_t)r * D + d] = acc[d];
}
