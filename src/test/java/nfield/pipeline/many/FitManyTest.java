package nfield.pipeline.many;

import com.fasterxml.jackson.databind.node.ObjectNode;
import nfield.compute.Backend;
import nfield.config.Json;
import nfield.field.FieldMeta;
import nfield.io.FieldFile;
import nfield.pipeline.FitControl;
import nfield.pipeline.SdfFit;
import nfield.testing.OpenCl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code fit-many}'s local engine on the OpenCL backend (PoCL in CI): small shapes fitted one
 * after another, a malformed mesh recorded while the others go on, a rerun that skips what is
 * done, fields that a rerun reproduces bit for bit, and nothing half written left behind.
 */
class FitManyTest {
    @TempDir
    Path dir;

    /**
     * A small hash grid: fields the same bit for bit from run to run (the OpenCL backend's default
     * scatter of the table gradient, owner or fixed, sums in a fixed order).
     */
    static final String SCENE = """
            {"field": {"kind": "sdf", "encoding": {"type": "hash", "levels": 6, "features": 2, "log2_table": 12,
                                                   "base_resolution": 4, "per_level_scale": 1.6},
                       "network": {"width": 16, "hidden_layers": 2, "output_scale": 0.1}},
             "optimizer": {"lr": 0.01, "schedule": {"type": "constant"}},
             "train": {"batch": 1024, "steps": 400, "pool_size": 16384, "refresh_every": 50, "log_every": 20, "seed": 3}}
            """;

    /** An octahedron, a closed mesh small enough to write here. */
    static final String OCTA = "v 1 0 0\nv -1 0 0\nv 0 1 0\nv 0 -1 0\nv 0 0 1\nv 0 0 -1\n"
            + "f 1 3 5\nf 3 2 5\nf 2 4 5\nf 4 1 5\nf 3 1 6\nf 2 3 6\nf 4 2 6\nf 1 4 6\n";

    /** This test's helpers over another test's folder. */
    FitManyTest withDir(Path d) {
        dir = d;
        return this;
    }

    List<ShapeJob> jobs(Path meshes) throws IOException {
        Files.createDirectories(meshes);
        Files.writeString(meshes.resolve("octa.obj"), OCTA);
        Files.writeString(meshes.resolve("broken.obj"), "v 0 0 0\nv 1 0 0\nf 1 2 7\n");
        return Manifest.read(List.of("shape:torus", meshes.resolve("broken.obj").toString(), meshes.resolve("octa.obj").toString(),
                "analytic:sphere"), null);
    }

    FitMany.Options options(Path out, boolean eval) throws IOException {
        Path scene = dir.resolve("scene.json");
        Files.writeString(scene, SCENE);
        return new FitMany.Options(out, scene.toString(), null, 400, null, false, eval, eval, 32, 2000, SdfFit.Options.DEFAULT);
    }

    static final class Events implements FitMany.Listener {
        final List<String> lines = new ArrayList<>();
        final List<ObjectNode> finished = new ArrayList<>();
        final List<String> started = new ArrayList<>();

        @Override public void info(String line) { lines.add(line); }

        @Override public void started(int index, int total, ShapeJob job, double etaS) { started.add(job.name()); }

        @Override public void finished(int done, int total, ObjectNode record) { finished.add(record); }
    }

    /**
     * No growth across shapes: the heap after a collection, read as each of 16 shapes finishes,
     * must not climb from the 4th to the last by more than 1 MiB (keeping one shape's pool and
     * field, about 450 KB here, would add over 5 MB).
     */
    @Test
    void memoryHoldsFlatAcrossShapes() throws IOException {
        Backend b = OpenCl.open();
        Path meshes = Files.createDirectories(dir.resolve("many"));
        List<String> entries = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            Path m = meshes.resolve(String.format("octa%02d.obj", i));
            Files.writeString(m, OCTA);
            entries.add(m.toString());
        }
        List<Long> heap = new ArrayList<>();
        FitMany.Listener watch = new FitMany.Listener() {
            @Override
            public void finished(int done, int total, ObjectNode record) {
                for (int i = 0; i < 3; i++) System.gc();
                heap.add(java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
            }
        };
        Path scene = dir.resolve("scene.json");
        Files.writeString(scene, SCENE);
        FitMany.Summary s = FitMany.run(Manifest.read(entries, null), new FitMany.Options(dir.resolve("many-out"), scene.toString(), null, 60,
                null, false, false, false, 32, 2000, SdfFit.Options.DEFAULT), b, new FitControl(), watch);
        assertEquals(16, s.fitted());
        long growth = heap.get(15) - heap.get(3);
        System.out.printf("fit-many, 16 shapes: heap %.2f MB after the 4th, %.2f MB after the 16th (growth %+d KB)%n", heap.get(3) / 1e6,
                heap.get(15) / 1e6, growth >> 10);
        assertTrue(growth < 1 << 20, "the heap grew by " + (growth >> 10) + " KB over 12 shapes: " + heap);
    }

    @Test
    void shapesAreFittedOneAfterAnotherAndABrokenMeshIsRecordedWhileTheOthersGoOn() throws IOException {
        Backend b = OpenCl.open();
        Path out = dir.resolve("out");
        List<ShapeJob> jobs = jobs(dir.resolve("meshes"));
        Events ev = new Events();
        FitMany.Summary s = FitMany.run(jobs, options(out, true), b, new FitControl(), ev);
        assertEquals(3, s.fitted());
        assertEquals(1, s.failed());
        assertEquals(0, s.skipped());
        assertFalse(s.stopped());
        assertEquals(List.of("torus", "broken", "octa", "analytic-sphere"), s.records().stream().map(r -> r.get("shape").asText()).toList(),
                "records in manifest order");
        ObjectNode broken = s.records().get(1);
        assertEquals("failed", broken.get("status").asText());
        assertEquals("read", broken.get("stage").asText());
        assertTrue(broken.get("error").asText().startsWith(dir.resolve("meshes/broken.obj") + ": line 3: "), "the reader's own message: " + broken);
        assertEquals(List.of("torus", "octa", "analytic-sphere"), ev.started);
        for (String name : List.of("torus", "octa", "analytic-sphere")) {
            ObjectNode r = s.records().stream().filter(x -> x.get("shape").asText().equals(name)).findFirst().orElseThrow();
            assertEquals("ok", r.get("status").asText(), r.toString());
            assertEquals(400, r.get("steps").asLong());
            assertEquals(FitMany.seedOf(name, 3), r.get("seed").asLong(), "the seed comes from the name and the scene's seed");
            FieldMeta m = FieldFile.readMeta(out.resolve(name + ".nfield"));
            assertEquals(400, m.steps());
            var curve = nfield.pipeline.TrainingLog.read(out.resolve(name + ".train.jsonl"));
            assertEquals(20, curve.size(), name + ": a line every 20 steps in its training log");
            assertEquals(400, curve.get(curve.size() - 1).step());
            assertEquals(r.get("data").asText(), m.fittedTo().data());
            if (!name.startsWith("analytic")) {
                assertTrue(r.get("metrics").get("iou").asDouble() > 0.3, name + ": " + r);
                assertTrue(Files.size(out.resolve(name + ".ply")) > 100, name + ".ply written");
            }
        }
        assertTrue(s.records().get(2).get("sign").asText().equals("pseudonormal"), "the octahedron is closed and oriented");
        // results.jsonl holds what the summary holds
        Results back = Results.load(out);
        assertEquals(4, back.all().size());
        assertEquals(Json.write(s.records().get(0)), Json.write(back.get("torus")));
        assertEquals(4, ev.finished.size());
        assertNoTemps(out);

        // a rerun skips what is done; the broken mesh is tried again (and fails again)
        Events again = new Events();
        FitMany.Summary s2 = FitMany.run(jobs, options(out, true), b, new FitControl(), again);
        assertEquals(3, s2.skipped());
        assertEquals(0, s2.fitted());
        assertEquals(1, s2.failed());
        assertEquals(List.of(), again.started, "nothing was trained again");
        assertTrue(again.lines.contains("3 of 4 shapes are done already (their fields are in " + out + "; --force fits them again)"), again.lines.toString());
        assertEquals(Json.write(s.records().get(0)), Json.write(Results.load(out).get("torus")), "a skipped shape keeps its record");
    }

    @Test
    void aRerunFitsTheSameFieldBitForBitAndAnotherNameAnotherOne() throws IOException {
        Backend b = OpenCl.open();
        List<ShapeJob> jobs = List.of(ShapeJob.of("one", "shape:torus"), ShapeJob.of("two", "shape:torus"));
        FitMany.run(jobs, options(dir.resolve("a"), false), b, new FitControl(), new Events());
        FitMany.run(jobs.subList(0, 1), options(dir.resolve("b"), false), b, new FitControl(), new Events());
        double[] a1 = params(b, dir.resolve("a/one.nfield")), b1 = params(b, dir.resolve("b/one.nfield")), a2 = params(b, dir.resolve("a/two.nfield"));
        assertArrayEquals(a1, b1, "the same shape, the same name: the same field, bit for bit");
        assertFalse(java.util.Arrays.equals(a1, a2), "another name, another seed, another field");
        assertNotEquals(FitMany.seedOf("one", 3), FitMany.seedOf("two", 3));
        assertNotEquals(FitMany.seedOf("one", 3), FitMany.seedOf("one", 4));
    }

    @Test
    void leftoversOfAKilledRunAreCleanedAndAFieldWithoutItsRecordIsKept() throws IOException {
        Backend b = OpenCl.open();
        Path out = dir.resolve("k");
        List<ShapeJob> jobs = List.of(ShapeJob.of("torus", "shape:torus"), ShapeJob.of("sphere", "analytic:sphere"));
        FitMany.run(jobs.subList(0, 1), options(out, false), b, new FitControl(), new Events());
        // as if killed between the field's write and its record, and in the middle of another write
        Files.delete(out.resolve(Results.FILE));
        Files.writeString(out.resolve(".sphere.nfield.999999999.tmp"), "half a field");
        Events ev = new Events();
        FitMany.Summary s = FitMany.run(jobs, options(out, false), b, new FitControl(), ev);
        assertEquals(1, s.skipped());
        assertEquals(1, s.fitted());
        assertEquals(List.of("sphere"), ev.started);
        assertEquals("recovered from the field file", s.records().get(0).get("note").asText());
        assertEquals(400, s.records().get(0).get("steps").asLong());
        assertTrue(ev.lines.stream().anyMatch(l -> l.startsWith("removed " + out.resolve(".sphere.nfield.999999999.tmp"))), ev.lines.toString());
        assertNoTemps(out);
    }

    static double[] params(Backend b, Path f) throws IOException {
        return FieldFile.load(f, b).field().params().readParams();
    }

    static void assertNoTemps(Path out) throws IOException {
        try (Stream<Path> s = Files.list(out)) {
            List<String> temps = s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".tmp")).toList();
            assertEquals(List.of(), temps, "no temporary files left");
        }
    }
}
