package nfield.data.mesh;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reads the meshes under ../shared/data/meshes and checks their counts; skipped where that folder is absent. */
class MeshRealDataTest {
    private static final Path MESHES = Path.of("../shared/data/meshes");

    private static Path meshes() {
        Assumptions.assumeTrue(Files.isDirectory(MESHES), "../shared/data is absent: skipping the real-mesh tests");
        return MESHES;
    }

    /** Vertices, triangles and warnings of each known mesh (the counts of the file's v and f lines, all triangles). */
    private static final Map<String, Object[]> EXPECTED = Map.of(
            "spot/spot.obj", new Object[] {11_533, 23_062, List.of()},
            "spot/spot_low_resolution.obj", new Object[] {829, 1_654, List.of()},
            "bunny/bunny.obj", new Object[] {3_301, 6_598, List.of()},
            "torus/torus.obj", new Object[] {2_304, 4_608, List.of()},
            // 69,451 faces, none degenerate; 1,113 of the scan's vertices are used by no face
            "open/stanford-bunny.obj", new Object[] {35_947, 69_451, List.of("1113 vertices are not used by any triangle (kept)")},
            "open/teapot.obj", new Object[] {3_644, 6_320, List.of()});

    @Test
    void knownMeshesHaveTheirCounts() throws IOException {
        Path root = meshes();
        for (var e : new TreeMap<>(EXPECTED).entrySet()) {
            Mesh m = MeshReader.read(root.resolve(e.getKey()));
            assertEquals(e.getValue()[0], m.vertexCount(), e.getKey() + " vertices");
            assertEquals(e.getValue()[1], m.triangleCount(), e.getKey() + " triangles");
            assertEquals(e.getValue()[2], m.warnings(), e.getKey() + " warnings");
            double[] b = m.bounds();
            for (int k = 0; k < 3; k++) assertTrue(b[k] < b[k + 3], e.getKey() + " has extent on axis " + k);
        }
    }

    @Test
    void everyMeshFileReads() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.walk(meshes())) {
            files = s.filter(p -> MeshReader.EXTENSIONS.stream().anyMatch(x -> p.toString().toLowerCase(Locale.ROOT).endsWith("." + x))).sorted().toList();
        }
        assertTrue(files.size() >= EXPECTED.size(), "found " + files);
        for (Path p : files) {
            Mesh m = MeshReader.read(p);
            assertTrue(m.triangleCount() > 0 && m.vertexCount() >= 3, p.toString());
        }
    }

    @Test
    void stanfordBunnyReadsWellUnderOneSecond() throws IOException {
        Path bunny = meshes().resolve("open/stanford-bunny.obj");
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 10; i++) {
            long t = System.nanoTime();
            assertEquals(69_451, MeshReader.read(bunny).triangleCount());
            best = Math.min(best, System.nanoTime() - t);
        }
        System.out.printf(Locale.ROOT, "stanford-bunny.obj: best of 10 reads %.1f ms%n", best / 1e6);
        assertTrue(best < 1_000_000_000L, "reading stanford-bunny.obj took " + best / 1e6 + " ms");
    }
}
