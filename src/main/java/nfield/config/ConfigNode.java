package nfield.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A JSON object being read into a record. Every getter records the key it consumed;
 * {@link #done()} then rejects any key nobody asked for, listing the allowed ones. Every
 * error names the source file and the dotted key path.
 */
public final class ConfigNode {
    private final String source;
    private final String path;
    private final JsonNode node;
    private final Set<String> known = new LinkedHashSet<>();

    public ConfigNode(String source, String path, JsonNode node) {
        this.source = source;
        this.path = path;
        this.node = node;
        if (node != null && !node.isObject()) {
            throw error(path.isEmpty() ? "(top level)" : path, "expected a JSON object, got " + describe(node));
        }
    }

    public static ConfigNode empty(String source, String path) {
        return new ConfigNode(source, path, null);
    }

    public String source() {
        return source;
    }

    public String path() {
        return path;
    }

    public boolean has(String key) {
        return node != null && node.has(key);
    }

    private String key(String k) {
        return path.isEmpty() ? k : path + "." + k;
    }

    private JsonNode get(String k) {
        known.add(k);
        return node == null ? null : node.get(k);
    }

    public ConfigException error(String key, String what) {
        return new ConfigException(source + ": " + key + ": " + what);
    }

    private static String describe(JsonNode v) {
        String text = v.toString();
        if (text.length() > 40) text = text.substring(0, 37) + "...";
        String kind = v.isTextual() ? "a string" : v.isNumber() ? "a number" : v.isBoolean() ? "a boolean"
                : v.isArray() ? "an array" : v.isObject() ? "an object" : "null";
        return kind + " (" + text + ")";
    }

    public int integer(String k, int def, int min, int max) {
        JsonNode v = get(k);
        if (v == null) return def;
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw error(key(k), "expected an integer in [" + min + ", " + max + "], got " + describe(v));
        }
        int x = v.intValue();
        if (x < min || x > max) throw error(key(k), "must be in [" + min + ", " + max + "], got " + x);
        return x;
    }

    public long longValue(String k, long def, long min, long max) {
        JsonNode v = get(k);
        if (v == null) return def;
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw error(key(k), "expected an integer in [" + min + ", " + max + "], got " + describe(v));
        }
        long x = v.longValue();
        if (x < min || x > max) throw error(key(k), "must be in [" + min + ", " + max + "], got " + x);
        return x;
    }

    /** A number in [min, max]; {@code exclusiveMin} makes the lower bound open. */
    public double real(String k, double def, double min, double max, boolean exclusiveMin) {
        JsonNode v = get(k);
        if (v == null) return def;
        String range = (exclusiveMin ? "(" : "[") + min + ", " + max + "]";
        if (!v.isNumber()) throw error(key(k), "expected a number in " + range + ", got " + describe(v));
        double x = v.doubleValue();
        if (!Double.isFinite(x) || x < min || x > max || (exclusiveMin && x == min)) {
            throw error(key(k), "must be in " + range + ", got " + x);
        }
        return x;
    }

    public boolean bool(String k, boolean def) {
        JsonNode v = get(k);
        if (v == null) return def;
        if (!v.isBoolean()) throw error(key(k), "expected true or false, got " + describe(v));
        return v.booleanValue();
    }

    public String string(String k, String def, List<String> allowed) {
        JsonNode v = get(k);
        if (v == null) return def;
        if (!v.isTextual()) throw error(key(k), (allowed.isEmpty() ? "expected a string" : "expected one of " + allowed) + ", got " + describe(v));
        String s = v.textValue();
        if (!allowed.isEmpty() && !allowed.contains(s)) {
            throw error(key(k), "unknown value \"" + s + "\"; allowed: " + String.join(", ", allowed));
        }
        return s;
    }

    public List<Integer> intList(String k, List<Integer> def, int min, int max) {
        JsonNode v = get(k);
        if (v == null) return def;
        if (!v.isArray()) throw error(key(k), "expected an array of integers in [" + min + ", " + max + "], got " + describe(v));
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            JsonNode e = v.get(i);
            if (!e.isIntegralNumber() || !e.canConvertToInt() || e.intValue() < min || e.intValue() > max) {
                throw error(key(k) + "[" + i + "]", "expected an integer in [" + min + ", " + max + "], got " + describe(e));
            }
            out.add(e.intValue());
        }
        return List.copyOf(out);
    }

    public List<Double> realList(String k, List<Double> def, double min, double max) {
        JsonNode v = get(k);
        if (v == null) return def;
        String range = "[" + min + ", " + max + "]";
        if (!v.isArray() || v.isEmpty()) throw error(key(k), "expected a non-empty array of numbers in " + range + ", got " + describe(v));
        List<Double> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            JsonNode e = v.get(i);
            if (!e.isNumber() || !Double.isFinite(e.doubleValue()) || e.doubleValue() < min || e.doubleValue() > max) {
                throw error(key(k) + "[" + i + "]", "expected a number in " + range + ", got " + describe(e));
            }
            out.add(e.doubleValue());
        }
        return List.copyOf(out);
    }

    /** A nested object (absent: an empty node, so its defaults apply). */
    public ConfigNode child(String k) {
        JsonNode v = get(k);
        if (v != null && !v.isObject()) throw error(key(k), "expected a JSON object, got " + describe(v));
        return new ConfigNode(source, key(k), v);
    }

    /** Fails on keys that no getter consumed, naming the allowed ones. */
    public void done() {
        if (node == null) return;
        Iterator<String> it = node.fieldNames();
        while (it.hasNext()) {
            String f = it.next();
            if (!known.contains(f)) {
                throw error(key(f), "unknown key; allowed keys here: " + String.join(", ", known));
            }
        }
    }

    /** For writing configs back: a fresh empty object node. */
    static ObjectNode newObject() {
        return Json.MAPPER.createObjectNode();
    }
}
