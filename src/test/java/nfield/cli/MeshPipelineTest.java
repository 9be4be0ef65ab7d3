package nfield.cli;

import com.fasterxml.jackson.databind.JsonNode;
import nfield.config.Json;
import nfield.data.mesh.Mesh;
import nfield.data.mesh.MeshReader;
import nfield.data.mesh.MeshShapes;
import nfield.data.mesh.MeshSdf;
import nfield.io.MeshWriter;
import nfield.testing.OpenCl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** fit a mesh file → mesh → eval, through the command line, on OpenCL. */
class MeshPipelineTest {
    @TempDir
    Path dir;

    /** The torus (radii 0.5, 0.2) scaled by {@code scale} and moved by (dx, dy, 0), written as OBJ to {@code file}. */
    static Path movedTorus(Path file, int segments, int rings, double scale, double dx, double dy) throws IOException {
        Mesh t = MeshShapes.torus(0.5, 0.2, segments, rings);
        double[] v = t.vertices().clone();
        for (int i = 0; i < v.length; i += 3) {
            v[i] = dx + scale * v[i];
            v[i + 1] = dy + scale * v[i + 1];
            v[i + 2] = scale * v[i + 2];
        }
        MeshWriter.write(file, new Mesh("torus", v, t.triangles()), null);
        return file;
    }

    @Test
    void fitMeshThenEvalAMeshFileInItsOwnCoordinates() throws IOException {
        OpenCl.open(); // skips with the reason where no OpenCL platform exists
        // a torus moved and scaled away from the unit box: the field must undo it
        Path obj = movedTorus(dir.resolve("torus.obj"), 96, 32, 3, 10, -5);
        Path scene = dir.resolve("scene.json");
        Files.writeString(scene, """
                {"field": {"kind": "sdf", "encoding": {"type": "frequency", "octaves": 4},
                           "network": {"width": 32, "hidden_layers": 3, "init": "uniform", "output_scale": 0.1}},
                 "loss": {"type": "clamped_l1", "delta": 0.1},
                 "optimizer": {"lr": 0.002, "schedule": {"type": "cosine", "final_ratio": 0.1}},
                 "train": {"batch": 4096, "steps": 600, "pool_size": 65536, "refresh_every": 200},
                 "sampling": {"sign": "winding"}}
                """);
        Path field = dir.resolve("torus.nfield");
        CliTest.Run r = CliTest.run("fit", obj.toString(), "-o", field.toString(), "--config", scene.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("closed and oriented; sign by winding"), r.err());

        Path out = dir.resolve("fit.ply");
        r = CliTest.run("mesh", field.toString(), "--res", "96", "-o", out.toString());
        assertEquals(0, r.code(), r.err());
        Mesh fit = MeshReader.read(out);
        MeshSdf closed = new MeshSdf(fit);
        assertTrue(closed.closedAndOriented(), "marching cubes output is closed and oriented");
        double[] b = fit.bounds();
        // in the torus's own coordinates: x in 10 ± 2.1, y in -5 ± 0.6
        assertEquals(7.9, b[0], 0.1);
        assertEquals(12.1, b[3], 0.1);
        assertEquals(-5.6, b[1], 0.1);
        assertEquals(-4.4, b[4], 0.1);

        r = CliTest.run("eval", field.toString(), obj.toString(), "--res", "96", "--points", "20000",
                "--volume-points", "20000", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode m = Json.parse("eval output", r.out());
        assertTrue(m.get("chamfer_l1").asDouble() < 0.02, r.out());
        assertTrue(m.get("iou").asDouble() > 0.9, r.out());
        assertTrue(m.get("normal_consistency").asDouble() > 0.95, r.out());
    }

    @Test
    void aMalformedMeshIsOneLineNamingTheFile() throws IOException {
        Path bad = dir.resolve("bad.off");
        Files.writeString(bad, "OFF\n3 1 0\n0 0 0\n1 0 0\n");
        CliTest.Run r = CliTest.run("fit", bad.toString(), "-o", dir.resolve("x.nfield").toString(), "--backend", "java");
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("nfield fit: error: " + bad), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(!Files.exists(dir.resolve("x.nfield")));
    }

    /** A field file whose normalisation metadata was damaged: a one-line error naming the file, no mesh. */
    @Test
    void aDamagedNormalisationIsACleanError() throws IOException {
        Path field = dir.resolve("t.nfield");
        assertEquals(0, CliTest.run("fit", "analytic:sphere", "-o", field.toString(), "--steps", "2", "--batch", "64",
                "--backend", "java").code());
        byte[] bytes = Files.readAllBytes(field);
        String text = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
        String good = "\"normalization\":\"[0.0,0.0,0.0,1.0]\"", bad = "\"normalization\":\"[0.0,0.0,0.0,-10]\"";
        assertTrue(text.contains(good), "metadata holds " + good);
        Files.write(field, text.replace(good, bad).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        CliTest.Run r = CliTest.run("mesh", field.toString(), "-o", dir.resolve("o.ply").toString(), "--backend", "java",
                "--res", "8");
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("nfield mesh: error: " + field + ": __metadata__.normalization: "), r.err());
        assertTrue(r.err().contains("positive scale"), r.err());
        assertTrue(!Files.exists(dir.resolve("o.ply")));
    }

    @Test
    void meshOfAMissingFieldSaysSo() {
        CliTest.Run r = CliTest.run("mesh", dir.resolve("none.nfield").toString(), "-o", dir.resolve("o.ply").toString());
        assertEquals(2, r.code());
        assertEquals("nfield mesh: error: " + dir.resolve("none.nfield") + ": no such file\n", r.err());
    }
}
