package nfield.render;

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
 * GLSL for evaluating an SDF field per sample from its weights (the viewer's direct path):
 * {@code float sdf(vec3 p)}, generated from the field's config, reading the flat parameter
 * vector (the {@link ParamStore} layout of FORMAT.md) from an R32F texture {@code params}
 * ({@value #TEXTURE_WIDTH} floats a row). Encodings: identity, frequency, fourier, hash.
 */
public final class FieldGlsl {
    public static final int TEXTURE_WIDTH = 4096;

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

    /** Array chunk and index of element i of vector {@code name}: name_c[j]. */
    private static String el(String name, int i) {
        return name + "_" + i / CHUNK + "[" + i % CHUNK + "]";
    }

    private static void declare(StringBuilder g, String name, int n) {
        for (int c = 0; c * CHUNK < n; c++) {
            g.append("    float ").append(name).append("_").append(c).append("[").append(Math.min(CHUNK, n - c * CHUNK)).append("];\n");
        }
    }

    public static String sdfFunction(Field field) {
        FieldConfig cfg = field.config();
        if (!cfg.kind().equals("sdf")) throw new IllegalArgumentException("the direct path draws sdf fields, not " + cfg.kind());
        Map<String, ParamStore.Slice> slices = new HashMap<>();
        for (ParamStore.Slice s : field.params().slices()) slices.put(s.name(), s);
        StringBuilder g = new StringBuilder();
        g.append("uniform sampler2D params;\n");
        g.append("float P(int i) { return texelFetch(params, ivec2(i % ").append(TEXTURE_WIDTH).append(", i / ")
                .append(TEXTURE_WIDTH).append("), 0).r; }\n");
        int encW = field.encoding().outputWidth();
        NetworkConfig net = cfg.network();
        int layers = net.hiddenLayers() + 1;
        g.append(activation(net.activation().type(), net.activation().param()));
        if (cfg.encoding() instanceof EncodingConfig.Hash) g.append(hashHelpers());
        g.append("float sdf(vec3 p) {\n");
        declare(g, "e", encW);
        g.append(encoding(cfg.encoding(), field, slices));
        boolean[] skip = new boolean[layers];
        for (int k : net.skip()) skip[k] = true;
        String x = "e";
        int inW = encW;
        for (int k = 0; k < layers; k++) {
            ParamStore.Slice w = slices.get("network.layers." + k + ".weight");
            if (w == null) throw new IllegalStateException("no tensor network.layers." + k + ".weight");
            if (skip[k]) { // [previous output, encoded point]
                String cat = "s" + k;
                declare(g, cat, inW + encW);
                for (int i = 0; i < inW; i++) g.append("    ").append(el(cat, i)).append(" = ").append(el(x, i)).append(";\n");
                for (int i = 0; i < encW; i++) g.append("    ").append(el(cat, inW + i)).append(" = ").append(el("e", i)).append(";\n");
                x = cat;
                inW += encW;
            }
            int out = k == layers - 1 ? 1 : net.width();
            if (w.shape()[0] != inW || w.shape()[1] != out) throw new IllegalStateException("layer " + k + " shape mismatch");
            int off = w.offset();
            String y = "h" + k;
            declare(g, y, out);
            for (int oc = 0; oc * CHUNK < out; oc++) {
                int no = Math.min(CHUNK, out - oc * CHUNK);
                g.append(String.format(Locale.ROOT, "    for (int o = 0; o < %d; o++) {%n        float s = P(%d + o);%n",
                        no, off + inW * out + oc * CHUNK));
                for (int ic = 0; ic * CHUNK < inW; ic++) {
                    int ni = Math.min(CHUNK, inW - ic * CHUNK);
                    g.append(String.format(Locale.ROOT, "        for (int i = 0; i < %d; i++) s += %s_%d[i] * P(%d + i * %d + o);%n",
                            ni, x, ic, off + ic * CHUNK * out + oc * CHUNK, out));
                }
                g.append(String.format(Locale.ROOT, "        %s_%d[o] = %s;%n    }%n", y, oc, k == layers - 1 ? "s" : "act(s)"));
            }
            x = y;
            inW = out;
        }
        g.append("    return ").append(x).append("_0[0];\n}\n");
        return g.toString();
    }

    private static String activation(String type, double param) {
        String prm = String.format(Locale.ROOT, "%.9g", param);
        return switch (type) {
            case "relu" -> "float act(float z) { return max(z, 0.0); }\n";
            case "softplus" -> "float act(float z) { return max(z, 0.0) + log(1.0 + exp(-" + prm + " * abs(z))) / " + prm + "; }\n";
            case "sine" -> "float act(float z) { return sin(" + prm + " * z); }\n";
            default -> throw new IllegalArgumentException("no GLSL for activation " + type);
        };
    }

    private static String encoding(EncodingConfig enc, Field field, Map<String, ParamStore.Slice> slices) {
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
            int bm = slices.get("encoding.B").offset();
            for (int j = 0; j < f.features(); j++) {
                g.append(String.format(Locale.ROOT,
                        "    { float t = 6.28318530717959 * (p.x * P(%d) + p.y * P(%d) + p.z * P(%d)); %s = cos(t); %s = sin(t); }%n",
                        bm + 3 * j, bm + 3 * j + 1, bm + 3 * j + 2, el("e", o + j), el("e", o + f.features() + j)));
            }
        } else if (enc instanceof EncodingConfig.Hash) {
            HashSpec s = ((HashEncoding) field.encoding()).spec();
            int base = slices.get("encoding.levels.0.table").offset();
            int nf = s.features();
            for (int l = 0; l < s.levels(); l++) {
                int n = s.resolution(l), out = o + l * nf;
                g.append(String.format(Locale.ROOT, """
                            {
                                int c0, c1, c2; float t0, t1, t2;
                                hashCell(p.x, %1$d, c0, t0); hashCell(p.y, %1$d, c1, t1); hashCell(p.z, %1$d, c2, t2);
                        """, n));
                for (int f = 0; f < nf; f++) g.append("        float a").append(f).append(" = 0.0;\n");
                g.append(String.format(Locale.ROOT, """
                                for (int k = 0; k < 8; k++) {
                                    int b0 = k & 1, b1 = (k >> 1) & 1, b2 = k >> 2;
                                    float w = (b0 == 1 ? t0 : 1.0 - t0) * (b1 == 1 ? t1 : 1.0 - t1) * (b2 == 1 ? t2 : 1.0 - t2);
                                    int at = %1$d + %2$d * int(hashIndex(%3$d, %4$s, %5$d, uint(c0 + b0), uint(c1 + b1), uint(c2 + b2)));
                        """, base + s.tableOffset(l), nf, n, s.dense(l) ? "true" : "false", s.log2Table()));
                for (int f = 0; f < nf; f++) g.append("            a").append(f).append(" += w * P(at + ").append(f).append(");\n");
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
    private static String hashHelpers() {
        return """
                void hashCell(float x, int n, out int c, out float t) {
                    float h = 0.5 * float(n);
                    if (!(x >= -1.0)) { c = 0; t = 0.0; return; }
                    if (x > 1.0) { c = n - 1; t = 1.0; return; }
                    float q = x * h + h;
                    c = clamp(int(floor(q)), 0, n - 1);
                    t = q - float(c);
                }
                uint hashIndex(int n, bool dense, int log2t, uint i, uint j, uint k) {
                    if (dense) { uint n1 = uint(n) + 1u; return i + n1 * (j + n1 * k); }
                    return (i ^ (j * 2654435761u) ^ (k * 805459861u)) & ((1u << uint(log2t)) - 1u);
                }
                """;
    }
}
