package nfield.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import nfield.config.Json;
import nfield.data.mesh.Mesh;
import nfield.data.mesh.MeshShapes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * GLB (glTF 2.0 binary) from {@link MeshWriter}: read back by a parser of the container here
 * (positions, unit normals, colours and indices as written), and accepted with no errors by the
 * Khronos glTF validator (npm gltf-validator, installed by {@code tools/setup.sh --tests}), which
 * does report the error planted in a copy (a wrong POSITION max), so its verdict means something.
 */
class GlbWriterTest {
    @TempDir
    Path dir;

    record Glb(JsonNode json, ByteBuffer bin) {}

    static Glb parse(byte[] b) {
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0x46546C67, buf.getInt(0), "magic glTF");
        assertEquals(2, buf.getInt(4), "container version");
        assertEquals(b.length, buf.getInt(8), "total length");
        int jl = buf.getInt(12);
        assertEquals(0x4E4F534A, buf.getInt(16), "first chunk JSON");
        assertEquals(0, jl % 4, "JSON chunk padded to 4 bytes");
        JsonNode json = Json.parse("glb", new String(b, 20, jl, StandardCharsets.UTF_8));
        int bl = buf.getInt(20 + jl);
        assertEquals(0x004E4942, buf.getInt(24 + jl), "second chunk BIN");
        assertEquals(b.length, 28 + jl + bl, "chunks fill the file");
        return new Glb(json, ByteBuffer.wrap(b, 28 + jl, bl).slice().order(ByteOrder.LITTLE_ENDIAN));
    }

    /** Accessor a's view as a buffer positioned at its first byte. */
    static ByteBuffer view(Glb g, int accessor) {
        JsonNode a = g.json().get("accessors").get(accessor), v = g.json().get("bufferViews").get(a.get("bufferView").asInt());
        return g.bin().slice(v.get("byteOffset").asInt(), v.get("byteLength").asInt()).order(ByteOrder.LITTLE_ENDIAN);
    }

    static float[] colours(int nv) {
        float[] c = new float[3 * nv];
        for (int i = 0; i < c.length; i++) c[i] = (i * 37 % 101) / 100f;
        return c;
    }

    @Test
    void roundTripsPositionsNormalsColoursAndIndices() throws IOException {
        Mesh m = MeshShapes.torus(1, 0.3, 24, 12);
        int nv = m.vertexCount();
        float[] normals = new float[3 * nv];
        for (int i = 0; i < normals.length; i++) normals[i] = (float) (m.vertices()[i] * 2.5); // not unit: the writer normalises
        normals[0] = normals[1] = normals[2] = 0; // a zero normal becomes +z
        float[] col = colours(nv);
        Path f = dir.resolve("torus.glb");
        MeshWriter.write(f, m, normals, col);
        Glb g = parse(Files.readAllBytes(f));
        JsonNode prim = g.json().get("meshes").get(0).get("primitives").get(0), attrs = prim.get("attributes");
        assertEquals("2.0", g.json().get("asset").get("version").asText());
        ByteBuffer pos = view(g, attrs.get("POSITION").asInt()), nrm = view(g, attrs.get("NORMAL").asInt()),
                rgba = view(g, attrs.get("COLOR_0").asInt()), idx = view(g, prim.get("indices").asInt());
        JsonNode pa = g.json().get("accessors").get(attrs.get("POSITION").asInt());
        assertEquals(nv, pa.get("count").asInt());
        for (int i = 0; i < 3 * nv; i++) {
            float x = pos.getFloat(4 * i);
            assertEquals((float) m.vertices()[i], x, "position " + i);
            assertTrue(x >= pa.get("min").get(i % 3).floatValue() && x <= pa.get("max").get(i % 3).floatValue(), "min/max bound " + i);
        }
        for (int v = 0; v < nv; v++) {
            double x = nrm.getFloat(12 * v), y = nrm.getFloat(12 * v + 4), z = nrm.getFloat(12 * v + 8);
            assertEquals(1, Math.sqrt(x * x + y * y + z * z), 1e-6, "unit normal " + v);
            if (v == 0) assertEquals(1, z, "a zero normal becomes +z");
            else {
                double len = Math.sqrt(Math.pow(normals[3 * v], 2) + Math.pow(normals[3 * v + 1], 2) + Math.pow(normals[3 * v + 2], 2));
                assertEquals(normals[3 * v] / len, x, 1e-6, "normal direction " + v);
            }
            for (int c = 0; c < 3; c++) assertEquals(Math.round(255 * col[3 * v + c]), rgba.get(4 * v + c) & 0xff, "colour " + v);
            assertEquals(255, rgba.get(4 * v + 3) & 0xff, "alpha");
        }
        int[] t = m.triangles();
        assertEquals(t.length, g.json().get("accessors").get(prim.get("indices").asInt()).get("count").asInt());
        for (int i = 0; i < t.length; i++) assertEquals(t[i], idx.getInt(4 * i), "index " + i);
    }

    @Test
    void refusesAnEmptyMeshBeforeWriting() {
        Path f = dir.resolve("empty.glb");
        Mesh empty = new Mesh("empty", new double[0], new int[0]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MeshWriter.write(f, empty, null));
        assertTrue(e.getMessage().contains("empty.glb") && e.getMessage().contains("empty"), e.getMessage());
        assertTrue(!Files.exists(f));
    }

    @Test
    void theKhronosValidatorFindsNoErrors() throws IOException, InterruptedException {
        Path script = Path.of("tools/gltf-validate.mjs");
        Path module = System.getenv("NFIELD_GLTF_VALIDATOR") != null ? Path.of(System.getenv("NFIELD_GLTF_VALIDATOR"))
                : Path.of(System.getProperty("user.home"), ".cache/nfield/npm/node_modules/gltf-validator");
        assumeTrue(Files.isDirectory(module), "the glTF validator is not installed (" + module + "): tools/setup.sh --tests");
        Mesh m = MeshShapes.KNOT.mesh();
        int nv = m.vertexCount();
        float[] normals = new float[3 * nv];
        for (int i = 0; i < normals.length; i++) normals[i] = (float) m.vertices()[i];
        Path plain = dir.resolve("knot.glb"), coloured = dir.resolve("knot-rgb.glb"), broken = dir.resolve("broken.glb");
        MeshWriter.write(plain, m, normals);
        MeshWriter.write(coloured, m, normals, colours(nv));
        // the planted error: POSITION's max one unit too high (the validator checks it against the data)
        Glb g = parse(Files.readAllBytes(plain));
        ObjectNode json = (ObjectNode) g.json();
        var max = (com.fasterxml.jackson.databind.node.ArrayNode) json.get("accessors").get(0).get("max");
        max.set(0, max.get(0).floatValue() + 1f);
        byte[] js = Json.MAPPER.writeValueAsBytes(json);
        int pad = (js.length + 3) & ~3;
        ByteBuffer out = ByteBuffer.allocate(28 + pad + g.bin().capacity()).order(ByteOrder.LITTLE_ENDIAN);
        out.putInt(0x46546C67).putInt(2).putInt(out.capacity()).putInt(pad).putInt(0x4E4F534A).put(js);
        for (int i = js.length; i < pad; i++) out.put((byte) ' ');
        out.putInt(g.bin().capacity()).putInt(0x004E4942).put(g.bin().duplicate());
        Files.write(broken, out.array());

        Process p = new ProcessBuilder("node", script.toString(), plain.toString(), coloured.toString(), broken.toString())
                .redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        List<JsonNode> reports = new ArrayList<>();
        for (String line : text.split("\n")) if (line.startsWith("{")) reports.add(Json.parse("validator", line));
        assertEquals(3, reports.size(), text);
        System.out.println(text);
        assertEquals(0, reports.get(0).get("errors").asInt(), "SDF mesh: " + reports.get(0));
        assertEquals(0, reports.get(1).get("errors").asInt(), "coloured mesh: " + reports.get(1));
        assertTrue(reports.get(2).get("errors").asInt() >= 1, "the planted error is reported: " + reports.get(2));
        assertTrue(reports.get(2).get("messages").toString().contains("ACCESSOR_MAX_MISMATCH"), reports.get(2).toString());
        assertEquals(1, p.exitValue(), "exit status 1: one file had errors");
    }
}
