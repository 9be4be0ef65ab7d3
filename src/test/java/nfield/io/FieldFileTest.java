package nfield.io;

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
        Field f = new Field(fc, new RefBackend());
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
            FieldFile.write(p, f, 42, Map.of());
            Field g = FieldFile.load(p, new RefBackend());
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
        Field f = new Field(fc, new RefBackend());
        f.params().writeParams(Harness.toFloat(Harness.uniform(f.paramCount(), 5)));
        Path p = dir.resolve("hash.nfield");
        FieldFile.write(p, f, 7, Map.of());
        Field g = FieldFile.load(p, new RefBackend());
        assertEquals(fc, g.config());
        assertArrayEquals(f.params().readParams(), g.params().readParams());
        assertArrayEquals(eval(f), eval(g));
        String header = new String(Files.readAllBytes(p), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(header.contains("\"encoding.levels.3.table\":{\"dtype\":\"F32\",\"shape\":[1024,2]"), "header names the tables");
    }

    private String loadError(byte[] bytes) throws IOException {
        Path p = dir.resolve("bad.nfield");
        Files.write(p, bytes);
        return assertThrows(IOException.class, () -> FieldFile.load(p, new RefBackend())).getMessage();
    }

    private byte[] valid() throws IOException {
        Path p = dir.resolve("ok.nfield");
        FieldFile.write(p, field("sdf"), 1, Map.of());
        return Files.readAllBytes(p);
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
}
