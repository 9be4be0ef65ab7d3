package nfield.pipeline;

import nfield.train.Trainer;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Stops a running fit from another thread ({@link #stop()}: a closed window, a scheduler); the
 * fit then ends after its current step and still writes its field. With {@link #onSignals()},
 * Ctrl-C and SIGTERM stop it too, and the JVM waits (up to 30 s) for that write before it exits.
 */
public final class FitControl {
    private volatile boolean stopped;
    private volatile Trainer trainer;
    private final boolean signals;

    public FitControl() {
        this(false);
    }

    private FitControl(boolean signals) {
        this.signals = signals;
    }

    /** A control that Ctrl-C and SIGTERM also trigger while a fit runs (the command line's). */
    public static FitControl onSignals() {
        return new FitControl(true);
    }

    public void stop() {
        stopped = true;
        Trainer t = trainer;
        if (t != null) t.requestStop();
    }

    public boolean stopped() { return stopped; }

    private volatile boolean paused;

    /** Holds the running fit between steps (true) or lets it go on (false); its time budget does not run meanwhile. */
    public void pause(boolean hold) {
        paused = hold;
        Trainer t = trainer;
        if (t != null) t.pause(hold);
    }

    public boolean paused() { return paused; }

    /** Binds the trainer while a fit runs; closing the returned scope unbinds it (and removes the signal hook). */
    Scope bind(Trainer t) {
        trainer = t;
        if (stopped) t.requestStop();
        if (paused) t.pause(true);
        return new Scope(signals ? hook() : null);
    }

    private Thread hook() {
        Thread h = new Thread(() -> {
            stop();
            try {
                written.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }, "nfield-stop");
        Runtime.getRuntime().addShutdownHook(h);
        return h;
    }

    private final CountDownLatch written = new CountDownLatch(1);

    /** While a fit runs: the signal hook waits for {@link #close()}, which comes after the field is written. */
    final class Scope implements AutoCloseable {
        private final Thread hook;

        private Scope(Thread hook) {
            this.hook = hook;
        }

        @Override
        public void close() {
            trainer = null;
            written.countDown();
            if (hook == null) return;
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException ignored) {
                // already shutting down (Ctrl-C): the hook waits for the write before this
            }
        }
    }
}
