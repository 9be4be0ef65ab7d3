package nfield.io;

import nfield.field.FittedField;
import nfield.geom.Normalization;
import nfield.compute.Tensor;
import nfield.compute.ref.RefBackend;
import nfield.config.ActivationConfig;
import nfield.config.EncodingConfig;
import nfield.config.FieldConfig;
import nfield.config.NetworkConfig;
import nfield.field.Field;
import nfield.testing.Harness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FieldFileTest {
    @TempDir
    Path dir;

    static Field field(String kind) {
        FieldConfig fc = new FieldConfig(kind, new EncodingConfig.Fourier(8, 2, true),
                new NetworkConfig(16, 2, ActivationConfig.relu(), List.of(1), 1), "trunc_exp");
        Field f = Field.of(fc, new RefBackend());
        f.init(3);
        return f;
    }

    static double[] eval(Field f) {
        var b = f.backend();
        Tensor x = b.alloc(50, 3), y = b.alloc(50, f.outputWidth());
        b.write(x, Harness.uniform(150, 4));
        f.forward(x, y);
        return b.read(y);
    }

    @Test
    void roundTripIsBitIdentical() throws IOException {
        for (String kind : FieldConfig.KINDS) {
            Field f = field(kind);
            f.params().writeParams(Harness.toFloat(f.params().readParams())); // what a float32 file can hold
            Path p = dir.resolve(kind + ".nfield");
            FieldFile.write(p, FittedField.of(p.toString(), f, 42, Normalization.IDENTITY), false);
            Field g = FieldFile.load(p, new RefBackend()).field();
            assertEquals(f.config(), g.config());
            assertArrayEquals(f.params().readParams(), g.params().readParams());
            assertArrayEquals(eval(f), eval(g));
            assertEquals(42, FieldFile.readMeta(p).steps());
        }
        try (var files = Files.list(dir)) {
            assertTrue(files.noneMatch(x -> x.toString().endsWith(".tmp")), "temp files left behind");
        }
    }

    @Test
    void hashFieldRoundTrips() throws IOException {
        FieldConfig fc = new FieldConfig("sdf", new EncodingConfig.Hash(4, 2, 10, 4, 2.0, true),
                new NetworkConfig(16, 2, ActivationConfig.relu(), List.of(), 1), "trunc_exp");
        Field f = Field.of(fc, new RefBackend());
        f.params().writeParams(Harness.toFloat(Harness.uniform(f.paramCount(), 5)));
        Path p = dir.resolve("hash.nfield");
        FieldFile.write(p, FittedField.of(p.toString(), f, 7, Normalization.IDENTITY), false);
        Field g = FieldFile.load(p, new RefBackend()).field();
        assertEquals(fc, g.config());
        assertArrayEquals(f.params().readParams(), g.params().readParams());
        assertArrayEquals(eval(f), eval(g));
        String header = new String(Files.readAllBytes(p), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(header.contains("\"encoding.levels.3.table\":{\"dtype\":\"F32\",\"shape\":[1024,2]"), "header names the tables");
    }

    @Test
    void viewDependentFieldRoundTripsWithItsColourNetwork() throws IOException {
        FieldConfig fc = new FieldConfig("radiance", new EncodingConfig.Hash(4, 2, 10, 4, 2.0, false),
                new NetworkConfig(16, 2, ActivationConfig.relu(), List.of(), 1), "trunc_exp",
                new nfield.config.ColorConfig(new EncodingConfig.SphericalHarmonics(4), 7,
                        new NetworkConfig(16, 2, ActivationConfig.relu(), List.of(), 1, "uniform")));
        Field f = Field.of(fc, new RefBackend());
        f.params().writeParams(Harness.toFloat(Harness.uniform(f.paramCount(), 6)));
        Path p = dir.resolve("vd.nfield");
        FieldFile.write(p, FittedField.of(p.toString(), f, 9, Normalization.IDENTITY), false);
        Field g = FieldFile.load(p, new RefBackend()).field();
        assertEquals(fc, g.config());
        assertTrue(g.viewDependent());
        assertArrayEquals(f.params().readParams(), g.params().readParams());
        var b = f.backend();
        Tensor x = b.alloc(40, 3), d = b.alloc(40, 3), y = b.alloc(40, 4);
        b.write(x, Harness.uniform(120, 7));
        b.write(d, Harness.uniform(120, 8));
        f.forward(x, d, y);
        double[] a = b.read(y);
        var gb = g.backend();
        Tensor gx = gb.alloc(40, 3), gd = gb.alloc(40, 3), gy = gb.alloc(40, 4);
        gb.write(gx, Harness.uniform(120, 7));
        gb.write(gd, Harness.uniform(120, 8));
        g.forward(gx, gd, gy);
        assertArrayEquals(a, gb.read(gy));
        String header = new String(Files.readAllBytes(p), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(header.contains("\"color.network.layers.0.weight\":{\"dtype\":\"F32\",\"shape\":[24,16]"), "colour net tensors");
        assertTrue(header.contains("\"network.layers.2.weight\":{\"dtype\":\"F32\",\"shape\":[16,8]"), "density net: 1 + 7 outputs");
        // a colour tensor missing is named
        byte[] bytes = Files.readAllBytes(p);
        int n = (int) ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        var h = (com.fasterxml.jackson.databind.node.ObjectNode) nfield.config.Json.MAPPER.readTree(
                new String(bytes, 8, n, java.nio.charset.StandardCharsets.UTF_8));
        h.remove("color.network.layers.2.bias");
        byte[] hb = nfield.config.Json.write(h).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(8 + hb.length + bytes.length - 8 - n).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(hb.length).put(hb).put(bytes, 8 + n, bytes.length - 8 - n);
        String m = loadError(out.array());
        assertTrue(m.contains("tensor \"color.network.layers.2.bias\" is missing"), m);
    }

    private String loadError(byte[] bytes) throws IOException {
        Path p = dir.resolve("bad.nfield");
        Files.write(p, bytes);
        return assertThrows(IOException.class, () -> FieldFile.load(p, new RefBackend())).getMessage();
    }

    private byte[] valid() throws IOException {
        Path p = dir.resolve("ok.nfield");
        FieldFile.write(p, FittedField.of(p.toString(), field("sdf"), 1, Normalization.IDENTITY), false);
        return Files.readAllBytes(p);
    }

    @Test
    void aFieldWithNaNIsNotWrittenAndTheOldFileStays() throws IOException {
        Field f = field("sdf");
        Path p = dir.resolve("diverged.nfield");
        FieldFile.write(p, FittedField.of(p.toString(), f, 7, Normalization.IDENTITY), false);
        byte[] before = Files.readAllBytes(p);
        double[] params = f.params().readParams();
        params[params.length - 1] = Double.POSITIVE_INFINITY;
        f.params().writeParams(Harness.toFloat(params));
        IOException e = assertThrows(IOException.class, () -> FieldFile.write(p, FittedField.of(p.toString(), f, 8, Normalization.IDENTITY), false));
        assertTrue(e.getMessage().startsWith(p + ": not written: parameter ") && e.getMessage().contains("is Infinity"), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(p));
    }

    @Test
    void truncatedFile() throws IOException {
        byte[] ok = valid();
        String m = loadError(java.util.Arrays.copyOf(ok, ok.length - 4));
        assertTrue(m.contains("runs past the data"), m);
    }

    @Test
    void headerLongerThanFile() throws IOException {
        byte[] ok = valid();
        ByteBuffer.wrap(ok).order(ByteOrder.LITTLE_ENDIAN).putLong(0, ok.length);
        assertTrue(loadError(ok).contains("does not fit the file"));
    }

    @Test
    void notAFieldFile() throws IOException {
        assertTrue(loadError("hello".getBytes()).contains("only 5 bytes"));
        String m = assertThrows(IOException.class, () -> FieldFile.load(dir.resolve("missing.nfield"), new RefBackend())).getMessage();
        assertTrue(m.endsWith("missing.nfield: no such file"), m);
    }

    /** The valid file with its JSON header changed by {@code edit} (the data section kept). */
    private byte[] withHeader(java.util.function.Consumer<com.fasterxml.jackson.databind.node.ObjectNode> edit) throws IOException {
        byte[] ok = valid();
        ByteBuffer b = ByteBuffer.wrap(ok).order(ByteOrder.LITTLE_ENDIAN);
        int n = (int) b.getLong(0);
        var header = (com.fasterxml.jackson.databind.node.ObjectNode) nfield.config.Json.MAPPER.readTree(
                new String(ok, 8, n, java.nio.charset.StandardCharsets.UTF_8));
        edit.accept(header);
        byte[] h = nfield.config.Json.write(header).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(8 + h.length + ok.length - 8 - n).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(h.length).put(h).put(ok, 8 + n, ok.length - 8 - n);
        return out.array();
    }

    private static com.fasterxml.jackson.databind.node.ObjectNode tensor(com.fasterxml.jackson.databind.node.ObjectNode h, String name) {
        return (com.fasterxml.jackson.databind.node.ObjectNode) h.get(name);
    }

    @Test
    void overlappingTensors() throws IOException {
        String m = loadError(withHeader(h -> {
            var w = tensor(h, "network.layers.1.weight");
            var b = tensor(h, "network.layers.1.bias");
            long a = w.get("data_offsets").get(0).longValue();
            b.putArray("data_offsets").add(a).add(a + 4L * 16);
        }));
        assertTrue(m.contains("bad.nfield: not a valid nfield field file: tensor \"network.layers.1.bias\" range [")
                && m.contains("overlaps another tensor's"), m);
    }

    @Test
    void rangePastTheEnd() throws IOException {
        String m = loadError(withHeader(h -> {
            var b = tensor(h, "network.layers.2.bias");
            long z = b.get("data_offsets").get(1).longValue();
            b.putArray("data_offsets").add(z).add(z + 4);
            b.putArray("shape").add(1);
        }));
        assertTrue(m.contains("tensor \"network.layers.2.bias\" range [") && m.contains("runs past the data"), m);
    }

    @Test
    void unknownDtype() throws IOException {
        String m = loadError(withHeader(h -> tensor(h, "network.layers.0.bias").put("dtype", "BF16")));
        assertTrue(m.contains("tensor \"network.layers.0.bias\" has dtype \"BF16\"; only F32 is supported"), m);
    }

    @Test
    void shapeThatDisagreesWithItsBytes() throws IOException {
        String m = loadError(withHeader(h -> tensor(h, "network.layers.0.bias").putArray("shape").add(17)));
        assertTrue(m.contains("tensor \"network.layers.0.bias\" has shape [17] (68 bytes) but data_offsets"), m);
    }

    @Test
    void configThatDoesNotMatchTheTensors() throws IOException {
        // the same bytes, the shape transposed: [16, 16] is fine, so transpose the first layer [in, 16]
        String m = loadError(withHeader(h -> {
            var w = tensor(h, "network.layers.0.weight");
            int in = w.get("shape").get(0).intValue(), out = w.get("shape").get(1).intValue();
            w.putArray("shape").add(out).add(in);
        }));
        assertTrue(m.contains("tensor \"network.layers.0.weight\" has shape [16,") && m.contains("the config in __metadata__.field expects [")
                , m);
        m = loadError(withHeader(h -> h.remove("network.layers.2.bias")));
        assertTrue(m.contains("tensor \"network.layers.2.bias\" is missing (the config in __metadata__.field expects it)"), m);
        m = loadError(withHeader(h -> {
            var meta = (com.fasterxml.jackson.databind.node.ObjectNode) h.get("__metadata__");
            meta.put("field", meta.get("field").asText().replace("\"width\":16", "\"width\":8"));
        }));
        assertTrue(m.contains("has shape") && m.contains("the config in __metadata__.field expects"), m);
        m = loadError(withHeader(h -> {
            long end = tensor(h, "network.layers.2.bias").get("data_offsets").get(1).longValue();
            var x = h.putObject("extra.tensor").put("dtype", "F32");
            x.putArray("shape").add(0);
            x.putArray("data_offsets").add(end).add(end);
        }));
        assertTrue(m.contains("tensor \"extra.tensor\" is not part of the field its config (__metadata__.field) describes"), m);
    }

    @Test
    void headerThatIsNotJson() throws IOException {
        byte[] ok = valid();
        ok[9] = '#';
        assertTrue(loadError(ok).contains("header is not JSON"));
    }
}
