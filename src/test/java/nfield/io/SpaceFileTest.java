package nfield.io;

import com.fasterxml.jackson.databind.node.ObjectNode;
import nfield.compute.ref.RefBackend;
import nfield.config.ActivationConfig;
import nfield.config.EncodingConfig;
import nfield.config.FieldConfig;
import nfield.config.Json;
import nfield.config.NetworkConfig;
import nfield.field.ShapeSpace;
import nfield.field.SpaceNetwork;
import nfield.geom.Normalization;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Space files: written and read back whole; every malformed one refused with the file and the key named. */
class SpaceFileTest {
    @TempDir
    Path dir;

    static ShapeSpace small() {
        FieldConfig member = new FieldConfig("sdf", new EncodingConfig.Frequency(2, true),
                new NetworkConfig(8, 2, ActivationConfig.relu(), List.of(2), 1), "softplus");
        SpaceNetwork d = SpaceNetwork.create(member, 3, 4, 0.5, new RefBackend());
        d.init(5);
        return new ShapeSpace("small", d, List.of(new ShapeSpace.Member("a", "family:0", Normalization.IDENTITY),
                new ShapeSpace.Member("b", "b.obj", new Normalization(0.1, 0, 0, 2)), new ShapeSpace.Member("c", null, Normalization.IDENTITY)),
                null, 12, 4096);
    }

    @Test
    void roundTrip() throws IOException {
        ShapeSpace s = small();
        Path f = dir.resolve("s.space");
        SpaceFile.write(f, s);
        ShapeSpace back = SpaceFile.load(f, new RefBackend());
        assertEquals(s.members(), back.members());
        assertEquals(12, back.steps());
        assertEquals(4096, back.samplesPerShape());
        assertEquals(s.decoder().member().encoding(), back.decoder().member().encoding());
        assertEquals(s.decoder().member().network(), back.decoder().member().network());
        double[] a = s.decoder().params().readParams(), b = back.decoder().params().readParams();
        for (int i = 0; i < a.length; i++) assertEquals((float) a[i], (float) b[i]);
    }

    /** The valid file's header edited by {@code edit} (data unchanged). */
    private Path edited(Consumer<ObjectNode> edit) throws IOException {
        Path f = dir.resolve("ok.space");
        SpaceFile.write(f, small());
        byte[] all = Files.readAllBytes(f);
        long n = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        ObjectNode header = (ObjectNode) Json.MAPPER.readTree(new String(all, 8, (int) n, StandardCharsets.UTF_8));
        edit.accept(header);
        byte[] h = Json.write(header).getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(8 + h.length + all.length - 8 - (int) n).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(h.length).put(h).put(all, 8 + (int) n, all.length - 8 - (int) n);
        Path g = dir.resolve("bad.space");
        Files.write(g, out.array());
        return g;
    }

    private static ObjectNode space(ObjectNode header) {
        try {
            return (ObjectNode) Json.MAPPER.readTree(header.get("__metadata__").get("space").asText());
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }

    private static void setSpace(ObjectNode header, ObjectNode sp) {
        ((ObjectNode) header.get("__metadata__")).put("space", Json.write(sp));
    }

    private void refused(Consumer<ObjectNode> edit, String expected) throws IOException {
        Path f = edited(edit);
        IOException e = assertThrows(IOException.class, () -> SpaceFile.load(f, new RefBackend()), expected);
        assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage() + "\n  expected: " + expected);
    }

    @Test
    void malformedSpacesSayWhatIsWrong() throws IOException {
        refused(h -> h.remove("codes"), "tensor \"codes\" is missing");
        refused(h -> ((ObjectNode) h.get("codes")).putArray("shape").add(4).add(3), "tensor \"codes\" has shape [4,3]; the metadata expects [3,4]");
        refused(h -> h.putObject("extra").put("dtype", "F32").putArray("shape").add(0), "tensor \"extra\" has no valid data_offsets");
        refused(h -> {
            ObjectNode sp = space(h);
            sp.put("code_size", 0);
            setSpace(h, sp);
        }, "__metadata__.space.code_size must be a whole number in [1, 4096], got 0");
        refused(h -> {
            ObjectNode sp = space(h);
            sp.put("sigma", -1);
            setSpace(h, sp);
        }, "__metadata__.space.sigma must be a positive number");
        refused(h -> {
            ObjectNode sp = space(h);
            sp.putArray("members");
            setSpace(h, sp);
        }, "__metadata__.space.members must be a non-empty array");
        refused(h -> {
            ObjectNode sp = space(h);
            ((ObjectNode) sp.get("members").get(1)).put("name", "a");
            setSpace(h, sp);
        }, "__metadata__.space.members[1]: a second member named \"a\"");
        refused(h -> {
            ObjectNode sp = space(h);
            ((ObjectNode) sp.get("members").get(2)).putArray("normalization").add(0).add(0).add(0).add(0);
            setSpace(h, sp);
        }, "__metadata__.space.members[2].normalization:");
        refused(h -> {
            ObjectNode sp = space(h);
            ((ObjectNode) sp.get("members").get(0)).remove("name");
            setSpace(h, sp);
        }, "__metadata__.space.members[0] has no name");
        refused(h -> {
            ObjectNode sp = space(h);
            sp.remove("members");
            sp.putArray("members").addObject().put("name", "only").putArray("normalization").add(0).add(0).add(0).add(1);
            setSpace(h, sp);
        }, "tensor \"codes\" has shape [3,4]; the metadata expects [1,4]");
        refused(h -> ((ObjectNode) h.get("__metadata__")).put("space", "{not json"), "__metadata__.space");
        refused(h -> ((ObjectNode) h.get("__metadata__")).put("version", "9"), "format version 9; this nfield reads versions 1");
        refused(h -> ((ObjectNode) h.get("__metadata__")).put("format", "other"), "no __metadata__.format = \"nfield-space\"");
    }

    @Test
    void notANumberInTheCodesIsRefused() throws IOException {
        Path f = dir.resolve("nan.space");
        SpaceFile.write(f, small());
        byte[] all = Files.readAllBytes(f);
        ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN).putFloat(all.length - 4, Float.NaN); // the last code value
        Files.write(f, all);
        IOException e = assertThrows(IOException.class, () -> SpaceFile.load(f, new RefBackend()));
        assertTrue(e.getMessage().contains("tensor \"codes\"[11] is NaN"), e.getMessage());
        Files.write(f, java.util.Arrays.copyOf(all, 40));
        e = assertThrows(IOException.class, () -> SpaceFile.load(f, new RefBackend()));
        assertTrue(e.getMessage().contains("not a valid nfield space file"), e.getMessage());
    }
}
