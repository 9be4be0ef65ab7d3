package nfield.render;

import org.lwjgl.system.MemoryUtil;

import java.nio.FloatBuffer;

import static org.lwjgl.opengl.GL33C.*;

/**
 * The volume mode: a {@link VolumeGrid} uploaded as an RGBA32F 3D texture (trilinear) with its
 * macro-cell distances (R32F, nearest) and ray-marched with alpha compositing in
 * {@code shaders/render/volume.frag} over the field's background. Modes: shaded is the colour;
 * normals and depth are taken where a ray becomes half opaque; steps counts loop iterations;
 * slice shows the colour over the opacity of a thin slab at y = slice. Needs a current GL 3.3
 * context; not thread-safe.
 */
public final class VolumeRenderer implements FieldRenderer {
    private final int vao, volume, skip;
    /** One program per mode (compiled when first drawn): with the mode a constant, llvmpipe runs only its code. */
    private final int[] programs = new int[Mode.values().length];
    private final Offscreen target = new Offscreen();
    private final float[] background;
    private VolumeGrid grid;
    private float[] cropLo, cropHi;

    /** Marches only through the box [lo, hi] (viewer space, y up); null: the whole baked box. */
    public void crop(float[] lo, float[] hi) {
        cropLo = lo == null ? null : lo.clone();
        cropHi = hi == null ? null : hi.clone();
    }

    /** {@code background}: RGB in [0, 1], what the field was trained in front of. */
    public VolumeRenderer(float[] background) {
        if (background.length != 3) throw new IllegalArgumentException("background needs 3 values");
        this.background = background.clone();
        vao = glGenVertexArrays();
        volume = glGenTextures();
        skip = glGenTextures();
    }

    /** Uploads a grid (replacing the previous one). */
    public void upload(VolumeGrid g) {
        int[] n = g.dims(), m = g.macroDims();
        upload3d(volume, GL_TEXTURE0, GL_RGBA32F, GL_RGBA, n, g.rgba(), GL_LINEAR);
        upload3d(skip, GL_TEXTURE1, GL_R32F, GL_RED, m, g.skip(), GL_NEAREST);
        grid = g;
    }

    private static void upload3d(int tex, int unit, int internal, int format, int[] n, float[] values, int filter) {
        FloatBuffer buf = MemoryUtil.memAllocFloat(values.length);
        try {
            buf.put(values).flip();
            glActiveTexture(unit);
            glBindTexture(GL_TEXTURE_3D, tex);
            glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
            glTexImage3D(GL_TEXTURE_3D, 0, internal, n[0], n[1], n[2], 0, format, GL_FLOAT, buf);
            glTexParameteri(GL_TEXTURE_3D, GL_TEXTURE_MIN_FILTER, filter);
            glTexParameteri(GL_TEXTURE_3D, GL_TEXTURE_MAG_FILTER, filter);
            for (int w : new int[]{GL_TEXTURE_WRAP_S, GL_TEXTURE_WRAP_T, GL_TEXTURE_WRAP_R}) {
                glTexParameteri(GL_TEXTURE_3D, w, GL_CLAMP_TO_EDGE);
            }
        } finally {
            MemoryUtil.memFree(buf);
        }
    }

    /** The loop's iteration cap: enough fine steps for the box's diagonal plus a skip per macro cell crossed. */
    static int maxIterations(VolumeGrid g) {
        int[] n = g.dims(), m = g.macroDims();
        return 2 * (n[0] + n[1] + n[2]) + 2 * (m[0] + m[1] + m[2]) + 16;
    }

    private final BoxPass.Covered covered = new BoxPass.Covered();
    private boolean reading; // render(): an image read back, whole

    @Override
    public void occluder(float[] windowRect, int winW, int winH) {
        covered.set(windowRect, winW, winH);
    }

    private void draw(Camera cam, Mode mode, int w, int h, float sliceY) {
        if (grid == null) throw new IllegalStateException("no volume grid uploaded");
        int i = mode.ordinal();
        if (programs[i] == 0) {
            String f = BakedRenderer.source("volume.frag");
            int eol = f.indexOf('\n');
            programs[i] = BakedRenderer.link(BakedRenderer.source("fullscreen.vert"), f.substring(0, eol + 1) + "#define FIXED_MODE " + i + "\n"
                    + f.substring(eol + 1));
        }
        int program = programs[i];
        glViewport(0, 0, w, h);
        glUseProgram(program);
        glActiveTexture(GL_TEXTURE0);
        glBindTexture(GL_TEXTURE_3D, volume);
        glUniform1i(glGetUniformLocation(program, "volume"), 0);
        glActiveTexture(GL_TEXTURE1);
        glBindTexture(GL_TEXTURE_3D, skip);
        glUniform1i(glGetUniformLocation(program, "skip"), 1);
        int[] n = grid.dims(), m = grid.macroDims();
        float[] lo = grid.lo(), hi = grid.hi();
        glUniform3f(glGetUniformLocation(program, "dims"), n[0], n[1], n[2]);
        glUniform3f(glGetUniformLocation(program, "macroDims"), m[0], m[1], m[2]);
        glUniform3f(glGetUniformLocation(program, "lo"), lo[0], lo[1], lo[2]);
        glUniform3f(glGetUniformLocation(program, "hi"), hi[0], hi[1], hi[2]);
        glUniform1f(glGetUniformLocation(program, "macro"), VolumeGrid.MACRO);
        glUniform1f(glGetUniformLocation(program, "dt"), grid.step());
        glUniform1i(glGetUniformLocation(program, "maxIter"), maxIterations(grid));
        ViewUniforms.set(program, cam, mode, w, h, sliceY);
        ViewUniforms.occluder(program, reading ? null : covered.inTarget(w, h));
        float[] bLo = cropLo != null ? cropLo : lo, bHi = cropHi != null ? cropHi : hi;
        ViewUniforms.crop(program, bLo, bHi, false);
        glUniform3f(glGetUniformLocation(program, "background"), background[0], background[1], background[2]);
        glBindVertexArray(vao);
        if (mode == Mode.SLICE || glIsEnabled(GL_SCISSOR_TEST)) {
            glDrawArrays(GL_TRIANGLES, 0, 3);
            return;
        }
        // only the projection of the box rays march through is drawn; the rest shows what a ray that misses it does
        float[] boxLo = new float[3], boxHi = new float[3];
        boolean empty = false;
        for (int a = 0; a < 3; a++) {
            boxLo[a] = Math.max(lo[a], bLo[a]);
            boxHi[a] = Math.min(hi[a], bHi[a]);
            empty |= !(boxLo[a] <= boxHi[a]);
        }
        float[] miss = mode == Mode.SHADED ? new float[]{clamp01(background[0]), clamp01(background[1]), clamp01(background[2])}
                : mode == Mode.STEPS ? new float[]{0, 0, 1} : CpuTracer.BACKGROUND; // volume.frag's DARK is the tracer's background
        BoxPass.draw(cam, empty ? null : boxLo, boxHi, w, h, miss);
    }

    private static float clamp01(float v) {
        return Math.max(0, Math.min(1, v));
    }

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
        glDeleteTextures(volume);
        glDeleteTextures(skip);
        glDeleteVertexArrays(vao);
        for (int p : programs) if (p != 0) glDeleteProgram(p);
    }
}
