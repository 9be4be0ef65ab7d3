package nfield.field;

import nfield.compute.ParamStore;
import nfield.compute.Tensor;

import java.util.random.RandomGenerator;

/**
 * The contract of every encoding, layer and head: a differentiable map in [B, inputWidth] →
 * out [B, outputWidth] with {@code paramCount} parameters in a slice of a {@link ParamStore}.
 * {@code backward} overwrites {@code dIn} (skipped when null), accumulates into the store's
 * gradients, and may overwrite {@code dOut}.
 */
public interface Component {
    int inputWidth();

    int outputWidth();

    int paramCount();

    /** Writes initial values into {@code dst[offset, offset + paramCount)} (host side, double). */
    void initParams(RandomGenerator rng, double[] dst, int offset);

    /** Binds to a store at {@code offset} (named slices are registered there for export). */
    void attach(ParamStore store, int offset, String prefix);

    /** What forward keeps for backward. */
    interface Context {}

    Context forward(Tensor in, Tensor out);

    void backward(Context ctx, Tensor dOut, Tensor dIn);

    /** Shape checks shared by implementations. */
    default void checkForward(Tensor in, Tensor out) {
        Tensor.checkCols(getClass().getSimpleName() + " input", in, inputWidth());
        Tensor.checkShape(getClass().getSimpleName() + " output", out, in.rows(), outputWidth());
    }
}
