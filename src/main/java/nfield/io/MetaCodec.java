package nfield.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import nfield.config.ConfigException;
import nfield.config.ConfigNode;
import nfield.config.FieldConfig;
import nfield.config.Json;
import nfield.config.SceneConfig;
import nfield.field.FieldMeta;
import nfield.geom.Normalization;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@link FieldMeta} to and from a field file's {@code __metadata__} (safetensors allows only
 * string values: each typed part is one JSON value). Version 2 writes {@code field},
 * {@code steps}, {@code normalization}, {@code fitted_to}, {@code scene} and, for radiance
 * fields, {@code radiance}; version 1's flat keys ({@code data}, {@code loss_type}, {@code up},
 * {@code background}, ...) are read into the same record. See FORMAT.md.
 */
final class MetaCodec {
    private MetaCodec() {}

    static Map<String, String> write(FieldMeta m) {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("field", Json.write(m.config().toJson()));
        out.put("steps", Long.toString(m.steps()));
        out.put("normalization", Json.write(Json.MAPPER.valueToTree(m.normalization().toArray())));
        FieldMeta.Provenance p = m.fittedTo();
        ObjectNode f = Json.MAPPER.createObjectNode();
        if (p.data() != null) f.put("data", p.data());
        if (p.loss() != null) f.put("loss", p.loss());
        if (p.lossDelta() != null) f.put("loss_delta", p.lossDelta());
        if (p.sign() != null) f.put("sign", p.sign());
        if (p.ambiguousShare() != null) f.put("ambiguous_share", p.ambiguousShare());
        if (p.testEvery() != null) f.put("test_every", p.testEvery());
        if (p.pinholeCameras()) f.put("pinhole", true);
        out.put("fitted_to", Json.write(f));
        if (m.scene() != null) out.put("scene", Json.write(m.scene().toJson()));
        FieldMeta.Radiance r = m.radiance();
        if (r != null) {
            ObjectNode o = Json.MAPPER.createObjectNode().put("up", r.up());
            ArrayNode bg = o.putArray("background");
            for (float c : r.background()) bg.add(c);
            if (r.trainBackground() != null) o.put("train_background", r.trainBackground());
            if (r.box() != null) o.set("box", Json.MAPPER.valueToTree(r.box()));
            if (r.inner() != null) o.set("inner", Json.MAPPER.valueToTree(r.inner()));
            out.put("radiance", Json.write(o));
        }
        return out;
    }

    /** The metadata of {@code file}, format {@code version} (1 or 2); errors name the file and the key. */
    static FieldMeta read(Path file, int version, JsonNode meta) throws IOException {
        FieldConfig cfg;
        try {
            String src = file + " (__metadata__.field)";
            cfg = FieldConfig.parse(new ConfigNode(src, "field", Json.parse(src, text(meta, "field"))));
        } catch (ConfigException e) {
            throw new IOException(e.getMessage());
        }
        long steps = meta.path("steps").asLong(0);
        Normalization norm = normalization(file, meta.get("normalization"));
        SceneConfig scene = null;
        if (meta.has("scene")) {
            try {
                scene = SceneConfig.parse(file + " (__metadata__.scene)", meta.get("scene").asText());
            } catch (ConfigException e) {
                throw new IOException(e.getMessage());
            }
        }
        return version == 1 ? readV1(file, meta, cfg, steps, norm, scene) : readV2(file, meta, cfg, steps, norm, scene);
    }

    private static FieldMeta readV2(Path file, JsonNode meta, FieldConfig cfg, long steps, Normalization norm, SceneConfig scene)
            throws IOException {
        JsonNode f = json(file, meta, "fitted_to");
        FieldMeta.Provenance p = f == null ? FieldMeta.Provenance.UNKNOWN : new FieldMeta.Provenance(str(f, "data"), str(f, "loss"),
                num(f, "loss_delta"), str(f, "sign"), num(f, "ambiguous_share"),
                f.has("test_every") && f.get("test_every").canConvertToInt() ? f.get("test_every").intValue() : null,
                f.path("pinhole").isBoolean() && f.get("pinhole").booleanValue() ? Boolean.TRUE : null);
        FieldMeta.Radiance r = null;
        JsonNode o = json(file, meta, "radiance");
        if (o != null) {
            float[] bg = floats(file, "radiance.background", o.get("background"), 3);
            double[] box = o.has("box") ? doubles(file, "radiance.box", o.get("box"), 6) : null;
            double[] inner = o.has("inner") ? doubles(file, "radiance.inner", o.get("inner"), 6) : null;
            if (inner != null && box == null) throw bad(file, "radiance.inner", "a contracted field needs radiance.box too");
            r = radiance(file, "radiance.up", o.path("up").asText("z"), bg, str(o, "train_background"), box, inner);
        }
        return new FieldMeta(cfg, steps, norm, p, scene, r);
    }

    /** Version 1: one flat key per value, JSON arrays inside strings. */
    private static FieldMeta readV1(Path file, JsonNode meta, FieldConfig cfg, long steps, Normalization norm, SceneConfig scene)
            throws IOException {
        Double delta = null, share = null;
        if (meta.has("loss_delta")) delta = parseNumber(file, "loss_delta", meta.get("loss_delta").asText());
        if (meta.has("ambiguous_share")) share = parseNumber(file, "ambiguous_share", meta.get("ambiguous_share").asText());
        FieldMeta.Provenance p = new FieldMeta.Provenance(str(meta, "data"), str(meta, "loss_type"), delta, str(meta, "sign"), share, null, null);
        FieldMeta.Radiance r = null;
        if (cfg.kind().equals("radiance")) {
            float[] bg = meta.has("background") ? floats(file, "background", json(file, meta, "background"), 3) : new float[]{1, 1, 1};
            double[] box = meta.has("box") ? doubles(file, "box", json(file, meta, "box"), 6) : null;
            r = radiance(file, "up", meta.has("up") ? meta.get("up").asText() : "z", bg, str(meta, "train_background"), box, null);
        }
        return new FieldMeta(cfg, steps, norm, p, scene, r);
    }

    private static FieldMeta.Radiance radiance(Path file, String key, String up, float[] bg, String train, double[] box, double[] inner)
            throws IOException {
        if (!up.equals("y") && !up.equals("z")) throw bad(file, key, "must be \"y\" or \"z\", got \"" + up + "\"");
        return new FieldMeta.Radiance(up, bg, train, box, inner);
    }

    /** [cx, cy, cz, scale]; absent: the identity (analytic fits and the oldest files). */
    private static Normalization normalization(Path file, JsonNode value) throws IOException {
        if (value == null) return Normalization.IDENTITY;
        JsonNode a = parse(file, "normalization", value.asText());
        if (!a.isArray() || a.size() != 4) throw bad(file, "normalization", "must be [cx, cy, cz, scale], got " + value.asText());
        double[] v = new double[4];
        for (int i = 0; i < 4; i++) v[i] = a.get(i).asDouble(Double.NaN);
        try {
            return Normalization.of(v);
        } catch (IllegalArgumentException e) {
            throw bad(file, "normalization", e.getMessage());
        }
    }

    private static String text(JsonNode meta, String key) {
        return meta.path(key).asText();
    }

    private static String str(JsonNode o, String key) {
        JsonNode v = o.get(key);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static Double num(JsonNode o, String key) {
        JsonNode v = o.get(key);
        return v == null || !v.isNumber() ? null : v.asDouble();
    }

    private static Double parseNumber(Path file, String key, String s) throws IOException {
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw bad(file, key, "is not a number: " + s);
        }
    }

    /** The JSON held in string {@code key}, or null when absent. */
    private static JsonNode json(Path file, JsonNode meta, String key) throws IOException {
        return meta.has(key) ? parse(file, key, meta.get(key).asText()) : null;
    }

    private static JsonNode parse(Path file, String key, String text) throws IOException {
        try {
            return Json.parse(file + ": __metadata__." + key, text);
        } catch (RuntimeException e) {
            throw new IOException(e.getMessage());
        }
    }

    private static float[] floats(Path file, String key, JsonNode a, int n) throws IOException {
        double[] d = doubles(file, key, a, n);
        float[] f = new float[n];
        for (int i = 0; i < n; i++) f[i] = (float) d[i];
        return f;
    }

    private static double[] doubles(Path file, String key, JsonNode a, int n) throws IOException {
        if (a == null || !a.isArray() || a.size() != n) throw bad(file, key, "must be an array of " + n + " numbers, got " + a);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            if (!a.get(i).isNumber()) throw bad(file, key, "must be an array of " + n + " numbers, got " + a);
            v[i] = a.get(i).asDouble();
        }
        return v;
    }

    private static IOException bad(Path file, String key, String what) {
        return new IOException(file + ": __metadata__." + key + ": " + what);
    }
}
