#version 330 core
// Sphere tracing of an SDF over the field box [-1, 1]^3. The marker line below (include sdf) is replaced by
// a definition of float sdf(vec3 p): baked_sdf.glsl (a 3D texture) or the field's network
// (nfield.render.FieldGlsl). Twin of nfield.render.CpuTracer: the same steps, constants and
// shading, in the same order.
uniform float res;          // grid resolution: the gradient's step is 2 / (res - 1)
uniform vec3 eye, right, up, forward;
uniform float tanHalfFov, aspect;
uniform vec2 size;          // viewport in pixels
#ifdef FIXED_MODE
const int mode = FIXED_MODE;  // a program per mode: llvmpipe runs every branch it cannot rule out
#else
uniform int mode;           // 0 shaded, 1 normals, 2 depth, 3 steps, 4 slice
#endif
uniform int discardMisses;  // 1: a ray that hits nothing is discarded (the target was cleared to BACKGROUND)
uniform float sliceY;
uniform float nearT, farT;
uniform float maxStep;      // cap on one step: a learned field is only a distance near its surface
uniform vec3 light;         // unit vector towards the light: above and left of the viewer (Camera.light)
uniform vec3 cropLo, cropHi; // rays march through this box: [-1, 1]^3, or the viewer's crop box inside it
#ifdef SHADE_TEXTURE
uniform sampler3D shading;  // RGBA8: normal · 0.5 + 0.5, occlusion factor (BakedGrid.shading)
#endif
#ifdef FIXED_CROP
const int crop = FIXED_CROP;
#else
uniform int crop;           // 1: the surface is cut by the crop box (max of the field and the box's distance)
#endif
uniform vec4 occluder;      // (x, y, w, h) in pixels: covered by the viewer's panel, not drawn; w = 0: none
out vec4 color;

// llvmpipe skips a block of pixels once all are discarded: the view under the panel costs nothing
bool occluded() {
    return occluder.z > 0.0 && gl_FragCoord.x >= occluder.x && gl_FragCoord.x < occluder.x + occluder.z
        && gl_FragCoord.y >= occluder.y && gl_FragCoord.y < occluder.y + occluder.w;
}

const int MAX_STEPS = 256;
const float HIT = 1e-3;
const float MIN_STEP = 1e-3;
const vec3 BACKGROUND = vec3(0.1, 0.1, 0.12);
const vec3 ALBEDO = vec3(0.8, 0.75, 0.7);

//#include sdf

// the field intersected with the crop box when cropping: closed, with flat caps where the box cuts it
float cropped(vec3 p) {
    float v = sdf(p);
    if (crop == 0) return v;
    vec3 q = max(cropLo - p, p - cropHi);
    return max(v, min(max(q.x, max(q.y, q.z)), 0.0) + length(max(q, 0.0)));
}

// slab test against [cropLo, cropHi] ([-1, 1]^3 unless cropped): (entry, exit), entry > exit when missed
vec2 box(vec3 o, vec3 d) {
    vec3 inv = 1.0 / d;
    vec3 a = (cropLo - o) * inv, b = (cropHi - o) * inv;
    vec3 lo = min(a, b), hi = max(a, b);
    return vec2(max(max(lo.x, lo.y), max(lo.z, 0.0)), min(min(hi.x, hi.y), hi.z));
}

vec3 heat(float s) {
    return clamp(vec3(1.5 * s, 1.0 - abs(2.0 * s - 1.0), 1.0 - 1.5 * s), 0.0, 1.0);
}

// The pixel's colour from what the march found (both variants of main below end here).
vec4 finish(vec3 d, float t, int steps, bool hit, vec3 n, float occ, float v, bool onPlane) {
    if (mode == 4) { // slice: the plane y = sliceY, coloured by the distance, contours every 0.05
        if (!onPlane) return vec4(BACKGROUND, 1.0);
        vec3 c = v < 0.0 ? vec3(0.25, 0.45, 0.85) : vec3(0.9, 0.55, 0.25);
        c *= 0.55 + 0.45 * exp(-4.0 * abs(v));
        float band = abs(fract(v / 0.05 + 0.5) - 0.5);
        if (band < 0.06) c *= 0.6;
        if (abs(v) < 0.004) c = vec3(1.0);
        return vec4(c, 1.0);
    }
    if (mode == 3) return vec4(heat(float(steps) / float(MAX_STEPS)), 1.0);
    if (!hit) return vec4(BACKGROUND, 1.0);
    if (mode == 1) return vec4(n * 0.5 + 0.5, 1.0);
    if (mode == 2) return vec4(vec3(clamp(1.0 - (t - nearT) / (farT - nearT), 0.0, 1.0)), 1.0);
    float diffuse = max(dot(n, light), 0.0);
    vec3 hv = normalize(light - d);
    float specular = pow(max(dot(n, hv), 0.0), 32.0);
    float ao = clamp(1.0 - 3.0 * occ, 0.0, 1.0);
    vec3 c = ALBEDO * (0.15 * ao + 0.85 * diffuse * (0.5 + 0.5 * ao)) + vec3(0.25 * specular * ao);
    return vec4(clamp(c, 0.0, 1.0), 1.0);
}

#ifndef ONE_CALL_SITE
// The baked path: sdf() is one texture lookup, called wherever it is needed.
void main() {
    if (occluded()) discard;
    vec2 ndc = gl_FragCoord.xy / size * 2.0 - 1.0;
    vec3 d = normalize(forward + ndc.x * tanHalfFov * aspect * right + ndc.y * tanHalfFov * up);
    if (mode == 4) {
        float st = (sliceY - eye.y) / d.y;
        vec3 sp = eye + st * d;
        bool on = st > 0.0 && !any(greaterThan(abs(sp), vec3(1.0)));
        color = finish(d, 0.0, 0, false, vec3(0.0), 0.0, on ? cropped(sp) : 0.0, on);
        return;
    }
    vec2 span = box(eye, d);
    float t = span.x;
    int steps = 0;
    bool hit = false;
    if (span.x <= span.y) {
        for (int i = 0; i < MAX_STEPS; i++) {
            float dist = cropped(eye + t * d);
            steps = i + 1;
            if (dist < HIT) { hit = true; break; }
            t += clamp(dist, MIN_STEP, maxStep);
            if (t > span.y) break;
        }
    }
    // llvmpipe shades blocks of pixels with a mask, running every branch for all of them, but a block whose
    // pixels are all discarded stops here: the background's blocks skip the shading below
    if (!hit && mode != 3 && discardMisses == 1) discard;
    vec3 n = vec3(0.0, 1.0, 0.0);
    float occ = 0.0;
#ifdef SHADE_TEXTURE
    // the viewer: normal and occlusion baked per grid point (nfield.render.BakedGrid.shading), one fetch
    if (hit && mode != 2 && mode != 3) {
        vec4 s = texture(shading, gridUv(eye + t * d));
        vec3 v = s.xyz * 2.0 - 1.0;
        float l = length(v);
        n = l > 1e-6 ? v / l : vec3(0.0, 1.0, 0.0);
        occ = (1.0 - s.a) / 3.0;
    }
#else
    if (hit && mode != 2 && mode != 3) {
        vec3 p = eye + t * d;
        float h = 2.0 / (res - 1.0);
        vec3 g = vec3(0.0);
        for (int k = 0; k < 6; k++) {
            float v = cropped(p + (k % 2 == 0 ? h : -h) * vec3(k / 2 == 0, k / 2 == 1, k / 2 == 2));
            g[k / 2] += k % 2 == 0 ? v : -v;
        }
        n = normalize(g);
        if (mode == 0) {
            float w = 1.0;
            for (int k = 0; k < 5; k++) {
                occ += w * (0.02 * float(k + 1) - cropped(p + (0.02 * float(k + 1)) * n));
                w *= 0.6;
            }
        }
    }
#endif
    color = finish(d, t, steps, hit, n, occ, 0.0, false);
}
#else
// The direct path (ONE_CALL_SITE): every sdf() evaluation goes through one call site in one loop (tracing, then the 6 gradient
// samples at step h = 2 / (res - 1), then 5 ambient-occlusion samples along the normal): a field
// network generated into sdf() is compiled once, not a dozen times.
void main() {
    // (no discard here: with one in this shader llvmpipe loses most hits of a generated network)
    if (occluded()) {
        color = vec4(BACKGROUND, 1.0);
        return;
    }
    vec2 ndc = gl_FragCoord.xy / size * 2.0 - 1.0;
    vec3 d = normalize(forward + ndc.x * tanHalfFov * aspect * right + ndc.y * tanHalfFov * up);
    vec2 span = box(eye, d);
    const int TRACE = 0, GRADIENT = 1, OCCLUSION = 2, SLICE = 3, DONE = 4;
    float h = 2.0 / (res - 1.0);
    float sliceT = (sliceY - eye.y) / d.y;
    vec3 sliceP = eye + sliceT * d;
    int phase = TRACE;
    if (mode == 4) {
        phase = (!(sliceT > 0.0) || any(greaterThan(abs(sliceP), vec3(1.0)))) ? DONE : SLICE;
    } else if (!(span.x <= span.y)) {
        phase = DONE;
    }
    float t = span.x, v = 0.0, occ = 0.0, w = 1.0;
    int steps = 0, k = 0;
    bool hit = false;
    vec3 p = vec3(0.0), g = vec3(0.0), n = vec3(0.0, 1.0, 0.0);
    for (int it = 0; it < MAX_STEPS + 12 && phase != DONE; it++) {
        vec3 q;
        if (phase == TRACE) q = eye + t * d;
        else if (phase == GRADIENT) q = p + (k % 2 == 0 ? h : -h) * vec3(k / 2 == 0, k / 2 == 1, k / 2 == 2);
        else if (phase == OCCLUSION) q = p + (0.02 * float(k + 1)) * n;
        else q = sliceP;
        v = cropped(q);
        if (phase == TRACE) {
            steps++;
            if (v < HIT) {
                hit = true;
                p = eye + t * d;
                phase = (mode == 2 || mode == 3) ? DONE : GRADIENT;
                k = 0;
            } else {
                t += clamp(v, MIN_STEP, maxStep);
                if (t > span.y || steps == MAX_STEPS) phase = DONE;
            }
        } else if (phase == GRADIENT) {
            g[k / 2] += k % 2 == 0 ? v : -v;
            if (++k == 6) {
                n = normalize(g);
                phase = mode == 0 ? OCCLUSION : DONE;
                k = 0;
            }
        } else if (phase == OCCLUSION) {
            occ += w * (0.02 * float(k + 1) - v);
            w *= 0.6;
            if (++k == 5) phase = DONE;
        } else {
            phase = DONE;
        }
    }
    color = finish(d, t, steps, hit, n, occ, v, sliceT > 0.0 && !any(greaterThan(abs(sliceP), vec3(1.0))));
}
#endif
