package nfield.render;

import org.lwjgl.system.MemoryUtil;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;

import static org.lwjgl.opengl.GL33C.*;

/**
 * Lines of text on top of the frame (the viewer's status line and help): drawn with Java2D into
 * an image, uploaded as an RGBA texture and blended over the top-left corner.
 */
final class Overlay implements AutoCloseable {
    private static final Font FONT = new Font(Font.MONOSPACED, Font.PLAIN, 13);
    private final int program, vao, texture;
    private int width, height;
    private String shown;

    Overlay() {
        program = BakedRenderer.link(BakedRenderer.source("overlay.vert"), BakedRenderer.source("overlay.frag"));
        vao = glGenVertexArrays();
        texture = glGenTextures();
    }

    /** Redraws the text texture when the text changed. */
    void text(String text) {
        if (text.equals(shown)) return;
        shown = text;
        String[] lines = text.split("\n");
        BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_ARGB);
        Graphics2D pg = probe.createGraphics();
        pg.setFont(FONT);
        int lineH = pg.getFontMetrics().getHeight(), w = 1;
        for (String l : lines) w = Math.max(w, pg.getFontMetrics().stringWidth(l));
        pg.dispose();
        width = w + 12;
        height = lineH * lines.length + 8;
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(new Color(0, 0, 0, 150));
        g.fillRect(0, 0, width, height);
        g.setFont(FONT);
        g.setColor(new Color(235, 235, 235));
        for (int i = 0; i < lines.length; i++) g.drawString(lines[i], 6, 4 + lineH * i + g.getFontMetrics().getAscent());
        g.dispose();
        ByteBuffer px = MemoryUtil.memAlloc(width * height * 4);
        try {
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    int argb = img.getRGB(x, y);
                    px.put((byte) (argb >> 16)).put((byte) (argb >> 8)).put((byte) argb).put((byte) (argb >>> 24));
                }
            }
            px.flip();
            glBindTexture(GL_TEXTURE_2D, texture);
            glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
            glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, width, height, 0, GL_RGBA, GL_UNSIGNED_BYTE, px);
            glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
            glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
        } finally {
            MemoryUtil.memFree(px);
        }
    }

    /** Blends the text at the top-left of a winW × winH framebuffer (the default one). */
    void draw(int winW, int winH) {
        if (shown == null) return;
        glViewport(0, 0, winW, winH);
        glEnable(GL_BLEND);
        glBlendFunc(GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA);
        glUseProgram(program);
        glActiveTexture(GL_TEXTURE0);
        glBindTexture(GL_TEXTURE_2D, texture);
        glUniform1i(glGetUniformLocation(program, "text"), 0);
        float x0 = -1 + 2f * 8 / winW, y1 = 1 - 2f * 8 / winH;
        glUniform4f(glGetUniformLocation(program, "rect"), x0, y1 - 2f * height / winH, x0 + 2f * width / winW, y1);
        glBindVertexArray(vao);
        glDrawArrays(GL_TRIANGLE_STRIP, 0, 4);
        glDisable(GL_BLEND);
    }

    @Override
    public void close() {
        glDeleteTextures(texture);
        glDeleteVertexArrays(vao);
        glDeleteProgram(program);
    }
}
