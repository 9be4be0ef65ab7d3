package nfield.train;

import nfield.radiance.RayMarcher;

/**
 * Pose corrections of the training cameras, learned with the field as nerfstudio's camera
 * optimiser and BARF (Lin et al., ICCV 2021) learn them: poses from COLMAP are off by a fraction
 * of a degree, which at a focal length of a thousand pixels is several pixels of blur. Image k
 * has a rotation R_k about its camera's centre and a shift v_k (normalised coordinates, where
 * rays are marched): its ray (o, d) trains as (o + v_k, R_k d).
 *
 * <p>The loss reaches them through the samples: a sample x = o + t·d, its t held where the
 * marcher put it, is read by the field at C(x) (C the contraction of an unbounded scene, else
 * the identity), so with g = dL/dC(x) and g_dir = dL/d(view direction) at that sample,
 * dL/do = Σ J_C(x)ᵀ g and dL/dd = Σ (t·J_C(x)ᵀ g + g_dir) over the ray's samples; then
 * dL/dv_k = Σ dL/do and, for a rotation exp([ω]×)·R_k near ω = 0, dL/dω_k = Σ d × dL/dd over
 * the image's rays. Adam steps ω and v (the rotation is then composed into R_k); after every
 * step the mean shift and mean rotation over the images are taken out, since moving every camera
 * and the field together changes nothing the loss sees and would otherwise drift.
 */
public final class CameraRefiner {
    private final int images;
    private final double lr;
    private final boolean contracted;
    private boolean anchored = true;
    private final double[] rot, shift, grad, m, v;
    private long steps;
    private static final double BETA1 = 0.9, BETA2 = 0.999, EPS = 1e-15;

    /**
     * @param images     training images, one correction each
     * @param lr         Adam's step size (radians and normalised units)
     * @param contracted whether the marcher contracts space (samples read by the field at C(x))
     */
    public CameraRefiner(int images, double lr, boolean contracted) {
        if (images < 1) throw new IllegalArgumentException("camera refinement needs images, got " + images);
        if (!(lr > 0) || !Double.isFinite(lr)) throw new IllegalArgumentException("camera refinement: learning rate " + lr + " must be positive");
        this.images = images;
        this.lr = lr;
        this.contracted = contracted;
        rot = new double[9 * images];
        shift = new double[3 * images];
        grad = new double[6 * images];
        m = new double[6 * images];
        v = new double[6 * images];
        for (int k = 0; k < images; k++) rot[9 * k] = rot[9 * k + 4] = rot[9 * k + 8] = 1;
    }

    public int images() { return images; }

    /**
     * Whether each step takes out the common drift (the default): for the training cameras, which
     * move with the field; not for one held-out camera aligned to a field that stays put.
     */
    public CameraRefiner anchored(boolean on) {
        anchored = on;
        return this;
    }

    /** Image k's correction: its rotation [9] (row-major) and shift [3], normalised coordinates. */
    public double[] rotation(int k) { return java.util.Arrays.copyOfRange(rot, 9 * k, 9 * k + 9); }

    public double[] shift(int k) { return java.util.Arrays.copyOfRange(shift, 3 * k, 3 * k + 3); }

    /** Sets image k's correction (tests, resuming). */
    public void set(int k, double[] rotation, double[] shift) {
        System.arraycopy(rotation, 0, rot, 9 * k, 9);
        System.arraycopy(shift, 0, this.shift, 3 * k, 3);
    }

    /** The angle of image k's rotation, degrees. */
    public double angleDegrees(int k) {
        double tr = rot[9 * k] + rot[9 * k + 4] + rot[9 * k + 8];
        return Math.toDegrees(Math.acos(Math.max(-1, Math.min(1, (tr - 1) / 2))));
    }

    /** The length of image k's shift, normalised units. */
    public double shiftLength(int k) {
        return Math.sqrt(shift[3 * k] * shift[3 * k] + shift[3 * k + 1] * shift[3 * k + 1] + shift[3 * k + 2] * shift[3 * k + 2]);
    }

    /** Image k's correction applied to the ray at rays[off .. off + 6) (origin, unit direction; normalised coordinates), in place. */
    public void apply(int k, float[] rays, int off) {
        rays[off] += (float) shift[3 * k];
        rays[off + 1] += (float) shift[3 * k + 1];
        rays[off + 2] += (float) shift[3 * k + 2];
        double[] d = turned(k, rays[off + 3], rays[off + 4], rays[off + 5]);
        for (int a = 0; a < 3; a++) rays[off + 3 + a] = (float) d[a];
    }

    /** R_k·d, normalised. */
    private double[] turned(int k, double dx, double dy, double dz) {
        double[] r = rot;
        int o = 9 * k;
        double x = r[o] * dx + r[o + 1] * dy + r[o + 2] * dz, y = r[o + 3] * dx + r[o + 4] * dy + r[o + 5] * dz,
                z = r[o + 6] * dx + r[o + 7] * dy + r[o + 8] * dz;
        double inv = 1 / Math.sqrt(x * x + y * y + z * z);
        return new double[] {x * inv, y * inv, z * inv};
    }

    /**
     * Image k's correction applied to a ray in the data's coordinates (ray[off .. off + 6): origin,
     * unit direction), {@code scale} the normalisation's (normalised = (data − centre)·scale).
     */
    public void applyToData(int k, double[] ray, int off, double scale) {
        for (int a = 0; a < 3; a++) ray[off + a] += shift[3 * k + a] / scale;
        double[] d = turned(k, ray[off + 3], ray[off + 4], ray[off + 5]);
        System.arraycopy(d, 0, ray, off + 3, 3);
    }

    /**
     * Adds the gradient of one pass to the corrections' gradients: {@code s} the samples of the
     * corrected rays, {@code dPoints} [total, 3] the loss's gradient at each sample's field point,
     * {@code dDirs} [total, 3] at its view direction (null for a field that does not see it),
     * {@code image} [rays] each ray's training image.
     */
    public void accumulate(RayMarcher.Samples s, float[] dPoints, float[] dDirs, int[] image) {
        double[] x = new double[3], h = new double[3];
        float[] ray = s.rayData(), pts = s.points();
        int[] first = s.first(), count = s.count();
        for (int r = 0; r < s.rays(); r++) {
            if (count[r] == 0) continue;
            double ox = ray[6 * r], oy = ray[6 * r + 1], oz = ray[6 * r + 2], dx = ray[6 * r + 3], dy = ray[6 * r + 4], dz = ray[6 * r + 5];
            double go0 = 0, go1 = 0, go2 = 0, gd0 = 0, gd1 = 0, gd2 = 0;
            for (int i = first[r], end = first[r] + count[r]; i < end; i++) {
                double g0 = dPoints[3 * i], g1 = dPoints[3 * i + 1], g2 = dPoints[3 * i + 2];
                pullBack(pts[3 * i], pts[3 * i + 1], pts[3 * i + 2], g0, g1, g2, x, h);
                double t = (x[0] - ox) * dx + (x[1] - oy) * dy + (x[2] - oz) * dz;
                go0 += h[0];
                go1 += h[1];
                go2 += h[2];
                gd0 += t * h[0];
                gd1 += t * h[1];
                gd2 += t * h[2];
                if (dDirs != null) {
                    gd0 += dDirs[3 * i];
                    gd1 += dDirs[3 * i + 1];
                    gd2 += dDirs[3 * i + 2];
                }
            }
            int k = image[r], g = 6 * k;
            grad[g] += dy * gd2 - dz * gd1; // d × dL/dd
            grad[g + 1] += dz * gd0 - dx * gd2;
            grad[g + 2] += dx * gd1 - dy * gd0;
            grad[g + 3] += go0;
            grad[g + 4] += go1;
            grad[g + 5] += go2;
        }
    }

    /**
     * The sample's normalised point x (q the field point it was read at) into x[0..3), and
     * J_C(x)ᵀ g into h[0..3): C(x) = x/2 inside the box of interest, (2 − 1/m)·x/(2m) beyond it
     * (m = ‖x‖∞ along axis a), whose Jacobian is s·I/2 + s'(m)·sign(x_a)·x·e_aᵀ/2 with
     * s = 2/m − 1/m².
     */
    void pullBack(double qx, double qy, double qz, double g0, double g1, double g2, double[] x, double[] h) {
        if (!contracted) {
            x[0] = qx;
            x[1] = qy;
            x[2] = qz;
            h[0] = g0;
            h[1] = g1;
            h[2] = g2;
            return;
        }
        RayMarcher.uncontract(qx, qy, qz, x);
        double ax = Math.abs(x[0]), ay = Math.abs(x[1]), az = Math.abs(x[2]);
        double mm = Math.max(ax, Math.max(ay, az));
        if (mm <= 1) {
            h[0] = 0.5 * g0;
            h[1] = 0.5 * g1;
            h[2] = 0.5 * g2;
            return;
        }
        int a = ax >= ay && ax >= az ? 0 : ay >= az ? 1 : 2;
        double sv = 2 / mm - 1 / (mm * mm), ds = -2 / (mm * mm) + 2 / (mm * mm * mm);
        double xg = x[0] * g0 + x[1] * g1 + x[2] * g2;
        h[0] = 0.5 * sv * g0;
        h[1] = 0.5 * sv * g1;
        h[2] = 0.5 * sv * g2;
        h[a] += 0.5 * ds * Math.signum(x[a]) * xg;
    }

    /** The gradient accumulated since the last step, image k: dL/dω [3] then dL/dv [3] (tests). */
    public double[] gradient(int k) { return java.util.Arrays.copyOfRange(grad, 6 * k, 6 * k + 6); }

    /** An Adam step on every correction from the gradients accumulated, which it then clears; the common drift is taken out. */
    public void step() {
        steps++;
        double c1 = 1 - Math.pow(BETA1, steps), c2 = 1 - Math.pow(BETA2, steps);
        double[] w = new double[3], mean = new double[6];
        for (int k = 0; k < images; k++) {
            double[] delta = new double[6];
            for (int j = 0; j < 6; j++) {
                int i = 6 * k + j;
                double g = grad[i];
                m[i] = BETA1 * m[i] + (1 - BETA1) * g;
                v[i] = BETA2 * v[i] + (1 - BETA2) * g * g;
                delta[j] = -lr * (m[i] / c1) / (Math.sqrt(v[i] / c2) + EPS);
                grad[i] = 0;
            }
            System.arraycopy(delta, 0, w, 0, 3);
            compose(k, w);
            for (int a = 0; a < 3; a++) shift[3 * k + a] += delta[3 + a];
        }
        if (!anchored) return;
        // take out the common drift: the mean shift, and the mean rotation (its axis-angle)
        for (int k = 0; k < images; k++) {
            log(k, w);
            for (int a = 0; a < 3; a++) {
                mean[a] += w[a] / images;
                mean[3 + a] += shift[3 * k + a] / images;
            }
        }
        for (int k = 0; k < images; k++) {
            compose(k, new double[] {-mean[0], -mean[1], -mean[2]});
            for (int a = 0; a < 3; a++) shift[3 * k + a] -= mean[3 + a];
        }
    }

    /** R_k ← exp([w]×)·R_k (Rodrigues). */
    private void compose(int k, double[] w) {
        double th = Math.sqrt(w[0] * w[0] + w[1] * w[1] + w[2] * w[2]);
        if (th < 1e-300) return;
        double kx = w[0] / th, ky = w[1] / th, kz = w[2] / th, c = Math.cos(th), s = Math.sin(th), u = 1 - c;
        double[] e = {c + kx * kx * u, kx * ky * u - kz * s, kx * kz * u + ky * s,
                ky * kx * u + kz * s, c + ky * ky * u, ky * kz * u - kx * s,
                kz * kx * u - ky * s, kz * ky * u + kx * s, c + kz * kz * u};
        double[] out = new double[9];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                double sum = 0;
                for (int l = 0; l < 3; l++) sum += e[3 * i + l] * rot[9 * k + 3 * l + j];
                out[3 * i + j] = sum;
            }
        }
        System.arraycopy(out, 0, rot, 9 * k, 9);
    }

    /** The axis-angle vector of R_k into w (small angles: the corrections stay well under 180°). */
    private void log(int k, double[] w) {
        int o = 9 * k;
        double tr = rot[o] + rot[o + 4] + rot[o + 8];
        double th = Math.acos(Math.max(-1, Math.min(1, (tr - 1) / 2)));
        double f = th < 1e-9 ? 0.5 : th / (2 * Math.sin(th));
        w[0] = f * (rot[o + 7] - rot[o + 5]);
        w[1] = f * (rot[o + 2] - rot[o + 6]);
        w[2] = f * (rot[o + 3] - rot[o + 1]);
    }
}
