package nfield.render;

import nfield.field.glsl.FieldGlsl;

import org.lwjgl.system.MemoryUtil;

import java.io.IOException;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;

import static org.lwjgl.opengl.GL33C.*;

/**
 * The baked render path: an SDF grid uploaded as an R16F 3D texture (trilinear filtering) and
 * sphere-traced in {@code shaders/render/baked.frag} into an RGBA8 framebuffer object. Needs a
 * current GL 3.3 context; not thread-safe.
 */
public final class BakedRenderer implements FieldRenderer {
    private final int vao, texture;
    /** The baked path's programs, one per mode (compiled when first drawn): with the mode a constant, the shader holds only its code. */
    private final int[] baked = new int[4 * Mode.values().length];
    private boolean shadeTexture;
    private int shadingTexture;
    private BakedGrid shadingOf;

    /**
     * Shade from normals and occlusion baked per grid point ({@link BakedGrid#shading()}: one fetch
     * at a hit instead of eleven), as the viewer does; off (the default): computed at the hit, as
     * {@code render} and the web page do. Not while cropping (the cut's caps take the box's normal).
     */
    public void shadeFromTexture(boolean on) {
        shadeTexture = on;
    }
    private int direct, paramsTexture;
    private boolean directPath;
    private final Offscreen target = new Offscreen();
    /** The direct path's longest sphere-tracing step, below the clamped loss's δ = 0.1. */
    public static final float DIRECT_MAX_STEP = 0.08f;
    private Float maxStep;

    /** Caps every step of both paths at {@code cap} (null: the defaults above), e.g. to compare them under one tracer. */
    public void maxStep(Float cap) {
        maxStep = cap;
    }
    private BakedGrid grid;
    private nfield.field.CropBox crop = nfield.field.CropBox.FULL;

    /** Shows only what lies inside {@code box} (field coordinates), cut with flat caps; {@link nfield.field.CropBox#FULL}: all. */
    public void crop(nfield.field.CropBox box) {
        crop = box;
    }

    public BakedRenderer() {
        vao = glGenVertexArrays();
        texture = glGenTextures();
    }

    /** trace.frag with its sdf() supplied. */
    static String fragment(String sdf) {
        String trace = source("trace.frag");
        if (!trace.contains("//#include sdf")) throw new IllegalStateException("trace.frag lost its //#include sdf line");
        return trace.replace("//#include sdf", sdf);
    }

    /** trace.frag for one mode only (the mode a constant). */
    static String fragment(String sdf, Mode mode, boolean cut, boolean shadeTexture) {
        String f = fragment(sdf);
        int eol = f.indexOf('\n');
        return f.substring(0, eol + 1) + "#define FIXED_MODE " + mode.ordinal() + "\n#define FIXED_CROP " + (cut ? 1 : 0) + "\n"
                + (shadeTexture ? "#define SHADE_TEXTURE\n" : "") + f.substring(eol + 1);
    }

    /** The baked program for a mode, cutting by the crop box or not, shading from the texture or not (compiled when first asked for). */
    private int bakedProgram(Mode mode, boolean cut, boolean shade) {
        int i = 4 * mode.ordinal() + (cut ? 2 : 0) + (shade ? 1 : 0);
        if (baked[i] == 0) baked[i] = link(source("fullscreen.vert"), fragment(source("baked_sdf.glsl"), mode, cut, shade));
        return baked[i];
    }

    /** The shading texture of the grid shown, made and uploaded when first needed. */
    private void bindShading() {
        glActiveTexture(GL_TEXTURE2); // its own unit: the grid stays bound to unit 0
        if (shadingOf != grid) {
            if (shadingTexture == 0) shadingTexture = glGenTextures();
            byte[] s = grid.shading();
            java.nio.ByteBuffer buf = MemoryUtil.memAlloc(s.length);
            try {
                buf.put(s).flip();
                glBindTexture(GL_TEXTURE_3D, shadingTexture);
                glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
                int r = grid.res();
                glTexImage3D(GL_TEXTURE_3D, 0, GL_RGBA8, r, r, r, 0, GL_RGBA, GL_UNSIGNED_BYTE, buf);
                glTexParameteri(GL_TEXTURE_3D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
                glTexParameteri(GL_TEXTURE_3D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
                for (int w : new int[]{GL_TEXTURE_WRAP_S, GL_TEXTURE_WRAP_T, GL_TEXTURE_WRAP_R}) glTexParameteri(GL_TEXTURE_3D, w, GL_CLAMP_TO_EDGE);
            } finally {
                MemoryUtil.memFree(buf);
            }
            shadingOf = grid;
        }
        glBindTexture(GL_TEXTURE_3D, shadingTexture);
    }

    /**
     * The direct path: the field's network evaluated per sample in the shader ({@link FieldGlsl}),
     * its parameters in an R32F texture, or none ({@code params} null) where the GLSL is
     * self-contained (an export with its weights inlined). Replaces any earlier direct field;
     * {@link #path} picks which one draws.
     */
    public void direct(String sdfGlsl, float[] params) {
        if (direct != 0) glDeleteProgram(direct);
        direct = 0; // a failed link below leaves no deleted program behind
        direct = link(source("fullscreen.vert"), fragment("#define ONE_CALL_SITE\n" + sdfGlsl));
        if (params == null) return;
        if (paramsTexture == 0) paramsTexture = glGenTextures();
        int rows = params.length / FieldGlsl.TEXTURE_WIDTH;
        FloatBuffer buf = MemoryUtil.memAllocFloat(params.length);
        try {
            buf.put(params).flip();
            glBindTexture(GL_TEXTURE_2D, paramsTexture);
            glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
            glTexImage2D(GL_TEXTURE_2D, 0, GL_R32F, FieldGlsl.TEXTURE_WIDTH, rows, 0, GL_RED, GL_FLOAT, buf);
            glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
            glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
        } finally {
            MemoryUtil.memFree(buf);
        }
    }

    /** Draw through the baked grid (false) or the network itself (true, after {@link #direct}). */
    public void path(boolean useDirect) {
        if (useDirect && direct == 0) throw new IllegalStateException("no direct field set");
        directPath = useDirect;
    }

    public boolean hasDirect() { return direct != 0; }

    static String source(String name) { // also used by Overlay
        try (InputStream in = BakedRenderer.class.getResourceAsStream("/shaders/render/" + name)) {
            if (in == null) throw new IllegalStateException("shader " + name + " missing from the jar");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("shader " + name + ": " + e.getMessage(), e);
        }
    }

    private static int compile(int type, String src) {
        int s = glCreateShader(type);
        glShaderSource(s, src);
        glCompileShader(s);
        if (glGetShaderi(s, GL_COMPILE_STATUS) == 0) {
            throw new IllegalStateException("shader compile failed: " + glGetShaderInfoLog(s));
        }
        return s;
    }

    static int link(String vs, String fs) {
        int p = glCreateProgram(), v = compile(GL_VERTEX_SHADER, vs), f = compile(GL_FRAGMENT_SHADER, fs);
        glAttachShader(p, v);
        glAttachShader(p, f);
        glLinkProgram(p);
        if (glGetProgrami(p, GL_LINK_STATUS) == 0) throw new IllegalStateException("program link failed: " + glGetProgramInfoLog(p));
        glDeleteShader(v);
        glDeleteShader(f);
        return p;
    }

    /** Uploads a grid (replacing the previous one). */
    public void upload(BakedGrid g) {
        grid = g;
        int r = g.res();
        // R16F: the grid's values are halves already (BakedGrid), so the bits are exact
        java.nio.ShortBuffer buf = MemoryUtil.memAllocShort(r * r * r);
        try {
            float[] v = g.values();
            for (int i = 0; i < v.length; i++) buf.put(i, Half.bits(v[i]));
            glBindTexture(GL_TEXTURE_3D, texture);
            glPixelStorei(GL_UNPACK_ALIGNMENT, 2);
            glTexImage3D(GL_TEXTURE_3D, 0, org.lwjgl.opengl.GL30.GL_R16F, r, r, r, 0, GL_RED, org.lwjgl.opengl.GL30.GL_HALF_FLOAT, buf);
            glTexParameteri(GL_TEXTURE_3D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
            glTexParameteri(GL_TEXTURE_3D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
            for (int w : new int[]{GL_TEXTURE_WRAP_S, GL_TEXTURE_WRAP_T, GL_TEXTURE_WRAP_R}) {
                glTexParameteri(GL_TEXTURE_3D, w, GL_CLAMP_TO_EDGE);
            }
        } finally {
            MemoryUtil.memFree(buf);
        }
    }

    /** Draws into the currently bound framebuffer's viewport (w × h). */
    private final BoxPass.Covered covered = new BoxPass.Covered();
    private boolean reading; // render(): an image read back, whole

    @Override
    public void occluder(float[] windowRect, int winW, int winH) {
        covered.set(windowRect, winW, winH);
    }

    public void draw(Camera cam, Mode mode, int w, int h, float sliceY) {
        if (grid == null && !directPath) throw new IllegalStateException("no grid uploaded");
        boolean shade = !directPath && shadeTexture && crop.full() && (mode == Mode.SHADED || mode == Mode.NORMALS);
        int program = directPath ? direct : bakedProgram(mode, !crop.full(), shade);
        glViewport(0, 0, w, h);
        glUseProgram(program);
        if (!directPath) {
            glActiveTexture(GL_TEXTURE0);
            glBindTexture(GL_TEXTURE_3D, texture);
            glUniform1i(glGetUniformLocation(program, "grid"), 0);
            if (shade) {
                bindShading();
                glUniform1i(glGetUniformLocation(program, "shading"), 2);
            }
        } else if (paramsTexture != 0) {
            glActiveTexture(GL_TEXTURE1);
            glBindTexture(GL_TEXTURE_2D, paramsTexture);
            glUniform1i(glGetUniformLocation(program, "params"), 1);
        }
        glUniform1f(glGetUniformLocation(program, "res"), grid == null ? 128 : grid.res());
        // the network is a distance only near its surface: beyond the loss's band (0.1) its values
        // may exceed the distance, so direct steps stay below the band; the bake's trilinear
        // values are smooth enough to step freely (and capping costs a third of the frame rate)
        float cap = maxStep != null ? maxStep : !directPath ? Float.MAX_VALUE : DIRECT_MAX_STEP;
        glUniform1f(glGetUniformLocation(program, "maxStep"), cap);
        ViewUniforms.set(program, cam, mode, w, h, sliceY);
        ViewUniforms.occluder(program, reading ? null : covered.inTarget(w, h));
        ViewUniforms.vec3(program, "light", cam.light());
        // rays march through the crop box, and on the baked path only where the grid can hold a hit
        float[] lo = crop.lo(), hi = crop.hi();
        float[] occ = !directPath && grid != null ? grid.occupied() : new float[]{-1, -1, -1, 1, 1, 1};
        boolean empty = false;
        for (int a = 0; a < 3; a++) {
            lo[a] = Math.max(Math.max(lo[a], -1), occ[a]);
            hi[a] = Math.min(Math.min(hi[a], 1), occ[a + 3]);
            empty |= !(lo[a] <= hi[a]);
        }
        ViewUniforms.crop(program, lo, hi, !crop.full());
        // The baked path (not the slice): the target is cleared to what a ray that misses shows, only the
        // box's projection is drawn, and there rays that miss are discarded. llvmpipe shades blocks of
        // pixels under a mask, running every branch for all of them, but skips blocks outside the
        // scissor and stops a block once all its pixels are discarded: the shading is paid where rays hit.
        boolean baked = !directPath && mode != Mode.SLICE;
        glUniform1i(glGetUniformLocation(program, "discardMisses"), baked && mode != Mode.STEPS ? 1 : 0);
        glBindVertexArray(vao);
        if (!baked) {
            glDrawArrays(GL_TRIANGLES, 0, 3);
            return;
        }
        float[] miss = mode == Mode.STEPS ? new float[]{0, 0, 1} : CpuTracer.BACKGROUND; // heat(0 steps), or the background
        BoxPass.draw(cam, empty ? null : lo, hi, w, h, miss);
    }

    /**
     * Renders offscreen at w × h and scales the result onto the default framebuffer (winW ×
     * winH, linear filtering): the viewer's dynamic resolution.
     */
    @Override
    public void renderToWindow(Camera cam, Mode mode, int w, int h, float sliceY, int winW, int winH) {
        if (w == winW && h == winH) { // full size: straight into the window, no copy
            glBindFramebuffer(GL_FRAMEBUFFER, 0);
            draw(cam, mode, w, h, sliceY);
            return;
        }
        target.bind(w, h);
        draw(cam, mode, w, h, sliceY);
        target.blitToWindow(winW, winH);
    }

    /** Draws the whole offscreen image (w × h, kept until the next draw), for {@link #showOffscreen}. */
    public void renderOffscreen(Camera cam, Mode mode, int w, int h, float sliceY) {
        target.bind(w, h);
        draw(cam, mode, w, h, sliceY);
    }

    /**
     * Draws one tile of the offscreen image (w × h, the rest kept as it was): tile {@code tile}
     * of rows of {@code across} tiles, {@code size} pixels square, from the bottom left. For
     * progressive rendering.
     */
    public void renderTile(Camera cam, Mode mode, int w, int h, float sliceY, int tile, int across, int size) {
        target.bind(w, h);
        glEnable(GL_SCISSOR_TEST);
        glScissor(tile % across * size, tile / across * size, size, size);
        try {
            draw(cam, mode, w, h, sliceY);
        } finally {
            glDisable(GL_SCISSOR_TEST);
        }
    }

    /** Scales the offscreen image onto the window's framebuffer (winW × winH). */
    public void showOffscreen(int winW, int winH) {
        target.blitToWindow(winW, winH);
    }

    /** Reads the default framebuffer (what the window shows), rows from the bottom, packed 0xAARRGGBB. */
    public static int[] readWindow(int w, int h) {
        glBindFramebuffer(GL_READ_FRAMEBUFFER, 0);
        glReadBuffer(GL_BACK);
        return Offscreen.readPixels(w, h);
    }

    /** Renders offscreen and reads back RGBA8 pixels, rows from the bottom, packed 0xAARRGGBB. */
    @Override
    public int[] render(Camera cam, Mode mode, int w, int h, float sliceY) {
        target.bind(w, h);
        reading = true;
        try {
            draw(cam, mode, w, h, sliceY);
        } finally {
            reading = false;
        }
        return target.read();
    }

    @Override
    public void close() {
        target.close();
        glDeleteTextures(texture);
        if (paramsTexture != 0) glDeleteTextures(paramsTexture);
        glDeleteVertexArrays(vao);
        for (int p : baked) if (p != 0) glDeleteProgram(p);
        if (shadingTexture != 0) glDeleteTextures(shadingTexture);
        if (direct != 0) glDeleteProgram(direct);
    }
}
