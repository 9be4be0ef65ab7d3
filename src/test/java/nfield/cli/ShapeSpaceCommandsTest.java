package nfield.cli;

import nfield.data.mesh.MeshReader;
import nfield.data.mesh.PartialScan;
import nfield.data.mesh.ShapeFamily;
import nfield.io.FieldFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** fit-space, space, complete and interpolate as a user runs them, and what they say to wrong input. */
class ShapeSpaceCommandsTest {
    @TempDir
    static Path dir;
    static Path space;

    @BeforeAll
    static void fit() throws Exception {
        Path scene = dir.resolve("tiny.json");
        Files.writeString(scene, """
                {"name": "tiny", "field": {"kind": "sdf", "encoding": {"type": "frequency", "octaves": 2},
                   "network": {"width": 16, "hidden_layers": 2, "skip": [2], "init": "uniform", "output_scale": 0.1}},
                 "optimizer": {"lr": 0.003}, "train": {"batch": 1024, "steps": 40, "log_every": 20},
                 "sampling": {"near": 0.8, "sigmas": [0.01]}}
                """);
        space = dir.resolve("s.space");
        CliTest.Run r = CliTest.run("fit-space", "family:0..2", "-o", space.toString(), "--config", scene.toString(), "--samples-per-shape", "2048",
                "--code-size", "4", "--json");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("space: 3 shapes, codes of 4"), r.err());
        assertTrue(r.out().contains("\"shapes\":3"), r.out());
    }

    @Test
    void membersCompletionsAndInterpolationsAreOrdinaryFields() throws Exception {
        CliTest.Run list = CliTest.run("space", space.toString());
        assertEquals(0, list.code(), list.err());
        String first = ShapeFamily.member(0).name(), second = ShapeFamily.member(1).name();
        assertTrue(list.out().contains(first + "\tfamily:0"), list.out());

        Path m0 = dir.resolve("m0.nfield");
        CliTest.Run r = CliTest.run("space", space.toString(), "--member", first, "-o", m0.toString());
        assertEquals(0, r.code(), r.err());
        assertNotNull(FieldFile.metaString(m0, FieldFile.SPACE_CODE));

        Path scan = dir.resolve("scan.xyz");
        r = CliTest.run("scan", "family:1", "-o", scan.toString(), "--points", "3000", "--azimuth", "0", "--elevation", "0");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("% of the surface seen"), r.err());
        assertTrue(PartialScan.read(scan).hasNormals());
        Path done = dir.resolve("done.nfield");
        r = CliTest.run("complete", space.toString(), scan.toString(), "-o", done.toString(), "--steps", "30", "--restarts", "2", "--json");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("\"restart_losses\""), r.out());
        // the scan said how its box maps back to family:1's coordinates: the completed field maps back alike
        var full = ShapeFamily.member(1).mesh();
        assertEquals(full.fitNormalization(0.9), FieldFile.readMeta(done).normalization());

        Path mid = dir.resolve("mid.nfield");
        r = CliTest.run("interpolate", space.toString(), m0.toString(), done.toString(), "--t", "0.5", "-o", mid.toString());
        assertEquals(0, r.code(), r.err());
        Path mid2 = dir.resolve("mid2.nfield");
        r = CliTest.run("interpolate", space.toString(), first, second, "--t", "0.25", "-o", mid2.toString());
        assertEquals(0, r.code(), r.err());
        Path ply = dir.resolve("mid.ply");
        r = CliTest.run("mesh", mid.toString(), "-o", ply.toString(), "--res", "48");
        assertEquals(0, r.code(), r.err());
        assertTrue(MeshReader.read(ply).triangleCount() > 0);
    }

    @Test
    void theViewerShowsTheShapeBetweenTwo() throws Exception {
        String display = System.getenv("DISPLAY");
        org.junit.jupiter.api.Assumptions.assumeTrue(display != null && !display.isEmpty(), "needs a display (tools/test.sh runs the suite under xvfb-run)");
        Path shot = dir.resolve("between.png");
        CliTest.Run r = CliTest.run("view", space.toString(), "--between", ShapeFamily.member(0).name(), ShapeFamily.member(2).name(), "--t", "0.3",
                "--frames", "5", "--size", "320x240", "--bake", "48", "--screenshot", shot.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.size(shot) > 0);
        r = CliTest.run("view", space.toString(), "--frames", "1");
        assertTrue(r.code() != 0 && r.err().contains("is a shape space: give two of its shapes with --between A B"), r.err());
    }

    /** A long fit rewrites its space while it trains (a kill loses at most --checkpoint-every), and the last write is whole. */
    @Test
    void aSpaceIsRewrittenWhileItTrains() throws Exception {
        Path out = dir.resolve("ck.space");
        CliTest.Run r = CliTest.run("fit-space", "family:0..1", "-o", out.toString(), "--config", dir.resolve("tiny.json").toString(),
                "--samples-per-shape", "2048", "--code-size", "4", "--steps", "400", "--checkpoint-every", "50ms", "--json");
        assertEquals(0, r.code(), r.err());
        var steps = java.util.regex.Pattern.compile("\"event\":\"checkpoint\".*?\"step\":(\\d+)").matcher(r.out());
        assertTrue(steps.find(), "no checkpoint event: " + r.out());
        assertTrue(Long.parseLong(steps.group(1)) < 400, "a checkpoint before the end: " + r.out());
        assertEquals(400, nfield.io.SpaceFile.load(out, new nfield.compute.ref.RefBackend()).steps());
    }

    @Test
    void wrongInputIsRefusedClearly() throws Exception {
        CliTest.Run r = CliTest.run("interpolate", space.toString(), "no-such-shape", ShapeFamily.member(0).name(), "-o", dir.resolve("x.nfield").toString());
        assertTrue(r.code() != 0);
        assertTrue(r.err().contains("no shape named \"no-such-shape\" among its 3"), r.err());

        Path far = dir.resolve("far.xyz");
        Files.writeString(far, "5 5 5\n5.1 5 5\n5 5.2 5\n");
        r = CliTest.run("complete", space.toString(), far.toString(), "-o", dir.resolve("y.nfield").toString());
        assertTrue(r.code() != 0 && r.err().contains("outside the space's box [-1, 1]") && r.err().contains("--fit-box"), r.err());

        Path field = dir.resolve("plain.nfield");
        assertEquals(0, CliTest.run("fit", "analytic:sphere", "-o", field.toString(), "--steps", "5", "--backend", "java").code());
        r = CliTest.run("space", field.toString());
        assertTrue(r.code() != 0 && r.err().contains("a field file, not a shape space"), r.err());
        r = CliTest.run("interpolate", space.toString(), field.toString(), ShapeFamily.member(0).name(), "-o", dir.resolve("z.nfield").toString());
        assertTrue(r.code() != 0 && r.err().contains("holds no code of a space"), r.err());
    }
}
