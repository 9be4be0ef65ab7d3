package nfield.export;

import nfield.config.EncodingConfig;
import nfield.config.FieldConfig;
import nfield.config.NetworkConfig;
import nfield.field.Field;
import nfield.io.AtomicFiles;
import nfield.field.glsl.FieldGlsl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An SDF field as one self-contained GLSL file: {@code float nfield_sdf(vec3 p)} (p in the
 * original coordinates, the distance in original units, every weight a constant in the source;
 * the network itself comes from {@link FieldGlsl}, the generator the viewer's direct path uses)
 * and a ShaderToy {@code mainImage} that orbits the object and sphere-traces it. No
 * {@code #version} line: ShaderToy adds its own, other hosts put theirs first. Compiles as GLSL
 * ES 3.00 (WebGL2) and desktop GLSL 3.30 core.
 *
 * <p>Size: the parameters travel as source text (16 bytes a parameter: {@code 0x3d8c3584u, }
 * inside {@code uvec4(...)}) and as constant arrays every compiler must swallow. What glslang
 * 12, Mesa 22.3 llvmpipe and WebGL's translator (ANGLE) accept is in docs/glsl-export.md;
 * hence {@link #WARN_PARAMS} and {@link #MAX_PARAMS}.
 */
public final class GlslExport {
    /**
     * Above this many parameters the export warns: browsers (ShaderToy) and software renderers
     * are likely to take minutes to compile the constant arrays, or give up (llvmpipe's compile
     * time grows about quadratically with the constants).
     */
    public static final int WARN_PARAMS = 1 << 14;

    /**
     * More parameters than this are refused: 16 MiB of constants, the total shader-private data
     * WebGL's translator (ANGLE) accepts, and far beyond what any driver compiles in useful time.
     */
    public static final int MAX_PARAMS = 1 << 22;

    private GlslExport() {}

    /** The file's text and what the caller should tell the user about it. */
    public record Result(String source, List<String> warnings, int params, int arrays) {}

    /** Generates the file for an SDF field; {@code name} goes into its header comment. */
    public static Result generate(ExportedField f, String name) {
        if (!f.isSdf()) {
            throw new IllegalArgumentException(f.file() + ": a " + f.field().config().kind()
                    + " field; --format glsl exports sdf fields (a radiance field has no distance to sphere-trace)");
        }
        Field field = f.field();
        int n = field.paramCount();
        if (n > MAX_PARAMS) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "%s: %,d parameters is more than GLSL can carry as constants (at most %,d: 16 MiB, WebGL's limit on a "
                            + "shader's private data, and far past what drivers compile); export safetensors and read the "
                            + "weights from a texture instead", f.file(), n, MAX_PARAMS));
        }
        FieldGlsl.Inlined fn = FieldGlsl.inlined(field, "nfield_", "nfield_field");
        float cx = (float) f.normalization().cx(), cy = (float) f.normalization().cy(), cz = (float) f.normalization().cz();
        float s = (float) f.normalization().scale();
        StringBuilder g = new StringBuilder(fn.glsl().length() + 8192);
        g.append(header(f, name, fn));
        g.append("const vec3 nfield_CENTER = vec3(").append(FieldGlsl.literal(cx)).append(", ").append(FieldGlsl.literal(cy))
                .append(", ").append(FieldGlsl.literal(cz)).append(");\n");
        g.append("const float nfield_SCALE = ").append(FieldGlsl.literal(s)).append(";\n");
        g.append("const float nfield_RADIUS = ").append(FieldGlsl.literal(1 / s))
                .append("; // the field's box: nfield_CENTER +/- nfield_RADIUS on each axis (original units)\n\n");
        g.append(fn.glsl());
        g.append("""

                // The signed distance at p (original coordinates) in original units; negative inside. Outside the
                // box it is the learned field's continuation, a distance only near the surface.
                float nfield_sdf(vec3 p) {
                    return nfield_field((p - nfield_CENTER) * nfield_SCALE) / nfield_SCALE;
                }
                """);
        g.append(MAIN_IMAGE);
        List<String> warnings = new ArrayList<>();
        if (n > WARN_PARAMS) {
            warnings.add(String.format(Locale.ROOT,
                    "%,d parameters (%,d KiB of GLSL): above %,d, browsers (ShaderToy, WebGL) and software renderers "
                            + "are likely to take minutes to compile the constants or to give up; for GLSL, fit a smaller "
                            + "field (a frequency encoding, or a hash grid with fewer and smaller tables)",
                    n, g.length() / 1024, WARN_PARAMS));
        }
        return new Result(g.toString(), List.copyOf(warnings), n, fn.arrays());
    }

    /** Generates and writes the file atomically. */
    public static Result write(Path out, ExportedField f) throws IOException {
        Result r = generate(f, f.file().getFileName().toString());
        AtomicFiles.write(out, r.source().getBytes(StandardCharsets.US_ASCII));
        return r;
    }

    private static String header(ExportedField f, String name, FieldGlsl.Inlined fn) {
        FieldConfig cfg = f.field().config();
        NetworkConfig net = cfg.network();
        EncodingConfig enc = cfg.encoding();
        return String.format(Locale.ROOT, """
                // %1$s as GLSL: a signed distance field learned by nfield (%2$s encoding, %3$d hidden %4$s layers of %5$d),
                // %6$,d parameters inlined as constants (bit-exact float32 in %7$d uvec4 arrays).
                //
                //   float nfield_sdf(vec3 p)  p in the original coordinates of the data the field was fitted to; returns
                //                             the signed distance in those units (negative inside). The object lies in the
                //                             box nfield_CENTER +/- nfield_RADIUS.
                //   void mainImage(out vec4 fragColor, in vec2 fragCoord)
                //                             a view of it for ShaderToy: the camera orbits with iTime, Blinn-Phong shading.
                //
                // ShaderToy: paste this file into the Image tab as it is.
                // Elsewhere (WebGL2 / GLSL ES 3.00, or desktop GLSL 3.30 and later): put the version line first
                // ("#version 300 es" plus "precision highp float; precision highp int;", or "#version 330 core"),
                // declare "uniform vec3 iResolution;" (viewport size in pixels) and "uniform float iTime;" (seconds),
                // and call mainImage(color, gl_FragCoord.xy) from main(). To use the distance in your own shader,
                // drop everything from the "ShaderToy view" line on and call nfield_sdf.
                // Every helper name starts with nfield_. Compile time grows with the parameter count (see nfield's
                // docs/glsl-export.md): a few seconds for small networks, minutes for large hash grids.

                """, name, enc.type(), net.hiddenLayers(), net.activation().type(), net.width(), fn.params(), fn.arrays());
    }

    /**
     * The ShaderToy view: the camera orbits the box's centre at 3 box radii (the viewer's default
     * distance), 40 degree field of view, one sdf call site in the loop (tracing, then 4 tetrahedral
     * samples for the normal), so the inlined network is compiled once. Steps are capped at 0.08
     * field units: a learned field is a distance only near its surface.
     */
    private static final String MAIN_IMAGE = """

            // ---- ShaderToy view: delete from here to the end to use nfield_sdf on its own ----
            vec2 nfield_box(vec3 o, vec3 d) { // ray against the field's box: (entry, exit), entry > exit when missed
                vec3 inv = 1.0 / d;
                vec3 a = (nfield_CENTER - nfield_RADIUS - o) * inv, b = (nfield_CENTER + nfield_RADIUS - o) * inv;
                vec3 lo = min(a, b), hi = max(a, b);
                return vec2(max(max(lo.x, lo.y), max(lo.z, 0.0)), min(min(hi.x, hi.y), hi.z));
            }

            void mainImage(out vec4 fragColor, in vec2 fragCoord) {
                const float R = nfield_RADIUS;
                float az = 0.4 * iTime + 0.6, el = 0.45;
                vec3 eye = nfield_CENTER + 3.0 * R * vec3(cos(el) * sin(az), sin(el), cos(el) * cos(az));
                vec3 fw = normalize(nfield_CENTER - eye), rt = normalize(cross(fw, vec3(0.0, 1.0, 0.0))), up = cross(rt, fw);
                vec2 uv = (2.0 * fragCoord - iResolution.xy) / iResolution.y;
                vec3 d = normalize(fw + 0.36397 * (uv.x * rt + uv.y * up)); // tan(20 deg): a 40 degree vertical field of view
                vec2 span = nfield_box(eye, d);
                int phase = span.x <= span.y ? 0 : 3, k = 0; // 0 tracing, 1 normal samples, 2 hit, 3 missed
                float t = span.x;
                vec3 p = eye, n = vec3(0.0);
                for (int i = 0; i < 320 && phase < 2; i++) {
                    vec3 e = k == 0 ? vec3(1.0, -1.0, -1.0) : k == 1 ? vec3(-1.0, -1.0, 1.0) : k == 2 ? vec3(-1.0, 1.0, -1.0) : vec3(1.0);
                    float v = nfield_sdf(phase == 0 ? eye + t * d : p + 0.005 * R * e);
                    if (phase == 0) {
                        if (v < 0.001 * R) {
                            phase = 1;
                            p = eye + t * d;
                        } else {
                            t += clamp(v, 0.001 * R, 0.08 * R);
                            if (t > span.y) phase = 3;
                        }
                    } else {
                        n += e * v;
                        if (++k == 4) phase = 2;
                    }
                }
                vec3 col = mix(vec3(0.06, 0.07, 0.09), vec3(0.22, 0.24, 0.29), 0.5 + 0.5 * uv.y);
                if (phase == 2) {
                    n = normalize(n);
                    vec3 l = normalize(-fw + 0.8 * up - 0.5 * rt); // key light above left of the viewer
                    vec3 h = normalize(l - d);
                    float diffuse = max(dot(n, l), 0.0), specular = pow(max(dot(n, h), 0.0), 32.0);
                    col = vec3(0.8, 0.75, 0.7) * (0.12 + 0.08 * n.y + 0.8 * diffuse) + vec3(0.25 * specular);
                }
                fragColor = vec4(clamp(col, 0.0, 1.0), 1.0);
            }
            """;
}
