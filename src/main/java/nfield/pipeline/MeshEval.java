package nfield.pipeline;

import com.fasterxml.jackson.databind.node.ObjectNode;
import nfield.compute.Backend;
import nfield.config.Json;
import nfield.data.mesh.Mesh;
import nfield.data.mesh.MeshMetrics;
import nfield.data.mesh.MeshReader;
import nfield.io.FieldFile;
import nfield.io.FieldMesher;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Supplier;

/** A fitted field's surface (or any mesh) scored against a reference mesh: Chamfer, F-score, normals, IoU. */
public final class MeshEval {
    private MeshEval() {}

    /** How many points, the F-score's tau, the seed; for a field PRED the marching-cubes grid. */
    public record Options(int res, int points, int volumePoints, double tau, long seed) {}

    /** The predicted mesh (a field's surface in the data's coordinates, its normals when asked), the figures, the times. */
    public record Result(Mesh mesh, float[] normals, MeshMetrics.Result metrics, double extractSeconds, double metricSeconds) {
        /** The figures as {@code nfield eval --json} prints them. */
        public ObjectNode toJson(String pred, String ref) {
            MeshMetrics.Result r = metrics;
            return Json.MAPPER.createObjectNode().put("pred", pred).put("ref", ref)
                    .put("chamfer_l1", r.chamferL1()).put("chamfer_l2", r.chamferL2()).put("fscore", r.fscore())
                    .put("precision", r.precision()).put("recall", r.recall()).put("tau", r.tau())
                    .put("normal_consistency", r.normalConsistency()).put("iou", r.iou())
                    .put("pred_vertices", mesh.vertexCount()).put("pred_triangles", mesh.triangleCount())
                    .put("points", r.surfacePoints()).put("volume_points", r.volumePoints())
                    .put("extract_seconds", extractSeconds).put("metric_seconds", metricSeconds);
        }
    }

    /** Whether {@code pred} is a mesh file (by its extension) rather than a field file. */
    public static boolean isMesh(Path pred) {
        String name = pred.getFileName().toString().toLowerCase(Locale.ROOT);
        return MeshReader.EXTENSIONS.stream().anyMatch(e -> name.endsWith("." + e));
    }

    /** Scores {@code pred} (a mesh file, or a field file meshed on a backend from {@code backends}) against {@code reference}. */
    public static Result run(Path pred, Mesh reference, Options opt, boolean normals, Supplier<Backend> backends) throws IOException {
        if (opt.points() < 1000 || opt.volumePoints() < 1000) throw new FitError("--points and --volume-points must be at least 1000");
        if (!(opt.tau() > 0)) throw new FitError("--tau " + opt.tau() + ": must be positive");
        Mesh mesh;
        float[] n = null;
        double extract = 0;
        if (isMesh(pred)) {
            mesh = MeshReader.read(pred);
        } else {
            try (Backend backend = backends.get()) {
                var f = FieldFile.load(pred, backend);
                long t0 = System.nanoTime();
                FieldMesher.Result m = FieldMesher.surface(f, opt.res(), normals, pred.getFileName().toString());
                extract = (System.nanoTime() - t0) * 1e-9;
                mesh = m.mesh();
                n = m.normals();
            }
        }
        long t1 = System.nanoTime();
        MeshMetrics.Result r = MeshMetrics.compute(mesh, reference, opt.points(), opt.volumePoints(), opt.tau(), opt.seed());
        return new Result(mesh, n, r, extract, (System.nanoTime() - t1) * 1e-9);
    }
}
