package nfield.field;

import nfield.compute.Backend;
import nfield.compute.Tensor;

/**
 * Evaluates a field at points held on the host, in batches: values, and gradients with respect
 * to the point (one forward and one backward pass, no finite differences). Not thread-safe.
 * The value is the field's first output (distance or density); a view-dependent radiance field
 * is evaluated through {@link Field#forwardDensity}, without its colour network.
 */
public final class FieldQuery implements ScalarField {
    public static final int BATCH = 1 << 16;

    private final Field field;
    private final Backend backend;
    private final Tensor points, out, dOut, dPoints;
    private final boolean densityOnly;
    private final int width;
    private final float[] chunkIn = new float[BATCH * 3];
    private Tensor full, directions; // for outputs(): every column, and the view direction per row
    private float[] directionHeld;

    public FieldQuery(Field field) {
        this.field = field;
        backend = field.backend();
        densityOnly = field.viewDependent();
        width = densityOnly ? 1 : field.outputWidth();
        points = backend.alloc(BATCH, 3);
        out = backend.alloc(BATCH, width);
        dOut = backend.alloc(BATCH, width);
        dPoints = backend.alloc(BATCH, 3);
    }

    public Field field() { return field; }

    /** xyz [n, 3] → the field's first output column [n]. */
    @Override
    public float[] values(float[] xyz, int n) {
        float[] result = new float[n];
        int w = width;
        for (int s = 0; s < n; s += BATCH) {
            int m = Math.min(BATCH, n - s);
            Tensor p = load(xyz, s, m), o = out.view(m);
            forward(p, o);
            float[] v = backend.readFloats(o);
            if (w == 1) System.arraycopy(v, 0, result, s, m);
            else for (int i = 0; i < m; i++) result[s + i] = v[i * w];
        }
        return result;
    }

    /**
     * xyz [n, 3] → every output column [n, outputs] (a radiance field: density, r, g, b), a
     * view-dependent field's colour as seen along {@code direction} (a unit vector in field
     * coordinates, the same for every point; ignored by other fields, may be null for them).
     */
    public float[] outputs(float[] xyz, float[] direction, int n) {
        boolean dirs = field.viewDependent();
        if (dirs && (direction == null || direction.length != 3)) {
            throw new IllegalArgumentException("a view-dependent field's colour needs a view direction");
        }
        int w = field.outputWidth();
        if (full == null) {
            full = backend.alloc(BATCH, w);
            if (dirs) directions = backend.alloc(BATCH, 3);
        }
        if (dirs && !java.util.Arrays.equals(direction, directionHeld)) { // the first call, or another direction
            float[] d = new float[3 * BATCH];
            for (int i = 0; i < BATCH; i++) System.arraycopy(direction, 0, d, 3 * i, 3);
            backend.write(directions, d);
            directionHeld = direction.clone();
        }
        float[] result = new float[n * w];
        for (int s = 0; s < n; s += BATCH) {
            int m = Math.min(BATCH, n - s);
            Tensor p = load(xyz, s, m), o = full.view(m);
            if (dirs) field.forward(p, directions.view(m), o);
            else field.forward(p, o);
            System.arraycopy(backend.readFloats(o), 0, result, s * w, m * w);
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
        int w = width;
        float[] seed = new float[BATCH * w];
        for (int i = 0; i < BATCH; i++) seed[i * w] = 1;
        for (int s = 0; s < n; s += BATCH) {
            int m = Math.min(BATCH, n - s);
            Tensor p = load(xyz, s, m), o = out.view(m), d = dOut.view(m), dp = dPoints.view(m);
            var ctx = forward(p, o);
            backend.write(d, seed); // the first m·w values are used
            field.backward(ctx, d, dp);
            System.arraycopy(backend.readFloats(dp), 0, result, s * 3, m * 3);
        }
        return result;
    }

    private Component.Context forward(Tensor p, Tensor o) {
        return densityOnly ? field.forwardDensity(p, o) : field.forward(p, o);
    }

    private Tensor load(float[] xyz, int start, int m) {
        Tensor p = points.view(m);
        System.arraycopy(xyz, start * 3, chunkIn, 0, m * 3);
        backend.write(p, chunkIn); // the first m·3 values are used
        return p;
    }
}
