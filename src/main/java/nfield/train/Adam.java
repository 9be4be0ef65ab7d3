package nfield.train;

import nfield.compute.ParamStore;
import nfield.config.OptimizerConfig;

/** Adam over the trainable range of a parameter store, with the configured schedule. */
public final class Adam {
    private final OptimizerConfig cfg;
    private final ParamStore store;
    private final int from;
    private long t;

    public Adam(OptimizerConfig cfg, ParamStore store, int trainableFrom) {
        this.cfg = cfg;
        this.store = store;
        this.from = trainableFrom;
    }

    public long steps() { return t; }

    /** Restores the step count (resuming from a checkpoint). */
    public void setSteps(long steps) { t = steps; }

    /** The learning rate at progress p ∈ [0, 1]. */
    public double lr(double progress) {
        return cfg.lr() * cfg.schedule().factor(progress, t);
    }

    /**
     * One update from the gradients in the store. Where it covers the whole store, the update also
     * clears the gradients as it reads them, so that the next {@link ParamStore#zeroGrads} has
     * nothing to do (one pass over the parameters fewer a step).
     */
    public void step(double progress) {
        double lr = lr(progress);
        t++;
        boolean whole = from == 0;
        store.backend().adam(store, from, store.size() - from, lr, cfg.beta1(), cfg.beta2(), cfg.eps(), t, whole);
        if (whole) store.gradsCleared();
    }
}
