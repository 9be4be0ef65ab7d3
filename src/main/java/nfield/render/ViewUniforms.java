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

    static void vec3(int program, String name, Vector3f v) {
        glUniform3f(glGetUniformLocation(program, name), v.x, v.y, v.z);
    }
}
