package nfield.render;

import org.lwjgl.PointerBuffer;
import org.lwjgl.egl.EGL;
import org.lwjgl.opengl.GL;
import org.lwjgl.system.MemoryStack;

import java.nio.IntBuffer;

import static org.lwjgl.egl.EGL10.*;
import static org.lwjgl.egl.EGL12.*;
import static org.lwjgl.egl.EGL14.*;
import static org.lwjgl.egl.EGL15.*;
import static org.lwjgl.egl.EXTDeviceEnumeration.eglQueryDevicesEXT;
import static org.lwjgl.egl.EXTPlatformBase.eglGetPlatformDisplayEXT;
import static org.lwjgl.egl.EXTPlatformDevice.EGL_PLATFORM_DEVICE_EXT;

/**
 * A headless OpenGL 3.3 core context: EGL on the first EGL device (Mesa's llvmpipe when there is
 * no GPU), with no window and no X server, or, where EGL fails, an invisible GLFW window on the
 * X display (Xvfb works); rendering goes to framebuffer objects. The context is current on the
 * creating thread until {@link #close}.
 */
public final class GlContext implements AutoCloseable {
    private final long display, context, window;
    private final String renderer;

    private GlContext(long display, long context, long window, String renderer) {
        this.display = display;
        this.context = context;
        this.window = window;
        this.renderer = renderer;
    }

    public String renderer() { return renderer; }

    /**
     * EGL first; where that fails and an X display exists (e.g. Xvfb), an invisible GLFW
     * window's context. {@code -Dnfield.gl=egl|glfw} forces one of the two.
     */
    public static GlContext headless() {
        String force = System.getProperty("nfield.gl", "");
        if (force.equals("glfw")) return glfw(null);
        try {
            return open();
        } catch (LinkageError | IllegalStateException | RenderUnavailableException e) {
            String why = e instanceof RenderUnavailableException ? e.getMessage() : unavailable(e.getMessage()).getMessage();
            String display = System.getenv("DISPLAY");
            if (force.equals("egl") || display == null || display.isEmpty()) throw new RenderUnavailableException(why);
            return glfw(why);
        }
    }

    /** An invisible 1×1 GLFW window on the X display: the fallback when EGL is missing. */
    private static GlContext glfw(String eglFailure) {
        if (org.lwjgl.glfw.GLFW.glfwPlatformSupported(org.lwjgl.glfw.GLFW.GLFW_PLATFORM_X11)) {
            org.lwjgl.glfw.GLFW.glfwInitHint(org.lwjgl.glfw.GLFW.GLFW_PLATFORM, org.lwjgl.glfw.GLFW.GLFW_PLATFORM_X11);
        }
        if (!org.lwjgl.glfw.GLFW.glfwInit()) {
            throw new RenderUnavailableException((eglFailure == null ? "" : eglFailure + "; ")
                    + "no X display for the fallback either (DISPLAY=" + System.getenv("DISPLAY") + ")");
        }
        org.lwjgl.glfw.GLFW.glfwDefaultWindowHints();
        org.lwjgl.glfw.GLFW.glfwWindowHint(org.lwjgl.glfw.GLFW.GLFW_VISIBLE, org.lwjgl.glfw.GLFW.GLFW_FALSE);
        org.lwjgl.glfw.GLFW.glfwWindowHint(org.lwjgl.glfw.GLFW.GLFW_CONTEXT_VERSION_MAJOR, 3);
        org.lwjgl.glfw.GLFW.glfwWindowHint(org.lwjgl.glfw.GLFW.GLFW_CONTEXT_VERSION_MINOR, 3);
        org.lwjgl.glfw.GLFW.glfwWindowHint(org.lwjgl.glfw.GLFW.GLFW_OPENGL_PROFILE, org.lwjgl.glfw.GLFW.GLFW_OPENGL_CORE_PROFILE);
        org.lwjgl.glfw.GLFW.glfwWindowHint(org.lwjgl.glfw.GLFW.GLFW_OPENGL_FORWARD_COMPAT, org.lwjgl.glfw.GLFW.GLFW_TRUE);
        long w = org.lwjgl.glfw.GLFW.glfwCreateWindow(1, 1, "nfield", 0, 0);
        if (w == 0) {
            org.lwjgl.glfw.GLFW.glfwTerminate();
            throw new RenderUnavailableException("could not create an OpenGL 3.3 core context on " + System.getenv("DISPLAY"));
        }
        org.lwjgl.glfw.GLFW.glfwMakeContextCurrent(w);
        GL.createCapabilities();
        String r = org.lwjgl.opengl.GL11C.glGetString(org.lwjgl.opengl.GL11C.GL_RENDERER);
        return new GlContext(0, 0, w, r + " (GLFW on " + System.getenv("DISPLAY") + ")");
    }

    private static RenderUnavailableException unavailable(String why) {
        return new RenderUnavailableException("no headless OpenGL 3.3 context (" + why + "); install Mesa's EGL: "
                + "sudo apt-get install libegl1 libegl-mesa0 libgl1-mesa-dri (tools/setup.sh --tests does)");
    }

    private static GlContext open() {
        try (MemoryStack st = MemoryStack.stackPush()) {
            EGL.getCapabilities();
            IntBuffer n = st.mallocInt(1);
            if (!eglQueryDevicesEXT(null, n) || n.get(0) == 0) throw unavailable("no EGL device");
            PointerBuffer devices = st.mallocPointer(n.get(0));
            eglQueryDevicesEXT(devices, n);
            long display = eglGetPlatformDisplayEXT(EGL_PLATFORM_DEVICE_EXT, devices.get(0), (IntBuffer) null);
            IntBuffer major = st.mallocInt(1), minor = st.mallocInt(1);
            if (display == EGL_NO_DISPLAY || !eglInitialize(display, major, minor)) {
                throw unavailable("eglInitialize failed, error 0x" + Integer.toHexString(eglGetError()));
            }
            EGL.createDisplayCapabilities(display, major.get(0), minor.get(0));
            PointerBuffer config = st.mallocPointer(1);
            IntBuffer count = st.mallocInt(1);
            if (!eglChooseConfig(display, st.ints(EGL_SURFACE_TYPE, EGL_PBUFFER_BIT, EGL_RENDERABLE_TYPE, EGL_OPENGL_BIT, EGL_NONE), config, count)
                    || count.get(0) == 0) {
                throw unavailable("no EGL config for desktop OpenGL");
            }
            if (!eglBindAPI(EGL_OPENGL_API)) throw unavailable("eglBindAPI(OpenGL) failed");
            long context = eglCreateContext(display, config.get(0), EGL_NO_CONTEXT, st.ints(
                    EGL_CONTEXT_MAJOR_VERSION, 3, EGL_CONTEXT_MINOR_VERSION, 3,
                    EGL_CONTEXT_OPENGL_PROFILE_MASK, EGL_CONTEXT_OPENGL_CORE_PROFILE_BIT, EGL_NONE));
            if (context == EGL_NO_CONTEXT) throw unavailable("eglCreateContext failed, error 0x" + Integer.toHexString(eglGetError()));
            if (!eglMakeCurrent(display, EGL_NO_SURFACE, EGL_NO_SURFACE, context)) {
                throw unavailable("eglMakeCurrent failed, error 0x" + Integer.toHexString(eglGetError()));
            }
            GL.createCapabilities();
            String r = org.lwjgl.opengl.GL11C.glGetString(org.lwjgl.opengl.GL11C.GL_RENDERER);
            return new GlContext(display, context, 0, r);
        }
    }

    @Override
    public void close() {
        GL.setCapabilities(null);
        if (window != 0) {
            org.lwjgl.glfw.GLFW.glfwDestroyWindow(window);
            org.lwjgl.glfw.GLFW.glfwTerminate();
            return;
        }
        eglMakeCurrent(display, EGL_NO_SURFACE, EGL_NO_SURFACE, EGL_NO_CONTEXT);
        eglDestroyContext(display, context);
    }
}
