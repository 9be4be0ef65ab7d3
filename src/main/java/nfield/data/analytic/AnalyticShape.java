package nfield.data.analytic;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Shapes the project defines itself, with exact signed distances (negative inside), used as the
 * built-in default data ({@code analytic:torus}) and in tests. All fit in [-1, 1]^3.
 */
public enum AnalyticShape {
    /** Torus in the xz plane, major radius 0.5, minor radius 0.2. */
    TORUS {
        @Override
        public double sdf(double x, double y, double z) {
            double q = Math.sqrt(x * x + z * z) - 0.5;
            return Math.sqrt(q * q + y * y) - 0.2;
        }

        @Override
        void surfacePoint(RandomGenerator rng, double[] p) {
            double u = rng.nextDouble() * 2 * Math.PI, v = rng.nextDouble() * 2 * Math.PI;
            double ring = 0.5 + 0.2 * Math.cos(v);
            p[0] = ring * Math.cos(u);
            p[1] = 0.2 * Math.sin(v);
            p[2] = ring * Math.sin(u);
        }
    },
    /** Sphere of radius 0.6 at the origin. */
    SPHERE {
        @Override
        public double sdf(double x, double y, double z) {
            return Math.sqrt(x * x + y * y + z * z) - 0.6;
        }

        @Override
        void surfacePoint(RandomGenerator rng, double[] p) {
            double a = rng.nextGaussian(), b = rng.nextGaussian(), c = rng.nextGaussian();
            double n = Math.sqrt(a * a + b * b + c * c) + 1e-300;
            p[0] = 0.6 * a / n;
            p[1] = 0.6 * b / n;
            p[2] = 0.6 * c / n;
        }
    };

    public abstract double sdf(double x, double y, double z);

    abstract void surfacePoint(RandomGenerator rng, double[] p);

    public String id() {
        return "analytic:" + name().toLowerCase(java.util.Locale.ROOT);
    }

    public static List<String> ids() {
        return java.util.Arrays.stream(values()).map(AnalyticShape::id).toList();
    }

    /** {@code analytic:torus} → TORUS, or null if {@code data} does not name an analytic shape. */
    public static AnalyticShape parse(String data) {
        for (AnalyticShape s : values()) if (s.id().equals(data)) return s;
        return null;
    }

    /**
     * Training samples, rows [x, y, z, sdf]: half uniform in [-1, 1]^3, half near the surface
     * (a surface point plus N(0, 0.02^2) per axis), as the peer samples its target.
     */
    public float[] samples(int n, RandomGenerator rng) {
        float[] out = new float[n * 4];
        double[] p = new double[3];
        for (int i = 0; i < n; i++) {
            if (i % 2 == 0) {
                for (int k = 0; k < 3; k++) p[k] = rng.nextDouble() * 2 - 1;
            } else {
                surfacePoint(rng, p);
                for (int k = 0; k < 3; k++) p[k] = Math.max(-1, Math.min(1, p[k] + 0.02 * rng.nextGaussian()));
            }
            for (int k = 0; k < 3; k++) out[i * 4 + k] = (float) p[k];
            out[i * 4 + 3] = (float) sdf(p[0], p[1], p[2]);
        }
        return out;
    }
}
