package nfield.export;

import nfield.data.mesh.Mesh;
import nfield.field.CropBox;
import nfield.field.FieldQuery;
import nfield.field.ScalarField;
import nfield.io.FieldMesher;

/**
 * A radiance field's surface: the level set density = iso over the whole grid (densities are not
 * distances, so every grid point is evaluated), normals from the density's gradient, vertex
 * colours from the field at each vertex (a view-dependent field's seen head-on: along the
 * inward normal); in the data's original coordinates. A field of an unbounded scene (contracted)
 * is meshed over its box of interest, the normalised [-1, 1]^3 that it reads at half scale: the
 * subject, not the contracted shell of the world around it; {@code crop} is in those normalised
 * coordinates, as the viewer shows them.
 */
public final class DensityMesh {
    private DensityMesh() {}

    /** The mesh, its unit normals [V, 3] and RGB colours [V, 3]. */
    public record Result(Mesh mesh, float[] normals, float[] colors) {}

    /** Refuses a non-positive iso, and a level no density reaches, naming the fix. */
    public static Result extract(ExportedField f, int res, double iso) {
        return extract(f, res, iso, CropBox.FULL);
    }

    /** The surface inside {@code crop} (closed, capped where the box cuts it). */
    public static Result extract(ExportedField f, int res, double iso, CropBox crop) {
        if (!(iso > 0)) throw new IllegalArgumentException("--iso " + iso + ": must be a positive density");
        ScalarField level = ScalarField.densityLevel(new FieldQuery(f.field()), (float) iso);
        if (f.contracted()) level = ScalarField.scaled(level, 0.5f); // the box of interest, read at half scale
        FieldMesher.Result r = FieldMesher.extract(crop.crop(level), res, true, f.file().getFileName().toString(), false);
        if (r.mesh().triangleCount() == 0) {
            throw new IllegalArgumentException(f.file() + ": no density reaches --iso " + iso + " inside " + (crop.full()
                    ? (f.contracted() ? "the box of interest" : "the box") : "the crop box " + crop) + " at --res " + res
                    + " (try a lower --iso)");
        }
        Mesh mesh = r.mesh().denormalized(f.normalization());
        double[] v = mesh.vertices();
        float[] pts = new float[v.length];
        for (int i = 0; i < v.length; i++) pts[i] = (float) v[i];
        float[] out;
        if (f.viewDependent()) { // the colour seen looking straight at the surface: direction = −(outward normal)
            float[] n = r.normals(), dirs = new float[n.length];
            for (int i = 0; i < n.length; i++) dirs[i] = -n[i];
            out = f.evaluate(pts, dirs, mesh.vertexCount());
        } else {
            out = f.evaluate(pts, mesh.vertexCount());
        }
        float[] colors = new float[v.length];
        for (int i = 0; i < mesh.vertexCount(); i++) System.arraycopy(out, 4 * i + 1, colors, 3 * i, 3);
        return new Result(mesh, r.normals(), colors);
    }
}
