package nfield.geom;

/**
 * The similarity transform from the data's original coordinates into the field's box:
 * {@code p_field = (p - center) · scale}. {@link #fit} centres a bounding box and scales its
 * longest side to {@code 2 · extent} (meshes: 0.9 by default, so the mesh fills [-0.9, 0.9] along
 * its longest axis, leaving a margin inside [-1, 1]³ for the surface's outside band; radiance
 * scene boxes: 1). Stored with every field, so meshes, evaluations and exports come out in
 * original coordinates.
 */
public record Normalization(double cx, double cy, double cz, double scale) {
    public static final double DEFAULT_EXTENT = 0.9;
    public static final Normalization IDENTITY = new Normalization(0, 0, 0, 1);

    public Normalization {
        if (!(scale > 0) || !Double.isFinite(scale) || !Double.isFinite(cx) || !Double.isFinite(cy) || !Double.isFinite(cz)) {
            throw new IllegalArgumentException("normalization needs a finite centre and a positive scale, got "
                    + cx + ", " + cy + ", " + cz + ", " + scale);
        }
    }

    /**
     * Centres the box {@code [minX, minY, minZ, maxX, maxY, maxZ]} and scales its longest side to
     * {@code 2 · extent}; {@code what} names the data in the error for a box of no extent.
     */
    public static Normalization fit(double[] box, double extent, String what) {
        double longest = Math.max(box[3] - box[0], Math.max(box[4] - box[1], box[5] - box[2]));
        if (!(longest > 0)) throw new IllegalArgumentException(what + ": all points coincide; nothing to fit");
        return new Normalization(0.5 * (box[0] + box[3]), 0.5 * (box[1] + box[4]), 0.5 * (box[2] + box[5]), 2 * extent / longest);
    }

    /** Points [n, 3] (interleaved) moved into the field's box: a new array. */
    public double[] apply(double[] xyz) {
        double[] v = xyz.clone();
        for (int i = 0; i < v.length; i += 3) {
            v[i] = (v[i] - cx) * scale;
            v[i + 1] = (v[i + 1] - cy) * scale;
            v[i + 2] = (v[i + 2] - cz) * scale;
        }
        return v;
    }

    /** Points [n, 3] in field coordinates moved back to original coordinates: a new array. */
    public double[] invert(double[] xyz) {
        double[] v = xyz.clone();
        double s = 1 / scale;
        for (int i = 0; i < v.length; i += 3) {
            v[i] = v[i] * s + cx;
            v[i + 1] = v[i + 1] * s + cy;
            v[i + 2] = v[i + 2] * s + cz;
        }
        return v;
    }

    /** [cx, cy, cz, scale], the form stored in field files. */
    public double[] toArray() {
        return new double[]{cx, cy, cz, scale};
    }

    public static Normalization of(double[] a) {
        if (a.length != 4) throw new IllegalArgumentException("normalization needs 4 numbers [cx, cy, cz, scale], got " + a.length);
        return new Normalization(a[0], a[1], a[2], a[3]);
    }
}
