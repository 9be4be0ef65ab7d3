package nfield.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import nfield.compute.Backend;
import nfield.compute.ParamStore;
import nfield.config.ConfigException;
import nfield.config.ConfigNode;
import nfield.config.FieldConfig;
import nfield.config.Json;
import nfield.config.SceneConfig;
import nfield.field.ShapeSpace;
import nfield.field.SpaceNetwork;
import nfield.geom.Normalization;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A shape space on disk: a safetensors file like a field file (FORMAT.md), {@code __metadata__}
 * with {@code format} = "nfield-space", {@code version} "1", {@code field} (the config of the
 * fields its codes decode to), {@code space} ({@code code_size}, {@code sigma}, {@code steps} and
 * {@code members}: per code its {@code name}, {@code data} and {@code normalization}) and
 * {@code scene}; tensors {@code encoding.*}, {@code network.layers.k.*} (the first layer and skip
 * layers with C more input rows, the code's) and {@code codes} [K, C]. Written atomically.
 */
public final class SpaceFile {
    public static final String FORMAT = "nfield-space", VERSION = "1";
    private static final int MAX_CODE = 4096, MAX_MEMBERS = 1 << 20;

    private SpaceFile() {}

    public static void write(Path file, ShapeSpace space) throws IOException {
        SpaceNetwork d = space.decoder();
        ParamStore store = d.params();
        double[] p = store.readParams();
        FieldFile.requireFinite(file, store, p);
        ObjectNode header = Json.MAPPER.createObjectNode();
        ObjectNode meta = header.putObject("__metadata__");
        meta.put("format", FORMAT).put("version", VERSION);
        meta.put("field", Json.write(d.member().toJson()));
        ObjectNode sp = Json.MAPPER.createObjectNode();
        sp.put("code_size", d.codeSize()).put("sigma", d.sigma()).put("steps", space.steps()).put("samples_per_shape", space.samplesPerShape());
        ArrayNode ms = sp.putArray("members");
        for (ShapeSpace.Member m : space.members()) {
            ObjectNode o = ms.addObject().put("name", m.name());
            if (m.data() != null) o.put("data", m.data());
            o.set("normalization", Json.MAPPER.valueToTree(m.normalization().toArray()));
        }
        meta.put("space", Json.write(sp));
        if (space.scene() != null) meta.put("scene", Json.write(space.scene().toJson()));
        FieldFile.writeTensors(file, header, store, p, new double[0][]);
    }

    /** Whether {@code file} is a space file (its header says so); false for anything else, or no file. */
    public static boolean isSpace(Path file) {
        try (var in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(8);
            if (head.length < 8) return false;
            long n = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN).getLong();
            if (n <= 0 || n > 1 << 20) return false;
            String h = new String(in.readNBytes((int) n), StandardCharsets.UTF_8);
            return h.contains("\"format\":\"" + FORMAT + "\"");
        } catch (IOException e) {
            return false;
        }
    }

    private static IOException bad(Path file, String what) {
        return FieldFile.bad(file, "space", what);
    }

    /** Loads a space onto {@code backend}; every inconsistency is an error naming the file and the key. */
    public static ShapeSpace load(Path file, Backend backend) throws IOException {
        return load(file, FieldFile.readAll(file), backend);
    }

    static ShapeSpace load(Path file, byte[] all, Backend backend) throws IOException {
        FieldFile.Tensors t;
        try {
            t = FieldFile.tensors(file, all, FORMAT, List.of(VERSION), "space");
        } catch (IOException notSpace) {
            try { // a field file given for a space: say so
                FieldFile.tensors(file, all, FieldFile.FORMAT, FieldFile.READS, "field");
            } catch (IOException notField) {
                throw notSpace;
            }
            throw new IOException(file + ": a field file, not a shape space (make one with nfield fit-space; a field from "
                    + "nfield complete or interpolate is used as it is: nfield mesh/view/export)");
        }
        JsonNode meta = t.meta();
        FieldConfig cfg;
        JsonNode sp;
        SceneConfig scene = null;
        try {
            String src = file + " (__metadata__.field)";
            cfg = FieldConfig.parse(new ConfigNode(src, "field", Json.parse(src, meta.path("field").asText())));
            String ss = file + " (__metadata__.space)";
            sp = Json.parse(ss, meta.path("space").asText());
            if (meta.has("scene")) scene = SceneConfig.parse(file + " (__metadata__.scene)", meta.get("scene").asText());
        } catch (ConfigException e) {
            throw new IOException(e.getMessage());
        }
        if (!cfg.kind().equals("sdf")) throw bad(file, "__metadata__.field has kind " + cfg.kind() + "; a shape space decodes sdf fields");
        if (sp == null || !sp.isObject()) throw bad(file, "__metadata__.space is not a JSON object");
        int codeSize = integer(file, sp, "code_size", 1, MAX_CODE);
        double sigma = sp.path("sigma").asDouble(Double.NaN);
        if (!(sigma > 0) || !Double.isFinite(sigma)) throw bad(file, "__metadata__.space.sigma must be a positive number, got " + sp.get("sigma"));
        long steps = sp.path("steps").asLong(0);
        int perShape = sp.has("samples_per_shape") ? integer(file, sp, "samples_per_shape", 1, 1 << 24) : 32768;
        JsonNode ms = sp.path("members");
        if (!ms.isArray() || ms.isEmpty()) throw bad(file, "__metadata__.space.members must be a non-empty array");
        if (ms.size() > MAX_MEMBERS) throw bad(file, "__metadata__.space.members holds " + ms.size() + " shapes; at most " + MAX_MEMBERS);
        List<ShapeSpace.Member> members = new ArrayList<>();
        java.util.Set<String> names = new java.util.HashSet<>();
        for (int i = 0; i < ms.size(); i++) {
            JsonNode m = ms.get(i);
            String where = "__metadata__.space.members[" + i + "]";
            if (!m.path("name").isTextual() || m.path("name").asText().isEmpty()) throw bad(file, where + " has no name");
            String name = m.get("name").asText();
            if (!names.add(name)) throw bad(file, where + ": a second member named \"" + name + "\"");
            JsonNode n = m.path("normalization");
            if (!n.isArray() || n.size() != 4) throw bad(file, where + ".normalization must be [cx, cy, cz, scale]");
            double[] v = new double[4];
            for (int k = 0; k < 4; k++) v[k] = n.get(k).isNumber() ? n.get(k).asDouble() : Double.NaN;
            Normalization norm;
            try {
                norm = Normalization.of(v);
            } catch (IllegalArgumentException e) {
                throw bad(file, where + ".normalization: " + e.getMessage());
            }
            members.add(new ShapeSpace.Member(name, m.path("data").isTextual() ? m.get("data").asText() : null, norm));
        }
        long need = 4L * new SpaceNetwork(cfg, members.size(), codeSize, sigma).paramCount(), have = t.data().remaining();
        if (need > have) { // before anything is allocated for it
            throw bad(file, String.format(java.util.Locale.ROOT, "its tensors hold %,d bytes; the metadata's config and %d members of code size %d need %,d",
                    have, members.size(), codeSize, need));
        }
        SpaceNetwork d = SpaceNetwork.create(cfg, members.size(), codeSize, sigma, backend);
        double[] params = new double[d.paramCount()];
        java.util.Map<String, ParamStore.Slice> expected = new java.util.LinkedHashMap<>();
        for (ParamStore.Slice s : d.params().slices()) expected.put(s.name(), s);
        for (String name : t.tensors().keySet()) {
            if (!expected.containsKey(name)) throw bad(file, "tensor \"" + name + "\" is not part of the space its metadata describes");
        }
        ByteBuffer data = t.data().duplicate().order(ByteOrder.LITTLE_ENDIAN);
        for (ParamStore.Slice s : expected.values()) {
            long[] r = t.tensors().get(s.name());
            if (r == null) throw bad(file, "tensor \"" + s.name() + "\" is missing (the metadata's config and " + members.size() + " members expect it)");
            String want = java.util.Arrays.toString(s.shape()).replace(" ", "");
            if (!t.shapes().get(s.name()).equals(want)) {
                throw bad(file, "tensor \"" + s.name() + "\" has shape " + t.shapes().get(s.name()) + "; the metadata expects " + want);
            }
            for (int i = 0; i < s.length(); i++) {
                float x = data.getFloat((int) (r[0] + 4L * i));
                if (!Float.isFinite(x)) throw bad(file, "tensor \"" + s.name() + "\"[" + i + "] is " + x);
                params[s.offset() + i] = x;
            }
        }
        d.params().writeParams(params);
        d.params().resetOptimizer();
        return new ShapeSpace(file.toString(), d, members, scene, steps, perShape);
    }

    private static int integer(Path file, JsonNode o, String key, int lo, int hi) throws IOException {
        JsonNode v = o.get(key);
        if (v == null || !v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() < lo || v.asInt() > hi) {
            throw bad(file, "__metadata__.space." + key + " must be a whole number in [" + lo + ", " + hi + "], got " + v);
        }
        return v.asInt();
    }
}
