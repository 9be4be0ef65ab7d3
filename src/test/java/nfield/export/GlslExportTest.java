package nfield.export;

import nfield.field.FittedField;
import nfield.geom.Normalization;
import nfield.compute.Backend;
import nfield.config.ActivationConfig;
import nfield.config.EncodingConfig;
import nfield.config.FieldConfig;
import nfield.config.NetworkConfig;
import nfield.field.Field;
import nfield.field.FieldQuery;
import nfield.io.FieldFile;
import nfield.render.BakedGrid;
import nfield.render.BakedRenderer;
import nfield.render.Camera;
import nfield.field.glsl.FieldGlsl;
import nfield.render.GlContext;
import nfield.render.Images;
import nfield.render.Mode;
import nfield.render.PixelDiff;
import nfield.render.RenderUnavailableException;
import nfield.testing.OpenCl;
import nfield.testing.TrainedFields;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.lwjgl.system.MemoryUtil;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.lwjgl.opengl.GL33C.*;

/**
 * The GLSL export on two small trained torus fields with non-identity normalisations (frequency
 * encoding + 64-wide ReLU network, so the 32-float chunking is exercised; hash grid + softplus):
 * glslangValidator accepts the file wrapped as ShaderToy does (GLSL ES 3.00) and as desktop GLSL
 * 3.30 core; on llvmpipe, the exported nfield_sdf in the viewer's sphere tracer renders like the
 * baked grid (silhouette IoU ≥ 0.99, ≥ 99% of pixels within 4/255, as the direct path's test);
 * nfield_sdf evaluated on the GPU matches {@link ExportedField#evaluate}; the inlined constants
 * read back bit for bit; the ShaderToy mainImage draws the object. Images go to
 * target/render-tests/.
 */
class GlslExportTest {
    /** What the ShaderToy view needs declared before the file can be compiled on its own. */
    static final String TOY_UNIFORMS = "uniform vec3 iResolution;\nuniform float iTime;\n";

    /** What ShaderToy puts around a pasted image shader (WebGL2), reduced to what matters to a compiler. */
    static final String SHADERTOY_HEAD = """
            #version 300 es
            precision highp float;
            precision highp int;
            precision mediump sampler3D;
            uniform vec3 iResolution;
            uniform float iTime;
            uniform float iTimeDelta;
            uniform float iFrameRate;
            uniform int iFrame;
            uniform float iChannelTime[4];
            uniform vec3 iChannelResolution[4];
            uniform vec4 iMouse;
            uniform vec4 iDate;
            uniform float iSampleRate;
            uniform sampler2D iChannel0;
            uniform sampler2D iChannel1;
            uniform sampler2D iChannel2;
            uniform sampler2D iChannel3;
            """;
    static final String SHADERTOY_MAIN = """

            out vec4 shadertoy_out_color;
            void main() {
                vec4 color = vec4(1e20);
                mainImage(color, gl_FragCoord.xy);
                shadertoy_out_color = vec4(color.xyz, 1.0);
            }
            """;
    static final String CORE_HEAD = "#version 330 core\n" + TOY_UNIFORMS;
    static final String CORE_MAIN = "\nout vec4 color;\nvoid main() { mainImage(color, gl_FragCoord.xy); }\n";

    private record Case(Field field, ExportedField exported, GlslExport.Result export) {}

    private static final Map<String, Case> CASES = new LinkedHashMap<>();
    private static GlContext gl;
    private static String noGl;
    private static Path dir;

    @BeforeAll
    static void fields() throws IOException {
        Backend b = OpenCl.open();
        dir = Files.createTempDirectory("nfield-glsl");
        add("frequency", new EncodingConfig.Frequency(2, true), ActivationConfig.relu(), 64, "uniform",
                new double[]{0.25, -0.5, 1.5, 0.8}, b);
        add("hash", new EncodingConfig.Hash(4, 2, 10, 8, 2.0, true), new ActivationConfig("softplus", 100, 0.5), 32, "he",
                new double[]{-3.0, 2.0, 0.5, 2.5}, b);
        try {
            gl = GlContext.headless();
        } catch (RenderUnavailableException e) {
            noGl = e.getMessage();
        }
    }

    @AfterAll
    static void close() throws IOException {
        if (gl != null) gl.close();
        if (dir != null) {
            try (var s = Files.list(dir)) {
                for (Path p : s.toList()) Files.deleteIfExists(p);
            }
            Files.deleteIfExists(dir);
        }
    }

    /** A field trained briefly on the torus, written with normalisation {@code norm} and loaded as exports see it. */
    private static void add(String name, EncodingConfig enc, ActivationConfig act, int width, String init, double[] norm, Backend b)
            throws IOException {
        FieldConfig fc = new FieldConfig("sdf", enc, new NetworkConfig(width, 2, act, List.of(), 0.1, init), "softplus");
        Field field = TrainedFields.torus(fc, b);
        Path file = dir.resolve(name + ".nfield");
        FieldFile.write(file, FittedField.of(file.toString(), field, 250, Normalization.of(norm)), false);
        ExportedField ef = ExportedField.load(file, b);
        CASES.put(name, new Case(field, ef, GlslExport.generate(ef, name + ".nfield")));
    }

    private static void needGl() {
        Assumptions.assumeTrue(gl != null, () -> "needs OpenGL through EGL (CI installs Mesa): " + noGl);
    }

    /** The file is ASCII, has no version line, and names what it holds. */
    @ParameterizedTest
    @ValueSource(strings = {"frequency", "hash"})
    void fileIsSelfContained(String name) {
        GlslExport.Result r = CASES.get(name).export();
        String s = r.source();
        assertTrue(StandardCharsets.US_ASCII.newEncoder().canEncode(s), "ASCII only (desktop GLSL's character set)");
        assertTrue(!s.matches("(?s)(.*\n)?\\s*#.*") && !s.contains("uniform sampler2D params"), "no version line (no directive at all), no texture");
        assertTrue(s.contains("float nfield_sdf(vec3 p)") && s.contains("void mainImage(out vec4 fragColor, in vec2 fragCoord)"));
        assertTrue(r.warnings().isEmpty(), r.warnings().toString());
        assertEquals(CASES.get(name).field().paramCount(), r.params());
    }

    /** glslangValidator accepts the file as ShaderToy wraps it (ES 3.00) and as desktop GLSL 3.30 core. */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"frequency, es", "frequency, core", "hash, es", "hash, core"})
    void glslangCompiles(String name, String flavour) throws Exception {
        String validator = glslang();
        String src = CASES.get(name).export().source();
        String wrapped = flavour.equals("es") ? SHADERTOY_HEAD + src + SHADERTOY_MAIN : CORE_HEAD + src + CORE_MAIN;
        Path f = dir.resolve(name + "-" + flavour + ".frag");
        Files.writeString(f, wrapped);
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(validator, "-S", "frag", f.toString()).redirectErrorStream(true).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "glslangValidator finished");
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        System.out.printf("glslangValidator %s %s: %.2f s, %,d bytes, %,d parameters%n", name, flavour, (System.nanoTime() - t0) * 1e-9,
                wrapped.length(), CASES.get(name).export().params());
        assertEquals(0, p.exitValue(), log);
    }

    /** Rejects what is not GLSL: glslang must fail on a broken file, or the test above proves nothing. */
    @Test
    void glslangRejectsBrokenSource() throws Exception {
        String validator = glslang();
        Path f = dir.resolve("broken.frag");
        Files.writeString(f, SHADERTOY_HEAD + CASES.get("frequency").export().source().replace("nfield_SCALE;", "nfield_SCALE")
                + SHADERTOY_MAIN);
        Process p = new ProcessBuilder(validator, "-S", "frag", f.toString()).redirectErrorStream(true).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertTrue(p.exitValue() != 0, "glslangValidator accepted a broken file");
    }

    private static String glslang() {
        for (String d : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path p = Path.of(d, "glslangValidator");
            if (Files.isExecutable(p)) return p.toString();
        }
        Assumptions.abort("needs glslangValidator (Debian: glslang-tools; tools/setup.sh --tests installs it)");
        return null;
    }

    /**
     * The exported nfield_sdf, in the viewer's sphere tracer (one call site), against the baked
     * grid of the same field: trace.frag works in field coordinates, so sdf(q) maps q back to
     * original coordinates and the distance back to field units.
     */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"frequency, shaded", "frequency, normals", "hash, shaded", "hash, normals", "hash, depth"})
    void rendersLikeTheBake(String name, String mode) throws IOException {
        needGl();
        Case c = CASES.get(name);
        try (BakedRenderer renderer = new BakedRenderer()) {
            renderer.upload(BakedGrid.bake(new FieldQuery(c.field()), 160));
            long t0 = System.nanoTime();
            renderer.direct(TOY_UNIFORMS + c.export().source()
                    + "float sdf(vec3 q) { return nfield_sdf(q / nfield_SCALE + nfield_CENTER) * nfield_SCALE; }\n", null);
            double compile = (System.nanoTime() - t0) * 1e-9;
            Camera cam = new Camera(35, 30, 3.0);
            Mode m = Mode.parse(mode);
            int w = 96, h = 72;
            renderer.maxStep(BakedRenderer.DIRECT_MAX_STEP);
            renderer.path(false);
            int[] baked = renderer.render(cam, m, w, h, 0.0f);
            renderer.path(true);
            t0 = System.nanoTime();
            int[] exported = renderer.render(cam, m, w, h, 0.0f);
            double frame = (System.nanoTime() - t0) * 1e-9;
            Path out = Files.createDirectories(Path.of("target", "render-tests"));
            Images.writePng(out.resolve("glsl-" + name + "-" + mode + ".png"), exported, w, h);
            Images.writePng(out.resolve("glsl-baked-" + name + "-" + mode + ".png"), baked, w, h);
            PixelDiff diff = PixelDiff.of(baked, exported, baked[0]);
            System.out.printf("exported GLSL vs baked, %s %s: silhouette IoU %.4f, %.4f of pixels within 4/255 "
                    + "(compile + link %.1f s, frame %.2f s)%n", name, mode, diff.iou(), diff.closeShare(), compile, frame);
            assertTrue(diff.foregroundA() > baked.length / 20, "the torus covers too little of the image: " + diff.foregroundA());
            assertTrue(diff.iou() >= 0.99, name + " " + mode + ": silhouette IoU " + diff.iou());
            assertTrue(diff.closeShare() >= 0.99, name + " " + mode + ": " + diff.closeShare() + " of pixels within 4/255");
        }
    }

    /**
     * nfield_sdf on the GPU at random points (original coordinates, a box 20% larger than the
     * field's, so the hash grid's clamping outside is covered too) against the Java evaluation.
     * The error is relative to the value, floored at 0.01 field units (values cross zero).
     */
    @ParameterizedTest
    @ValueSource(strings = {"frequency", "hash"})
    void valuesMatchTheJavaEvaluation(String name) {
        needGl();
        Case c = CASES.get(name);
        int n = 4096;
        float[] xyz = new float[3 * n];
        SplittableRandom rng = new SplittableRandom(11);
        float cx = (float) c.exported().normalization().cx(), cy = (float) c.exported().normalization().cy();
        float cz = (float) c.exported().normalization().cz(), s = (float) c.exported().normalization().scale();
        for (int i = 0; i < n; i++) {
            xyz[3 * i] = cx + (float) (rng.nextDouble(-1.2, 1.2) / s);
            xyz[3 * i + 1] = cy + (float) (rng.nextDouble(-1.2, 1.2) / s);
            xyz[3 * i + 2] = cz + (float) (rng.nextDouble(-1.2, 1.2) / s);
        }
        float[] java = c.exported().evaluate(xyz, n);
        float[] gpu = GpuProbe.points(TOY_UNIFORMS + c.export().source(), "nfield_sdf(p)", xyz, n);
        double worst = 0, worstAbs = 0, floor = 0.01 / s;
        int at = -1;
        for (int i = 0; i < n; i++) {
            double e = Math.abs(gpu[i] - java[i]);
            double rel = e / Math.max(Math.abs(java[i]), floor);
            if (rel > worst) {
                worst = rel;
                at = i;
            }
            worstAbs = Math.max(worstAbs, e);
        }
        System.out.printf("nfield_sdf on the GPU vs ExportedField.evaluate, %s: max relative error %.3g (at %s: %.7g vs %.7g), "
                + "max absolute %.3g original units%n", name, worst, at, at < 0 ? 0 : gpu[at], at < 0 ? 0 : java[at], worstAbs);
        assertTrue(worst < 1e-4, name + ": max relative error " + worst);
    }

    /** Every inlined tensor reads back bit for bit (the uvec4 arrays and their readers). */
    @ParameterizedTest
    @ValueSource(strings = {"frequency", "hash"})
    void tensorsReadBackExactly(String name) {
        needGl();
        Case c = CASES.get(name);
        double[] want = c.field().params().readParams();
        for (var slice : c.field().params().slices()) {
            String reader = FieldGlsl.reader("nfield_", slice.name());
            int[] bits = GpuProbe.bits(TOY_UNIFORMS + c.export().source(), "floatBitsToUint(" + reader + "(i))", slice.length());
            for (int i = 0; i < slice.length(); i++) {
                int w = Float.floatToRawIntBits((float) want[slice.offset() + i]);
                if (bits[i] != w) throw new AssertionError(slice.name() + "[" + i + "]: " + Integer.toHexString(bits[i]) + " != " + Integer.toHexString(w));
            }
        }
    }

    /**
     * A tensor larger than one array is split and read through a selection function (tested with
     * small arrays: a 64 KiB one is the same code, and llvmpipe compiles few of them in useful time).
     */
    @ParameterizedTest
    @ValueSource(ints = {1024, 400, 96})
    void splitTensorsReadBackExactly(int perArray) {
        needGl();
        Field f = Field.of(new FieldConfig("sdf", new EncodingConfig.Hash(1, 2, 10, 16, 2.0, false),
                new NetworkConfig(8, 1, ActivationConfig.relu(), List.of(), 0.1, "uniform"), "softplus"), OpenCl.open());
        f.init(5);
        FieldGlsl.Inlined in = FieldGlsl.inlined(f, "nfield_", "nfield_field", perArray);
        double[] want = f.params().readParams();
        var table = f.params().slices().get(0);
        assertEquals(2048, table.length(), table.name());
        assertEquals(perArray, in.largestArrayFloats());
        int[] bits = GpuProbe.bits(in.glsl(), "floatBitsToUint(" + FieldGlsl.reader("nfield_", table.name()) + "(i))", table.length());
        for (int i = 0; i < table.length(); i++) {
            assertEquals(Float.floatToRawIntBits((float) want[table.offset() + i]), bits[i], table.name() + "[" + i + "]");
        }
    }

    /** Float literals (normalisation, Fourier matrices) read back exactly on Mesa: awkward values, every exponent. */
    @Test
    void literalsRoundTrip() {
        needGl();
        SplittableRandom rng = new SplittableRandom(3);
        int n = 1024;
        float[] v = new float[n];
        float[] special = {0.1f, -0.1f, 1f / 3, 2f / 3, 16777215f, 16777216f, Float.MIN_NORMAL, -Float.MAX_VALUE, Float.MAX_VALUE,
                Math.nextUp(1f), Math.nextDown(1f), 1e-30f, 3.4e38f, 123456.79f, 9.999999e-5f, 0.0f, 1.0E-5f, 8.589973e9f};
        System.arraycopy(special, 0, v, 0, special.length);
        for (int i = special.length; i < n; i++) {
            v[i] = Float.intBitsToFloat(rng.nextInt());
            if (!Float.isFinite(v[i]) || Math.abs(v[i]) < Float.MIN_NORMAL) v[i] = (float) rng.nextGaussian();
        }
        // an array, not a chain of "if (i == k) return literal;": llvmpipe returns the wrong branch's value
        // after about 80 of those (measured: from the 80th on, each returned its predecessor's literal)
        StringBuilder g = new StringBuilder("const float lit[" + n + "] = float[" + n + "](");
        for (int i = 0; i < n; i++) g.append(i > 0 ? ",\n    " : "\n    ").append(FieldGlsl.literal(v[i]));
        g.append(");\n");
        int[] bits = GpuProbe.bits(g.toString(), "floatBitsToUint(lit[i])", n);
        StringBuilder bad = new StringBuilder();
        int nb = 0;
        for (int i = 0; i < n; i++) {
            if (Float.floatToRawIntBits(v[i]) != bits[i]) { nb++; if (nb < 20) bad.append(i).append(": ").append(FieldGlsl.literal(v[i])).append(" -> ").append(Float.intBitsToFloat(bits[i])).append("; "); }
        }
        assertEquals(0, nb, bad.toString());
    }

    /** The ShaderToy view compiles on Mesa as ShaderToy wraps it and draws the object (written to target/render-tests/). */
    @ParameterizedTest
    @ValueSource(strings = {"frequency", "hash"})
    void mainImageDrawsTheObject(String name) throws IOException {
        needGl();
        int w = 96, h = 72;
        int[] px = GpuProbe.image(SHADERTOY_HEAD, CASES.get(name).export().source() + SHADERTOY_MAIN, w, h, 1.5f);
        Images.writePng(Files.createDirectories(Path.of("target", "render-tests")).resolve("glsl-mainImage-" + name + ".png"), px, w, h);
        int corner = px[0], object = 0;
        for (int p : px) {
            int r = p >> 16 & 0xFF, gg = p >> 8 & 0xFF, bb = p & 0xFF;
            if (r > gg && r > bb + 10) object++; // the warm albedo, not the blue-grey background
        }
        assertTrue(object > w * h / 20 && object < w * h / 2, name + ": " + object + " object pixels; corner " + Integer.toHexString(corner));
    }

    /** Size policy: a warning above WARN_PARAMS, a refusal above MAX_PARAMS, both naming the numbers. */
    @Test
    void largeFieldsWarnOrAreRefused() throws IOException {
        Backend b = OpenCl.open();
        Field big = Field.of(new FieldConfig("sdf", new EncodingConfig.Hash(2, 2, 14, 16, 2.0, true),
                new NetworkConfig(16, 1, ActivationConfig.relu(), List.of(), 0.1, "uniform"), "softplus"), b);
        big.init(1);
        Path file = dir.resolve("big.nfield");
        FieldFile.write(file, FittedField.of(file.toString(), big, 0, Normalization.IDENTITY), false);
        GlslExport.Result r = GlslExport.generate(ExportedField.load(file, b), "big.nfield");
        assertTrue(big.paramCount() > GlslExport.WARN_PARAMS);
        assertEquals(1, r.warnings().size());
        assertTrue(r.warnings().get(0).contains(String.format("%,d parameters", big.paramCount())), r.warnings().get(0));
        Field huge = Field.of(new FieldConfig("sdf", new EncodingConfig.Hash(1, 8, 19, 128, 2.0, true),
                new NetworkConfig(8, 1, ActivationConfig.relu(), List.of(), 0.1, "uniform"), "softplus"), b);
        huge.init(1);
        assertTrue(huge.paramCount() > GlslExport.MAX_PARAMS, "" + huge.paramCount());
        Path hf = dir.resolve("huge.nfield");
        FieldFile.write(hf, FittedField.of(hf.toString(), huge, 0, Normalization.IDENTITY), false);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GlslExport.generate(ExportedField.load(hf, b), "huge"));
        assertTrue(e.getMessage().contains("safetensors"), e.getMessage());
    }

    /** Evaluates GLSL expressions per fragment into float framebuffers: a test's window onto the GPU. */
    static final class GpuProbe {
        private static final int W = 256;
        private static final String VS = "void main() { vec2 p = vec2((gl_VertexID << 1) & 2, gl_VertexID & 2); "
                + "gl_Position = vec4(p * 2.0 - 1.0, 0.0, 1.0); }\n";

        /** {@code expr} (a float of vec3 p) at each of n points. */
        static float[] points(String decls, String expr, float[] xyz, int n) {
            int rows = (n + W - 1) / W;
            FloatBuffer pts = MemoryUtil.memCallocFloat(W * rows * 3);
            int tex = glGenTextures();
            try {
                pts.put(xyz, 0, 3 * n).rewind();
                glBindTexture(GL_TEXTURE_2D, tex);
                glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
                glTexImage2D(GL_TEXTURE_2D, 0, GL_RGB32F, W, rows, 0, GL_RGB, GL_FLOAT, pts);
                glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
                glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
                String fs = "#version 330 core\nuniform sampler2D points;\n" + decls
                        + "\nout vec4 color;\nvoid main() { vec3 p = texelFetch(points, ivec2(gl_FragCoord.xy), 0).xyz; color = vec4("
                        + expr + "); }\n";
                ByteBuffer out = draw(fs, W, rows, GL_R32F, GL_RED, GL_FLOAT, prog -> {
                    glActiveTexture(GL_TEXTURE0);
                    glBindTexture(GL_TEXTURE_2D, tex);
                    glUniform1i(glGetUniformLocation(prog, "points"), 0);
                });
                float[] r = new float[n];
                out.asFloatBuffer().get(r, 0, n);
                MemoryUtil.memFree(out);
                return r;
            } finally {
                glDeleteTextures(tex);
                MemoryUtil.memFree(pts);
            }
        }

        /** {@code expr} (a uint of int i) for i = 0 .. n-1. */
        static int[] bits(String decls, String expr, int n) {
            int rows = (n + W - 1) / W;
            String fs = "#version 330 core\n" + decls + "\nout uvec4 color;\nvoid main() { int i = int(gl_FragCoord.y) * " + W
                    + " + int(gl_FragCoord.x); color = uvec4(" + expr + "); }\n";
            ByteBuffer out = draw(fs, W, rows, GL_R32UI, GL_RED_INTEGER, GL_UNSIGNED_INT, prog -> { });
            int[] r = new int[n];
            out.asIntBuffer().get(r, 0, n);
            MemoryUtil.memFree(out);
            return r;
        }

        /** A ShaderToy-style image: head, then body (which defines main), iTime = time; RGBA8 rows from the bottom. */
        static int[] image(String head, String body, int w, int h, float time) {
            ByteBuffer out = draw(head + body, w, h, GL_RGBA8, GL_RGBA, GL_UNSIGNED_BYTE, prog -> {
                glUniform3f(glGetUniformLocation(prog, "iResolution"), w, h, 1);
                glUniform1f(glGetUniformLocation(prog, "iTime"), time);
            }, "#version 300 es\n" + VS.replace("void main", "precision highp float;\nvoid main"));
            int[] px = new int[w * h];
            for (int i = 0; i < px.length; i++) {
                px[i] = 0xFF000000 | (out.get(4 * i) & 0xFF) << 16 | (out.get(4 * i + 1) & 0xFF) << 8 | (out.get(4 * i + 2) & 0xFF);
            }
            MemoryUtil.memFree(out);
            return px;
        }

        private static ByteBuffer draw(String fs, int w, int h, int internal, int format, int type, java.util.function.IntConsumer uniforms) {
            return draw(fs, w, h, internal, format, type, uniforms, "#version 330 core\n" + VS);
        }

        private static ByteBuffer draw(String fs, int w, int h, int internal, int format, int type,
                                       java.util.function.IntConsumer uniforms, String vs) {
            int prog = link(vs, fs), fbo = glGenFramebuffers(), rb = glGenRenderbuffers(), vao = glGenVertexArrays();
            try {
                glBindRenderbuffer(GL_RENDERBUFFER, rb);
                glRenderbufferStorage(GL_RENDERBUFFER, internal, w, h);
                glBindFramebuffer(GL_FRAMEBUFFER, fbo);
                glFramebufferRenderbuffer(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_RENDERBUFFER, rb);
                assertEquals(GL_FRAMEBUFFER_COMPLETE, glCheckFramebufferStatus(GL_FRAMEBUFFER));
                glViewport(0, 0, w, h);
                glUseProgram(prog);
                uniforms.accept(prog);
                glBindVertexArray(vao);
                glDrawArrays(GL_TRIANGLES, 0, 3);
                ByteBuffer out = MemoryUtil.memAlloc(w * h * 4);
                glPixelStorei(GL_PACK_ALIGNMENT, 4);
                glReadPixels(0, 0, w, h, format, type, out);
                return out;
            } finally {
                glBindFramebuffer(GL_FRAMEBUFFER, 0);
                glDeleteFramebuffers(fbo);
                glDeleteRenderbuffers(rb);
                glDeleteVertexArrays(vao);
                glDeleteProgram(prog);
            }
        }

        private static int link(String vs, String fs) {
            int p = glCreateProgram();
            for (int[] st : new int[][]{{GL_VERTEX_SHADER}, {GL_FRAGMENT_SHADER}}) {
                int s = glCreateShader(st[0]);
                glShaderSource(s, st[0] == GL_VERTEX_SHADER ? vs : fs);
                glCompileShader(s);
                if (glGetShaderi(s, GL_COMPILE_STATUS) == 0) throw new IllegalStateException("compile failed: " + glGetShaderInfoLog(s));
                glAttachShader(p, s);
                glDeleteShader(s);
            }
            glLinkProgram(p);
            if (glGetProgrami(p, GL_LINK_STATUS) == 0) throw new IllegalStateException("link failed: " + glGetProgramInfoLog(p));
            return p;
        }
    }
}
