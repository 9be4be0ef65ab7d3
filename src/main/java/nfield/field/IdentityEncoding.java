package nfield.field;

import nfield.compute.ParamStore;
import nfield.compute.Tensor;

import java.util.random.RandomGenerator;

/** in [B, d] → out [B, d], unchanged. */
public final class IdentityEncoding implements Encoding {
    private final int d;
    private ParamStore store;

    public IdentityEncoding(int d) {
        this.d = d;
    }

    @Override public int inputWidth() { return d; }

    @Override public int outputWidth() { return d; }

    @Override public int paramCount() { return 0; }

    @Override public int rawColumns() { return d; }

    @Override public void initParams(RandomGenerator rng, double[] dst, int offset) { }

    @Override public void attach(ParamStore s, int offset, String prefix) { store = s; }

    @Override
    public Context forward(Tensor in, Tensor out) {
        checkForward(in, out);
        store.backend().copyCols(in, 0, out, 0, d, false);
        return null;
    }

    @Override
    public void backward(Context ctx, Tensor dOut, Tensor dIn) {
        if (dIn != null) store.backend().copyCols(dOut, 0, dIn, 0, d, false);
    }
}
