package nfield.field;

import nfield.compute.Backend;
import nfield.compute.Tensor;

/**
 * Evaluates a field at points held on the host, in batches: values, and gradients with respect
 * to the point (one forward and one backward pass, no finite differences). Not thread-safe.
 */
public final class FieldQuery implements ScalarField {
    public static final int BATCH = 1 << 16;

    private final Field field;
    private final Backend backend;
    private final Tensor points, out, dOut, dPoints;
    private final float[] chunkIn = new float[BATCH * 3];

    public FieldQuery(Field field) {
        this.field = field;
        backend = field.backend();
        points = backend.alloc(BATCH, 3);
        out = backend.alloc(BATCH, field.outputWidth());
        dOut = backend.alloc(BATCH, field.outputWidth());
        dPoints = backend.alloc(BATCH, 3);
    }

    public Field field() { return field; }

    /** xyz [n, 3] → the field's first output column [n]. */
    @Override
    public float[] values(float[] xyz, int n) {
        float[] result = new float[n];
        int w = field.outputWidth();
        for (int s = 0; s < n; s += BATCH) {
            int m = Math.min(BATCH, n - s);
            Tensor p = load(xyz, s, m), o = out.view(m);
            field.forward(p, o);
            double[] v = backend.read(o);
            for (int i = 0; i < m; i++) result[s + i] = (float) v[i * w];
        }
        return result;
    }

    /** xyz [n, 3] → every output column [n, outputs] (a radiance field: density, r, g, b). */
    public float[] outputs(float[] xyz, int n) {
        int w = field.outputWidth();
        float[] result = new float[n * w];
        for (int s = 0; s < n; s += BATCH) {
            int m = Math.min(BATCH, n - s);
            Tensor p = load(xyz, s, m), o = out.view(m);
            field.forward(p, o);
            double[] v = backend.read(o);
            for (int i = 0; i < m * w; i++) result[s * w + i] = (float) v[i];
        }
        return result;
    }

    /** xyz [n, 3] → d(first output)/d(point) [n, 3]; no parameter gradients are computed. */
    @Override
    public float[] gradients(float[] xyz, int n) {
        field.params().pointGradientsOnly(true);
        try {
            return pointGradients(xyz, n);
        } finally {
            field.params().pointGradientsOnly(false);
        }
    }

    private float[] pointGradients(float[] xyz, int n) {
        float[] result = new float[n * 3];
        int w = field.outputWidth();
        float[] seed = new float[BATCH * w];
        for (int i = 0; i < BATCH; i++) seed[i * w] = 1;
        for (int s = 0; s < n; s += BATCH) {
            int m = Math.min(BATCH, n - s);
            Tensor p = load(xyz, s, m), o = out.view(m), d = dOut.view(m), dp = dPoints.view(m);
            var ctx = field.forward(p, o);
            backend.write(d, seed); // the first m·w values are used
            field.backward(ctx, d, dp);
            double[] g = backend.read(dp);
            for (int i = 0; i < m * 3; i++) result[s * 3 + i] = (float) g[i];
        }
        return result;
    }

    private Tensor load(float[] xyz, int start, int m) {
        Tensor p = points.view(m);
        System.arraycopy(xyz, start * 3, chunkIn, 0, m * 3);
        backend.write(p, chunkIn); // the first m·3 values are used
        return p;
    }
}
