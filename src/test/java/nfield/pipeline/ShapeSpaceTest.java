package nfield.pipeline;

import nfield.compute.Backend;
import nfield.config.SceneConfig;
import nfield.config.TrainConfig;
import nfield.data.mesh.Mesh;
import nfield.data.mesh.MeshMetrics;
import nfield.data.mesh.PartialScan;
import nfield.data.mesh.ShapeFamily;
import nfield.field.FieldMeta;
import nfield.field.FittedField;
import nfield.field.ShapeSpace;
import nfield.geom.Normalization;
import nfield.io.FieldMesher;
import nfield.io.SpaceFile;
import nfield.pipeline.many.ShapeJob;
import nfield.testing.OpenCl;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A small space learned on PoCL from six family shapes: every code decodes its own shape better
 * than the others' codes do, the file round-trips, and completing a partial scan of a member finds
 * a shape closer to it than the mean code's.
 */
class ShapeSpaceTest {
    @TempDir
    static Path dir;
    static ShapeSpace space;
    static Backend backend;
    static SpaceFit.Result result;
    static final int SHAPES = 6;

    static final String SCENE = """
            {"name": "tiny-space",
             "field": {"kind": "sdf", "encoding": {"type": "frequency", "octaves": 3},
                       "network": {"width": 48, "hidden_layers": 3, "skip": [2], "init": "uniform", "output_scale": 0.1}},
             "loss": {"type": "clamped_l1", "delta": 0.1},
             "optimizer": {"lr": 0.003, "schedule": {"type": "cosine", "final_ratio": 0.1}},
             "train": {"batch": 4096, "steps": 700, "log_every": 100, "seed": 3},
             "sampling": {"surface": 0, "near": 0.8, "sigmas": [0.01, 0.0025]}}
            """;

    @BeforeAll
    static void learn() throws Exception {
        backend = OpenCl.open();
        SceneConfig scene = SceneConfig.parse("tiny-space", SCENE);
        List<ShapeJob> jobs = new ArrayList<>();
        for (ShapeFamily.Member m : ShapeFamily.members(0, SHAPES)) jobs.add(ShapeJob.of(m.name(), m.data()));
        TrainConfig tc = scene.train();
        result = SpaceFit.run(jobs, scene, tc, 3, new SpaceFit.Options(8, 1.0, 8192, dir.resolve("s.space"), 0), backend,
                new FitControl(), FitListener.NONE);
        space = result.space();
    }

    @Test
    void everyCodeDecodesItsOwnShapeBest() throws Exception {
        assertEquals(700, result.steps());
        for (int i = 0; i < SHAPES; i++) {
            Mesh full = ShapeFamily.member(i).mesh();
            Mesh ref = full.normalized(space.members().get(i).normalization());
            float[] rows = Completion.samples(PartialScan.view(ref, new double[]{0, 0.5, 2.5}, 4000, 89, i), 4096, 1);
            double[] l = Completion.memberLosses(space, rows, backend);
            for (int j = 0; j < SHAPES; j++) {
                if (j != i) assertTrue(l[i] < l[j], "member " + i + "'s own code (" + l[i] + ") fits it worse than code " + j + " (" + l[j] + ")");
            }
        }
    }

    @Test
    void theFileHoldsTheSpace() throws Exception {
        ShapeSpace back = SpaceFile.load(dir.resolve("s.space"), backend);
        assertEquals(space.members(), back.members());
        assertEquals(8192, back.samplesPerShape());
        assertEquals(space.steps(), back.steps());
        for (int i = 0; i < SHAPES; i++) {
            double[] a = space.decoder().code(i), b = back.decoder().code(i);
            for (int j = 0; j < a.length; j++) assertEquals(a[j], b[j], 1e-6 * (1 + Math.abs(a[j])));
        }
        assertArrayEquals(toFloat(space.decoder().params().readParams()), toFloat(back.decoder().params().readParams()));
    }

    private static float[] toFloat(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) f[i] = (float) d[i];
        return f;
    }

    @Test
    void completingAScanOfAMemberComesCloserThanTheMeanShape() throws Exception {
        int i = 2;
        Mesh ref = ShapeFamily.member(i).mesh().normalized(space.members().get(i).normalization());
        PartialScan scan = PartialScan.view(ref, new double[]{1.5, 1.0, 1.5}, 20000, 60, 9);
        assertTrue(scan.size() < 0.5 * 20000, "the scan sees " + scan.size() + " of 20000 surface samples");
        Completion.Result r = Completion.run(space, scan, new Completion.Options(3, 300, 0.01, 2048, 1), backend, FitListener.NONE);
        double[] mean = new double[r.code().length];
        for (double[] z : space.decoder().codes()) for (int j = 0; j < mean.length; j++) mean[j] += z[j] / SHAPES;
        double done = chamfer(r.code(), ref), meanShape = chamfer(mean, ref);
        assertTrue(done < 0.8 * meanShape, "completed Chamfer-L1 " + done + ", the mean code's " + meanShape);
        assertTrue(r.loss() <= r.restartLosses()[0] + 1e-12, "the best restart is not the one kept");
    }

    private static double chamfer(double[] code, Mesh ref) {
        FittedField f = space.field("c", code, Normalization.IDENTITY, FieldMeta.Provenance.UNKNOWN, backend);
        Mesh m = FieldMesher.surface(f, 64, false, "c").mesh();
        if (m.triangleCount() == 0) return Double.POSITIVE_INFINITY;
        return MeshMetrics.compute(m, ref, 5000, 5000, 0.01, 0).chamferL1();
    }
}
