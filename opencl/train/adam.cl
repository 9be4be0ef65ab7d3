// Adam (Kingma and Ba 2015) in PyTorch's form, twin of RefBackend.adam:
// m = β1 m + (1-β1) g; v = β2 v + (1-β2) g²; p -= step · m / (sqrt(v · inv_c2) + eps),
// with step = lr / (1 - β1^t) and inv_c2 = 1 / (1 - β2^t) computed on the host.
// -D ZERO_G=1: g = 0 once read (the next step's gradients need no clearing pass of their own).
#ifndef ZERO_G
#define ZERO_G 0
#endif
#if ZERO_G
#define GRADS __global float*
#else
#define GRADS __global const float*
#endif
__kernel void adam(const int count, const int off, __global float* p, GRADS g,
                   __global float* m, __global float* v, const float beta1, const float beta2,
                   const float step, const float inv_c2, const float eps)
{
    const int k = get_global_id(0);
    if (k >= count) return;
    const int i = off + k;
    const float gi = g[i];
#if ZERO_G
    g[i] = 0.0f;
#endif
    const float mi = beta1 * m[i] + (1.0f - beta1) * gi;
    const float vi = beta2 * v[i] + (1.0f - beta2) * gi * gi;
    m[i] = mi;
    v[i] = vi;
    p[i] -= step * mi / (sqrt(vi * inv_c2) + eps);
}
