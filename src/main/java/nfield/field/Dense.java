package nfield.field;

import nfield.compute.Activation;
import nfield.compute.ParamStore;
import nfield.compute.Tensor;

import java.util.random.RandomGenerator;

/**
 * A dense layer in [B, I] → out [B, O] = act(in W + b), W [I, O] (row i: weights out of input
 * i) then b [O] in the parameter store. Kernel: opencl/network/dense.cl.
 */
public final class Dense implements Component {
    /** How to initialise: by the network's hidden activation and the layer's role (see {@link Activation#initLayer}). */
    public record Init(Activation hidden, Activation.Role role, double outputScale, double radius, boolean[] zeroRows,
                       boolean uniform) {}

    private final int in, out;
    private final Activation act;
    private final Init init;
    private ParamStore store;
    private int offset;
    private Tensor z; // pre-activations, kept when the activation's derivative needs them

    private record Ctx(Tensor in, Tensor out, Tensor z) implements Context {}

    public Dense(int in, int out, Activation act, Init init) {
        this.in = in;
        this.out = out;
        this.act = act;
        this.init = init;
    }

    @Override public int inputWidth() { return in; }

    @Override public int outputWidth() { return out; }

    @Override public int paramCount() { return (in + 1) * out; }

    public Activation activation() { return act; }

    @Override
    public void initParams(RandomGenerator rng, double[] dst, int off) {
        init.hidden().initLayer(rng, dst, off, dst, off + in * out, in, out, init.role(), init.outputScale(), init.uniform(),
                init.radius(), init.zeroRows());
    }

    @Override
    public void attach(ParamStore s, int off, String prefix) {
        store = s;
        offset = off;
        s.addSlice(new ParamStore.Slice(prefix + "weight", off, new int[]{in, out}, true));
        s.addSlice(new ParamStore.Slice(prefix + "bias", off + in * out, new int[]{out}, true));
    }

    @Override
    public Context forward(Tensor x, Tensor y) {
        checkForward(x, y);
        Tensor zv = null;
        if (act.needsPre()) {
            if (z == null || z.rows() < x.rows()) z = store.backend().alloc(x.rows(), out);
            zv = z.view(x.rows());
        }
        store.backend().denseForward(x, store.params(), offset, act, y, zv);
        return new Ctx(x, y, zv);
    }

    @Override
    public void backward(Context ctx, Tensor dOut, Tensor dIn) {
        Ctx c = (Ctx) ctx;
        Tensor.checkShape("Dense dOut", dOut, c.in().rows(), out);
        if (dIn != null) Tensor.checkShape("Dense dIn", dIn, c.in().rows(), in);
        store.backend().denseBackward(c.in(), store.params(), store.gradsTarget(), offset, act, c.out(), c.z(), dOut, dIn);
    }
}
