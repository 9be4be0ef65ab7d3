package nfield.cli;

import nfield.field.FittedField;
import nfield.geom.Normalization;
import nfield.compute.ref.RefBackend;
import nfield.data.mesh.Mesh;
import nfield.data.mesh.MeshReader;
import nfield.export.ExportedField;
import nfield.io.FieldFile;
import nfield.testing.Harness;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** nfield export: safetensors round trip, meshes, and the refusals. */
class ExportCommandTest {
    @TempDir
    static Path dir;
    static Path field;

    /** A small field fitted (Java backend) to a torus moved away from the unit box, so its normalisation is not the identity. */
    @BeforeAll
    static void fit() throws IOException {
        Path obj = MeshPipelineTest.movedTorus(dir.resolve("torus.obj"), 64, 24, 2, 4, -1);
        Path scene = dir.resolve("scene.json");
        Files.writeString(scene, """
                {"field": {"kind": "sdf", "encoding": {"type": "frequency", "octaves": 3},
                           "network": {"width": 16, "hidden_layers": 2, "init": "uniform", "output_scale": 0.1}},
                 "optimizer": {"lr": 0.005},
                 "train": {"batch": 512, "steps": 150, "pool_size": 8192}}
                """);
        field = dir.resolve("torus.nfield");
        CliTest.Run r = CliTest.run("fit", obj.toString(), "-o", field.toString(), "--config", scene.toString(), "--backend", "java");
        assertEquals(0, r.code(), r.err());
    }

    @Test
    void safetensorsRoundTripIsBitIdenticalAndDropsTheOptimizer() throws IOException {
        Path out = dir.resolve("torus.safetensors");
        CliTest.Run r = CliTest.run("export", field.toString(), "-o", out.toString(), "--backend", "java");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("wrote " + out + " (safetensors"), r.err());
        String header = new String(Files.readAllBytes(out), StandardCharsets.UTF_8);
        assertFalse(header.contains(FieldFile.OPTIMIZER_M), "an export carries no optimizer state");
        nfield.field.FieldMeta a = FieldFile.readMeta(field), b = FieldFile.readMeta(out);
        assertEquals(a.config(), b.config());
        assertEquals(a.steps(), b.steps());
        assertEquals(a.normalization(), b.normalization());

        float[] pts = new float[3 * 2000];
        double[] u = Harness.uniform(pts.length, 11);
        for (int i = 0; i < pts.length; i++) pts[i] = (float) (3 * u[i] + (i % 3 == 0 ? 4 : i % 3 == 1 ? -1 : 0));
        try (RefBackend be = new RefBackend()) {
            ExportedField fa = ExportedField.load(field, be), fb = ExportedField.load(out, be);
            assertArrayEquals(fa.field().params().readParams(), fb.field().params().readParams());
            assertArrayEquals(fa.evaluate(pts, 2000), fb.evaluate(pts, 2000), "outputs are bit-identical");
        }
        // commands that read fields read the export the same: mesh gives the same vertices and triangles
        Path ma = dir.resolve("a.ply"), mb = dir.resolve("b.ply");
        assertEquals(0, CliTest.run("mesh", field.toString(), "--res", "32", "-o", ma.toString(), "--backend", "java").code());
        assertEquals(0, CliTest.run("mesh", out.toString(), "--res", "32", "-o", mb.toString(), "--backend", "java").code());
        Mesh a1 = MeshReader.read(ma), b1 = MeshReader.read(mb);
        assertTrue(a1.triangleCount() > 100, "triangles: " + a1.triangleCount());
        assertArrayEquals(a1.vertices(), b1.vertices());
        assertArrayEquals(a1.triangles(), b1.triangles());
    }

    @Test
    void radianceFieldRoundTripIsBitIdentical() throws IOException {
        var cfg = new nfield.config.FieldConfig("radiance", new nfield.config.EncodingConfig.Hash(4, 2, 10, 4, 1.5, false),
                new nfield.config.NetworkConfig(16, 2, nfield.config.ActivationConfig.relu(), java.util.List.of(), 1), "trunc_exp");
        Path in = dir.resolve("radiance.nfield"), out = dir.resolve("radiance.safetensors");
        try (RefBackend be = new RefBackend()) {
            nfield.field.Field f = nfield.field.Field.of(cfg, be);
            f.params().writeParams(Harness.toFloat(Harness.uniform(f.paramCount(), 5)));
            FieldFile.write(in, FittedField.of(in.toString(), f, 12, new Normalization(0.1, 0.2, -0.3, 0.66)), true);
        }
        CliTest.Run r = CliTest.run("export", in.toString(), "-o", out.toString(), "--backend", "java");
        assertEquals(0, r.code(), r.err());
        float[] pts = new float[3 * 1000];
        double[] u = Harness.uniform(pts.length, 21);
        for (int i = 0; i < pts.length; i++) pts[i] = (float) (2 * u[i]);
        try (RefBackend be = new RefBackend()) {
            float[] a = ExportedField.load(in, be).evaluate(pts, 1000), b = ExportedField.load(out, be).evaluate(pts, 1000);
            assertEquals(4000, a.length);
            assertArrayEquals(a, b, "density and colour are bit-identical");
        }
    }

    /**
     * A view-dependent field: the safetensors export round-trips bit-identically, and the PLY
     * export's vertex colours are the field's colours looking straight at the surface, i.e. along
     * minus the (outward, written) vertex normal, within the uchar rounding.
     */
    @Test
    void viewDependentRadianceExports() throws IOException {
        var net = new nfield.config.NetworkConfig(16, 2, nfield.config.ActivationConfig.relu(), java.util.List.of(), 1, "uniform");
        var cfg = new nfield.config.FieldConfig("radiance", new nfield.config.EncodingConfig.Hash(4, 2, 10, 4, 1.5, false), net,
                "trunc_exp", new nfield.config.ColorConfig(new nfield.config.EncodingConfig.SphericalHarmonics(4), 4, net));
        Path in = dir.resolve("vd.nfield"), out = dir.resolve("vd.safetensors"), ply = dir.resolve("vd.ply");
        try (RefBackend be = new RefBackend()) {
            nfield.field.Field f = nfield.field.Field.of(cfg, be);
            f.params().writeParams(Harness.toFloat(Harness.uniform(f.paramCount(), 5)));
            FieldFile.write(in, FittedField.of(in.toString(), f, 12, new Normalization(0.1, 0.2, -0.3, 0.66)), true);
        }
        assertEquals(0, CliTest.run("export", in.toString(), "-o", out.toString(), "--backend", "java").code());
        CliTest.Run r = CliTest.run("export", in.toString(), "-o", ply.toString(), "--res", "24", "--iso", "1.5", "--backend", "java");
        assertEquals(0, r.code(), r.err());
        byte[] bytes = Files.readAllBytes(ply);
        String header = new String(bytes, 0, 400, StandardCharsets.US_ASCII);
        header = header.substring(0, header.indexOf("end_header\n") + "end_header\n".length());
        assertTrue(header.contains("property float nx") && header.contains("property uchar red"), header);
        int nv = Integer.parseInt(header.replaceAll("(?s).*element vertex (\\d+).*", "$1"));
        assertTrue(nv > 100, "vertices: " + nv);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(bytes, header.length(), nv * 27).slice().order(java.nio.ByteOrder.LITTLE_ENDIAN);
        float[] pts = new float[3 * nv], in3 = new float[3 * nv], out3 = new float[3 * nv];
        int[] rgb = new int[3 * nv];
        for (int i = 0; i < nv; i++) {
            for (int k = 0; k < 3; k++) pts[3 * i + k] = b.getFloat(27 * i + 4 * k);
            for (int k = 0; k < 3; k++) {
                float n = b.getFloat(27 * i + 12 + 4 * k);
                in3[3 * i + k] = -n;
                out3[3 * i + k] = n;
            }
            for (int k = 0; k < 3; k++) rgb[3 * i + k] = b.get(27 * i + 24 + k) & 0xff;
        }
        try (RefBackend be = new RefBackend()) {
            ExportedField a = ExportedField.load(in, be), e = ExportedField.load(out, be);
            assertArrayEquals(a.evaluate(pts, in3, nv), e.evaluate(pts, in3, nv), "the safetensors export is bit-identical");
            float[] head = a.evaluate(pts, in3, nv), back = a.evaluate(pts, out3, nv);
            int differ = 0;
            for (int i = 0; i < nv; i++) {
                for (int k = 0; k < 3; k++) {
                    assertEquals(255 * head[4 * i + 1 + k], rgb[3 * i + k], 1.0, "vertex " + i + " channel " + k);
                    if (Math.abs(255 * back[4 * i + 1 + k] - rgb[3 * i + k]) > 2) differ++;
                }
            }
            assertTrue(differ > nv / 10, "the colours barely depend on the direction (" + differ + " of " + 3 * nv + " differ); the test proves nothing");
        }
    }

    @Test
    void meshExportIsInOriginalCoordinates() throws IOException {
        Path out = dir.resolve("torus-fit.obj");
        CliTest.Run r = CliTest.run("export", field.toString(), "-o", out.toString(), "--res", "48", "--backend", "java");
        assertEquals(0, r.code(), r.err());
        Mesh m = MeshReader.read(out);
        assertTrue(m.triangleCount() > 500, "triangles: " + m.triangleCount());
        double[] bb = m.bounds();
        assertEquals(2.6, bb[0], 0.15); // the torus spans x in 4 ± 1.4
        assertEquals(5.4, bb[3], 0.15);
        assertTrue(Files.readString(out).contains("\nvn "), "vertex normals written");
    }

    @Test
    void refusesToOverwriteWithoutForce() throws IOException {
        Path out = dir.resolve("kept.safetensors");
        Files.writeString(out, "precious");
        CliTest.Run r = CliTest.run("export", field.toString(), "-o", out.toString(), "--backend", "java");
        assertEquals(2, r.code());
        assertTrue(r.err().contains(out + ": exists; pass --force to overwrite it"), r.err());
        assertEquals("precious", Files.readString(out));
        r = CliTest.run("export", field.toString(), "-o", out.toString(), "--backend", "java", "--force");
        assertEquals(0, r.code(), r.err());
        assertEquals(FieldFile.readMeta(field).config(), FieldFile.readMeta(out).config());
        r = CliTest.run("export", field.toString(), "-o", field.toString(), "--format", "safetensors", "--force");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("is the input field itself"), r.err());
    }

    @Test
    void unknownFormatsAreNamed() {
        CliTest.Run r = CliTest.run("export", field.toString(), "-o", dir.resolve("x.bin").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("x.bin: cannot tell the format from the extension"), r.err());
        r = CliTest.run("export", field.toString(), "-o", dir.resolve("x.bin").toString(), "--format", "usd");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--format usd: unknown; use one of safetensors"), r.err());
        r = CliTest.run("export", dir.resolve("none.nfield").toString(), "-o", dir.resolve("y.safetensors").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("none.nfield: no such file"), r.err());
    }
}
