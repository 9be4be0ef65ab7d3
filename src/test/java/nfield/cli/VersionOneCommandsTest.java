package nfield.cli;

import nfield.testing.OpenCl;
import nfield.testing.VersionOne;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** mesh, render, eval, export and view accept version-1 field files and draw what version 1 drew. */
class VersionOneCommandsTest {
    @TempDir
    Path dir;

    static String sha256(Path p) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void meshOfAVersionOneSdfIsByteIdentical() throws IOException {
        Path f = VersionOne.copy("sdf-v1.nfield", dir), out = dir.resolve("m.ply");
        CliTest.Run r = CliTest.run("mesh", f.toString(), "--res", "48", "--backend", "java", "-o", out.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(VersionOne.SDF_MESH_48_SHA256, sha256(out), "the PLY version 1 wrote");
        Path ref = dir.resolve("torus.obj");
        r = CliTest.run("export", f.toString(), "-o", ref.toString(), "--res", "32", "--backend", "java");
        assertEquals(0, r.code(), r.err());
        r = CliTest.run("eval", f.toString(), "shape:torus", "--res", "32", "--points", "2000", "--volume-points", "2000",
                "--backend", "java", "--json");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("\"chamfer_l1\""), r.out());
        for (String fmt : new String[]{"safetensors", "onnx", "glsl"}) {
            r = CliTest.run("export", f.toString(), "-o", dir.resolve("sdf." + fmt).toString(), "--backend", "java");
            assertEquals(0, r.code(), fmt + ": " + r.err());
        }
    }

    @Test
    void renderOfVersionOneRadianceFieldsIsByteIdentical() throws IOException {
        for (String name : new String[]{"radiance-v1", "radiance-plain-v1"}) {
            Path f = VersionOne.copy(name + ".nfield", dir), out = dir.resolve(name + ".png");
            CliTest.Run r = CliTest.run("render", f.toString(), "--size", "20x16", "--backend", "java", "--out", out.toString());
            assertEquals(0, r.code(), r.err());
            Path want = VersionOne.copy(name + "-20x16.png", dir.resolve("want-" + name).toAbsolutePath());
            assertArrayEquals(Files.readAllBytes(want), Files.readAllBytes(out), name + ": the PNG version 1 rendered");
            for (String fmt : new String[]{"safetensors", "onnx", "ply"}) {
                r = CliTest.run("export", f.toString(), "-o", dir.resolve(name + "." + fmt).toString(), "--res", "24", "--iso", "1",
                        "--backend", "java");
                assertTrue(r.code() == 0 || r.err().contains("no density reaches"), fmt + ": " + r.err());
            }
        }
    }

    @Test
    void evalScoresAVersionOneRadianceField() throws IOException {
        Path data = Path.of("../shared/data/nerf/tiny_lego_100.npz");
        Assumptions.assumeTrue(Files.isRegularFile(data), "needs ../shared/data/nerf/tiny_lego_100.npz");
        OpenCl.open();
        Path f = VersionOne.copy("radiance-v1.nfield", dir);
        CliTest.Run r = CliTest.run("eval", f.toString(), data.toString(), "--images", "none", "--json");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("\"mean_psnr\""), r.out());
    }

    @Test
    void viewOpensVersionOneFiles() throws IOException {
        String display = System.getenv("DISPLAY");
        Assumptions.assumeTrue(display != null && !display.isEmpty(), "needs a display (tools/test.sh runs the suite under xvfb-run)");
        OpenCl.open();
        for (String name : VersionOne.FILES) {
            Path f = VersionOne.copy(name + ".nfield", dir);
            CliTest.Run r = CliTest.run("view", f.toString(), "--frames", "3", "--size", "64x64", "--bake", "32");
            assertEquals(0, r.code(), name + ": " + r.err());
            assertTrue(r.err().contains("3 frames at 64x64"), r.err());
        }
    }
}
