// Real spherical harmonics, twin of nfield.field.SphericalHarmonicsEncoding (reference: RefBackend).
// The basis comes as polynomial terms: terms [nterms, 5] = (column, coefficient, px, py, pz);
// the host uploads SphericalHarmonicsEncoding.TERMS, the first nterms of which have column < w.

/** x [n, 3] → y [n, w]. */
__kernel void sh_forward(const int n, const int w, const int nterms, __global const float* restrict terms,
                         __global const float* restrict x, __global float* restrict y)
{
    const int r = get_global_id(0);
    if (r >= n) return;
    const float px = x[3 * r], py = x[3 * r + 1], pz = x[3 * r + 2];
    __global float* yr = y + (size_t)r * w;
    for (int c = 0; c < w; c++) yr[c] = 0.0f;
    for (int t = 0; t < nterms; t++) {
        __global const float* k = terms + 5 * t;
        yr[(int) k[0]] += k[1] * pown(px, (int) k[2]) * pown(py, (int) k[3]) * pown(pz, (int) k[4]);
    }
}

/** dy [n, w] → dx [n, 3]: the terms' derivatives. */
__kernel void sh_backward(const int n, const int w, const int nterms, __global const float* restrict terms,
                          __global const float* restrict x, __global const float* restrict dy, __global float* restrict dx)
{
    const int r = get_global_id(0);
    if (r >= n) return;
    const float px = x[3 * r], py = x[3 * r + 1], pz = x[3 * r + 2];
    float gx = 0.0f, gy = 0.0f, gz = 0.0f;
    for (int t = 0; t < nterms; t++) {
        __global const float* k = terms + 5 * t;
        const int ex = (int) k[2], ey = (int) k[3], ez = (int) k[4];
        const float c = k[1] * dy[(size_t)r * w + (int) k[0]];
        if (ex > 0) gx += c * ex * pown(px, ex - 1) * pown(py, ey) * pown(pz, ez);
        if (ey > 0) gy += c * ey * pown(px, ex) * pown(py, ey - 1) * pown(pz, ez);
        if (ez > 0) gz += c * ez * pown(px, ex) * pown(py, ey) * pown(pz, ez - 1);
    }
    dx[3 * r] = gx;
    dx[3 * r + 1] = gy;
    dx[3 * r + 2] = gz;
}
