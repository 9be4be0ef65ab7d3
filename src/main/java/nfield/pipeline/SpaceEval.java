package nfield.pipeline;

import nfield.compute.Backend;
import nfield.data.mesh.Mesh;
import nfield.data.mesh.MeshMetrics;
import nfield.field.FittedField;
import nfield.field.ShapeSpace;
import nfield.io.FieldMesher;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * How well a space holds its own shapes: each member decoded from its code, meshed at
 * {@code res}³ and scored against the mesh it was learned from ({@link MeshMetrics}, as
 * {@code fit-many --eval} scores its fields: with the reference scaled to fit [-1, 1]³).
 */
public final class SpaceEval {
    private SpaceEval() {}

    /** One member's scores (null metrics: its data could not be read again; {@code error} says why). */
    public record Score(String name, MeshMetrics.Result metrics, int triangles, String error) {}

    public static List<Score> members(ShapeSpace space, List<Integer> which, int res, int points, Backend backend, FitListener listener) {
        List<Score> out = new ArrayList<>();
        for (int i : which) {
            ShapeSpace.Member m = space.members().get(i);
            try (var scope = backend.scope()) {
                Mesh ref = Fits.loadMesh(m.data(), w -> {});
                FittedField f = space.member(i, backend);
                Mesh surface = FieldMesher.surface(f, res, false, m.name()).mesh();
                MeshMetrics.Result r = surface.triangleCount() == 0 ? null : MeshMetrics.compute(surface, ref, points, points, 0.01, 0);
                out.add(new Score(m.name(), r, surface.triangleCount(), r == null ? "no surface" : null));
            } catch (IOException | RuntimeException e) {
                out.add(new Score(m.name(), null, 0, e.getMessage()));
            }
            listener.info(String.format(java.util.Locale.ROOT, "scored %d of %d: %s %s", out.size(), which.size(), m.name(),
                    out.get(out.size() - 1).metrics() == null ? out.get(out.size() - 1).error()
                            : String.format(java.util.Locale.ROOT, "Chamfer-L1 %.5f IoU %.4f", out.get(out.size() - 1).metrics().chamferL1(),
                            out.get(out.size() - 1).metrics().iou())));
        }
        return out;
    }
}
