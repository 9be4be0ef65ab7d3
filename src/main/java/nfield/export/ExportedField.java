package nfield.export;

import nfield.compute.Backend;
import nfield.compute.Tensor;
import nfield.field.Field;
import nfield.field.FieldMeta;
import nfield.field.FittedField;
import nfield.geom.Normalization;
import nfield.io.FieldFile;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A loaded field as every export sees it: a function of points in the <em>original</em>
 * coordinates of the data it was fitted to. The field itself is a function of
 * q = (p − c)·s ({@link Normalization}); exports undo the scale on the outputs, so an SDF's
 * distance is in original units (field value / s) and a radiance field's density is per
 * original unit length (field density · s); colours are unchanged. A field of an unbounded
 * scene reads q contracted as training did ({@link nfield.geom.Contraction}: half of
 * q inside the box of interest, the shell beyond), its density per normalised unit as before.
 * {@link #evaluate} is the reference every export is checked against.
 */
public record ExportedField(Path file, Field field, Normalization normalization, FieldMeta meta) {
    /** Points per forward pass in {@link #evaluate}. */
    private static final int BATCH = 1 << 16;

    /** Loads {@code file} onto {@code backend}; the caller closes the backend. */
    public static ExportedField load(Path file, Backend backend) throws IOException {
        return of(file, FieldFile.load(file, backend));
    }

    /** A fitted field (read from {@code file}, or about to be written there) as the exports see it. */
    public static ExportedField of(Path file, FittedField f) {
        return new ExportedField(file, f.field(), f.normalization(), f.meta());
    }

    /** Whether the field reads its points contracted (an unbounded scene's, {@link FieldMeta.Radiance#contracted()}). */
    public boolean contracted() {
        return meta != null && meta.radiance() != null && meta.radiance().contracted();
    }

    public boolean isSdf() {
        return field.config().kind().equals("sdf");
    }

    /** Output columns: 1 for an SDF (distance), 4 for a radiance field (density, r, g, b). */
    public int outputs() {
        return field.outputWidth();
    }

    /** Whether the field's colour depends on the view direction: {@link #evaluate(float[], float[], int)} then needs directions. */
    public boolean viewDependent() {
        return field.viewDependent();
    }

    /**
     * Points [n, 3] in original coordinates → outputs [n, {@link #outputs()}] in original units,
     * computed in float32 as the exports do: q = (p − c)·s per coordinate, the field on the
     * backend, then distance / s (SDF) or density · s (radiance). A view-dependent field refuses
     * (it needs {@link #evaluate(float[], float[], int)}).
     */
    public float[] evaluate(float[] xyz, int n) {
        if (viewDependent()) {
            throw new IllegalStateException(file + ": the field's colour depends on the view direction; evaluate it with directions");
        }
        return evaluate(xyz, null, n);
    }

    /**
     * As {@link #evaluate(float[], int)}, with unit view directions dirs [n, 3] for a
     * view-dependent field (used as given: the normalisation is a uniform scale and shift, so
     * original and field coordinates share directions); null or ignored for other fields.
     */
    public float[] evaluate(float[] xyz, float[] dirs, int n) {
        if (viewDependent() && (dirs == null || dirs.length < 3L * n)) {
            throw new IllegalArgumentException(file + ": a view-dependent field needs directions [" + n + ", 3]");
        }
        boolean withDirs = viewDependent();
        Backend b = field.backend();
        int w = outputs();
        float[] result = new float[n * w];
        float[] q = new float[Math.min(n, BATCH) * 3], dq = withDirs ? new float[q.length] : null;
        float cx = (float) normalization.cx(), cy = (float) normalization.cy(), cz = (float) normalization.cz();
        float s = (float) normalization.scale();
        boolean contract = contracted();
        int cap = Math.max(1, Math.min(n, BATCH));
        Tensor points = b.alloc(cap, 3), out = b.alloc(cap, w), directions = withDirs ? b.alloc(cap, 3) : null;
        for (int at = 0; at < n; at += BATCH) {
            int m = Math.min(BATCH, n - at);
            for (int i = 0; i < m; i++) {
                q[3 * i] = (xyz[3 * (at + i)] - cx) * s;
                q[3 * i + 1] = (xyz[3 * (at + i) + 1] - cy) * s;
                q[3 * i + 2] = (xyz[3 * (at + i) + 2] - cz) * s;
                if (contract) nfield.geom.Contraction.contract(q[3 * i], q[3 * i + 1], q[3 * i + 2], q, 3 * i);
            }
            Tensor p = points.view(m), o = out.view(m), d = null;
            b.write(p, q); // the first m·3 values are used
            if (withDirs) {
                System.arraycopy(dirs, 3 * at, dq, 0, 3 * m);
                d = directions.view(m);
                b.write(d, dq);
            }
            field.forward(p, d, o);
            double[] v = b.read(o);
            for (int i = 0; i < m; i++) {
                for (int c = 0; c < w; c++) {
                    float x = (float) v[i * w + c];
                    result[(at + i) * w + c] = c == 0 ? (isSdf() ? x / s : x * s) : x;
                }
            }
        }
        return result;
    }
}
