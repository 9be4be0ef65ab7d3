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
}
