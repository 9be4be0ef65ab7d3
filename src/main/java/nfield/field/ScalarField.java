package nfield.field;

/** A scalar function of points (field coordinates) with its gradient, as marching cubes samples it. */
public interface ScalarField {
    /** xyz [n, 3] → values [n]. */
    float[] values(float[] xyz, int n);

    /** xyz [n, 3] → gradients [n, 3]. */
    float[] gradients(float[] xyz, int n);

    /** The level set {@code density = iso} of a radiance field's density as a zero level set, negative inside (denser). */
    static ScalarField densityLevel(FieldQuery density, float iso) {
        return new ScalarField() {
            @Override
            public float[] values(float[] xyz, int n) {
                float[] v = density.values(xyz, n);
                for (int i = 0; i < n; i++) v[i] = Float.isNaN(v[i]) ? Float.NaN : iso - v[i];
                return v;
            }

            @Override
            public float[] gradients(float[] xyz, int n) {
                float[] g = density.gradients(xyz, n);
                for (int i = 0; i < g.length; i++) g[i] = -g[i];
                return g;
            }
        };
    }

    /**
     * {@code f} read at {@code k}·x: what a contracted field's box of interest [-1, 1]^3 is in the
     * coordinates the field reads (k = 0.5). Gradients follow the chain rule (k times f's).
     */
    static ScalarField scaled(ScalarField f, float k) {
        return new ScalarField() {
            private float[] at(float[] xyz, int n) {
                float[] q = new float[3 * n];
                for (int i = 0; i < 3 * n; i++) q[i] = k * xyz[i];
                return q;
            }

            @Override
            public float[] values(float[] xyz, int n) {
                return f.values(at(xyz, n), n);
            }

            @Override
            public float[] gradients(float[] xyz, int n) {
                float[] g = f.gradients(at(xyz, n), n);
                for (int i = 0; i < g.length; i++) g[i] *= k;
                return g;
            }
        };
    }
}
