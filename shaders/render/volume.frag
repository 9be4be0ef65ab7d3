#version 330 core
// Volume mode: a radiance field baked into an RGBA 3D texture (nfield.render.VolumeGrid: r, g, b,
// density per field unit) ray-marched at a fixed step with alpha compositing, empty space skipped
// through the macro-cell distance texture. Twin of nfield.render.CpuVolumeTracer: the same steps,
// constants and colours, in the same order. The march runs in lattice coordinates f (0 at lo,
// dims - 1 at hi); t is the distance along the unit ray in viewer units.
uniform sampler3D volume;   // RGBA32F, trilinear, clamp to edge
uniform sampler3D skip;     // R32F, nearest: Chebyshev distance in macro cells to an occupied one (0: occupied)
uniform vec3 dims;          // lattice points per axis
uniform vec3 lo, hi;        // the lattice's box
uniform vec3 cropLo, cropHi; // rays march through the lattice's box within this one (lo, hi: no crop)
uniform vec3 macroDims;     // macro cells per axis
uniform float macro;        // lattice intervals per macro cell
uniform float dt;           // fine step (viewer units)
uniform int maxIter;
uniform vec3 eye, right, up, forward;
uniform float tanHalfFov, aspect;
uniform vec2 size;
#ifdef FIXED_MODE
const int mode = FIXED_MODE;  // a program per mode: llvmpipe runs every branch it cannot rule out
#else
uniform int mode;           // 0 colour, 1 normals, 2 depth, 3 steps, 4 slice
#endif
uniform float sliceY;
uniform float nearT, farT;
uniform vec3 background;    // what the field was trained in front of
uniform vec4 occluder;      // (x, y, w, h) in pixels: covered by the viewer's panel, not drawn; w = 0: none
out vec4 color;

// llvmpipe skips a block of pixels once all are discarded: the view under the panel costs nothing
bool occluded() {
    return occluder.z > 0.0 && gl_FragCoord.x >= occluder.x && gl_FragCoord.x < occluder.x + occluder.z
        && gl_FragCoord.y >= occluder.y && gl_FragCoord.y < occluder.y + occluder.w;
}

const float MIN_TRANSMITTANCE = 0.01;
const float SLICE_DEPTH = 0.05;      // the slice shows the opacity of a slab this thick
const vec3 DARK = vec3(0.1, 0.1, 0.12);
const float SKIP_EPS = 1e-4;         // past a skipped cube's exit, in units of dt

vec4 fetch(vec3 f) {
    return texture(volume, (f + 0.5) / dims);
}

vec3 heat(float s) {
    return clamp(vec3(1.5 * s, 1.0 - abs(2.0 * s - 1.0), 1.0 - 1.5 * s), 0.0, 1.0);
}

void main() {
    if (occluded()) discard;
    vec2 ndc = gl_FragCoord.xy / size * 2.0 - 1.0;
    vec3 d = normalize(forward + ndc.x * tanHalfFov * aspect * right + ndc.y * tanHalfFov * up);
    vec3 s = (dims - 1.0) / (hi - lo);
    if (mode == 4) { // the plane y = sliceY: the field's colour over the opacity of a thin slab
        float st = (sliceY - eye.y) / d.y;
        vec3 sp = eye + st * d;
        if (!(st > 0.0) || any(greaterThan(abs(sp), vec3(1.0)))) {
            color = vec4(DARK, 1.0);
            return;
        }
        vec4 v = any(lessThan(sp, lo)) || any(greaterThan(sp, hi)) ? vec4(0.0) : fetch((sp - lo) * s);
        float a = 1.0 - exp(-v.a * SLICE_DEPTH);
        color = vec4(mix(DARK, v.rgb, a), 1.0);
        return;
    }
    vec3 fo = (eye - lo) * s, fd = d * s;
    vec3 inv = 1.0 / mix(fd, vec3(1e-9), lessThan(abs(fd), vec3(1e-9))); // an axis-parallel ray never leaves along that axis
    vec3 fLo = max((cropLo - lo) * s, vec3(0.0)), fHi = min((cropHi - lo) * s, dims - 1.0);
    vec3 a = (fLo - fo) * inv, b = (fHi - fo) * inv;
    float t0 = max(max(min(a.x, b.x), min(a.y, b.y)), max(min(a.z, b.z), 0.0));
    float t1 = min(min(max(a.x, b.x), max(a.y, b.y)), max(a.z, b.z));
    float T = 1.0, depth = -1.0, t = t0;
    vec3 c = vec3(0.0);
    int iter = 0;
    while (t <= t1 && iter < maxIter) {
        iter++;
        vec3 f = fo + t * fd;
        vec3 cell = clamp(floor(f / macro), vec3(0.0), macroDims - 1.0);
        float k = texelFetch(skip, ivec3(cell), 0).r;
        if (k > 0.0) { // jump to where the ray leaves the cube of empty cells around this one
            vec3 ea = ((cell - (k - 1.0)) * macro - fo) * inv, eb = ((cell + k) * macro - fo) * inv;
            vec3 ex = max(ea, eb);
            t = max(t, min(min(ex.x, ex.y), ex.z)) + SKIP_EPS * dt;
            continue;
        }
        vec4 v = fetch(f);
        float alpha = 1.0 - exp(-v.a * dt);
        c += T * alpha * v.rgb;
        T *= 1.0 - alpha;
        if (depth < 0.0 && T < 0.5) depth = t;
        if (T < MIN_TRANSMITTANCE) break;
        t += dt;
    }
    if (mode == 0) {
        color = vec4(clamp(c + T * background, 0.0, 1.0), 1.0);
    } else if (mode == 3) {
        color = vec4(heat(float(iter) / 256.0), 1.0);
    } else if (depth < 0.0) {
        color = vec4(DARK, 1.0);
    } else if (mode == 2) {
        color = vec4(vec3(clamp(1.0 - (depth - nearT) / (farT - nearT), 0.0, 1.0)), 1.0);
    } else { // normals: against the density's gradient where the ray became half opaque
        vec3 f = fo + depth * fd;
        vec3 g = vec3(fetch(f + vec3(1.0, 0.0, 0.0)).a - fetch(f - vec3(1.0, 0.0, 0.0)).a,
                      fetch(f + vec3(0.0, 1.0, 0.0)).a - fetch(f - vec3(0.0, 1.0, 0.0)).a,
                      fetch(f + vec3(0.0, 0.0, 1.0)).a - fetch(f - vec3(0.0, 0.0, 1.0)).a) * s;
        vec3 n = dot(g, g) > 0.0 ? -normalize(g) : -d;
        color = vec4(n * 0.5 + 0.5, 1.0);
    }
}
