package nfield.train;

import nfield.compute.Backend;
import nfield.compute.Tensor;
import nfield.config.TrainConfig;
import nfield.field.Component;
import nfield.field.Field;

import java.util.LinkedHashMap;
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

    private final Field field;
    private final Loss loss;
    private final Adam adam;
    private final SampleSource source;
    private final TrainConfig cfg;
    private final Tensor points, targets, pred, dPred;
    private Eikonal eikonal;
    private double lastEikonal = Double.NaN;
    private volatile boolean stopRequested;
    private double lastLoss = Double.NaN;

    public Trainer(Field field, Loss loss, Adam adam, SampleSource source, TrainConfig cfg) {
        this.field = field;
        this.loss = loss;
        this.adam = adam;
        this.source = source;
        this.cfg = cfg;
        Backend b = field.backend();
        points = b.alloc(cfg.batch(), 3);
        targets = b.alloc(cfg.batch(), source.targetWidth());
        pred = b.alloc(cfg.batch(), field.outputWidth());
        dPred = b.alloc(cfg.batch(), field.outputWidth());
    }

    /** Adds the eikonal term to every step (null: none). */
    public Trainer withEikonal(Eikonal e) {
        eikonal = e;
        return this;
    }

    public void requestStop() {
        stopRequested = true;
    }

    public double lastLoss() {
        return lastLoss;
    }

    public Adam optimizer() {
        return adam;
    }

    /** One training step; returns the loss when {@code read}, else NaN. */
    public double step(double progress, boolean read) {
        source.next(points, targets, adam.steps());
        field.params().zeroGrads();
        Component.Context ctx = field.forward(points, pred);
        double l = loss.apply(pred, targets, dPred, read);
        field.backward(ctx, dPred, null);
        if (eikonal != null) {
            lastEikonal = eikonal.apply(field, points, read);
            if (read) l += lastEikonal;
        }
        adam.step(progress);
        return l;
    }

    /** Runs until a stopping rule holds; returns the last loss read. */
    public double run(Listener listener) {
        long start = System.nanoTime();
        long total = cfg.steps();
        long first = adam.steps();
        long lastLogStep = first;
        double lastLogT = 0;
        while (true) {
            long done = adam.steps() - first;
            double elapsed = (System.nanoTime() - start) * 1e-9;
            double progress = Math.max(total > 0 ? (double) done / total : 0, cfg.seconds() > 0 ? elapsed / cfg.seconds() : 0);
            boolean last = (total > 0 && done + 1 >= total) || (cfg.seconds() > 0 && elapsed >= cfg.seconds()) || stopRequested;
            boolean read = last || (done + 1) % cfg.logEvery() == 0;
            double l = step(progress, read);
            if (read) {
                lastLoss = l;
                if (!Double.isFinite(l)) {
                    throw new DivergedException("the " + loss.term() + " loss became " + l + " at step " + adam.steps()
                            + "; lower optimizer.lr (now " + adam.lr(progress) + ") in the scene file, or check the data for NaN values");
                }
                double now = (System.nanoTime() - start) * 1e-9;
                double rate = (adam.steps() - lastLogStep) * (double) cfg.batch() / Math.max(1e-9, now - lastLogT);
                lastLogStep = adam.steps();
                lastLogT = now;
                double eta = etaSeconds(adam.steps() - first, now);
                Map<String, Double> terms = new LinkedHashMap<>();
                if (eikonal != null) {
                    terms.put(loss.term(), l - lastEikonal);
                    terms.put(eikonal.term(), lastEikonal);
                } else {
                    terms.put(loss.term(), l);
                }
                if (listener != null) listener.progress(new Progress(adam.steps(), total, now, eta, terms, rate, adam.lr(progress)));
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
