package nfield.pipeline.many;

import nfield.pipeline.FitError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What {@code fit-many} takes as its manifest: folders, globs, lists, JSONL; names made unique; every mistake named with its line. */
class ManifestTest {
    @TempDir
    Path dir;

    Path touch(String rel) throws IOException {
        Path p = dir.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.writeString(p, "v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\n");
        return p;
    }

    static List<String> names(List<ShapeJob> jobs) {
        return jobs.stream().map(ShapeJob::name).toList();
    }

    @Test
    void aFolderGivesEveryMeshUnderItInPathOrderAndLeavesOutHiddenFoldersAndTheOutput() throws IOException {
        touch("m/b.obj");
        touch("m/a.ply");
        touch("m/sub/c.stl");
        touch("m/.cache/d.obj");
        touch("m/out/e.obj");
        Files.writeString(dir.resolve("m/readme.txt"), "not a mesh");
        List<ShapeJob> jobs = Manifest.read(List.of(dir.resolve("m").toString()), dir.resolve("m/out"));
        assertEquals(List.of("a", "b", "c"), names(jobs));
        assertEquals(dir.resolve("m/sub/c.stl").toString(), jobs.get(2).data());
        assertNull(jobs.get(0).seconds());
    }

    @Test
    void sharedNamesTakeTheFoldersAboveThemUntilTheyDiffer() throws IOException {
        touch("shapenet/chairs/1a/models/model.obj");
        touch("shapenet/chairs/2b/models/model.obj");
        touch("shapenet/tables/model.obj");
        touch("shapenet/tables/solo.obj");
        List<ShapeJob> jobs = Manifest.read(List.of(dir.resolve("shapenet").toString()), null);
        assertEquals(List.of("1a_models_model", "2b_models_model", "tables_model", "solo"), names(jobs));
        // the same file twice: numbered
        Path m = touch("x/knot.obj");
        jobs = Manifest.read(List.of(m.toString(), m.toString(), "shape:knot"), null);
        assertEquals(List.of("x_knot", "x_knot-2", "knot"), names(jobs));
    }

    @Test
    void globsListsAndShapes() throws IOException {
        touch("g/a.obj");
        touch("g/deep/b.obj");
        touch("g/deep/c.off");
        assertEquals(List.of("a"), names(Manifest.read(List.of(dir + "/g/*.obj"), null)));
        assertEquals(List.of("b", "c"), names(Manifest.read(List.of(dir + "/g/deep/*.{obj,off}"), null)));
        assertEquals(List.of("b"), names(Manifest.read(List.of(dir + "/g/**/*.obj"), null)));
        Path list = dir.resolve("list.txt");
        Files.writeString(list, "# my shapes\ng/a.obj\n\n  g/deep  \nshape:torus\nanalytic:sphere\n");
        List<ShapeJob> jobs = Manifest.read(List.of(list.toString()), null);
        assertEquals(List.of("a", "b", "c", "torus", "analytic-sphere"), names(jobs));
        assertEquals(dir.resolve("g/a.obj").toString(), jobs.get(0).data(), "relative to the list's folder");
        assertEquals(list + ":2", jobs.get(0).where());
        assertEquals("shape:torus", jobs.get(3).data());
    }

    @Test
    void jsonlLinesCarryTheirOwnOptions() throws IOException {
        touch("j/chair.obj");
        touch("j/table.obj");
        Path m = dir.resolve("j/shapes.jsonl");
        Files.writeString(m, """
                {"data": "chair.obj", "time": "30s", "seed": 7}
                {"data": "table.obj", "name": "desk", "steps": 2000, "scene": "fast.json"}
                {"data": "shape:knot", "time": 12.5}
                """);
        List<ShapeJob> jobs = Manifest.read(List.of(m.toString()), null);
        assertEquals(List.of("chair", "desk", "knot"), names(jobs));
        assertEquals(30.0, jobs.get(0).seconds());
        assertEquals(7L, jobs.get(0).seed());
        assertEquals(2000, jobs.get(1).steps());
        assertEquals(dir.resolve("j/fast.json").toString(), jobs.get(1).scene());
        assertEquals(12.5, jobs.get(2).seconds());
    }

    @Test
    void everyMistakeIsNamedWithItsLine() throws IOException {
        touch("e/a.obj");
        Path m = dir.resolve("e/m.jsonl");
        String[][] cases = {
            {"{\"data\": \"a.obj\", \"tim\": \"3s\"}", ":1: unknown key \"tim\"; the keys are data, name, scene, time, steps, seed"},
            {"{\"data\": \"a.obj\"", ":1: not JSON ("},
            {"[1, 2]", ":1: expected a JSON object, such as {\"data\": \"chair.obj\"}"},
            {"{\"name\": \"x\"}", ":1: \"data\" (a mesh file or shape:NAME) is missing"},
            {"\n{\"data\": \"b.obj\"}", ":2: " + dir.resolve("e/b.obj") + ": no such file or folder"},
            {"{\"data\": \"a.obj\", \"steps\": 0}", ":1: \"steps\" must be a whole number of at least 1"},
            {"{\"data\": \"a.obj\", \"steps\": 1.5}", ":1: \"steps\" must be a whole number of at least 1"},
            {"{\"data\": \"a.obj\", \"time\": \"soon\"}", ":1: \"time\" soon: expected a positive duration such as 60s, 2m, 1h"},
            {"{\"data\": \"a.obj\", \"name\": \"a/b\"}", ":1: \"name\" a/b: use letters, digits, '.', '_' and '-' (it names the output file)"},
            {"{\"data\": \"a.obj\", \"name\": \"x\"}\n{\"data\": \"shape:knot\", \"name\": \"x\"}", ":2: the name x is given to two shapes"},
            {"{\"data\": \"" + dir.resolve("e") + "\"}", ":1: \"data\" " + dir.resolve("e") + ": one mesh file or shape:NAME a line (folders and globs go on the command line)"},
        };
        for (String[] c : cases) {
            Files.writeString(m, c[0]);
            FitError e = assertThrows(FitError.class, () -> Manifest.read(List.of(m.toString()), null), c[0]);
            assertTrue(e.getMessage().startsWith(m + c[1]), c[0] + " -> " + e.getMessage());
        }
        Path list = dir.resolve("e/list.txt");
        Files.writeString(list, "a.obj\nnotes.txt\n");
        Files.writeString(dir.resolve("e/notes.txt"), "x");
        FitError e = assertThrows(FitError.class, () -> Manifest.read(List.of(list.toString()), null));
        assertEquals(list + ":2: " + dir.resolve("e/notes.txt") + " is not a mesh (.obj, .ply, .stl, .off); lists do not nest", e.getMessage());
        Files.createDirectories(dir.resolve("empty"));
        e = assertThrows(FitError.class, () -> Manifest.read(List.of(dir.resolve("empty").toString()), null));
        assertTrue(e.getMessage().startsWith(dir.resolve("empty") + ": no meshes found (looked for .obj, .ply, .stl, .off files)"), e.getMessage());
    }
}
