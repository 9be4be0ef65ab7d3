package nfield.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import nfield.compute.Backend;
import nfield.compute.ParamStore;
import nfield.config.Json;
import nfield.field.Field;
import nfield.field.FieldMeta;
import nfield.field.FittedField;
import nfield.field.RadianceField;
import nfield.config.FieldConfig;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A trained field on disk: a safetensors file (8-byte little-endian header length, a JSON header,
 * then raw little-endian float32 data). Every parameter slice is one tensor under its store name
 * ({@code network.layers.0.weight} [in, out], ...); {@code __metadata__} holds
 * {@code format} = "nfield-field", {@code version} and the {@link FieldMeta} (written by
 * {@link MetaCodec}). Writes and reads {@link FittedField}s only; reads versions 1 and 2.
 * Written atomically (temp file + rename). See FORMAT.md.
 */
public final class FieldFile {
    public static final String FORMAT = "nfield-field";
    /** The version written; {@link #READS} lists those read. */
    public static final String VERSION = "2";
    public static final java.util.List<String> READS = java.util.List.of("1", "2");
    private static final long MAX_HEADER = 100L << 20;

    private FieldFile() {}

    /** Adam's first and second moment estimates, [P] each, in checkpoints (see FORMAT.md). */
    public static final String OPTIMIZER_M = "optimizer.m", OPTIMIZER_V = "optimizer.v";

    /**
     * Writes the field and its metadata; a checkpoint ({@code optimizer}) also holds Adam's
     * moments as {@value #OPTIMIZER_M} and {@value #OPTIMIZER_V}, so {@code fit --resume}
     * continues exactly.
     */
    public static void write(Path file, FittedField fitted, boolean optimizer) throws IOException {
        write(file, fitted, optimizer, Map.of());
    }

    /**
     * As {@link #write(Path, FittedField, boolean)}, with more {@code __metadata__} entries
     * ({@code extra}: keys other than the field's own, e.g. {@value #SPACE_CODE}).
     */
    public static void write(Path file, FittedField fitted, boolean optimizer, Map<String, String> extra) throws IOException {
        ParamStore store = fitted.field().params();
        double[] params = store.readParams();
        double[][] moments = optimizer ? new double[][]{store.readM(), store.readV()} : new double[0][];
        requireFinite(file, store, params);
        ObjectNode header = Json.MAPPER.createObjectNode();
        ObjectNode meta = header.putObject("__metadata__");
        meta.put("format", FORMAT).put("version", VERSION);
        MetaCodec.write(fitted.meta()).forEach(meta::put);
        extra.forEach((k, v) -> {
            if (meta.has(k)) throw new IllegalArgumentException("metadata key " + k + " is the field's own");
            meta.put(k, v);
        });
        writeTensors(file, header, store, params, moments);
    }

    /** A store with NaN or Inf in it is of no use to anyone: refuses to write it (the old file stays). */
    static void requireFinite(Path file, ParamStore store, double[] params) throws IOException {
        for (ParamStore.Slice s : store.slices()) {
            for (int i = s.offset(); i < s.offset() + s.length(); i++) {
                if (!Double.isFinite(params[i])) {
                    throw new IOException(file + ": not written: parameter " + s.name() + "[" + (i - s.offset()) + "] is " + params[i]
                            + " (training diverged); the file as it was is kept");
                }
            }
        }
    }

    /**
     * Writes {@code header} (its {@code __metadata__} filled in) with every slice of {@code store}
     * as a float32 tensor of {@code params}, then the {@code moments} ({@value #OPTIMIZER_M},
     * {@value #OPTIMIZER_V}; none for a plain file), atomically.
     */
    static void writeTensors(Path file, ObjectNode header, ParamStore store, double[] params, double[][] moments) throws IOException {
        long pos = 0;
        for (ParamStore.Slice s : store.slices()) {
            ObjectNode t = header.putObject(s.name());
            t.put("dtype", "F32");
            var shape = t.putArray("shape");
            for (int d : s.shape()) shape.add(d);
            t.putArray("data_offsets").add(pos).add(pos + 4L * s.length());
            pos += 4L * s.length();
        }
        for (int k = 0; k < moments.length; k++) {
            ObjectNode t = header.putObject(k == 0 ? OPTIMIZER_M : OPTIMIZER_V);
            t.put("dtype", "F32");
            t.putArray("shape").add(store.size());
            t.putArray("data_offsets").add(pos).add(pos + 4L * store.size());
            pos += 4L * store.size();
        }
        if (pos > Integer.MAX_VALUE - (1 << 24)) throw new IOException(file + ": too large for one file (" + pos + " bytes of tensors)");
        byte[] h = Json.write(header).getBytes(StandardCharsets.UTF_8);
        int padded = (h.length + 7) / 8 * 8;
        ByteBuffer buf = ByteBuffer.allocate(8 + padded + (int) pos).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(padded).put(h);
        for (int i = h.length; i < padded; i++) buf.put((byte) ' ');
        for (ParamStore.Slice s : store.slices()) {
            for (int i = 0; i < s.length(); i++) buf.putFloat((float) params[s.offset() + i]);
        }
        for (double[] mo : moments) for (double x : mo) buf.putFloat((float) x);
        AtomicFiles.write(file, buf.array());
    }

    /** The bytes of {@code file}; a missing file is "FILE: no such file". */
    static byte[] readAll(Path file) throws IOException {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new IOException(file + ": no such file");
        }
    }

    /**
     * Restores Adam's moments from a checkpoint into {@code field}'s store; false when the file
     * holds none (a plain field: resuming then starts the moments from zero).
     */
    public static boolean loadOptimizer(Path file, Field field) throws IOException {
        Parsed p = parse(file);
        long[] m = p.tensors.get(OPTIMIZER_M), v = p.tensors.get(OPTIMIZER_V);
        if (m == null && v == null) return false;
        int n = field.params().size();
        if (m == null || v == null || m[1] - m[0] != 4L * n || v[1] - v[0] != 4L * n) {
            throw bad(file, "the optimizer state does not match the field's " + n + " parameters");
        }
        ByteBuffer data = p.data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        double[] mv = new double[n], vv = new double[n];
        for (int i = 0; i < n; i++) {
            mv[i] = data.getFloat((int) (m[0] + 4L * i));
            vv[i] = data.getFloat((int) (v[0] + 4L * i));
        }
        field.params().writeOptimizer(mv, vv);
        return true;
    }

    /**
     * The metadata key of a field decoded from a shape space ({@code nfield complete},
     * {@code interpolate}): JSON {"space": file, "code": [C values]}, so that such fields can be
     * interpolated in turn.
     */
    public static final String SPACE_CODE = "space_code";

    /** The value of {@code __metadata__.key} in a field file, or null when it has none. */
    public static String metaString(Path file, String key) throws IOException {
        JsonNode m = tensors(file, readAll(file), FORMAT, READS, "field").meta();
        return m.hasNonNull(key) ? m.get(key).asText() : null;
    }

    /** Reads the metadata and checks every tensor against the file; throws with the file named. */
    public static FieldMeta readMeta(Path file) throws IOException {
        return parse(file).meta;
    }

    /** The appearance code {@link #load(Path, Backend, int)} folds in by default: the mean of the training images'. */
    public static final int MEAN_APPEARANCE = -1;

    /**
     * Loads a field onto {@code backend} to use it (render, evaluate, export, mesh): as
     * {@link #loadForTraining}, but a radiance field's appearance codes (one per training image)
     * are folded into its colour network with their mean ({@link RadianceField#bakedParams}).
     */
    public static FittedField load(Path file, Backend backend) throws IOException {
        return load(file, backend, MEAN_APPEARANCE);
    }

    /**
     * {@link #load(Path, Backend)} with training image {@code appearance}'s code folded in
     * ({@link #MEAN_APPEARANCE}: the mean of all); a field without appearance codes ignores it.
     */
    public static FittedField load(Path file, Backend backend, int appearance) throws IOException {
        Parsed p = parse(file);
        FieldConfig fc = p.meta.config();
        if (!RadianceField.hasAppearance(fc)) {
            Field field = Field.of(fc, backend);
            return upload(file, p.meta, params(file, p, field.params().slices()), field);
        }
        double[] params;
        try (Backend.Scope ignored = backend.scope()) { // the field with its codes only lays the tensors out
            params = params(file, p, Field.of(fc, backend).params().slices());
        }
        FieldConfig plain = RadianceField.withoutAppearance(fc);
        double[] baked;
        try {
            baked = RadianceField.bakedParams(fc, params, appearance);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
        return upload(file, p.meta.withConfig(plain), baked, Field.of(plain, backend));
    }

    /** Loads a field onto {@code backend} as it trains: the config and metadata from the file, the parameters into its store. */
    public static FittedField loadForTraining(Path file, Backend backend) throws IOException {
        Parsed p = parse(file);
        Field field = Field.of(p.meta.config(), backend);
        return upload(file, p.meta, params(file, p, field.params().slices()), field);
    }

    private static FittedField upload(Path file, FieldMeta meta, double[] params, Field field) {
        field.params().writeParams(params);
        field.params().resetOptimizer();
        return new FittedField(file.toString(), field, meta);
    }

    /** The parameters of the file's tensors, laid out as {@code slices} say; throws naming the file for any mismatch. */
    private static double[] params(Path file, Parsed p, List<ParamStore.Slice> slices) throws IOException {
        int size = 0;
        for (ParamStore.Slice s : slices) size = Math.max(size, s.offset() + s.length());
        double[] params = new double[size];
        Map<String, ParamStore.Slice> expected = new LinkedHashMap<>();
        for (ParamStore.Slice s : slices) expected.put(s.name(), s);
        for (String name : p.tensors.keySet()) {
            if (name.equals(OPTIMIZER_M) || name.equals(OPTIMIZER_V)) continue;
            if (!expected.containsKey(name)) throw bad(file, "tensor \"" + name + "\" is not part of the field its config (__metadata__.field) describes");
        }
        for (ParamStore.Slice s : expected.values()) {
            long[] t = p.tensors.get(s.name());
            if (t == null) throw bad(file, "tensor \"" + s.name() + "\" is missing (the config in __metadata__.field expects it)");
            String want = java.util.Arrays.toString(s.shape()).replace(" ", "");
            if (!p.shapes.get(s.name()).equals(want)) {
                throw bad(file, "tensor \"" + s.name() + "\" has shape " + p.shapes.get(s.name()) + "; the config in __metadata__.field expects "
                        + want);
            }
            ByteBuffer data = p.data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < s.length(); i++) params[s.offset() + i] = data.getFloat((int) (t[0] + 4L * i));
        }
        return params;
    }

    record Parsed(FieldMeta meta, Map<String, long[]> tensors, Map<String, String> shapes, ByteBuffer data) {}

    private static IOException bad(Path file, String what) {
        return bad(file, "field", what);
    }

    static IOException bad(Path file, String kind, String what) {
        return new IOException(file + ": not a valid nfield " + kind + " file: " + what);
    }

    private static Parsed parse(Path file) throws IOException {
        return parse(file, readAll(file));
    }

    /** The header, metadata and tensor table of a field file's bytes {@code all}; errors name {@code file}. */
    static Parsed parse(Path file, byte[] all) throws IOException {
        Tensors t = tensors(file, all, FORMAT, READS, "field");
        FieldMeta fieldMeta = MetaCodec.read(file, Integer.parseInt(t.version()), t.meta());
        return new Parsed(fieldMeta, t.tensors(), t.shapes(), t.data());
    }

    /** A safetensors file nfield wrote: its {@code __metadata__}, format version, and each tensor's byte range and shape. */
    record Tensors(JsonNode meta, String version, Map<String, long[]> tensors, Map<String, String> shapes, ByteBuffer data) {}

    /**
     * The tensor table of {@code all}, a safetensors file whose {@code __metadata__.format} must be
     * {@code format} in one of the {@code versions}; every range and shape is checked. Errors name
     * {@code file} as "not a valid nfield {@code what} file".
     */
    static Tensors tensors(Path file, byte[] all, String format, java.util.List<String> versions, String what) throws IOException {
        if (all.length < 8) throw bad(file, what, "only " + all.length + " bytes");
        ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        long n = b.getLong(0);
        if (n <= 0 || n > MAX_HEADER || n > all.length - 8) {
            throw bad(file, what, "header length " + n + " does not fit the file (" + all.length + " bytes)");
        }
        JsonNode header;
        try {
            header = Json.MAPPER.readTree(new String(all, 8, (int) n, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw bad(file, what, "header is not JSON");
        }
        if (header == null || !header.isObject()) throw bad(file, what, "header is not a JSON object");
        JsonNode meta = header.get("__metadata__");
        if (meta == null || !format.equals(meta.path("format").asText())) {
            throw bad(file, what, "no __metadata__.format = \"" + format + "\" (was it written by nfield?)");
        }
        String version = meta.path("version").asText();
        if (!versions.contains(version)) {
            throw bad(file, what, "format version " + version + "; this nfield reads versions " + String.join(" and ", versions)
                    + " (a newer nfield wrote it?)");
        }
        long dataLen = all.length - 8 - n;
        Map<String, long[]> tensors = new LinkedHashMap<>();
        Map<String, String> shapes = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = header.fields();
        java.util.List<long[]> ranges = new java.util.ArrayList<>();
        while (it.hasNext()) {
            var e = it.next();
            if (e.getKey().equals("__metadata__")) continue;
            JsonNode t = e.getValue();
            if (!"F32".equals(t.path("dtype").asText())) {
                throw bad(file, "tensor \"" + e.getKey() + "\" has dtype " + t.path("dtype") + "; only F32 is supported");
            }
            JsonNode off = t.path("data_offsets");
            if (!off.isArray() || off.size() != 2 || !off.get(0).canConvertToLong() || !off.get(1).canConvertToLong()) {
                throw bad(file, "tensor \"" + e.getKey() + "\" has no valid data_offsets");
            }
            long a = off.get(0).longValue(), z = off.get(1).longValue();
            if (a < 0 || z < a || z > dataLen) {
                throw bad(file, "tensor \"" + e.getKey() + "\" range [" + a + ", " + z + ") runs past the data (" + dataLen + " bytes)");
            }
            JsonNode shape = t.path("shape");
            long count = 1;
            if (!shape.isArray()) throw bad(file, "tensor \"" + e.getKey() + "\" has no shape");
            for (JsonNode d : shape) {
                if (!d.canConvertToLong() || d.longValue() < 0) throw bad(file, "tensor \"" + e.getKey() + "\" has shape " + shape);
                count *= d.longValue();
            }
            if (4 * count != z - a) {
                throw bad(file, "tensor \"" + e.getKey() + "\" has shape " + shape + " (" + 4 * count + " bytes) but data_offsets ["
                        + a + ", " + z + ") hold " + (z - a) + " bytes");
            }
            for (long[] r : ranges) {
                if (a < r[1] && r[0] < z) {
                    throw bad(file, "tensor \"" + e.getKey() + "\" range [" + a + ", " + z + ") overlaps another tensor's [" + r[0] + ", " + r[1] + ")");
                }
            }
            ranges.add(new long[]{a, z});
            tensors.put(e.getKey(), new long[]{a, z});
            shapes.put(e.getKey(), shape.toString());
        }
        ByteBuffer data = ByteBuffer.wrap(all, 8 + (int) n, (int) dataLen).slice();
        return new Tensors(meta, version, tensors, shapes, data);
    }
}
