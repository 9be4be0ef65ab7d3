package nfield.pipeline;

import nfield.field.FieldQuery;
import nfield.field.FittedField;
import nfield.render.BakedGrid;
import nfield.render.Camera;
import nfield.render.Mode;
import nfield.render.Viewer;
import nfield.render.VolumeBaker;
import nfield.render.VolumeGrid;
import nfield.train.Trainer;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

/**
 * A fit watched in a window ({@code fit --view}): the fit runs on a worker thread while this thread runs the window (GLFW
 * wants the main thread). The worker bakes the field between steps (at most every half second,
 * and so that baking takes at most a fifth of the time) and hands the bake to the window;
 * closing the window stops the fit, which still writes its field.
 */
public final class LiveFit {
    private LiveFit() {}

    /** The bake resolution of a live SDF, a radiance field's along its visible box, and the radiance coarse lattice. */
    static final int BAKE = 64, COARSE = 32;

    /** A fit to run (SdfFit or RadianceFit with its request and backend), reporting to the listener given. */
    public interface Fit {
        FitResult run(FitListener listener) throws Exception;
    }

    /** What the worker hands over: a bake of either kind, and how to bake again. */
    private record Live(Supplier<Object> bake, Object first, float[] background) {}

    /** Runs {@code fit} on a worker thread and the window (closed after {@code frames} frames, 0: by the user) on this one. */
    public static FitResult run(String title, int frames, FitControl control, FitListener printer, Fit fit) throws Exception {
        CompletableFuture<Live> ready = new CompletableFuture<>();
        Viewer[] shown = {null};
        Losses losses = new Losses(control);
        FitListener listener = new FitListener() {
            private long next;
            private Supplier<Object> bake;

            @Override public void info(String line) { printer.info(line); }

            @Override public void snapshot(Path file, double elapsedS, long step) { printer.snapshot(file, elapsedS, step); }

            @Override
            public void started(FittedField f) {
                printer.started(f);
                if (f.isSdf()) {
                    FieldQuery q = new FieldQuery(f.field());
                    bake = () -> BakedGrid.bake(q, BAKE);
                    ready.complete(new Live(bake, bake.get(), null));
                } else {
                    VolumeBaker b = new VolumeBaker(f, BAKE, COARSE, null);
                    bake = () -> b.bake(Camera.HOME);
                    ready.complete(new Live(bake, bake.get(), b.background()));
                }
            }

            @Override
            public void progress(Trainer.Progress p) {
                printer.progress(p);
                losses.add(p);
                Viewer v;
                synchronized (shown) {
                    v = shown[0];
                }
                if (v == null) return;
                StringBuilder line = new StringBuilder("step ").append(p.step());
                p.terms().forEach((k, x) -> line.append(String.format(Locale.ROOT, "  %s %.4g", k, x)));
                long now = System.nanoTime();
                if (now < next) {
                    v.status(line.toString());
                    return;
                }
                show(v, bake.get(), line.toString());
                next = System.nanoTime() + Math.max(500_000_000L, 4 * (System.nanoTime() - now));
            }
        };
        Object[] result = {null};
        Throwable[] failure = {null};
        Thread worker = new Thread(() -> {
            try {
                FitResult r = fit.run(listener);
                result[0] = r;
                Viewer v;
                synchronized (shown) {
                    v = shown[0];
                }
                if (v != null) show(v, ready.join().bake().get(), "done: " + r.steps() + " steps");
            } catch (Throwable t) {
                failure[0] = t;
                ready.completeExceptionally(t);
            }
        }, "nfield-train");
        worker.start();
        try {
            Live live;
            try {
                live = ready.get();
            } catch (ExecutionException e) {
                worker.join();
                throw rethrow(failure[0]);
            }
            Viewer.Options opt = new Viewer.Options(768, 768, frames, null, false, 30, Mode.SHADED);
            Viewer viewer = live.first() instanceof VolumeGrid g ? new Viewer(title, g, live.background(), Camera.HOME, opt)
                    : new Viewer(title, (BakedGrid) live.first(), Camera.HOME, opt);
            try (viewer) {
                synchronized (shown) {
                    shown[0] = viewer;
                }
                viewer.training(losses);
                viewer.run();
            } finally {
                synchronized (shown) {
                    shown[0] = null;
                }
            }
        } finally {
            control.stop();
            worker.join();
        }
        if (failure[0] != null) throw rethrow(failure[0]);
        return (FitResult) result[0];
    }

    /** The panel's view of the fit: its control, and the losses logged (the sum of the terms), thinned to at most 512. */
    private static final class Losses implements nfield.render.LiveControls {
        private final FitControl control;
        private float[] values = new float[512];
        private int n, every = 1, seen;
        private volatile String line = "starting...";

        Losses(FitControl control) {
            this.control = control;
        }

        synchronized void add(Trainer.Progress p) {
            double sum = 0;
            for (double v : p.terms().values()) sum += v;
            StringBuilder b = new StringBuilder("step ").append(p.step());
            p.terms().forEach((k, x) -> b.append(String.format(Locale.ROOT, "  %s %.3g", k, x)));
            line = b.toString();
            if (seen++ % every != 0) return;
            if (n == values.length) { // keep every other one, then take half as many
                for (int i = 0; i < n / 2; i++) values[i] = values[2 * i];
                n /= 2;
                every *= 2;
            }
            values[n++] = (float) sum;
        }

        @Override public synchronized float[] losses() { return java.util.Arrays.copyOf(values, n); }

        @Override public String line() { return line; }

        @Override public boolean paused() { return control.paused(); }

        @Override public void pause(boolean hold) { control.pause(hold); }

        @Override public void stop() {
            control.pause(false);
            control.stop();
        }

        @Override public boolean stopped() { return control.stopped(); }
    }

    private static void show(Viewer v, Object grid, String line) {
        if (grid instanceof VolumeGrid g) v.update(g, line);
        else v.update((BakedGrid) grid, line);
    }

    private static Exception rethrow(Throwable t) {
        return t instanceof Exception e ? e : new IllegalStateException(t);
    }
}
