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
        int maxW = Math.max(encW, net.width() + encW);
        g.append(activation(net.activation().type(), net.activation().param()));
        if (cfg.encoding() instanceof EncodingConfig.Hash) g.append(hashHelpers());
        g.append("float sdf(vec3 p) {\n");
        g.append("    float e[").append(encW).append("];\n");
        g.append(encoding(cfg.encoding(), field, slices));
        g.append("    float a[").append(maxW).append("], b[").append(maxW).append("];\n");
        g.append("    for (int i = 0; i < ").append(encW).append("; i++) a[i] = e[i];\n");
        int inW = encW;
        boolean[] skip = new boolean[layers];
        for (int k : net.skip()) skip[k] = true;
        String x = "a", y = "b";
        for (int k = 0; k < layers; k++) {
            ParamStore.Slice w = slices.get("network.layers." + k + ".weight");
            if (w == null) throw new IllegalStateException("no tensor network.layers." + k + ".weight");
            if (skip[k]) {
                g.append("    for (int i = 0; i < ").append(encW).append("; i++) ").append(x).append("[").append(inW).append(" + i] = e[i];\n");
                inW += encW;
            }
            int out = k == layers - 1 ? 1 : net.width();
            if (w.shape()[0] != inW || w.shape()[1] != out) throw new IllegalStateException("layer " + k + " shape mismatch");
            int off = w.offset();
            g.append(String.format(Locale.ROOT, """
                        for (int o = 0; o < %d; o++) {
                            float s = P(%d + o);
                            for (int i = 0; i < %d; i++) s += %s[i] * P(%d + i * %d + o);
                            %s[o] = %s;
                        }
                    """, out, off + inW * out, inW, x, off, out, y, k == layers - 1 ? "s" : "act(s)"));
            String t = x;
            x = y;
            y = t;
            inW = out;
        }
        g.append("    return ").append(x).append("[0];\n}\n");
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
        if (enc instanceof EncodingConfig.Identity) {
            g.append("    e[0] = p.x; e[1] = p.y; e[2] = p.z;\n");
        } else if (enc instanceof EncodingConfig.Frequency f) {
            int o = 0;
            if (f.includeInput()) {
                g.append("    e[0] = p.x; e[1] = p.y; e[2] = p.z;\n");
                o = 3;
            }
            g.append(String.format(Locale.ROOT, """
                        for (int k = 0; k < %d; k++) {
                            vec3 q = exp2(float(k)) * 3.14159265358979 * p;
                            e[%d + 6 * k] = sin(q.x); e[%d + 6 * k + 1] = sin(q.y); e[%d + 6 * k + 2] = sin(q.z);
                            e[%d + 6 * k + 3] = cos(q.x); e[%d + 6 * k + 4] = cos(q.y); e[%d + 6 * k + 5] = cos(q.z);
                        }
                    """, f.octaves(), o, o, o, o, o, o));
        } else if (enc instanceof EncodingConfig.Fourier f) {
            ParamStore.Slice bm = slices.get("encoding.B");
            int o = 0;
            if (f.includeInput()) {
                g.append("    e[0] = p.x; e[1] = p.y; e[2] = p.z;\n");
                o = 3;
            }
            g.append(String.format(Locale.ROOT, """
                        for (int j = 0; j < %d; j++) {
                            float t = 6.28318530717959 * (p.x * P(%d + 3 * j) + p.y * P(%d + 3 * j + 1) + p.z * P(%d + 3 * j + 2));
                            e[%d + j] = cos(t);
                            e[%d + %d + j] = sin(t);
                        }
                    """, f.features(), bm.offset(), bm.offset(), bm.offset(), o, o, f.features()));
        } else if (enc instanceof EncodingConfig.Hash) {
            HashSpec s = ((HashEncoding) field.encoding()).spec();
            int o = 0;
            if (s.includeInput()) {
                g.append("    e[0] = p.x; e[1] = p.y; e[2] = p.z;\n");
                o = 3;
            }
            int base = slices.get("encoding.levels.0.table").offset();
            int f = s.features();
            for (int l = 0; l < s.levels(); l++) {
                int n = s.resolution(l), out = o + l * f;
                g.append(String.format(Locale.ROOT, """
                            {
                                int c0, c1, c2; float t0, t1, t2;
                                hashCell(p.x, %1$d, c0, t0); hashCell(p.y, %1$d, c1, t1); hashCell(p.z, %1$d, c2, t2);
                                for (int f = 0; f < %2$d; f++) e[%3$d + f] = 0.0;
                                for (int k = 0; k < 8; k++) {
                                    int b0 = k & 1, b1 = (k >> 1) & 1, b2 = k >> 2;
                                    float w = (b0 == 1 ? t0 : 1.0 - t0) * (b1 == 1 ? t1 : 1.0 - t1) * (b2 == 1 ? t2 : 1.0 - t2);
                                    int at = %4$d + %2$d * int(hashIndex(%1$d, %5$s, %6$d, uint(c0 + b0), uint(c1 + b1), uint(c2 + b2)));
                                    for (int f = 0; f < %2$d; f++) e[%3$d + f] += w * P(at + f);
                                }
                            }
                        """, n, f, out, base + s.tableOffset(l), s.dense(l) ? "true" : "false", s.log2Table()));
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
