package nfield.train;

import nfield.compute.Backend;
import nfield.compute.Tensor;
import nfield.config.TrainConfig;
import nfield.field.Component;
import nfield.field.Field;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The step loop: batch → forward → loss → backward → Adam, until the step count, the time
 * budget or the target loss is reached (whichever first), or {@link #requestStop()}.
 * The loss is read back every {@code logEvery} steps only, so the device is never waited on
 * in between.
 */
public final class Trainer {
    /** One progress report. */
    public record Progress(long step, long totalSteps, double elapsedS, double etaS, Map<String, Double> terms,
                           double pointsPerS, double lr) {}

    public interface Listener {
        void progress(Progress p);
    }

    /** Training produced a NaN or infinite loss. */
    public static final class DivergedException extends RuntimeException {
        public DivergedException(String message) {
            super(message);
        }
    }

    /**
     * What one step minimises: on entry the parameter gradients are zero; it computes the loss of
     * step {@code step} and accumulates its gradients into the field's store.
     */
    public interface Objective {
        /** The loss when {@code read}, else NaN (nothing is waited on). */
        double step(long step, boolean read);

        /** The parts of the last loss read, by name (one entry when there is one term). */
        Map<String, Double> terms();

        /** The main term's name, for messages. */
        String term();

        /** Points (SDF) or ray samples (radiance) the last step processed, for the rate. */
        long lastSamples();
    }

    /** The SDF objective: a batch of points from {@code source}, the loss, and the optional eikonal term. */
    static final class SdfObjective implements Objective {
        private final Field field;
        private final Loss loss;
        private final SampleSource source;
        private final int batch;
        private final Tensor points, targets, pred, dPred;
        private Eikonal eikonal;
        private final Map<String, Double> terms = new LinkedHashMap<>();

        SdfObjective(Field field, Loss loss, SampleSource source, int batch) {
            this.field = field;
            this.loss = loss;
            this.source = source;
            this.batch = batch;
            Backend b = field.backend();
            points = b.alloc(batch, 3);
            targets = b.alloc(batch, source.targetWidth());
            pred = b.alloc(batch, field.outputWidth());
            dPred = b.alloc(batch, field.outputWidth());
        }

        @Override
        public double step(long step, boolean read) {
            source.next(points, targets, step);
            Component.Context ctx = field.forward(points, pred);
            double l = loss.apply(pred, targets, dPred, read);
            field.backward(ctx, dPred, null);
            if (read) {
                terms.clear();
                terms.put(loss.term(), l);
            }
            if (eikonal != null) {
                double e = eikonal.apply(field, points, read);
                if (read) {
                    terms.put(eikonal.term(), e);
                    l += e;
                }
            }
            return l;
        }

        @Override public Map<String, Double> terms() { return terms; }

        @Override public String term() { return loss.term(); }

        @Override public long lastSamples() { return batch; }
    }

    private final nfield.compute.ParamStore store;
    private final Objective objective;
    private final Adam adam;
    private final TrainConfig cfg;
    private volatile boolean stopRequested;
    private double lastLoss = Double.NaN;
    /** The step of the last finite loss read, or -1. */
    private long lastFinite = -1;

    /** Fits an SDF to points from {@code source}. */
    public Trainer(Field field, Loss loss, Adam adam, SampleSource source, TrainConfig cfg) {
        this(field, new SdfObjective(field, loss, source, cfg.batch()), adam, cfg);
    }

    public Trainer(Field field, Objective objective, Adam adam, TrainConfig cfg) {
        this(field.params(), objective, adam, cfg);
    }

    /** Minimises {@code objective} over the parameters of {@code store} (a field's, or a shape space's). */
    public Trainer(nfield.compute.ParamStore store, Objective objective, Adam adam, TrainConfig cfg) {
        this.store = store;
        this.objective = objective;
        this.adam = adam;
        this.cfg = cfg;
    }

    /** Adds the eikonal term to every step of an SDF fit (null: none). */
    public Trainer withEikonal(Eikonal e) {
        if (!(objective instanceof SdfObjective sdf)) throw new IllegalStateException("the eikonal term is for SDF fits");
        sdf.eikonal = e;
        return this;
    }

    public void requestStop() {
        synchronized (pauseLock) {
            stopRequested = true;
            pauseLock.notifyAll();
        }
    }

    private final Object pauseLock = new Object();
    private volatile boolean paused;

    /**
     * Holds the fit between steps ({@code true}) or lets it go on; time spent paused does not
     * count against a time budget. A stop request ends a pause.
     */
    public void pause(boolean hold) {
        synchronized (pauseLock) {
            paused = hold;
            pauseLock.notifyAll();
        }
    }

    /** Waits while paused; returns the nanoseconds waited. */
    private long awaitResume() {
        long t0 = System.nanoTime();
        synchronized (pauseLock) {
            while (paused && !stopRequested) {
                try {
                    pauseLock.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    stopRequested = true;
                }
            }
        }
        return System.nanoTime() - t0;
    }

    public double lastLoss() {
        return lastLoss;
    }

    public Adam optimizer() {
        return adam;
    }

    /**
     * Fault injection for tests and {@code tools/faults.sh}: {@code -Dnfield.fault.nan-at-step=N}
     * turns every parameter into NaN after step N, as a diverging update would.
     */
    private final long faultNanStep = Long.getLong("nfield.fault.nan-at-step", -1);

    private void poison() {
        double[] p = store.readParams();
        java.util.Arrays.fill(p, Double.NaN);
        store.backend().write(store.params(), p);
    }

    /** One training step; returns the loss when {@code read}, else NaN. */
    public double step(double progress, boolean read) {
        store.zeroGrads();
        double l = objective.step(adam.steps(), read);
        adam.step(progress);
        return l;
    }

    /** Runs until a stopping rule holds; returns the last loss read. */
    public double run(Listener listener) {
        long start = System.nanoTime();
        long total = cfg.steps();
        long first = adam.steps();
        double lastLogT = 0;
        double samplesSinceLog = 0;
        // steps are queued without waiting, so under a time budget the clock only tells the truth after a wait for the
        // device: wait every syncEvery steps, chosen so that a wait comes about every 50 ms of work (the budget's overshoot)
        long syncEvery = 1, lastSyncStep = first;
        double lastSyncT = 0;
        while (true) {
            if (paused) start += awaitResume(); // the budget's clock stands still while paused
            long done = adam.steps() - first;
            if (cfg.seconds() > 0 && done > 0 && (adam.steps() - lastSyncStep) % syncEvery == 0) {
                store.backend().finish();
                double t = (System.nanoTime() - start) * 1e-9, perStep = (t - lastSyncT) / (adam.steps() - lastSyncStep);
                syncEvery = Math.max(1, Math.min(cfg.logEvery(), Math.round(0.05 / Math.max(1e-6, perStep))));
                lastSyncT = t;
                lastSyncStep = adam.steps();
            }
            double elapsed = (System.nanoTime() - start) * 1e-9;
            double progress = Math.max(total > 0 ? (double) done / total : 0, cfg.seconds() > 0 ? elapsed / cfg.seconds() : 0);
            boolean last = (total > 0 && done + 1 >= total) || (cfg.seconds() > 0 && elapsed >= cfg.seconds()) || stopRequested;
            boolean read = last || (done + 1) % cfg.logEvery() == 0;
            double l = step(progress, read);
            if (adam.steps() == faultNanStep) poison();
            samplesSinceLog += objective.lastSamples();
            if (read) {
                lastLoss = l;
                if (!Double.isFinite(l)) {
                    List<String> bad = new ArrayList<>();
                    objective.terms().forEach((k, v) -> {
                        if (!Double.isFinite(v)) bad.add(k + " " + v);
                    });
                    if (bad.isEmpty()) bad.add(objective.term() + " " + l);
                    throw new DivergedException("the loss became non-finite (" + String.join(", ", bad) + ") at step " + adam.steps()
                            + (lastFinite >= 0 ? ", after a finite loss at step " + lastFinite : "") + "; nothing was written after step "
                            + Math.max(0, lastFinite) + " (the last checkpoint stays). Lower optimizer.lr (now " + adam.lr(progress)
                            + ") in the scene file, or check the data for NaN values");
                }
                lastFinite = adam.steps();
                double now = (System.nanoTime() - start) * 1e-9;
                double rate = samplesSinceLog / Math.max(1e-9, now - lastLogT);
                samplesSinceLog = 0;
                lastLogT = now;
                double eta = etaSeconds(adam.steps() - first, now);
                Map<String, Double> terms = new LinkedHashMap<>(objective.terms());
                if (listener != null) listener.progress(new Progress(adam.steps(), total > 0 ? first + total : 0, now, eta, terms, rate, adam.lr(progress)));
                if (cfg.targetLoss() > 0 && l <= cfg.targetLoss()) break;
            }
            if (last) break;
        }
        return lastLoss;
    }

    private double etaSeconds(long done, double elapsed) {
        double bySteps = cfg.steps() > 0 && done > 0 ? elapsed / done * (cfg.steps() - done) : Double.POSITIVE_INFINITY;
        double byTime = cfg.seconds() > 0 ? Math.max(0, cfg.seconds() - elapsed) : Double.POSITIVE_INFINITY;
        double eta = Math.min(bySteps, byTime);
        return Double.isInfinite(eta) ? Double.NaN : eta;
    }
}
