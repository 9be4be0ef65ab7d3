// Activations y = f(z) and their derivatives dy/dz, twin of nfield.compute.Activation.
// Selected at build time: -D ACT=<ordinal of Activation.Kind> -D ACT_PARAM=<beta | omega0>f.
// ACT_F(T, z) and ACT_D(T, z, y) work for T = float and T = float8.
#define ACT_NONE 0
#define ACT_RELU 1
#define ACT_SOFTPLUS 2
#define ACT_SINE 3
#define ACT_SIGMOID 4
#define ACT_TRUNC_EXP 5

#if ACT == ACT_NONE
#define ACT_F(T, z) (z)
#define ACT_D(T, z, y) ((T)(1.0f))
#elif ACT == ACT_RELU
#define ACT_F(T, z) fmax((z), (T)(0.0f))
#define ACT_D(T, z, y) select((T)(0.0f), (T)(1.0f), isgreater((z), (T)(0.0f)))
#elif ACT == ACT_SOFTPLUS
#define ACT_F(T, z) (fmax((z), (T)(0.0f)) + log1p(exp(-(T)(ACT_PARAM) * fabs(z))) / (T)(ACT_PARAM))
#define ACT_D(T, z, y) ((T)(1.0f) / ((T)(1.0f) + exp(-(T)(ACT_PARAM) * (z))))
#elif ACT == ACT_SINE
#define ACT_F(T, z) sin((T)(ACT_PARAM) * (z))
#define ACT_D(T, z, y) ((T)(ACT_PARAM) * cos((T)(ACT_PARAM) * (z)))
#elif ACT == ACT_SIGMOID
#define ACT_F(T, z) ((T)(1.0f) / ((T)(1.0f) + exp(-(z))))
#define ACT_D(T, z, y) ((y) * ((T)(1.0f) - (y)))
#elif ACT == ACT_TRUNC_EXP
#define ACT_F(T, z) exp(z)
#define ACT_D(T, z, y) exp(clamp((z), (T)(-15.0f), (T)(15.0f)))
#else
#error "unknown ACT"
#endif

/** z [n, cols] → y [n, cols], columns [col0, col0 + ncols) only. One work-item per element. */
__kernel void act_forward(const int n, const int cols, const int col0, const int ncols,
                          __global const float* z, __global float* y)
{
    const int gid = get_global_id(0);
    if (gid >= n * ncols) return;
    const int k = (gid / ncols) * cols + col0 + gid % ncols;
    y[k] = ACT_F(float, z[k]);
}

/** dz[k] = dy[k] · act'(z[k], y[k]) over the same columns; z, y, dy, dz [n, cols]. */
__kernel void act_backward(const int n, const int cols, const int col0, const int ncols,
                           __global const float* z, __global const float* y,
                           __global const float* dy, __global float* dz)
{
    const int gid = get_global_id(0);
    if (gid >= n * ncols) return;
    const int k = (gid / ncols) * cols + col0 + gid % ncols;
    dz[k] = dy[k] * ACT_D(float, z[k], y[k]);
}
