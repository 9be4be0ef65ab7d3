package nfield.field;

import nfield.compute.ParamStore;
import nfield.compute.Tensor;

import java.util.random.RandomGenerator;

/**
 * Gaussian Fourier features (Tancik et al. 2020, sec. 6): in [B, d] → out [B, inc·d + 2m],
 * [x if inc], cos(2π x·B_j), sin(2π x·B_j), with B [m, d] ~ N(0, σ²) drawn at init and kept
 * frozen in the parameter store (so it is saved and exported with the field).
 * Kernel: opencl/encoding/fourier.cl.
 */
public final class FourierEncoding implements Encoding {
    private final int d, features;
    private final double sigma;
    private final boolean includeInput;
    private ParamStore store;
    private int offset;

    private record Ctx(Tensor in) implements Context {}

    public FourierEncoding(int d, int features, double sigma, boolean includeInput) {
        this.d = d;
        this.features = features;
        this.sigma = sigma;
        this.includeInput = includeInput;
    }

    @Override public int inputWidth() { return d; }

    @Override public int outputWidth() { return (includeInput ? d : 0) + 2 * features; }

    @Override public int paramCount() { return features * d; }

    @Override public int rawColumns() { return includeInput ? d : 0; }

    @Override
    public void initParams(RandomGenerator rng, double[] dst, int off) {
        for (int i = 0; i < features * d; i++) dst[off + i] = sigma * rng.nextGaussian();
    }

    @Override
    public void attach(ParamStore s, int off, String prefix) {
        store = s;
        offset = off;
        s.addSlice(new ParamStore.Slice(prefix + "B", off, new int[]{features, d}, false));
    }

    @Override
    public Context forward(Tensor in, Tensor out) {
        checkForward(in, out);
        store.backend().fourierEncode(in, store.params(), offset, features, includeInput, out);
        return new Ctx(in);
    }

    @Override
    public void backward(Context ctx, Tensor dOut, Tensor dIn) {
        if (dIn == null) return;
        Tensor in = ((Ctx) ctx).in();
        Tensor.checkShape("FourierEncoding dIn", dIn, in.rows(), d);
        store.backend().fourierEncodeBackward(in, store.params(), offset, features, includeInput, dOut, dIn);
    }
}
