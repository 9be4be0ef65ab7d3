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
 * no GPU), with no window and no X server; rendering goes to framebuffer objects. The context
 * is current on the creating thread until {@link #close}.
 */
public final class GlContext implements AutoCloseable {
    private final long display, context;
    private final String renderer;

    private GlContext(long display, long context, String renderer) {
        this.display = display;
        this.context = context;
        this.renderer = renderer;
    }

    public String renderer() { return renderer; }

    public static GlContext headless() {
        try {
            return open();
        } catch (LinkageError | IllegalStateException e) {
            throw unavailable(e.getMessage());
        }
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
            return new GlContext(display, context, r);
        }
    }

    @Override
    public void close() {
        eglMakeCurrent(display, EGL_NO_SURFACE, EGL_NO_SURFACE, EGL_NO_CONTEXT);
        eglDestroyContext(display, context);
        GL.setCapabilities(null);
    }
}
