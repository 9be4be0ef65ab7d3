// Elementwise data losses, twin of nfield.compute.LossFn. Build options: -D LOSS=<ordinal> -D LOSS_DELTA=<d>f.
#define LOSS_L2 0
#define LOSS_L1 1
#define LOSS_CLAMPED_L1 2
#define LOSS_HUBER 3

/** elem[k] = loss(pred[k], target[k]); dpred[k] = scale · dloss/dpred; k < count. */
__kernel void loss_forward_backward(const int count, __global const float* pred, __global const float* target,
                                    const float scale, __global float* elem, __global float* dpred)
{
    const int k = get_global_id(0);
    if (k >= count) return;
    const float p = pred[k], t = target[k];
    float v, g;
#if LOSS == LOSS_L2
    v = (p - t) * (p - t);
    g = 2.0f * (p - t);
#elif LOSS == LOSS_L1
    v = fabs(p - t);
    g = sign(p - t);
#elif LOSS == LOSS_CLAMPED_L1
    const float r = clamp(p, -LOSS_DELTA, LOSS_DELTA) - clamp(t, -LOSS_DELTA, LOSS_DELTA);
    v = fabs(r);
    g = fabs(p) < LOSS_DELTA ? sign(r) : 0.0f;
#elif LOSS == LOSS_HUBER
    const float r = p - t, a = fabs(r);
    v = a < LOSS_DELTA ? r * r / (2.0f * LOSS_DELTA) : a - 0.5f * LOSS_DELTA;
    g = a < LOSS_DELTA ? r / LOSS_DELTA : sign(r);
#else
#error "unknown LOSS"
#endif
    if (isnan(p)) { // clamp() of a NaN is a bound in OpenCL: say NaN, as the reference (and every other loss) does
        v = p;
        g = p;
    }
    elem[k] = v;
    dpred[k] = scale * g;
}
