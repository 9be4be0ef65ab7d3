// The eikonal term by central differences (twin of RefBackend.stencilPoints / eikonal).

/** points [B, 3] → out [6m, 3]: row 6r + 2k + s = p_r ± h e_k (s = 0: +, s = 1: −). */
__kernel void stencil_points(const int m, const float h, __global const float* points, __global float* out)
{
    const int q = get_global_id(0);
    if (q >= 6 * m) return;
    const int r = q / 6, k = (q % 6) / 2, s = q % 2;
    for (int d = 0; d < 3; d++) out[q * 3 + d] = points[r * 3 + d] + (d == k ? (s == 0 ? h : -h) : 0.0f);
}

/** values [6m, 1] → elem [m, 1] = (|g| − 1)², dvalues [6m, 1] = scale · d elem / d values. */
__kernel void eikonal(const int m, const float h, const float scale, __global const float* values,
                      __global float* elem, __global float* dvalues)
{
    const int r = get_global_id(0);
    if (r >= m) return;
    float g[3];
    float n2 = 0.0f;
    for (int k = 0; k < 3; k++) {
        g[k] = (values[6 * r + 2 * k] - values[6 * r + 2 * k + 1]) / (2.0f * h);
        n2 += g[k] * g[k];
    }
    const float n = sqrt(n2);
    elem[r] = (n - 1.0f) * (n - 1.0f);
    for (int k = 0; k < 3; k++) {
        const float dg = n > 0.0f ? scale * 2.0f * (n - 1.0f) * g[k] / n / (2.0f * h) : 0.0f;
        dvalues[6 * r + 2 * k] = dg;
        dvalues[6 * r + 2 * k + 1] = -dg;
    }
}
