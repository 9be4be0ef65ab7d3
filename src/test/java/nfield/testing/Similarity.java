package nfield.testing;

/** y ≈ s R x + t, least squares (Umeyama 1991), through Horn's quaternion form for the rotation. */
public record Similarity(double s, double[] r, double[] t) {
    public double[] apply(double x, double y, double z) {
        return new double[] {s * (r[0] * x + r[1] * y + r[2] * z) + t[0], s * (r[3] * x + r[4] * y + r[5] * z) + t[1],
                s * (r[6] * x + r[7] * y + r[8] * z) + t[2]};
    }

    public static Similarity umeyama(double[] x, double[] y) {
        int n = x.length / 3;
        double[] mx = new double[3], my = new double[3];
        for (int i = 0; i < n; i++) for (int a = 0; a < 3; a++) { mx[a] += x[3 * i + a] / n; my[a] += y[3 * i + a] / n; }
        double[] m = new double[9]; // cross-covariance sum (x - mx)(y - my)^T
        double vx = 0;
        for (int i = 0; i < n; i++) {
            for (int a = 0; a < 3; a++) {
                vx += sq(x[3 * i + a] - mx[a]);
                for (int b = 0; b < 3; b++) m[3 * a + b] += (x[3 * i + a] - mx[a]) * (y[3 * i + b] - my[b]);
            }
        }
        double sxx = m[0], sxy = m[1], sxz = m[2], syx = m[3], syy = m[4], syz = m[5], szx = m[6], szy = m[7], szz = m[8];
        double[] nm = {
            sxx + syy + szz, syz - szy, szx - sxz, sxy - syx,
            syz - szy, sxx - syy - szz, sxy + syx, szx + sxz,
            szx - sxz, sxy + syx, -sxx + syy - szz, syz + szy,
            sxy - syx, szx + sxz, syz + szy, -sxx - syy + szz};
        double[] q = largestEigenvector(nm);
        double w = q[0], qx = q[1], qy = q[2], qz = q[3];
        double[] r = nfield.geom.Rotations.matrix(w, qx, qy, qz);
        // scale: sum y' . R x' / sum |x'|^2
        double num = 0;
        for (int i = 0; i < n; i++) {
            double[] d = {x[3 * i] - mx[0], x[3 * i + 1] - mx[1], x[3 * i + 2] - mx[2]};
            for (int a = 0; a < 3; a++) num += (y[3 * i + a] - my[a]) * (r[3 * a] * d[0] + r[3 * a + 1] * d[1] + r[3 * a + 2] * d[2]);
        }
        double s = num / vx;
        double[] t = new double[3];
        for (int a = 0; a < 3; a++) t[a] = my[a] - s * (r[3 * a] * mx[0] + r[3 * a + 1] * mx[1] + r[3 * a + 2] * mx[2]);
        return new Similarity(s, r, t);
    }

    /** The unit eigenvector of the symmetric 4×4 {@code a} with the largest eigenvalue, by Jacobi rotations. */
    static double[] largestEigenvector(double[] a0) {
        double[] a = a0.clone(), v = new double[16];
        for (int i = 0; i < 4; i++) v[5 * i] = 1;
        for (int sweep = 0; sweep < 100; sweep++) {
            double off = 0;
            for (int p = 0; p < 4; p++) for (int q = p + 1; q < 4; q++) off += sq(a[4 * p + q]);
            if (off < 1e-30) break;
            for (int p = 0; p < 4; p++) {
                for (int q = p + 1; q < 4; q++) {
                    if (Math.abs(a[4 * p + q]) < 1e-300) continue;
                    double theta = (a[4 * q + q] - a[4 * p + p]) / (2 * a[4 * p + q]);
                    double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
                    if (theta == 0) t = 1;
                    double c = 1 / Math.sqrt(t * t + 1), s = t * c;
                    for (int k = 0; k < 4; k++) { // a ← a J
                        double akp = a[4 * k + p], akq = a[4 * k + q];
                        a[4 * k + p] = c * akp - s * akq;
                        a[4 * k + q] = s * akp + c * akq;
                    }
                    for (int k = 0; k < 4; k++) { // a ← Jᵀ a
                        double apk = a[4 * p + k], aqk = a[4 * q + k];
                        a[4 * p + k] = c * apk - s * aqk;
                        a[4 * q + k] = s * apk + c * aqk;
                    }
                    for (int k = 0; k < 4; k++) {
                        double vkp = v[4 * k + p], vkq = v[4 * k + q];
                        v[4 * k + p] = c * vkp - s * vkq;
                        v[4 * k + q] = s * vkp + c * vkq;
                    }
                }
            }
        }
        int best = 0;
        for (int i = 1; i < 4; i++) if (a[5 * i] > a[5 * best]) best = i;
        return new double[] {v[best], v[4 + best], v[8 + best], v[12 + best]};
    }

    private static double sq(double v) { return v * v; }
}
