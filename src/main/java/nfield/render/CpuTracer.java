package nfield.render;

import org.joml.Vector3f;

import java.util.stream.IntStream;

/**
 * The CPU twin of {@code shaders/render/baked.frag}: the same rays, steps, constants and shading
 * in float arithmetic on a {@link BakedGrid}. The reference the GL renders are tested against.
 */
public final class CpuTracer {
    static final int MAX_STEPS = 256;
    static final float HIT = 1e-3f, MIN_STEP = 1e-3f;
    static final float[] BACKGROUND = {0.1f, 0.1f, 0.12f};
    static final float[] ALBEDO = {0.8f, 0.75f, 0.7f};

    private CpuTracer() {}

    /** RGBA8 pixels, rows from the bottom (GL order), packed 0xAARRGGBB. */
    public static int[] render(BakedGrid g, Camera cam, Mode mode, int w, int h, float sliceY) {
        return render(g, cam, mode, w, h, sliceY, Float.MAX_VALUE);
    }

    /** With every step capped at maxStep (the GL renderer's {@code maxStep}). */
    public static int[] render(BakedGrid g, Camera cam, Mode mode, int w, int h, float sliceY, float maxStep) {
        return render(g, cam, mode, w, h, sliceY, maxStep, false);
    }

    /** {@code shadeTexture}: the normal and occlusion from {@link BakedGrid#shading()}, as the viewer shades (BakedRenderer.shadeFromTexture). */
    public static int[] render(BakedGrid g, Camera cam, Mode mode, int w, int h, float sliceY, float maxStep, boolean shadeTexture) {
        Vector3f eye = cam.eye(), lt = cam.light();
        float[] light = {lt.x, lt.y, lt.z};
        float nearT = (float) cam.distance() - 1.8f, farT = (float) cam.distance() + 1.8f;
        float[] box = g.occupied(); // once, not per pixel
        return pixels(cam, w, h, (dx, dy, dz, c) -> shade(g, box, eye.x, eye.y, eye.z, dx, dy, dz, mode, sliceY, nearT, farT, light, maxStep,
                shadeTexture, c));
    }

    /** What a CPU twin computes for one pixel: the colour seen along the unit ray direction (dx, dy, dz) into rgb. */
    @FunctionalInterface
    interface Pixel {
        void shade(float dx, float dy, float dz, float[] rgb);
    }

    /**
     * Every pixel's colour through {@code pixel}, for the ray the shaders' fullscreen pass builds
     * from gl_FragCoord: RGBA8, rows from the bottom (GL order), packed 0xAARRGGBB.
     */
    static int[] pixels(Camera cam, int w, int h, Pixel pixel) {
        Vector3f fw = cam.forward(), rt = cam.right(), up = cam.up();
        float th = cam.tanHalfFov(), aspect = (float) w / h;
        int[] out = new int[w * h];
        IntStream.range(0, h).parallel().forEach(py -> {
            float[] c = new float[3];
            for (int px = 0; px < w; px++) {
                float nx = (px + 0.5f) / w * 2 - 1, ny = (py + 0.5f) / h * 2 - 1;
                float dx = fw.x + nx * th * aspect * rt.x + ny * th * up.x;
                float dy = fw.y + nx * th * aspect * rt.y + ny * th * up.y;
                float dz = fw.z + nx * th * aspect * rt.z + ny * th * up.z;
                float l = (float) Math.sqrt(dx * dx + dy * dy + dz * dz);
                pixel.shade(dx / l, dy / l, dz / l, c);
                out[py * w + px] = 0xFF000000 | (byte8(c[0]) << 16) | (byte8(c[1]) << 8) | byte8(c[2]);
            }
        });
        return out;
    }

    static int byte8(float v) {
        return Math.round(Math.max(0, Math.min(1, v)) * 255);
    }

    private static void shade(BakedGrid g, float[] box, float ox, float oy, float oz, float dx, float dy, float dz, Mode mode,
                              float sliceY, float nearT, float farT, float[] light, float maxStep, boolean shadeTexture, float[] c) {
        if (mode == Mode.SLICE) {
            float t = (sliceY - oy) / dy;
            float px = ox + t * dx, py = oy + t * dy, pz = oz + t * dz;
            if (!(t > 0) || Math.abs(px) > 1 || Math.abs(py) > 1 || Math.abs(pz) > 1) {
                System.arraycopy(BACKGROUND, 0, c, 0, 3);
                return;
            }
            float v = g.sample(px, py, pz);
            float[] base = v < 0 ? new float[]{0.25f, 0.45f, 0.85f} : new float[]{0.9f, 0.55f, 0.25f};
            float k = 0.55f + 0.45f * (float) Math.exp(-4 * Math.abs(v));
            float q = v / 0.05f + 0.5f;
            float band = Math.abs(q - (float) Math.floor(q) - 0.5f);
            for (int i = 0; i < 3; i++) c[i] = base[i] * k * (band < 0.06f ? 0.6f : 1);
            if (Math.abs(v) < 0.004f) c[0] = c[1] = c[2] = 1;
            return;
        }
        // slab test against the cells that can hold a hit (within [-1, 1]^3), as the shader's cropLo / cropHi
        float t0 = 0, t1 = Float.POSITIVE_INFINITY;
        float[] o = {ox, oy, oz}, d = {dx, dy, dz};
        for (int k = 0; k < 3; k++) {
            float lo = Math.max(-1, box[k]), hi = Math.min(1, box[k + 3]);
            float inv = 1 / d[k], a = (lo - o[k]) * inv, b = (hi - o[k]) * inv;
            t0 = Math.max(t0, Math.min(a, b));
            t1 = Math.min(t1, Math.max(a, b));
        }
        float t = t0;
        int steps = 0;
        boolean hit = false;
        if (t0 <= t1) {
            for (int i = 0; i < MAX_STEPS; i++) {
                float dist = g.sample(ox + t * dx, oy + t * dy, oz + t * dz);
                steps = i + 1;
                if (dist < HIT) {
                    hit = true;
                    break;
                }
                t += Math.max(MIN_STEP, Math.min(dist, maxStep));
                if (t > t1) break;
            }
        }
        if (mode == Mode.STEPS) {
            float s = (float) steps / MAX_STEPS;
            c[0] = clamp01(1.5f * s);
            c[1] = clamp01(1 - Math.abs(2 * s - 1));
            c[2] = clamp01(1 - 1.5f * s);
            return;
        }
        if (!hit) {
            System.arraycopy(BACKGROUND, 0, c, 0, 3);
            return;
        }
        float px = ox + t * dx, py = oy + t * dy, pz = oz + t * dz;
        float nx, ny, nz, baked = Float.NaN; // baked: the occlusion factor from the texture
        if (shadeTexture && (mode == Mode.SHADED || mode == Mode.NORMALS)) {
            float[] s = new float[4];
            g.sampleShading(px, py, pz, s);
            float vx = s[0] * 2 - 1, vy = s[1] * 2 - 1, vz = s[2] * 2 - 1, l = (float) Math.sqrt(vx * vx + vy * vy + vz * vz);
            if (l > 1e-6f) {
                nx = vx / l;
                ny = vy / l;
                nz = vz / l;
            } else {
                nx = 0;
                ny = 1;
                nz = 0;
            }
            baked = s[3];
        } else {
            float h = 2f / (g.res() - 1);
            float gx = g.sample(px + h, py, pz) - g.sample(px - h, py, pz);
            float gy = g.sample(px, py + h, pz) - g.sample(px, py - h, pz);
            float gz = g.sample(px, py, pz + h) - g.sample(px, py, pz - h);
            float gl = (float) Math.sqrt(gx * gx + gy * gy + gz * gz);
            nx = gx / gl;
            ny = gy / gl;
            nz = gz / gl;
        }
        if (mode == Mode.NORMALS) {
            c[0] = nx * 0.5f + 0.5f;
            c[1] = ny * 0.5f + 0.5f;
            c[2] = nz * 0.5f + 0.5f;
            return;
        }
        if (mode == Mode.DEPTH) {
            c[0] = c[1] = c[2] = clamp01(1 - (t - nearT) / (farT - nearT));
            return;
        }
        float diffuse = Math.max(nx * light[0] + ny * light[1] + nz * light[2], 0);
        float hx = light[0] - dx, hy = light[1] - dy, hz = light[2] - dz;
        float hl = (float) Math.sqrt(hx * hx + hy * hy + hz * hz);
        float spec = (float) Math.pow(Math.max((nx * hx + ny * hy + nz * hz) / hl, 0), 32);
        float occ = 0, w = 1;
        if (Float.isNaN(baked)) {
            for (int i = 1; i <= 5; i++) {
                float s = 0.02f * i;
                occ += w * (s - g.sample(px + s * nx, py + s * ny, pz + s * nz));
                w *= 0.6f;
            }
        } else {
            occ = (1 - baked) / 3;
        }
        float ao = clamp01(1 - 3 * occ);
        for (int i = 0; i < 3; i++) {
            c[i] = clamp01(ALBEDO[i] * (0.15f * ao + 0.85f * diffuse * (0.5f + 0.5f * ao)) + 0.25f * spec * ao);
        }
    }

    private static float clamp01(float v) {
        return Math.max(0, Math.min(1, v));
    }
}
