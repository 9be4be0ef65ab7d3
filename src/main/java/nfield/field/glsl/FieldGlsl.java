package nfield.field.glsl;

import nfield.compute.HashSpec;
import nfield.compute.ParamStore;
import nfield.config.EncodingConfig;
import nfield.config.FieldConfig;
import nfield.config.NetworkConfig;
import nfield.field.Field;
import nfield.field.HashEncoding;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * GLSL for evaluating an SDF field per sample from its weights, generated from the field's config
 * (encodings: identity, frequency, fourier, hash). One generator, two ways to reach the flat
 * parameter vector (the {@link ParamStore} layout of FORMAT.md):
 * <ul>
 *   <li>{@link #sdfFunction}: the viewer's direct path, {@code float sdf(vec3 p)} reading an
 *       R32F texture {@code params} ({@value #TEXTURE_WIDTH} floats a row, {@link #texture});</li>
 *   <li>{@link #inlined}: self-contained, every parameter a constant in the source (the GLSL
 *       export): tensors as {@code const uvec4} arrays of the float bits, read through
 *       {@code uintBitsToFloat} (bit-exact, no decimal parsing), and parameters whose index is
 *       known at generation time as float literals that round-trip ({@link #literal}).</li>
 * </ul>
 * Both are GLSL ES 3.00 and desktop GLSL 3.30 alike (no implicit conversions, no version line).
 */
public final class FieldGlsl {
    public static final int TEXTURE_WIDTH = 4096;

    /**
     * Floats per inlined constant array: 4096 uvec4, 64 KiB. WebGL's shader translator (ANGLE)
     * rejects a shader-private variable above 64 KiB in std140 layout (where a float array pays
     * 16 bytes an element, a uvec4 array 16 bytes per 4 floats), so a larger tensor is split into
     * several arrays and read through a small selection function.
     */
    public static final int ARRAY_FLOATS = 16384;

    private FieldGlsl() {}

    /** The parameters as the texture holds them: rows of {@value #TEXTURE_WIDTH}, zero-padded. */
    public static float[] texture(Field field) {
        double[] p = field.params().readParams();
        int rows = Math.max(1, (p.length + TEXTURE_WIDTH - 1) / TEXTURE_WIDTH);
        float[] t = new float[rows * TEXTURE_WIDTH];
        for (int i = 0; i < p.length; i++) t[i] = (float) p[i];
        return t;
    }

    /**
     * Local arrays hold at most this many floats: llvmpipe (Mesa 22) evaluates loops over larger
     * dynamically indexed local arrays wrongly (measured: a 32-wide network renders right, a
     * 40-wide one does not), so every activation vector is split into arrays of this size.
     */
    static final int CHUNK = 32;

    /** The viewer's direct path: {@code float sdf(vec3 p)} in field coordinates, parameters from the texture {@code params}. */
    public static String sdfFunction(Field field) {
        return new Generator(field, new TextureParams(), "", "sdf").source();
    }

    /**
     * The field as a self-contained GLSL function {@code float NAME(vec3 q)} of field coordinates
     * q, every parameter inlined; helper functions and constant arrays are named
     * {@code prefix...} so that the text can join other code.
     */
    public static Inlined inlined(Field field, String prefix, String name) {
        return inlined(field, prefix, name, ARRAY_FLOATS);
    }

    /** As {@link #inlined(Field, String, String)} with at most {@code arrayFloats} (a multiple of 4) floats an array. */
    public static Inlined inlined(Field field, String prefix, String name, int arrayFloats) {
        if (arrayFloats < 4 || arrayFloats % 4 != 0) throw new IllegalArgumentException("arrayFloats " + arrayFloats + ": a positive multiple of 4");
        InlineParams params = new InlineParams(field, prefix, arrayFloats);
        String src = new Generator(field, params, prefix, name).source();
        return new Inlined(src, field.paramCount(), params.arrays, params.largestArrayFloats);
    }

    /**
     * An inlined function and its size: parameters, constant arrays, and the most floats any one
     * array holds (at most {@link #ARRAY_FLOATS}).
     */
    public record Inlined(String glsl, int params, int arrays, int largestArrayFloats) {}

    /**
     * A GLSL float literal that reads back as exactly {@code f} under correctly rounded decimal
     * conversion (glslang, Mesa and ANGLE all convert with strtof-like rounding): Java's shortest
     * representation (always with a '.', exponent as {@code E}), e.g. {@code 0.1}, {@code -3.0},
     * {@code 1.0E-5}. Non-finite values have no GLSL literal.
     */
    public static String literal(float f) {
        if (!Float.isFinite(f)) throw new IllegalArgumentException("no GLSL literal for " + f);
        String s = Float.toString(f);
        if (Float.floatToRawIntBits(Float.parseFloat(s)) != Float.floatToRawIntBits(f)) {
            s = String.format(Locale.ROOT, "%.8e", f); // 9 significant digits always round-trip a float
        }
        return s;
    }

    /**
     * The name of the function {@link #inlined} code reads tensor {@code tensor} through,
     * {@code float NAME(int i)}: e.g. {@code nfield_network_layers_0_weight}.
     */
    public static String reader(String prefix, String tensor) {
        return prefix + tensor.replaceAll("[^A-Za-z0-9]+", "_"); // no "__": GLSL reserves names containing it
    }

    /** How generated code reads parameters. */
    private interface Params {
        /** Declarations that go before the function: the texture and its reader, or the constant arrays. */
        String declarations();

        /** Element {@code base + index} of tensor {@code s}; {@code index} is a GLSL int expression. */
        String dynamic(ParamStore.Slice s, int base, String index);

        /** Element {@code i} of tensor {@code s}, an index known now. */
        String fixed(ParamStore.Slice s, int i);
    }

    private static final class TextureParams implements Params {
        @Override
        public String declarations() {
            return "uniform sampler2D params;\n"
                    + "float P(int i) { return texelFetch(params, ivec2(i % " + TEXTURE_WIDTH + ", i / " + TEXTURE_WIDTH + "), 0).r; }\n";
        }

        @Override
        public String dynamic(ParamStore.Slice s, int base, String index) {
            return "P(" + (s.offset() + base) + " + " + index + ")";
        }

        @Override
        public String fixed(ParamStore.Slice s, int i) {
            return "P(" + (s.offset() + i) + ")";
        }
    }

    /**
     * Every tensor as {@code const uvec4 PREFIX<tensor>_[n]} arrays (float bits, zero-padded to a
     * multiple of 4; a tensor of more than {@code perArray} floats as several, {@code _0, _1, ...})
     * with a reader {@code float PREFIX<tensor>(int i)}; fixed reads become literals.
     */
    private static final class InlineParams implements Params {
        private final String prefix;
        private final double[] values;
        private final Map<String, String> readers = new HashMap<>();
        private final StringBuilder decl = new StringBuilder();
        private final int perArray;
        int arrays, largestArrayFloats;

        InlineParams(Field field, String prefix, int perArray) {
            this.prefix = prefix;
            this.perArray = perArray;
            values = field.params().readParams();
            decl.append("float ").append(prefix).append("bits(uvec4 v, int k) { return uintBitsToFloat(v[k]); }\n");
            for (ParamStore.Slice s : field.params().slices()) declare(s);
        }

        private void declare(ParamStore.Slice s) {
            String name = reader(prefix, s.name());
            int n = s.length();
            int parts = Math.max(1, (n + perArray - 1) / perArray);
            decl.append("// ").append(s.name()).append(' ').append(shape(s)).append(": ").append(n).append(" floats (bits)\n");
            for (int a = 0; a < parts; a++) {
                int from = a * perArray, to = Math.min(n, from + perArray);
                int vecs = (to - from + 3) / 4;
                String arr = parts == 1 ? name + "_" : name + "_" + a;
                decl.append("const uvec4 ").append(arr).append('[').append(vecs).append("] = uvec4[").append(vecs).append("](");
                for (int v = 0; v < vecs; v++) {
                    if (v > 0) decl.append(v % 4 == 0 ? ",\n    " : ", ");
                    else decl.append("\n    ");
                    decl.append("uvec4(");
                    for (int c = 0; c < 4; c++) {
                        int i = from + 4 * v + c;
                        int bits = i < to ? Float.floatToRawIntBits((float) values[s.offset() + i]) : 0;
                        if (c > 0) decl.append(", ");
                        decl.append(String.format(Locale.ROOT, "0x%08xu", bits));
                    }
                    decl.append(')');
                }
                decl.append(");\n");
                arrays++;
                largestArrayFloats = Math.max(largestArrayFloats, to - from);
            }
            decl.append("float ").append(name).append("(int i) {\n");
            if (parts == 1) {
                decl.append("    return ").append(prefix).append("bits(").append(name).append("_[i >> 2], i & 3);\n");
            } else {
                decl.append("    int a = i / ").append(perArray).append(", j = (i - a * ").append(perArray).append(") >> 2;\n");
                select(decl, name, 0, parts, "    ");
            }
            decl.append("}\n");
            readers.put(s.name(), name);
        }

        /** A balanced tree of ifs over arrays [lo, hi) of tensor {@code name}. */
        private void select(StringBuilder g, String name, int lo, int hi, String indent) {
            if (hi - lo == 1) {
                g.append(indent).append("return ").append(prefix).append("bits(").append(name).append('_').append(lo).append("[j], i & 3);\n");
                return;
            }
            int mid = (lo + hi) / 2;
            g.append(indent).append("if (a < ").append(mid).append(") {\n");
            select(g, name, lo, mid, indent + "    ");
            g.append(indent).append("} else {\n");
            select(g, name, mid, hi, indent + "    ");
            g.append(indent).append("}\n");
        }

        private static String shape(ParamStore.Slice s) {
            StringBuilder b = new StringBuilder("[");
            for (int d = 0; d < s.shape().length; d++) b.append(d > 0 ? ", " : "").append(s.shape()[d]);
            return b.append(']').toString();
        }

        @Override
        public String declarations() {
            return decl.toString();
        }

        @Override
        public String dynamic(ParamStore.Slice s, int base, String index) {
            return readers.get(s.name()) + "(" + (base == 0 ? index : base + " + " + index) + ")";
        }

        @Override
        public String fixed(ParamStore.Slice s, int i) {
            return "(" + literal((float) values[s.offset() + i]) + ")";
        }
    }

    /** One field's function, written against a {@link Params}. */
    private static final class Generator {
        private final Field field;
        private final Params params;
        private final String prefix, name;
        private final Map<String, ParamStore.Slice> slices = new HashMap<>();

        Generator(Field field, Params params, String prefix, String name) {
            FieldConfig cfg = field.config();
            if (!cfg.kind().equals("sdf")) throw new IllegalArgumentException("GLSL is generated for sdf fields, not " + cfg.kind());
            this.field = field;
            this.params = params;
            this.prefix = prefix;
            this.name = name;
            for (ParamStore.Slice s : field.params().slices()) slices.put(s.name(), s);
        }

        private ParamStore.Slice slice(String n) {
            ParamStore.Slice s = slices.get(n);
            if (s == null) throw new IllegalStateException("no tensor " + n);
            return s;
        }

        String source() {
            FieldConfig cfg = field.config();
            StringBuilder g = new StringBuilder();
            g.append(params.declarations());
            int encW = field.encoding().outputWidth();
            NetworkConfig net = cfg.network();
            int layers = net.hiddenLayers() + 1;
            g.append(activation(net.activation().type(), net.activation().param()));
            if (cfg.encoding() instanceof EncodingConfig.Hash) g.append(hashHelpers());
            g.append("float ").append(name).append("(vec3 p) {\n");
            declare(g, "e", encW);
            g.append(encoding(cfg.encoding()));
            boolean[] skip = new boolean[layers];
            for (int k : net.skip()) skip[k] = true;
            String x = "e";
            int inW = encW;
            for (int k = 0; k < layers; k++) {
                ParamStore.Slice w = slice("network.layers." + k + ".weight"), b = slice("network.layers." + k + ".bias");
                if (skip[k]) { // [previous output, encoded point]
                    String cat = "s" + k;
                    declare(g, cat, inW + encW);
                    for (int i = 0; i < inW; i++) g.append("    ").append(el(cat, i)).append(" = ").append(el(x, i)).append(";\n");
                    for (int i = 0; i < encW; i++) g.append("    ").append(el(cat, inW + i)).append(" = ").append(el("e", i)).append(";\n");
                    x = cat;
                    inW += encW;
                }
                int out = k == layers - 1 ? 1 : net.width();
                if (w.shape()[0] != inW || w.shape()[1] != out || b.length() != out) {
                    throw new IllegalStateException("layer " + k + " shape mismatch");
                }
                String y = "h" + k;
                declare(g, y, out);
                for (int oc = 0; oc * CHUNK < out; oc++) {
                    int no = Math.min(CHUNK, out - oc * CHUNK);
                    g.append(String.format(Locale.ROOT, "    for (int o = 0; o < %d; o++) {%n        float s = %s;%n",
                            no, params.dynamic(b, oc * CHUNK, "o")));
                    for (int ic = 0; ic * CHUNK < inW; ic++) {
                        int ni = Math.min(CHUNK, inW - ic * CHUNK);
                        g.append(String.format(Locale.ROOT, "        for (int i = 0; i < %d; i++) s += %s_%d[i] * %s;%n",
                                ni, x, ic, params.dynamic(w, ic * CHUNK * out + oc * CHUNK, "i * " + out + " + o")));
                    }
                    g.append(String.format(Locale.ROOT, "        %s_%d[o] = %s;%n    }%n", y, oc, k == layers - 1 ? "s" : prefix + "act(s)"));
                }
                x = y;
                inW = out;
            }
            g.append("    return ").append(x).append("_0[0];\n}\n");
            return g.toString();
        }

        private String activation(String type, double param) {
            String prm = String.format(Locale.ROOT, "%.9g", param);
            String head = "float " + prefix + "act(float z) { return ";
            return switch (type) {
                case "relu" -> head + "max(z, 0.0); }\n";
                case "softplus" -> head + "max(z, 0.0) + log(1.0 + exp(-" + prm + " * abs(z))) / " + prm + "; }\n";
                case "sine" -> head + "sin(" + prm + " * z); }\n";
                default -> throw new IllegalArgumentException("no GLSL for activation " + type);
            };
        }

        private String encoding(EncodingConfig enc) {
            StringBuilder g = new StringBuilder();
            int o = 0;
            boolean inc = enc instanceof EncodingConfig.Identity
                    || (enc instanceof EncodingConfig.Frequency f && f.includeInput())
                    || (enc instanceof EncodingConfig.Fourier f2 && f2.includeInput())
                    || (enc instanceof EncodingConfig.Hash && ((HashEncoding) field.encoding()).spec().includeInput());
            if (inc) {
                g.append("    ").append(el("e", 0)).append(" = p.x; ").append(el("e", 1)).append(" = p.y; ")
                        .append(el("e", 2)).append(" = p.z;\n");
                o = 3;
            }
            if (enc instanceof EncodingConfig.Identity) return g.toString();
            if (enc instanceof EncodingConfig.Frequency f) {
                for (int k = 0; k < f.octaves(); k++) {
                    g.append(String.format(Locale.ROOT, "    { vec3 q = %.1f * 3.14159265358979 * p;%n", Math.pow(2, k)));
                    String[] c = {"x", "y", "z"};
                    for (int d = 0; d < 3; d++) g.append("      ").append(el("e", o + 6 * k + d)).append(" = sin(q.").append(c[d]).append(");\n");
                    for (int d = 0; d < 3; d++) g.append("      ").append(el("e", o + 6 * k + 3 + d)).append(" = cos(q.").append(c[d]).append(");\n");
                    g.append("    }\n");
                }
            } else if (enc instanceof EncodingConfig.Fourier f) {
                ParamStore.Slice bm = slice("encoding.B");
                for (int j = 0; j < f.features(); j++) {
                    g.append(String.format(Locale.ROOT,
                            "    { float t = 6.28318530717959 * (p.x * %s + p.y * %s + p.z * %s); %s = cos(t); %s = sin(t); }%n",
                            params.fixed(bm, 3 * j), params.fixed(bm, 3 * j + 1), params.fixed(bm, 3 * j + 2),
                            el("e", o + j), el("e", o + f.features() + j)));
                }
            } else if (enc instanceof EncodingConfig.Hash) {
                HashSpec s = ((HashEncoding) field.encoding()).spec();
                int nf = s.features();
                for (int l = 0; l < s.levels(); l++) {
                    ParamStore.Slice table = slice("encoding.levels." + l + ".table");
                    int n = s.resolution(l), out = o + l * nf;
                    g.append(String.format(Locale.ROOT, """
                                {
                                    int c0, c1, c2; float t0, t1, t2;
                                    %2$shashCell(p.x, %1$d, c0, t0); %2$shashCell(p.y, %1$d, c1, t1); %2$shashCell(p.z, %1$d, c2, t2);
                            """, n, prefix));
                    for (int f = 0; f < nf; f++) g.append("        float a").append(f).append(" = 0.0;\n");
                    g.append(String.format(Locale.ROOT, """
                                    for (int k = 0; k < 8; k++) {
                                        int b0 = k & 1, b1 = (k >> 1) & 1, b2 = k >> 2;
                                        float w = (b0 == 1 ? t0 : 1.0 - t0) * (b1 == 1 ? t1 : 1.0 - t1) * (b2 == 1 ? t2 : 1.0 - t2);
                                        int at = %1$d * int(%5$shashIndex(%2$d, %3$s, %4$d, uint(c0 + b0), uint(c1 + b1), uint(c2 + b2)));
                            """, nf, n, s.dense(l) ? "true" : "false", s.log2Table(), prefix));
                    for (int f = 0; f < nf; f++) {
                        g.append("            a").append(f).append(" += w * ").append(params.dynamic(table, 0, "at + " + f)).append(";\n");
                    }
                    g.append("        }\n");
                    for (int f = 0; f < nf; f++) g.append("        ").append(el("e", out + f)).append(" = a").append(f).append(";\n");
                    g.append("    }\n");
                }
            } else {
                throw new IllegalArgumentException("no GLSL for encoding " + enc.type());
            }
            return g.toString();
        }

        /** The hash grid's lookup: one level's features, trilinear over the point's cell. */
        private String hashHelpers() {
            return """
                    void %1$shashCell(float x, int n, out int c, out float t) {
                        float h = 0.5 * float(n);
                        if (!(x >= -1.0)) { c = 0; t = 0.0; return; }
                        if (x > 1.0) { c = n - 1; t = 1.0; return; }
                        float q = x * h + h;
                        c = clamp(int(floor(q)), 0, n - 1);
                        t = q - float(c);
                    }
                    uint %1$shashIndex(int n, bool dense, int log2t, uint i, uint j, uint k) {
                        if (dense) { uint n1 = uint(n) + 1u; return i + n1 * (j + n1 * k); }
                        return (i ^ (j * 2654435761u) ^ (k * 805459861u)) & ((1u << uint(log2t)) - 1u);
                    }
                    """.formatted(prefix);
        }
    }

    /** Array chunk and index of element i of vector {@code name}: name_c[j]. */
    private static String el(String name, int i) {
        return name + "_" + i / CHUNK + "[" + i % CHUNK + "]";
    }

    private static void declare(StringBuilder g, String name, int n) {
        for (int c = 0; c * CHUNK < n; c++) {
            g.append("    float ").append(name).append("_").append(c).append("[").append(Math.min(CHUNK, n - c * CHUNK)).append("];\n");
        }
    }
}
