package nfield.render;

/** No OpenGL 3.3 context could be made here; the message says what to install or use. */
public final class RenderUnavailableException extends RuntimeException {
    public RenderUnavailableException(String message) {
        super(message);
    }
}
