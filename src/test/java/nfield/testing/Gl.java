package nfield.testing;

import nfield.render.GlContext;
import nfield.render.RenderUnavailableException;
import org.junit.jupiter.api.Assumptions;

/** A headless OpenGL context for tests, or a skip (with the reason) where none can be made. */
public final class Gl {
    private Gl() {}

    /** A new context, current on this thread; the caller closes it. */
    public static GlContext headless() {
        try {
            return GlContext.headless();
        } catch (RenderUnavailableException e) {
            Assumptions.abort("needs OpenGL through EGL (CI installs Mesa): " + e.getMessage());
            throw e;
        }
    }
}
