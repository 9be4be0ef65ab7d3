package nfield.export;

import nfield.compute.Activation;
import nfield.compute.HashSpec;
import nfield.compute.ParamStore;
import nfield.config.EncodingConfig;
import nfield.config.FieldConfig;
import nfield.config.Json;
import nfield.geom.Normalization;
import nfield.export.OnnxGraph.Attr;
import nfield.export.onnx.proto.Onnx.ModelProto;
import nfield.export.onnx.proto.Onnx.OperatorSetIdProto;
import nfield.export.onnx.proto.Onnx.StringStringEntryProto;
import nfield.field.Dense;
import nfield.field.Field;
import nfield.field.HashEncoding;
import nfield.io.AtomicFiles;
import nfield.io.FieldFile;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static nfield.export.OnnxGraph.BOOL;
import static nfield.export.OnnxGraph.DOUBLE;
import static nfield.export.OnnxGraph.FLOAT;
import static nfield.export.OnnxGraph.INT64;
import static nfield.export.OnnxGraph.dims;

/**
 * A field as an ONNX model (operator set {@value #OPSET}, IR version {@value #IR_VERSION}) that
 * computes what {@link ExportedField#evaluate} computes: input {@code points} float32 [N, 3] in
 * original coordinates (and for a view-dependent radiance field {@code directions} float32
 * [N, 3], unit view directions); outputs {@code sdf} [N, 1] (distance in original units) for an SDF field,
 * {@code density} [N, 1] (per original unit length) and {@code rgb} [N, 3] for a radiance field.
 * The graph holds the normalisation, the encoding, the network (MatMul + Add per layer, weights
 * as float32 initializers named as in the field file) and the head (for a view-dependent field:
 * the direction encoding and the colour network). Encodings compute their
 * phases and grid coordinates in float64 (Cast, then back to float32 for the trigonometry, the
 * table look-ups and the network), as the reference backend does: sin(2^k·π·x) or a hash-grid
 * cell coordinate in float32 would lose about ulp(2^k·π) or ulp(N_l) of accuracy. The file carries the field config and normalisation in
 * its metadata (FORMAT.md, "Exports").
 */
public final class OnnxExport {
    public static final int OPSET = 18;
    /** The IR version that goes with operator set 18 (ONNX 1.13). */
    public static final int IR_VERSION = 8;
    public static final String INPUT = "points", DIRECTIONS = "directions", SDF = "sdf", DENSITY = "density", RGB = "rgb";

    private OnnxExport() {}

    /** Writes {@code f} as an ONNX model to {@code out} (atomically); returns the model written. */
    public static ModelProto write(Path out, ExportedField f) throws IOException {
        ModelProto model = model(f);
        AtomicFiles.write(out, model::writeTo);
        return model;
    }

    /** The ONNX model of {@code f}. */
    public static ModelProto model(ExportedField f) {
        Field field = f.field();
        FieldConfig cfg = field.config();
        Normalization norm = f.normalization();
        double[] p = field.params().readParams();
        Map<String, ParamStore.Slice> slices = new HashMap<>();
        for (ParamStore.Slice s : field.params().slices()) slices.put(s.name(), s);

        OnnxGraph g = new OnnxGraph("nfield_" + cfg.kind());
        String points = g.input(INPUT, FLOAT, new Object[]{"N", 3L}, "points in the original coordinates of the fitted data");
        String directions = cfg.viewDependent() ? g.input(DIRECTIONS, FLOAT, new Object[]{"N", 3L},
                "unit view directions (the direction a ray travels), original coordinates = field coordinates") : null;

        g.scope("normalize/");
        float s = (float) norm.scale();
        String scale = g.floats("scale", dims(), s);
        String q = g.op("Mul", "q", List.of(g.op("Sub", "centered", List.of(points,
                g.floats("center", dims(3), (float) norm.cx(), (float) norm.cy(), (float) norm.cz()))), scale));

        g.scope("encoding/");
        String e = encoding(g, cfg.encoding(), field, p, slices, q);

        g.scope("network/");
        String z = network(g, field.network().layers(), cfg.network().skip(), "network.", p, slices, e);
        String colorZ = null;
        if (cfg.viewDependent()) {
            g.scope("color/encoding/");
            String de = directionEncoding(g, cfg.color().directionEncoding(), directions);
            g.scope("color/network/");
            colorZ = network(g, field.colorNetwork().layers(), cfg.color().network().skip(), "color.network.", p, slices,
                    g.concat(1, z, de));
        }

        g.scope("head/");
        if (cfg.kind().equals("sdf")) {
            g.output(g.op("Div", "distance", List.of(z, scale)), SDF, FLOAT, new Object[]{"N", 1L},
                    "signed distance in original units (negative inside)");
        } else {
            String density = densityActivation(g, cfg.densityActivation(), g.columns(z, 0, 1));
            g.output(g.op("Mul", "density", List.of(density, scale)), DENSITY, FLOAT, new Object[]{"N", 1L},
                    "volume density per original unit length");
            g.output(g.op("Sigmoid", "rgb", List.of(colorZ != null ? colorZ : g.columns(z, 1, 4))), RGB, FLOAT, new Object[]{"N", 3L},
                    "colour, each channel in [0, 1]");
        }

        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("nfield.version", FieldFile.VERSION);
        meta.put("nfield.field", Json.write(cfg.toJson()));
        meta.put("nfield.normalization", String.format(Locale.ROOT, "[%s, %s, %s, %s]",
                norm.cx(), norm.cy(), norm.cz(), norm.scale()));
        meta.put("nfield.steps", Long.toString(f.meta().steps()));
        ModelProto.Builder m = ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setProducerName("nfield")
                .setProducerVersion(FieldFile.FORMAT + "/" + FieldFile.VERSION)
                .setDocString("nfield " + cfg.kind() + " field exported from " + f.file().getFileName()
                        + "; input points [N, 3] in original coordinates" + (cfg.viewDependent() ? ", directions [N, 3]" : ""))
                .setGraph(g.build());
        meta.forEach((k, v) -> m.addMetadataProps(StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
        return m.build();
    }

    private static ParamStore.Slice slice(Map<String, ParamStore.Slice> slices, String name) {
        ParamStore.Slice s = slices.get(name);
        if (s == null) throw new IllegalStateException("the field has no tensor " + name);
        return s;
    }

    private static long[] shape(ParamStore.Slice s) {
        long[] d = new long[s.shape().length];
        for (int i = 0; i < d.length; i++) d[i] = s.shape()[i];
        return d;
    }

    /** q float [N, 3] → e float [N, E], the layout of FORMAT.md step 1. */
    private static String encoding(OnnxGraph g, EncodingConfig enc, Field field, double[] p,
                                   Map<String, ParamStore.Slice> slices, String q) {
        if (enc instanceof EncodingConfig.Identity) return q;
        boolean inc;
        String features;
        if (enc instanceof EncodingConfig.Frequency f) {
            inc = f.includeInput();
            if (f.octaves() == 0) return withInput(g, inc, q, null);
            double[] freq = new double[f.octaves()];
            for (int k = 0; k < freq.length; k++) freq[k] = Math.scalb(Math.PI, k);
            // [N, 1, 3] · [1, L, 1] → phases [N, L, 3]; per octave sin x y z, cos x y z
            String phase = g.op("Mul", "phase", List.of(g.unsqueeze(g.cast(q, DOUBLE), 1),
                    g.doubles("octaves", dims(1, freq.length, 1), freq)));
            String r = reduce(g, phase);
            features = flatten(g, g.concat(2, g.op("Sin", r), g.op("Cos", r)), 6L * f.octaves());
        } else if (enc instanceof EncodingConfig.Fourier f) {
            inc = f.includeInput();
            ParamStore.Slice b = slice(slices, "encoding.B");
            String bT = g.op("Transpose", "B_T", List.of(g.cast(g.floats("B", shape(b), p, b.offset(), "encoding.B [m, 3], frozen"), DOUBLE)));
            String phase = g.op("Mul", "phase", List.of(g.op("MatMul", "qB", List.of(g.cast(q, DOUBLE), bT)),
                    g.doubles("two_pi", dims(), 2 * Math.PI)));
            String r = reduce(g, phase);
            features = g.concat(1, g.op("Cos", r), g.op("Sin", r));
        } else if (enc instanceof EncodingConfig.Hash) {
            HashSpec spec = ((HashEncoding) field.encoding()).spec();
            inc = spec.includeInput();
            features = hash(g, spec, p, slice(slices, "encoding.levels.0.table").offset(), q);
        } else {
            throw new IllegalArgumentException("ONNX export: no ONNX form for encoding " + enc.type());
        }
        return withInput(g, inc, q, features);
    }

    /**
     * A float64 phase φ reduced to φ − 2π·round(φ/2π) ∈ [−π, π] in float64, then cast to float32:
     * sin and cos of the result (float32 operators, which every runtime has) are within a few
     * 1e-7 of sin φ, cos φ however large φ is.
     */
    private static String reduce(OnnxGraph g, String phase) {
        String turns = g.op("Floor", g.op("Add", "turns", List.of(g.op("Mul", "per_turn", List.of(phase,
                g.doubles("inv_two_pi", dims(), 1 / (2 * Math.PI)))), g.doubles("half", dims(), 0.5))));
        String r = g.op("Sub", "reduced", List.of(phase, g.op("Mul", "whole_turns", List.of(turns, g.doubles("two_pi", dims(), 2 * Math.PI)))));
        return g.cast(r, FLOAT);
    }

    private static String withInput(OnnxGraph g, boolean inc, String q, String features) {
        if (features == null) {
            if (!inc) throw new IllegalArgumentException("ONNX export: the encoding has no outputs");
            return q;
        }
        return inc ? g.concat(1, q, features) : features;
    }

    /** [N, a, b] → [N, cols] (a·b = cols); 0 keeps N, so an empty batch works too. */
    private static String flatten(OnnxGraph g, String x, long cols) {
        return g.op("Reshape", "flat", List.of(x, g.longs("shape", dims(2), 0, cols)));
    }

    /**
     * Multiresolution hash encoding, all levels at once: q float [N, 3] → [N, L·F]. Per level the
     * cell and its fraction come from the clamped coordinate in float64, the 8 corners' table rows
     * from i + j(N+1) + k(N+1)^2 (dense levels) or (i ⊕ j·P_y ⊕ k·P_z) & (2^log2 − 1) (hashed levels)
     * in int64 (the low 32 bits are the uint32 hash), offset to the level's block of one table
     * [Σ T_l, F]; the features are the trilinear weighted sum of the 8 gathered rows.
     */
    private static String hash(OnnxGraph g, HashSpec spec, double[] p, int tableOffset, String q) {
        int levels = spec.levels(), nf = spec.features();
        double[] half = new double[levels], top = new double[levels];
        long[] mult = new long[levels * 3], rowOffset = new long[levels];
        boolean[] dense = new boolean[levels];
        for (int l = 0; l < levels; l++) {
            int n = spec.resolution(l);
            half[l] = 0.5 * n;
            top[l] = n - 1;
            dense[l] = spec.dense(l);
            long n1 = n + 1L;
            mult[3 * l] = 1;
            mult[3 * l + 1] = dense[l] ? n1 : Integer.toUnsignedLong(HashSpec.PRIME_Y);
            mult[3 * l + 2] = dense[l] ? n1 * n1 : Integer.toUnsignedLong(HashSpec.PRIME_Z);
            rowOffset[l] = spec.tableOffset(l) / nf;
        }
        long rows = spec.paramCount() / nf;
        String table = g.floats("tables", dims(rows, nf), p, tableOffset,
                "the levels' tables encoding.levels.L.table stacked in level order: [sum of T_L, F]");

        // x ∈ [-1, 1] (NaN as -1, so every index stays in its table) → grid coordinate [N, L, 3]
        String x = g.cast(q, DOUBLE);
        String clamped = g.op("Min", "clamped", List.of(g.op("Max", "above", List.of(x, g.doubles("lo", dims(), -1))),
                g.doubles("hi", dims(), 1)));
        x = g.op("Where", "x", List.of(g.op("IsNaN", x), g.doubles("nan_as", dims(), -1), clamped));
        String h = g.doubles("half_res", dims(1, levels, 1), half);
        String pos = g.op("Add", "pos", List.of(g.op("Mul", "pos_scaled", List.of(g.unsqueeze(x, 1), h)), h));
        String cell = g.op("Min", "cell", List.of(g.op("Floor", pos), g.doubles("last_cell", dims(1, levels, 1), top)));
        String t = g.op("Sub", "t", List.of(pos, cell));
        String t0 = g.op("Sub", "one_minus_t", List.of(g.doubles("one", dims(), 1), t));

        // corners [N, L, 8, 3]: cell + (a, b, d), corner c having bit d set for the upper vertex on axis d
        long[] bits = new long[24];
        boolean[] upper = new boolean[24];
        for (int c = 0; c < 8; c++) {
            for (int d = 0; d < 3; d++) {
                bits[3 * c + d] = c >> d & 1;
                upper[3 * c + d] = bits[3 * c + d] != 0;
            }
        }
        String corner = g.op("Add", "corner", List.of(g.unsqueeze(g.cast(cell, INT64), 2), g.longs("corner_bits", dims(8, 3), bits)));
        String prod = g.op("Mul", "scaled", List.of(corner, g.longs("multipliers", dims(levels, 1, 3), mult)));
        boolean anyDense = false, anyHashed = false;
        for (boolean dl : dense) {
            anyDense |= dl;
            anyHashed |= !dl;
        }
        String denseIndex = anyDense ? g.reduce("ReduceSum", prod, 3) : null;
        String hashIndex = null;
        if (anyHashed) {
            String xor = g.op("BitwiseXor", "xor", List.of(g.op("BitwiseXor", "xor", List.of(g.take(prod, 3, 0), g.take(prod, 3, 1))),
                    g.take(prod, 3, 2)));
            hashIndex = g.op("BitwiseAnd", "hashed", List.of(xor, g.longs("mask", dims(), (1L << spec.log2Table()) - 1)));
        }
        String index = !anyHashed ? denseIndex : !anyDense ? hashIndex
                : g.op("Where", "index", List.of(g.bools("dense_level", dims(levels, 1), dense), denseIndex, hashIndex));
        String row = g.op("Add", "row", List.of(index, g.longs("level_rows", dims(levels, 1), rowOffset)));
        String values = g.op("Gather", "values", List.of(table, row), Attr.i("axis", 0)); // [N, L, 8, F]

        // trilinear weights [N, L, 8]: Π_d (bit d ? t_d : 1 − t_d)
        String factors = g.op("Where", "factors", List.of(g.bools("upper", dims(8, 3), upper),
                g.unsqueeze(g.cast(t, FLOAT), 2), g.unsqueeze(g.cast(t0, FLOAT), 2)));
        String w = g.reduce("ReduceProd", factors, 3);
        String weighted = g.op("Mul", "weighted", List.of(values, g.unsqueeze(w, 3)));
        return flatten(g, g.reduce("ReduceSum", weighted, 2), (long) levels * nf);
    }

    /**
     * The direction encoding of a view-dependent field: d float [N, 3] → [N, D] (spherical
     * harmonics, frequency or identity, as FORMAT.md lists them).
     */
    private static String directionEncoding(OnnxGraph g, EncodingConfig enc, String d) {
        if (enc instanceof EncodingConfig.SphericalHarmonics sh) return sphericalHarmonics(g, sh.degree(), d);
        if (enc instanceof EncodingConfig.Frequency || enc instanceof EncodingConfig.Identity) {
            return encoding(g, enc, null, null, Map.of(), d);
        }
        throw new IllegalArgumentException("ONNX export: no ONNX form for direction encoding " + enc.type());
    }

    /**
     * Real spherical harmonics as the polynomial terms of {@link nfield.compute.SphericalHarmonics#TERMS}:
     * the distinct monomials x^a y^b z^c (a + b + c ≥ 1) of d [N, 3] side by side [N, M], times a
     * coefficient matrix [M, degree²], plus the constant terms.
     */
    private static String sphericalHarmonics(OnnxGraph g, int degree, String d) {
        int cols = degree * degree;
        List<List<Integer>> monomials = new java.util.ArrayList<>();
        double[] constant = new double[cols];
        for (nfield.compute.SphericalHarmonics.Term t : nfield.compute.SphericalHarmonics.TERMS) {
            if (t.column() >= cols) continue;
            List<Integer> m = List.of(t.px(), t.py(), t.pz());
            if (t.px() + t.py() + t.pz() == 0) constant[t.column()] += t.coef();
            else if (!monomials.contains(m)) monomials.add(m);
        }
        String[] axis = {g.columns(d, 0, 1), g.columns(d, 1, 2), g.columns(d, 2, 3)};
        String[] names = {"x", "y", "z"};
        if (monomials.isEmpty()) { // degree 1: the constant alone, one value a row
            return g.op("Add", "sh", List.of(g.op("Mul", "zero", List.of(axis[0], g.floats("zero", dims(), 0))),
                    g.floats("sh_constant", dims(cols), constant)));
        }
        Map<String, String> powers = new HashMap<>();
        String[] values = new String[monomials.size()];
        for (int k = 0; k < values.length; k++) {
            String v = null;
            for (int a = 0; a < 3; a++) {
                int e = monomials.get(k).get(a);
                if (e == 0) continue;
                String pw = power(g, powers, axis[a], names[a], e);
                v = v == null ? pw : g.op("Mul", "monomial", List.of(v, pw));
            }
            values[k] = v;
        }
        double[] coef = new double[values.length * cols];
        for (nfield.compute.SphericalHarmonics.Term t : nfield.compute.SphericalHarmonics.TERMS) {
            if (t.column() >= cols || t.px() + t.py() + t.pz() == 0) continue;
            coef[monomials.indexOf(List.of(t.px(), t.py(), t.pz())) * cols + t.column()] += t.coef();
        }
        String m = values.length == 1 ? values[0] : g.concat(1, values);
        return g.op("Add", "sh", List.of(g.op("MatMul", "sh_terms", List.of(m, g.floats("sh_coefficients", dims(values.length, cols), coef))),
                g.floats("sh_constant", dims(cols), constant)));
    }

    /** x^e [N, 1] by repeated multiplication, each power made once. */
    private static String power(OnnxGraph g, Map<String, String> powers, String x, String name, int e) {
        if (e == 1) return x;
        String key = name + e;
        String have = powers.get(key);
        if (have != null) return have;
        String v = g.op("Mul", key, List.of(power(g, powers, x, name, e - 1), x));
        powers.put(key, v);
        return v;
    }

    /**
     * e [N, E] → raw outputs [N, O] through the layers named {@code prefix}layers.K.weight and
     * .bias: FORMAT.md step 2 (the density network, and a view-dependent field's colour network).
     */
    private static String network(OnnxGraph g, List<Dense> layers, List<Integer> skip, String prefix, double[] p,
                                  Map<String, ParamStore.Slice> slices, String e) {
        String h = e;
        for (int k = 0; k < layers.size(); k++) {
            if (skip.contains(k)) h = g.concat(1, h, e);
            String name = prefix + "layers." + k + ".";
            ParamStore.Slice w = slice(slices, name + "weight"), b = slice(slices, name + "bias");
            String wName = g.floats("layers." + k + ".weight", shape(w), p, w.offset(), name + "weight [in, out]");
            String bName = g.floats("layers." + k + ".bias", shape(b), p, b.offset(), name + "bias [out]");
            h = g.op("Add", "z" + k, List.of(g.op("MatMul", "xw" + k, List.of(h, wName)), bName));
            if (k < layers.size() - 1) h = hidden(g, layers.get(k).activation(), h);
        }
        return h;
    }

    private static String hidden(OnnxGraph g, Activation act, String z) {
        return switch (act.kind()) {
            case RELU -> g.op("Relu", z);
            case SOFTPLUS -> softplus(g, z, act.param());
            case SINE -> g.op("Sin", g.op("Mul", "omega_z", List.of(z, g.floats("omega0", dims(), act.param()))));
            default -> throw new IllegalArgumentException("ONNX export: no ONNX form for hidden activation "
                    + act.kind().name().toLowerCase(Locale.ROOT));
        };
    }

    /** log(1 + e^(βz))/β as Softplus(β·z)/β (ONNX's Softplus is the β = 1 case). */
    private static String softplus(OnnxGraph g, String z, double beta) {
        if (beta == 1) return g.op("Softplus", z);
        String b = g.floats("beta", dims(), beta);
        return g.op("Div", "softplus", List.of(g.op("Softplus", g.op("Mul", "beta_z", List.of(z, b))), b));
    }

    private static String densityActivation(OnnxGraph g, String name, String z) {
        Activation a;
        try {
            a = Activation.of(name, 1);
        } catch (IllegalArgumentException ex) {
            throw new IllegalArgumentException("ONNX export: unknown density activation " + name);
        }
        return switch (a.kind()) {
            case TRUNC_EXP -> g.op("Exp", z);
            case SOFTPLUS -> softplus(g, z, 1);
            case NONE -> z;
            default -> throw new IllegalArgumentException("ONNX export: no ONNX form for density activation " + name);
        };
    }
}
