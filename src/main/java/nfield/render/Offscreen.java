package nfield.render;

import org.lwjgl.system.MemoryUtil;

import java.nio.ByteBuffer;

import static org.lwjgl.opengl.GL33C.*;

/**
 * An RGBA8 framebuffer object that follows the requested size: where the renderers draw, then
 * read back (offscreen renders) or scale onto the window (the viewer's dynamic resolution).
 * Needs a current GL 3.3 context; not thread-safe.
 */
final class Offscreen implements AutoCloseable {
    private int fbo, colour, width, height;

    /** Binds the framebuffer at w × h, (re)creating it when the size changed. */
    void bind(int w, int h) {
        if (fbo == 0 || w != width || h != height) {
            release();
            fbo = glGenFramebuffers();
            colour = glGenRenderbuffers();
            glBindRenderbuffer(GL_RENDERBUFFER, colour);
            glRenderbufferStorage(GL_RENDERBUFFER, GL_RGBA8, w, h);
            glBindFramebuffer(GL_FRAMEBUFFER, fbo);
            glFramebufferRenderbuffer(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_RENDERBUFFER, colour);
            if (glCheckFramebufferStatus(GL_FRAMEBUFFER) != GL_FRAMEBUFFER_COMPLETE) {
                throw new IllegalStateException("framebuffer " + w + "x" + h + " incomplete");
            }
            width = w;
            height = h;
        }
        glBindFramebuffer(GL_FRAMEBUFFER, fbo);
    }

    /** Scales what was drawn onto the default framebuffer (winW × winH, linear filtering) and unbinds. */
    void blitToWindow(int winW, int winH) {
        glBindFramebuffer(GL_READ_FRAMEBUFFER, fbo);
        glBindFramebuffer(GL_DRAW_FRAMEBUFFER, 0);
        glBlitFramebuffer(0, 0, width, height, 0, 0, winW, winH, GL_COLOR_BUFFER_BIT,
                width == winW && height == winH ? GL_NEAREST : GL_LINEAR);
        glBindFramebuffer(GL_FRAMEBUFFER, 0);
    }

    /** The framebuffer's pixels, rows from the bottom, packed 0xAARRGGBB; unbinds. */
    int[] read() {
        try {
            glBindFramebuffer(GL_READ_FRAMEBUFFER, fbo);
            return readPixels(width, height);
        } finally {
            glBindFramebuffer(GL_FRAMEBUFFER, 0);
        }
    }

    /** The bound read framebuffer's RGBA8 pixels, rows from the bottom, packed 0xAARRGGBB. */
    static int[] readPixels(int w, int h) {
        ByteBuffer px = MemoryUtil.memAlloc(w * h * 4);
        try {
            glPixelStorei(GL_PACK_ALIGNMENT, 4);
            glReadPixels(0, 0, w, h, GL_RGBA, GL_UNSIGNED_BYTE, px);
            int[] out = new int[w * h];
            for (int i = 0; i < out.length; i++) {
                out[i] = 0xFF000000 | (px.get(i * 4) & 0xFF) << 16 | (px.get(i * 4 + 1) & 0xFF) << 8 | (px.get(i * 4 + 2) & 0xFF);
            }
            return out;
        } finally {
            MemoryUtil.memFree(px);
        }
    }

    private void release() {
        if (fbo != 0) {
            glDeleteFramebuffers(fbo);
            glDeleteRenderbuffers(colour);
            fbo = 0;
        }
    }

    @Override
    public void close() {
        release();
    }
}
