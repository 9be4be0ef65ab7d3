// Volume rendering along rays, forward and backward (twin of RefBackend.volumeRender*).
// Ray r owns rows [rays[2r], rays[2r] + rays[2r+1]) of samples [S, 4] = (sigma, r, g, b);
// deltas [S] are the segment lengths. One work-item per ray.

__kernel void volume_render(const int nrays, const float min_t, __global const float* samples,
                            __global const float* deltas, __global const float* rays,
                            __global const float* background, __global float* out)
{
    const int r = get_global_id(0);
    if (r >= nrays) return;
    const int first = (int) rays[2 * r], count = (int) rays[2 * r + 1];
    float t = 1.0f, cr = 0.0f, cg = 0.0f, cb = 0.0f;
    for (int i = first; i < first + count; i++) {
        const float alpha = 1.0f - exp(-samples[4 * i] * deltas[i]);
        const float w = t * alpha;
        cr += w * samples[4 * i + 1];
        cg += w * samples[4 * i + 2];
        cb += w * samples[4 * i + 3];
        t *= 1.0f - alpha;
        if (t < min_t) break;
    }
    out[4 * r] = cr + t * background[3 * r];
    out[4 * r + 1] = cg + t * background[3 * r + 1];
    out[4 * r + 2] = cb + t * background[3 * r + 2];
    out[4 * r + 3] = 1.0f - t;
}

__kernel void volume_render_backward(const int nrays, const float min_t, __global const float* samples,
                                     __global const float* deltas, __global const float* rays,
                                     __global const float* out, __global const float* dout,
                                     __global float* dsamples)
{
    const int r = get_global_id(0);
    if (r >= nrays) return;
    const int first = (int) rays[2 * r], count = (int) rays[2 * r + 1];
    float t_end = 1.0f;
    int end = first + count;
    for (int i = first; i < first + count; i++) {
        t_end *= 1.0f - (1.0f - exp(-samples[4 * i] * deltas[i])); // the forward pass's operations
        if (t_end < min_t) {
            end = i + 1;
            break;
        }
    }
    const float gr = dout[4 * r], gg = dout[4 * r + 1], gb = dout[4 * r + 2], go = dout[4 * r + 3];
    const float or_ = out[4 * r], og = out[4 * r + 1], ob = out[4 * r + 2];
    float t = 1.0f, pr = 0.0f, pg = 0.0f, pb = 0.0f;
    for (int i = first; i < first + count; i++) {
        if (i >= end) {
            dsamples[4 * i] = 0.0f;
            dsamples[4 * i + 1] = 0.0f;
            dsamples[4 * i + 2] = 0.0f;
            dsamples[4 * i + 3] = 0.0f;
            continue;
        }
        const float alpha = 1.0f - exp(-samples[4 * i] * deltas[i]);
        const float w = t * alpha, t_next = t * (1.0f - alpha);
        const float c0 = samples[4 * i + 1], c1 = samples[4 * i + 2], c2 = samples[4 * i + 3];
        pr += w * c0;
        pg += w * c1;
        pb += w * c2;
        const float s = gr * (t_next * c0 - (or_ - pr)) + gg * (t_next * c1 - (og - pg)) + gb * (t_next * c2 - (ob - pb))
                + go * t_end;
        dsamples[4 * i] = deltas[i] * s;
        dsamples[4 * i + 1] = w * gr;
        dsamples[4 * i + 2] = w * gg;
        dsamples[4 * i + 3] = w * gb;
        t = t_next;
    }
}
