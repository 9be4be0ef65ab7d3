package nfield.field;

import nfield.compute.ParamStore;
import nfield.compute.Tensor;

import java.util.random.RandomGenerator;

/**
 * NeRF positional encoding (Mildenhall et al. 2020, eq. 4): in [B, d] → out [B, d·(inc + 2L)],
 * [x if inc] then for octave k &lt; L: sin(2^k π x), cos(2^k π x). Kernel: opencl/encoding/frequency.cl.
 */
public final class FrequencyEncoding implements Encoding {
    private final int d, octaves;
    private final boolean includeInput;
    private ParamStore store;

    private record Ctx(Tensor in) implements Context {}

    public FrequencyEncoding(int d, int octaves, boolean includeInput) {
        this.d = d;
        this.octaves = octaves;
        this.includeInput = includeInput;
    }

    @Override public int inputWidth() { return d; }

    @Override public int outputWidth() { return d * ((includeInput ? 1 : 0) + 2 * octaves); }

    @Override public int paramCount() { return 0; }

    @Override public int rawColumns() { return includeInput ? d : 0; }

    @Override public void initParams(RandomGenerator rng, double[] dst, int offset) { }

    @Override public void attach(ParamStore s, int offset, String prefix) { store = s; }

    @Override
    public Context forward(Tensor in, Tensor out) {
        checkForward(in, out);
        store.backend().frequencyEncode(in, out, octaves, includeInput);
        return new Ctx(in);
    }

    @Override
    public void backward(Context ctx, Tensor dOut, Tensor dIn) {
        if (dIn == null) return;
        Tensor in = ((Ctx) ctx).in();
        Tensor.checkShape("FrequencyEncoding dIn", dIn, in.rows(), d);
        store.backend().frequencyEncodeBackward(in, dOut, dIn, octaves, includeInput);
    }
}
