package nfield.render;

/** A live fit as the viewer's panel controls it: pause, resume, stop, and the losses logged so far. */
public interface LiveControls {
    boolean paused();

    /** Holds the fit between steps (true) or lets it go on. */
    void pause(boolean hold);

    void stop();

    boolean stopped();

    /** Logged losses, oldest first (at most a few hundred). */
    float[] losses();

    /** One line: the step and the loss terms. */
    String line();
}
