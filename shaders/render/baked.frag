#version 330 core
// Sphere tracing of an SDF baked into a 3D texture over the field box [-1, 1]^3.
// Twin of nfield.render.CpuTracer: the same steps, constants and shading, in the same order.
uniform sampler3D grid;     // R32F, res^3, texel i at x = -1 + 2 i / (res - 1)
uniform float res;
uniform vec3 eye, right, up, forward;
uniform float tanHalfFov, aspect;
uniform vec2 size;          // viewport in pixels
uniform int mode;           // 0 shaded, 1 normals, 2 depth, 3 steps, 4 slice
uniform float sliceY;
uniform float nearT, farT;
uniform vec3 light;         // unit vector towards the light: above and left of the viewer (Camera.light)
out vec4 color;

const int MAX_STEPS = 256;
const float HIT = 1e-3;
const float MIN_STEP = 1e-3;
const vec3 BACKGROUND = vec3(0.1, 0.1, 0.12);
const vec3 ALBEDO = vec3(0.8, 0.75, 0.7);

float sdf(vec3 p) {
    vec3 u = (p + 1.0) * 0.5 * (res - 1.0) / res + 0.5 / res;
    return texture(grid, u).r;
}

vec3 gradient(vec3 p) {
    float h = 2.0 / (res - 1.0);
    return vec3(sdf(p + vec3(h, 0, 0)) - sdf(p - vec3(h, 0, 0)),
                sdf(p + vec3(0, h, 0)) - sdf(p - vec3(0, h, 0)),
                sdf(p + vec3(0, 0, h)) - sdf(p - vec3(0, 0, h)));
}

// slab test against [-1, 1]^3: (entry, exit), entry > exit when missed
vec2 box(vec3 o, vec3 d) {
    vec3 inv = 1.0 / d;
    vec3 a = (-1.0 - o) * inv, b = (1.0 - o) * inv;
    vec3 lo = min(a, b), hi = max(a, b);
    return vec2(max(max(lo.x, lo.y), max(lo.z, 0.0)), min(min(hi.x, hi.y), hi.z));
}

// ambient occlusion from five distance samples along the normal (Quilez-style SDF AO)
float occlusion(vec3 p, vec3 n) {
    float occ = 0.0, w = 1.0;
    for (int i = 1; i <= 5; i++) {
        float h = 0.02 * float(i);
        occ += w * (h - sdf(p + h * n));
        w *= 0.6;
    }
    return clamp(1.0 - 3.0 * occ, 0.0, 1.0);
}

vec3 heat(float s) {
    return clamp(vec3(1.5 * s, 1.0 - abs(2.0 * s - 1.0), 1.0 - 1.5 * s), 0.0, 1.0);
}

void main() {
    vec2 ndc = gl_FragCoord.xy / size * 2.0 - 1.0;
    vec3 d = normalize(forward + ndc.x * tanHalfFov * aspect * right + ndc.y * tanHalfFov * up);
    vec2 span = box(eye, d);
    if (mode == 4) { // slice: the plane y = sliceY, coloured by the distance, contours every 0.05
        float t = (sliceY - eye.y) / d.y;
        vec3 p = eye + t * d;
        if (!(t > 0.0) || any(greaterThan(abs(p), vec3(1.0)))) { color = vec4(BACKGROUND, 1.0); return; }
        float v = sdf(p);
        vec3 c = v < 0.0 ? vec3(0.25, 0.45, 0.85) : vec3(0.9, 0.55, 0.25);
        c *= 0.55 + 0.45 * exp(-4.0 * abs(v));
        float band = abs(fract(v / 0.05 + 0.5) - 0.5);
        if (band < 0.06) c *= 0.6;
        if (abs(v) < 0.004) c = vec3(1.0);
        color = vec4(c, 1.0);
        return;
    }
    float t = span.x;
    int steps = 0;
    bool hit = false;
    if (span.x <= span.y) {
        for (int i = 0; i < MAX_STEPS; i++) {
            float dist = sdf(eye + t * d);
            steps = i + 1;
            if (dist < HIT) { hit = true; break; }
            t += max(dist, MIN_STEP);
            if (t > span.y) break;
        }
    }
    if (mode == 3) { color = vec4(heat(float(steps) / float(MAX_STEPS)), 1.0); return; }
    if (!hit) { color = vec4(BACKGROUND, 1.0); return; }
    vec3 p = eye + t * d;
    vec3 n = normalize(gradient(p));
    if (mode == 1) { color = vec4(n * 0.5 + 0.5, 1.0); return; }
    if (mode == 2) { color = vec4(vec3(clamp(1.0 - (t - nearT) / (farT - nearT), 0.0, 1.0)), 1.0); return; }
    float diffuse = max(dot(n, light), 0.0);
    vec3 h = normalize(light - d);
    float specular = pow(max(dot(n, h), 0.0), 32.0);
    float ao = occlusion(p, n);
    vec3 c = ALBEDO * (0.15 * ao + 0.85 * diffuse * (0.5 + 0.5 * ao)) + vec3(0.25 * specular * ao);
    color = vec4(clamp(c, 0.0, 1.0), 1.0);
}
