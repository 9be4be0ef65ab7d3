package nfield.render;

import org.joml.Vector3f;

import static org.lwjgl.opengl.GL33C.*;

/**
 * The fullscreen pass of the ray-marching shaders drawn only over the screen rectangle of the box
 * their rays march through, the rest cleared to what a ray that misses the box shows. llvmpipe
 * skips the blocks of pixels outside the scissor; on a GPU it costs nothing.
 */
final class BoxPass {
    private BoxPass() {}

    /**
     * Clears the bound target (w × h) to {@code miss} (RGB) and draws the bound fullscreen
     * triangle over the box [lo, hi]'s projection; {@code lo} null: the box is empty, nothing is
     * drawn. Inside a scissor already set (a tile), the whole triangle within it.
     */
    static void draw(Camera cam, float[] lo, float[] hi, int w, int h, float[] miss) {
        glClearColor(miss[0], miss[1], miss[2], 1);
        glClear(GL_COLOR_BUFFER_BIT);
        if (lo == null) return;
        int[] r = glIsEnabled(GL_SCISSOR_TEST) ? null : screenRect(cam, lo, hi, w, h);
        if (r == null) {
            glDrawArrays(GL_TRIANGLES, 0, 3);
            return;
        }
        glEnable(GL_SCISSOR_TEST);
        glScissor(r[0], r[1], r[2], r[3]);
        try {
            glDrawArrays(GL_TRIANGLES, 0, 3);
        } finally {
            glDisable(GL_SCISSOR_TEST);
        }
    }

    /**
     * The pixels {x, y, w, h} (from the bottom left, a pixel wider each side) that the box [lo, hi]
     * covers in a w × h view, or null where the eye is inside it or level with its near side.
     */
    static int[] screenRect(Camera cam, float[] lo, float[] hi, int w, int h) {
        Vector3f eye = cam.eye(), fw = cam.forward(), rt = cam.right(), up = cam.up();
        float th = cam.tanHalfFov(), aspect = (float) w / h;
        float x0 = Float.POSITIVE_INFINITY, y0 = Float.POSITIVE_INFINITY, x1 = Float.NEGATIVE_INFINITY, y1 = Float.NEGATIVE_INFINITY;
        for (int k = 0; k < 8; k++) {
            float vx = ((k & 1) == 0 ? lo[0] : hi[0]) - eye.x, vy = ((k & 2) == 0 ? lo[1] : hi[1]) - eye.y,
                    vz = ((k & 4) == 0 ? lo[2] : hi[2]) - eye.z;
            float z = vx * fw.x + vy * fw.y + vz * fw.z;
            if (!(z > 1e-3f)) return null;
            float nx = (vx * rt.x + vy * rt.y + vz * rt.z) / (z * th * aspect), ny = (vx * up.x + vy * up.y + vz * up.z) / (z * th);
            x0 = Math.min(x0, (nx + 1) / 2 * w);
            x1 = Math.max(x1, (nx + 1) / 2 * w);
            y0 = Math.min(y0, (ny + 1) / 2 * h);
            y1 = Math.max(y1, (ny + 1) / 2 * h);
        }
        int ax = Math.max(0, (int) Math.floor(x0) - 1), ay = Math.max(0, (int) Math.floor(y0) - 1);
        int bx = Math.min(w, (int) Math.ceil(x1) + 1), by = Math.min(h, (int) Math.ceil(y1) + 1);
        return new int[]{ax, ay, Math.max(0, bx - ax), Math.max(0, by - ay)};
    }

    /** The window's part the viewer's panel covers, in the pixels of a target of another size. */
    static final class Covered {
        private float[] rect;
        private int winW, winH;

        /** {x, y, w, h} from the top left of a winW × winH window; null: nothing covered. */
        void set(float[] windowRect, int winW, int winH) {
            rect = windowRect == null ? null : windowRect.clone();
            this.winW = winW;
            this.winH = winH;
        }

        /** {x, y, w, h} in a w × h target, from its bottom left, or null. */
        float[] inTarget(int w, int h) {
            return ViewUniforms.toTarget(rect, w, h, winW, winH);
        }
    }
}
