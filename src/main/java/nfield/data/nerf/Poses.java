package nfield.data.nerf;

import java.util.Locale;

/** Checks that a 4×4 camera-to-world matrix is finite and rigid. */
final class Poses {
    /** How far RᵀR may be from the identity, entry by entry (poses are stored as float32, so 1e-6 is typical). */
    static final double ORTHONORMAL_TOLERANCE = 1e-3;
    /** How far the last row may be from 0 0 0 1. */
    static final double LAST_ROW_TOLERANCE = 1e-6;

    private Poses() {}

    /**
     * What is wrong with the row-major 4×4 matrix at {@code m[off..off+16)}, or null when it is a
     * rigid transform: all entries finite, rotation part orthonormal with determinant +1 (within
     * {@link #ORTHONORMAL_TOLERANCE}), last row 0 0 0 1 (within {@link #LAST_ROW_TOLERANCE}).
     */
    static String problem(double[] m, int off) {
        for (int i = 0; i < 16; i++) {
            if (!Double.isFinite(m[off + i])) {
                return "entry [" + i / 4 + "][" + i % 4 + "] is " + m[off + i] + " (poses must be finite)";
            }
        }
        double[] last = {m[off + 12], m[off + 13], m[off + 14], m[off + 15] - 1};
        for (double d : last) {
            if (Math.abs(d) > LAST_ROW_TOLERANCE) {
                return String.format(Locale.ROOT, "last row is %s %s %s %s, not 0 0 0 1", fmt(m[off + 12]), fmt(m[off + 13]),
                        fmt(m[off + 14]), fmt(m[off + 15]));
            }
        }
        double worst = 0;
        for (int a = 0; a < 3; a++) {
            for (int b = 0; b < 3; b++) {
                double dot = 0;
                for (int r = 0; r < 3; r++) dot += m[off + 4 * r + a] * m[off + 4 * r + b];
                worst = Math.max(worst, Math.abs(dot - (a == b ? 1 : 0)));
            }
        }
        if (worst > ORTHONORMAL_TOLERANCE) {
            return String.format(Locale.ROOT, "is not rigid: the rotation part's columns are not orthonormal (RᵀR differs from I by up to %.3g,"
                    + " tolerance %.0e; a scaled or sheared camera is not supported)", worst, ORTHONORMAL_TOLERANCE);
        }
        double det = m[off] * (m[off + 5] * m[off + 10] - m[off + 6] * m[off + 9])
                - m[off + 1] * (m[off + 4] * m[off + 10] - m[off + 6] * m[off + 8])
                + m[off + 2] * (m[off + 4] * m[off + 9] - m[off + 5] * m[off + 8]);
        if (det < 0) return "is not rigid: the rotation part is a reflection (determinant " + String.format(Locale.ROOT, "%.2f", det) + ")";
        return null;
    }

    private static String fmt(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
