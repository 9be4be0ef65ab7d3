package nfield.render;

import org.joml.Vector3f;


/**
 * The CPU twin of {@code shaders/render/volume.frag}: the same rays, skips, steps, constants and
 * colours in float arithmetic on a {@link VolumeGrid}. The reference the GL volume mode is tested
 * against.
 */
public final class CpuVolumeTracer {
    static final float MIN_TRANSMITTANCE = 0.01f, SLICE_DEPTH = 0.05f, SKIP_EPS = 1e-4f;
    static final float[] DARK = {0.1f, 0.1f, 0.12f};

    private CpuVolumeTracer() {}

    /** RGBA8 pixels, rows from the bottom (GL order), packed 0xAARRGGBB. */
    public static int[] render(VolumeGrid g, float[] background, Camera cam, Mode mode, int w, int h, float sliceY) {
        Vector3f e = cam.eye();
        float[] eye = {e.x, e.y, e.z};
        float nearT = (float) cam.distance() - 1.8f, farT = (float) cam.distance() + 1.8f;
        return CpuTracer.pixels(cam, w, h, (dx, dy, dz, c) -> shade(g, background, eye, new float[]{dx, dy, dz}, mode, sliceY, nearT, farT, c));
    }

    private static void shade(VolumeGrid g, float[] background, float[] eye, float[] d, Mode mode, float sliceY,
                              float nearT, float farT, float[] c) {
        int[] n = g.dims(), m = g.macroDims();
        float[] lo = g.lo(), hi = g.hi(), s = new float[3], v = new float[4];
        for (int k = 0; k < 3; k++) s[k] = (n[k] - 1) / (hi[k] - lo[k]);
        if (mode == Mode.SLICE) {
            float st = (sliceY - eye[1]) / d[1];
            float[] sp = {eye[0] + st * d[0], eye[1] + st * d[1], eye[2] + st * d[2]};
            if (!(st > 0) || Math.abs(sp[0]) > 1 || Math.abs(sp[1]) > 1 || Math.abs(sp[2]) > 1) {
                System.arraycopy(DARK, 0, c, 0, 3);
                return;
            }
            boolean outside = false;
            for (int k = 0; k < 3; k++) outside |= sp[k] < lo[k] || sp[k] > hi[k];
            if (outside) java.util.Arrays.fill(v, 0);
            else g.sample(sp[0], sp[1], sp[2], v);
            float a = 1 - (float) Math.exp(-v[3] * SLICE_DEPTH);
            for (int k = 0; k < 3; k++) c[k] = DARK[k] + (v[k] - DARK[k]) * a;
            return;
        }
        float[] fo = new float[3], fd = new float[3], inv = new float[3];
        float t0 = 0, t1 = Float.POSITIVE_INFINITY;
        for (int k = 0; k < 3; k++) {
            fo[k] = (eye[k] - lo[k]) * s[k];
            fd[k] = d[k] * s[k];
            inv[k] = 1 / (Math.abs(fd[k]) < 1e-9f ? 1e-9f : fd[k]);
            float a = -fo[k] * inv[k], b = (n[k] - 1 - fo[k]) * inv[k];
            t0 = Math.max(t0, Math.min(a, b));
            t1 = Math.min(t1, Math.max(a, b));
        }
        float dt = g.step(), macro = VolumeGrid.MACRO;
        float tr = 1, depth = -1, t = t0;
        float[] col = new float[3];
        int iter = 0, maxIter = VolumeRenderer.maxIterations(g);
        float[] f = new float[3];
        while (t <= t1 && iter < maxIter) {
            iter++;
            int[] cell = new int[3];
            for (int k = 0; k < 3; k++) {
                f[k] = fo[k] + t * fd[k];
                cell[k] = (int) Math.max(0, Math.min(m[k] - 1, Math.floor(f[k] / macro)));
            }
            float kk = g.skipAt(cell[0], cell[1], cell[2]);
            if (kk > 0) {
                float exit = Float.POSITIVE_INFINITY;
                for (int k = 0; k < 3; k++) {
                    float ea = ((cell[k] - (kk - 1)) * macro - fo[k]) * inv[k], eb = ((cell[k] + kk) * macro - fo[k]) * inv[k];
                    exit = Math.min(exit, Math.max(ea, eb));
                }
                t = Math.max(t, exit) + SKIP_EPS * dt;
                continue;
            }
            g.sampleLattice(f[0], f[1], f[2], v);
            float alpha = 1 - (float) Math.exp(-v[3] * dt);
            for (int k = 0; k < 3; k++) col[k] += tr * alpha * v[k];
            tr *= 1 - alpha;
            if (depth < 0 && tr < 0.5f) depth = t;
            if (tr < MIN_TRANSMITTANCE) break;
            t += dt;
        }
        if (mode == Mode.SHADED) {
            for (int k = 0; k < 3; k++) c[k] = col[k] + tr * background[k];
        } else if (mode == Mode.STEPS) {
            float q = iter / 256f;
            c[0] = 1.5f * q;
            c[1] = 1 - Math.abs(2 * q - 1);
            c[2] = 1 - 1.5f * q;
        } else if (depth < 0) {
            System.arraycopy(DARK, 0, c, 0, 3);
        } else if (mode == Mode.DEPTH) {
            c[0] = c[1] = c[2] = Math.max(0, Math.min(1, 1 - (depth - nearT) / (farT - nearT)));
        } else {
            float[] p = new float[3], gr = new float[3];
            for (int k = 0; k < 3; k++) p[k] = fo[k] + depth * fd[k];
            for (int k = 0; k < 3; k++) {
                p[k] += 1;
                g.sampleLattice(p[0], p[1], p[2], v);
                float plus = v[3];
                p[k] -= 2;
                g.sampleLattice(p[0], p[1], p[2], v);
                p[k] += 1;
                gr[k] = (plus - v[3]) * s[k];
            }
            float len = (float) Math.sqrt(gr[0] * gr[0] + gr[1] * gr[1] + gr[2] * gr[2]);
            for (int k = 0; k < 3; k++) c[k] = (len > 0 ? -gr[k] / len : -d[k]) * 0.5f + 0.5f;
        }
    }
}
