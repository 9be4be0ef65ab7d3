package nfield.data.mesh;

/**
 * The similarity transform from a mesh's original coordinates into the field's box:
 * {@code p_field = (p - center) · scale}. {@link #fit} centres the bounding box and scales its
 * longest side to {@code 2 · extent} (1.8 by default: the mesh fills [-0.9, 0.9] along its
 * longest axis, leaving a margin inside [-1, 1]³ for the surface's outside band). Stored with
 * every field, so meshes, evaluations and exports come out in original coordinates.
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

    /** Centres the bounding box of {@code mesh} and scales its longest side to {@code 2 · extent}. */
    public static Normalization fit(Mesh mesh, double extent) {
        double[] b = mesh.bounds();
        double longest = Math.max(b[3] - b[0], Math.max(b[4] - b[1], b[5] - b[2]));
        if (!(longest > 0)) throw new IllegalArgumentException(mesh.name() + ": all vertices coincide; nothing to fit");
        return new Normalization(0.5 * (b[0] + b[3]), 0.5 * (b[1] + b[4]), 0.5 * (b[2] + b[5]), 2 * extent / longest);
    }

    /** The mesh moved into the field's box. */
    public Mesh apply(Mesh mesh) {
        double[] v = mesh.vertices().clone();
        for (int i = 0; i < v.length; i += 3) {
            v[i] = (v[i] - cx) * scale;
            v[i + 1] = (v[i + 1] - cy) * scale;
            v[i + 2] = (v[i + 2] - cz) * scale;
        }
        return new Mesh(mesh.name(), v, mesh.triangles(), mesh.warnings());
    }

    /** A mesh in field coordinates moved back to original coordinates. */
    public Mesh invert(Mesh mesh) {
        double[] v = mesh.vertices().clone();
        double s = 1 / scale;
        for (int i = 0; i < v.length; i += 3) {
            v[i] = v[i] * s + cx;
            v[i + 1] = v[i + 1] * s + cy;
            v[i + 2] = v[i + 2] * s + cz;
        }
        return new Mesh(mesh.name(), v, mesh.triangles(), mesh.warnings());
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
