package nfield.render;

import org.lwjgl.nuklear.NkAllocator;
import org.lwjgl.nuklear.NkBuffer;
import org.lwjgl.nuklear.NkContext;
import org.lwjgl.nuklear.NkConvertConfig;
import org.lwjgl.nuklear.NkDrawCommand;
import org.lwjgl.nuklear.NkDrawNullTexture;
import org.lwjgl.nuklear.NkDrawVertexLayoutElement;
import org.lwjgl.nuklear.NkQueryFontGlyphCallback;
import org.lwjgl.nuklear.NkTextWidthCallback;
import org.lwjgl.nuklear.NkUserFont;
import org.lwjgl.nuklear.NkUserFontGlyph;
import org.lwjgl.nuklear.NkVec2;
import org.lwjgl.nuklear.NkPluginAlloc;
import org.lwjgl.nuklear.NkPluginFree;
import org.lwjgl.system.MemoryStack;
import org.lwjgl.system.MemoryUtil;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;

import static org.lwjgl.nuklear.Nuklear.*;
import static org.lwjgl.opengl.GL33C.*;

/**
 * Nuklear (LWJGL's binding of the immediate-mode GUI library) on the viewer's GL 3.3 context: a
 * context whose font is a glyph atlas drawn with Java2D (printable ASCII, the overlay's
 * monospaced font), input fed from the window's events, and the frame's widgets drawn as
 * indexed triangles with scissor rectangles. Not thread-safe: the GL thread only.
 */
final class Nk implements AutoCloseable {
    private static final int MAX_VERTEX_BYTES = 256 * 1024, MAX_ELEMENT_BYTES = 64 * 1024;
    private static final int FIRST = 32, LAST = 126, COLUMNS = 16;
    private static final Font FONT = new Font(Font.MONOSPACED, Font.PLAIN, 13);

    final NkContext ctx = NkContext.calloc();
    private final NkAllocator allocator = NkAllocator.calloc();
    private final NkPluginAlloc alloc = NkPluginAlloc.create((handle, old, size) -> MemoryUtil.nmemAllocChecked(size));
    private final NkPluginFree free = NkPluginFree.create((handle, ptr) -> MemoryUtil.nmemFree(ptr));
    private final NkUserFont font = NkUserFont.calloc();
    private final NkTextWidthCallback width;
    private final NkQueryFontGlyphCallback query;
    private final NkBuffer commands = NkBuffer.calloc();
    private final NkDrawNullTexture white = NkDrawNullTexture.calloc();
    private final NkDrawVertexLayoutElement.Buffer layout;
    private final int program, vao, vbo, ebo, atlas, whiteTexture;
    private final float advance, lineHeight;
    private final int atlasW, atlasH;

    Nk() {
        // the atlas: one cell per printable character, white with the glyph's coverage as alpha
        BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_ARGB);
        Graphics2D pg = probe.createGraphics();
        pg.setFont(FONT);
        FontMetrics fm = pg.getFontMetrics();
        int cellW = fm.charWidth('M') + 1, cellH = fm.getHeight(), ascent = fm.getAscent();
        advance = fm.charWidth('M');
        lineHeight = cellH;
        pg.dispose();
        int rows = (LAST - FIRST + COLUMNS) / COLUMNS;
        atlasW = cellW * COLUMNS;
        atlasH = cellH * rows;
        BufferedImage img = new BufferedImage(atlasW, atlasH, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setFont(FONT);
        g.setColor(Color.WHITE);
        for (int c = FIRST; c <= LAST; c++) {
            int i = c - FIRST;
            g.drawString(String.valueOf((char) c), (i % COLUMNS) * cellW, (i / COLUMNS) * cellH + ascent);
        }
        g.dispose();
        ByteBuffer px = MemoryUtil.memAlloc(atlasW * atlasH * 4);
        try {
            for (int y = 0; y < atlasH; y++) {
                for (int x = 0; x < atlasW; x++) {
                    int a = img.getRGB(x, y) >>> 24;
                    px.put((byte) 255).put((byte) 255).put((byte) 255).put((byte) a);
                }
            }
            px.flip();
            atlas = texture(atlasW, atlasH, px);
            px.clear();
            px.putInt(0, 0xffffffff);
            whiteTexture = texture(1, 1, px);
        } finally {
            MemoryUtil.memFree(px);
        }
        width = NkTextWidthCallback.create((handle, h, text, len) -> textWidth(MemoryUtil.memUTF8(text, len)));
        query = NkQueryFontGlyphCallback.create((handle, fontHeight, glyph, codepoint, next) -> {
            int c = codepoint >= FIRST && codepoint <= LAST ? codepoint : '?';
            int i = c - FIRST;
            float u0 = (float) ((i % COLUMNS) * cellW) / atlasW, v0 = (float) ((i / COLUMNS) * cellH) / atlasH;
            NkUserFontGlyph gl = NkUserFontGlyph.create(glyph);
            gl.width(cellW).height(cellH).xadvance(advance);
            gl.offset().set(0, 0);
            gl.uv(0).set(u0, v0);
            gl.uv(1).set(u0 + (float) cellW / atlasW, v0 + (float) cellH / atlasH);
        });
        font.width(width).height(lineHeight).query(query).texture(t -> t.id(atlas));
        allocator.alloc(alloc).mfree(free);
        nk_init(ctx, allocator, font);
        // opaque: the view under the panel is not drawn at all (the renderers discard it)
        ctx.style().window().fixed_background().data().color().a((byte) 255);
        // the chosen option and a ticked box in a colour that stands out from the unticked ones' grey
        for (var c : new org.lwjgl.nuklear.NkColor[]{ctx.style().option().cursor_normal().data().color(),
                ctx.style().option().cursor_hover().data().color(), ctx.style().checkbox().cursor_normal().data().color(),
                ctx.style().checkbox().cursor_hover().data().color()}) {
            c.r((byte) 235).g((byte) 170).b((byte) 70).a((byte) 255);
        }
        nk_buffer_init(commands, allocator, 4096);
        white.texture().id(whiteTexture);
        white.uv().set(0.5f, 0.5f);
        layout = NkDrawVertexLayoutElement.calloc(4);
        layout.position(0).attribute(NK_VERTEX_POSITION).format(NK_FORMAT_FLOAT).offset(0);
        layout.position(1).attribute(NK_VERTEX_TEXCOORD).format(NK_FORMAT_FLOAT).offset(8);
        layout.position(2).attribute(NK_VERTEX_COLOR).format(NK_FORMAT_R8G8B8A8).offset(16);
        layout.position(3).attribute(NK_VERTEX_ATTRIBUTE_COUNT).format(NK_FORMAT_COUNT).offset(0);
        layout.flip();

        program = BakedRenderer.link(BakedRenderer.source("panel.vert"), BakedRenderer.source("panel.frag"));
        vao = glGenVertexArrays();
        vbo = glGenBuffers();
        ebo = glGenBuffers();
        glBindVertexArray(vao);
        glBindBuffer(GL_ARRAY_BUFFER, vbo);
        glBindBuffer(GL_ELEMENT_ARRAY_BUFFER, ebo);
        glEnableVertexAttribArray(0);
        glEnableVertexAttribArray(1);
        glEnableVertexAttribArray(2);
        glVertexAttribPointer(0, 2, GL_FLOAT, false, 20, 0);
        glVertexAttribPointer(1, 2, GL_FLOAT, false, 20, 8);
        glVertexAttribPointer(2, 4, GL_UNSIGNED_BYTE, true, 20, 16);
        glBindVertexArray(0);
    }

    private static int texture(int w, int h, ByteBuffer rgba) {
        int t = glGenTextures();
        glBindTexture(GL_TEXTURE_2D, t);
        glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
        glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, w, h, 0, GL_RGBA, GL_UNSIGNED_BYTE, rgba);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
        return t;
    }

    /** The width of {@code s} in pixels. */
    float textWidth(String s) {
        return advance * s.codePointCount(0, s.length());
    }

    float lineHeight() { return lineHeight; }

    // input: between begin() and end(), as the window's events arrive (window coordinates, pixels)
    void begin() { nk_input_begin(ctx); }

    void motion(double x, double y) { nk_input_motion(ctx, (int) x, (int) y); }

    void button(int nkButton, double x, double y, boolean down) { nk_input_button(ctx, nkButton, (int) x, (int) y, down); }

    void scroll(double dx, double dy) {
        try (MemoryStack s = MemoryStack.stackPush()) {
            nk_input_scroll(ctx, NkVec2.malloc(s).x((float) dx).y((float) dy));
        }
    }

    void end() { nk_input_end(ctx); }

    /** Whether the pointer is over a panel window or a widget holds it (a drag on a slider). */
    boolean wantsPointer() {
        return nk_window_is_any_hovered(ctx) || nk_item_is_any_active(ctx);
    }

    /** Draws the frame's widgets over the default framebuffer (winW × winH) and clears them for the next frame. */
    void render(int winW, int winH) {
        glViewport(0, 0, winW, winH);
        glEnable(GL_BLEND);
        glBlendEquation(GL_FUNC_ADD);
        glBlendFunc(GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA);
        glDisable(GL_CULL_FACE);
        glDisable(GL_DEPTH_TEST);
        glEnable(GL_SCISSOR_TEST);
        glActiveTexture(GL_TEXTURE0);
        glUseProgram(program);
        glUniform1i(glGetUniformLocation(program, "atlas"), 0);
        try (MemoryStack stack = MemoryStack.stackPush()) {
            glUniformMatrix4fv(glGetUniformLocation(program, "projection"), false, stack.floats(
                    2f / winW, 0, 0, 0,
                    0, -2f / winH, 0, 0,
                    0, 0, -1, 0,
                    -1, 1, 0, 1));
            glBindVertexArray(vao);
            glBindBuffer(GL_ARRAY_BUFFER, vbo);
            glBindBuffer(GL_ELEMENT_ARRAY_BUFFER, ebo);
            glBufferData(GL_ARRAY_BUFFER, MAX_VERTEX_BYTES, GL_STREAM_DRAW);
            glBufferData(GL_ELEMENT_ARRAY_BUFFER, MAX_ELEMENT_BYTES, GL_STREAM_DRAW);
            ByteBuffer vertices = glMapBuffer(GL_ARRAY_BUFFER, GL_WRITE_ONLY, MAX_VERTEX_BYTES, null);
            ByteBuffer elements = glMapBuffer(GL_ELEMENT_ARRAY_BUFFER, GL_WRITE_ONLY, MAX_ELEMENT_BYTES, null);
            NkConvertConfig config = NkConvertConfig.calloc(stack).vertex_layout(layout).vertex_size(20).vertex_alignment(4)
                    .tex_null(white).circle_segment_count(16).curve_segment_count(16).arc_segment_count(16).global_alpha(1f)
                    .shape_AA(NK_ANTI_ALIASING_ON).line_AA(NK_ANTI_ALIASING_ON);
            NkBuffer vbuf = NkBuffer.malloc(stack), ebuf = NkBuffer.malloc(stack);
            nk_buffer_init_fixed(vbuf, vertices);
            nk_buffer_init_fixed(ebuf, elements);
            nk_convert(ctx, commands, vbuf, ebuf, config);
            glUnmapBuffer(GL_ELEMENT_ARRAY_BUFFER);
            glUnmapBuffer(GL_ARRAY_BUFFER);
            long offset = 0;
            for (NkDrawCommand cmd = nk__draw_begin(ctx, commands); cmd != null; cmd = nk__draw_next(cmd, commands, ctx)) {
                if (cmd.elem_count() == 0) continue;
                glBindTexture(GL_TEXTURE_2D, cmd.texture().id());
                glScissor((int) cmd.clip_rect().x(), (int) (winH - (cmd.clip_rect().y() + cmd.clip_rect().h())),
                        (int) cmd.clip_rect().w(), (int) cmd.clip_rect().h());
                glDrawElements(GL_TRIANGLES, cmd.elem_count(), GL_UNSIGNED_SHORT, offset);
                offset += cmd.elem_count() * 2L;
            }
        }
        nk_clear(ctx);
        nk_buffer_clear(commands);
        glDisable(GL_SCISSOR_TEST);
        glDisable(GL_BLEND);
        glBindVertexArray(0);
    }

    @Override
    public void close() {
        nk_free(ctx);
        nk_buffer_free(commands);
        glDeleteProgram(program);
        glDeleteBuffers(vbo);
        glDeleteBuffers(ebo);
        glDeleteVertexArrays(vao);
        glDeleteTextures(atlas);
        glDeleteTextures(whiteTexture);
        width.free();
        query.free();
        alloc.free();
        free.free();
        layout.free();
        font.free();
        white.free();
        allocator.free();
        commands.free();
        ctx.free();
    }
}
