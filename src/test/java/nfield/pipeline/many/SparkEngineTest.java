package nfield.pipeline.many;

import com.fasterxml.jackson.databind.node.ObjectNode;
import nfield.compute.Backend;
import nfield.pipeline.FitControl;
import nfield.testing.OpenCl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code fit-many --engine spark} on a real Spark (local[2,2] inside this JVM: two task slots,
 * two attempts a task; UI off, loopback only), against the local engine: the same fields bit
 * for bit, a task that fails on its first attempt retried into one output and no temp files, a
 * malformed mesh recorded while the job succeeds, and a rerun that skips every shape done.
 */
class SparkEngineTest {
    @TempDir
    Path dir;

    @Test
    void sparkFitsTheFieldsTheLocalEngineFitsAndRetriesAFailedTask() throws IOException {
        Backend b = OpenCl.open(); // the executors' backend below is this JVM's shared one too, when OpenCL is there
        List<ShapeJob> jobs = new FitManyTest().withDir(dir).jobs(dir.resolve("meshes"));
        FitMany.Options local = new FitManyTest().withDir(dir).options(dir.resolve("local"), true);
        FitMany.Options spark = new FitManyTest().withDir(dir).options(dir.resolve("spark"), true);
        FitMany.Summary l = FitMany.run(jobs, local, b, new FitControl(), new FitManyTest.Events());
        assertEquals(3, l.fitted());

        System.setProperty(SparkEngine.FAIL_FIRST_ATTEMPT, "octa");
        FitManyTest.Events ev = new FitManyTest.Events();
        FitMany.Summary s;
        try {
            s = new SparkEngine("local[2,2]", OpenClFactory.INSTANCE).run(jobs, spark, new FitControl(), ev);
        } finally {
            System.clearProperty(SparkEngine.FAIL_FIRST_ATTEMPT);
        }
        assertEquals(3, s.fitted(), s.records().toString());
        assertEquals(1, s.failed());
        assertFalse(s.stopped());
        assertEquals(List.of("torus", "broken", "octa", "analytic-sphere"), s.records().stream().map(r -> r.get("shape").asText()).toList());
        ObjectNode broken = s.records().get(1), octa = s.records().get(2);
        assertEquals("read", broken.get("stage").asText(), "a malformed mesh is a record, not a failed task");
        assertEquals(0, broken.get("attempt").asInt());
        assertEquals(1, octa.get("attempt").asInt(), "the octahedron's first attempt failed; Spark ran it again: " + octa);
        assertEquals(1, Results.load(dir.resolve("spark")).all().stream().filter(r -> r.get("shape").asText().equals("octa")).count());
        FitManyTest.assertNoTemps(dir.resolve("spark"));
        for (String name : List.of("torus", "octa", "analytic-sphere")) {
            assertArrayEquals(FitManyTest.params(b, dir.resolve("local/" + name + ".nfield")), FitManyTest.params(b, dir.resolve("spark/" + name + ".nfield")),
                    name + ": the local and the Spark engine fit the same field, bit for bit");
            assertTrue(Files.exists(dir.resolve("spark/" + name + (name.startsWith("analytic") ? ".nfield" : ".ply"))));
        }
        assertEquals(local.res(), octa.get("metrics").get("res").asInt());

        // a rerun on Spark: every shape done is skipped, only the broken one is tried again
        FitManyTest.Events again = new FitManyTest.Events();
        FitMany.Summary s2 = new SparkEngine("local[2,2]", OpenClFactory.INSTANCE).run(jobs, spark, new FitControl(), again);
        assertEquals(3, s2.skipped());
        assertEquals(0, s2.fitted());
        assertEquals(1, s2.failed());
        assertTrue(again.lines.stream().anyMatch(x -> x.contains(" 1 tasks (one a shape)")), again.lines.toString());
    }

    /** The executors' backend: the tests' shared OpenCL backend (the same device as the local engine's). */
    enum OpenClFactory implements Engine.BackendFactory {
        INSTANCE;

        @Override
        public Backend get() {
            return OpenCl.open();
        }
    }
}
