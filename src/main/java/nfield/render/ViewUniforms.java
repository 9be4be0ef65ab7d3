package nfield.render;

import org.joml.Vector3f;

import static org.lwjgl.opengl.GL33C.*;

/**
 * The uniforms every ray-marching shader here takes from the orbit camera and the view: eye,
 * right, up, forward, tanHalfFov, aspect, size, mode, sliceY, nearT and farT (the box's depth
 * range along the view). Sets them on the program in use.
 */
final class ViewUniforms {
    private ViewUniforms() {}

    static void set(int program, Camera cam, Mode mode, int w, int h, float sliceY) {
        vec3(program, "eye", cam.eye());
        vec3(program, "right", cam.right());
        vec3(program, "up", cam.up());
        vec3(program, "forward", cam.forward());
        glUniform1f(glGetUniformLocation(program, "tanHalfFov"), cam.tanHalfFov());
        glUniform1f(glGetUniformLocation(program, "aspect"), (float) w / h);
        glUniform2f(glGetUniformLocation(program, "size"), w, h);
        glUniform1i(glGetUniformLocation(program, "mode"), mode.ordinal());
        glUniform1f(glGetUniformLocation(program, "sliceY"), sliceY);
        glUniform1f(glGetUniformLocation(program, "nearT"), (float) cam.distance() - 1.8f);
        glUniform1f(glGetUniformLocation(program, "farT"), (float) cam.distance() + 1.8f);
    }

    /** The box rays march through ({@code lo}, {@code hi}) and whether the surface is cut by it (trace.frag's crop). */
    static void crop(int program, float[] lo, float[] hi, boolean cut) {
        glUniform3f(glGetUniformLocation(program, "cropLo"), lo[0], lo[1], lo[2]);
        glUniform3f(glGetUniformLocation(program, "cropHi"), hi[0], hi[1], hi[2]);
        glUniform1i(glGetUniformLocation(program, "crop"), cut ? 1 : 0);
    }

    /** The viewer's panel covers {x, y, w, h} (pixels of the target, from the bottom left): not drawn there; null: nothing covered. */
    static void occluder(int program, float[] r) {
        if (r == null) glUniform4f(glGetUniformLocation(program, "occluder"), 0, 0, 0, 0);
        else glUniform4f(glGetUniformLocation(program, "occluder"), r[0], r[1], r[2], r[3]);
    }

    /** A window rectangle (x, y, w, h from the top left of a winW × winH window) in the pixels of a w × h target, from its bottom left. */
    static float[] toTarget(float[] r, int w, int h, int winW, int winH) {
        if (r == null) return null;
        float sx = (float) w / winW, sy = (float) h / winH;
        return new float[]{r[0] * sx, (winH - r[1] - r[3]) * sy, r[2] * sx, r[3] * sy};
    }

    static void vec3(int program, String name, Vector3f v) {
        glUniform3f(glGetUniformLocation(program, name), v.x, v.y, v.z);
    }
}
