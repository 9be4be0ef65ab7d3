package nfield.train;

import nfield.compute.Backend;
import nfield.compute.Tensor;
import nfield.config.EikonalConfig;
import nfield.field.Component;
import nfield.field.Field;

/**
 * The eikonal term ({@code eikonal}): weight · mean over the batch's first {@code points} points
 * of (|∇f| − 1)², ∇f by central differences of step h (six extra field evaluations per point;
 * numerical gradients as in Neuralangelo, Li et al. 2023, §3.1). Its gradient is added to the
 * parameter gradients by one more backward pass; call after the data term's backward.
 */
public final class Eikonal {
    private final EikonalConfig cfg;
    private final Backend backend;
    private final Tensor stencil, values, dValues, elem;

    public Eikonal(EikonalConfig cfg, Backend backend, int batch) {
        this.cfg = cfg;
        this.backend = backend;
        int m = Math.min(cfg.points(), batch);
        stencil = backend.alloc(6 * m, 3);
        values = backend.alloc(6 * m, 1);
        dValues = backend.alloc(6 * m, 1);
        elem = backend.alloc(m, 1);
    }

    public String term() { return "eikonal"; }

    /** Adds the term's parameter gradients for the first points of {@code points}; returns its value if {@code read}. */
    public double apply(Field field, Tensor points, boolean read) {
        int m = elem.rows();
        backend.stencilPoints(points, m, cfg.step(), stencil);
        Component.Context ctx = field.forward(stencil, values);
        backend.eikonal(values, m, cfg.step(), cfg.weight() / m, elem, dValues);
        field.backward(ctx, dValues, null);
        return read ? cfg.weight() * backend.sum(elem) / m : Double.NaN;
    }
}
