package nfield.train;

import nfield.compute.Backend;
import nfield.compute.LossFn;
import nfield.compute.Tensor;
import nfield.config.LossConfig;

/**
 * A named data term (e.g. {@code sdf}): the mean of an elementwise {@link LossFn} over
 * pred [B, C] against target [B, C]. {@link #apply} writes dL/dpred and reads the value back
 * only when asked (reading waits for the device).
 */
public final class Loss {
    private final String term;
    private final LossFn fn;
    private final Backend backend;
    private Tensor elem;

    public Loss(String term, LossConfig cfg, Backend backend) {
        this(term, LossFn.of(cfg.type(), cfg.delta()), backend);
    }

    public Loss(String term, LossFn fn, Backend backend) {
        this.term = term;
        this.fn = fn;
        this.backend = backend;
    }

    public String term() { return term; }

    public LossFn fn() { return fn; }

    /** dPred = d mean(loss) / d pred; returns the mean loss if {@code read}, else NaN. */
    public double apply(Tensor pred, Tensor target, Tensor dPred, boolean read) {
        Tensor.checkShape("loss target", target, pred.rows(), pred.cols());
        Tensor.checkShape("loss gradient", dPred, pred.rows(), pred.cols());
        if (elem == null || elem.rows() < pred.rows() || elem.cols() != pred.cols()) {
            elem = backend.alloc(pred.rows(), pred.cols());
        }
        Tensor e = elem.view(pred.rows());
        double count = (double) pred.rows() * pred.cols();
        backend.loss(pred, target, fn, 1 / count, e, dPred);
        return read ? backend.sum(e) / count : Double.NaN;
    }
}
