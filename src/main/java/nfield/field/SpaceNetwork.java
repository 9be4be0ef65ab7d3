package nfield.field;

import nfield.compute.Backend;
import nfield.compute.ParamStore;
import nfield.compute.Tensor;
import nfield.config.FieldConfig;

import java.util.random.RandomGenerator;

/**
 * A shape space's decoder (DeepSDF's auto-decoder, Park et al. 2019, sec. 4): one network for
 * many shapes, conditioned on a latent code per shape. points [B, 3] and, per row, the index of
 * its shape's code → encoding(point) ‖ code → the network of an SDF field of config
 * {@code member} (its input widened by the code; a skip layer takes the code again, as it
 * takes the rest of the network's input) → distance [B, 1].
 *
 * <p>Parameter layout: the encoding, the network ({@code network.layers.k.weight} [in + C, out] for
 * the first layer, rows past the encoded point belong to the code), then {@code codes} [K, C]:
 * the codes last, so an optimizer that updates only them (shape completion, sec. 4.2, the
 * decoder frozen) updates one contiguous tail.
 *
 * <p>As a {@link Component} (for the gradient checks) the rows use the codes of the index tensor
 * given to {@link #useIndex}; {@link #decay} is the code regulariser's per-row weight.
 */
public final class SpaceNetwork implements Component {
    private final FieldConfig member;
    private final int count, codeSize;
    private final Encoding encoding;
    private final Mlp network;
    private final double sigma;
    private ParamStore store;
    private int offset;
    private Tensor encoded, input, dInput, dEncoded, index;
    private double decay;

    private record Ctx(int rows, Component.Context enc, Component.Context net, Tensor index) implements Component.Context {}

    /**
     * A decoder of SDF fields of config {@code member} for {@code count} shapes with codes of
     * {@code codeSize} drawn from N(0, sigma²).
     */
    public SpaceNetwork(FieldConfig member, int count, int codeSize, double sigma) {
        if (!member.kind().equals("sdf")) throw new IllegalArgumentException("a shape space decodes SDF fields, not " + member.kind());
        if (count < 1 || codeSize < 1) throw new IllegalArgumentException("a shape space needs at least one code of at least one value");
        this.member = member;
        this.count = count;
        this.codeSize = codeSize;
        this.sigma = sigma;
        encoding = Encoding.create(member.encoding(), Field.INPUTS);
        network = new Mlp(encoding.outputWidth() + codeSize, 1, member.network(), encoding.rawColumns());
    }

    /** A decoder with its own parameter store on {@code backend} (zero until {@link #init}). */
    public static SpaceNetwork create(FieldConfig member, int count, int codeSize, double sigma, Backend backend) {
        SpaceNetwork s = new SpaceNetwork(member, count, codeSize, sigma);
        ParamStore store = new ParamStore(backend, s.paramCount());
        s.attach(store, 0, "");
        return s;
    }

    public FieldConfig member() { return member; }

    public int count() { return count; }

    public int codeSize() { return codeSize; }

    public double sigma() { return sigma; }

    public ParamStore params() { return store; }

    public Backend backend() { return store.backend(); }

    /** The offset of code 0 in the store. */
    public int codesOffset() {
        return offset + encoding.paramCount() + network.paramCount();
    }

    /** The offset of the first trainable parameter (frozen encoding matrices come first). */
    public int trainableOffset() {
        return store.trainableOffset();
    }

    /** Draws fresh parameters (codes from N(0, σ²)) from {@code seed} and uploads them; resets the optimizer. */
    public void init(long seed) {
        double[] p = new double[paramCount()];
        initParams(new java.util.SplittableRandom(seed), p, 0);
        store.writeParams(p);
        store.resetOptimizer();
    }

    /** Per row: the code regulariser's gradient weight (grad += decay · code for every row using it). */
    public void decay(double d) {
        decay = d;
    }

    /** The code indices [≥ B, 1] that {@link #forward(Tensor, Tensor)} uses (row r: code index[r]). */
    public void useIndex(Tensor index) {
        this.index = index;
    }

    @Override public int inputWidth() { return Field.INPUTS; }

    @Override public int outputWidth() { return 1; }

    @Override
    public int paramCount() {
        return encoding.paramCount() + network.paramCount() + count * codeSize;
    }

    @Override
    public void initParams(RandomGenerator rng, double[] dst, int off) {
        encoding.initParams(rng, dst, off);
        network.initParams(rng, dst, off + encoding.paramCount());
        int c = off + encoding.paramCount() + network.paramCount();
        for (int i = 0; i < count * codeSize; i++) dst[c + i] = sigma * rng.nextGaussian();
    }

    @Override
    public void attach(ParamStore s, int off, String prefix) {
        store = s;
        offset = off;
        encoding.attach(s, off, prefix + "encoding.");
        network.attach(s, off + encoding.paramCount(), prefix + "network.");
        s.addSlice(new ParamStore.Slice(prefix + "codes", codesOffset(), new int[]{count, codeSize}, true));
    }

    private void ensure(int rows) {
        if (encoded != null && encoded.rows() >= rows) return;
        Backend b = store.backend();
        encoded = b.alloc(rows, encoding.outputWidth());
        dEncoded = b.alloc(rows, encoding.outputWidth());
        input = b.alloc(rows, network.inputWidth());
        dInput = b.alloc(rows, network.inputWidth());
    }

    @Override
    public Component.Context forward(Tensor points, Tensor out) {
        if (index == null) throw new IllegalStateException("no code index: call useIndex first");
        return forward(points, index.view(points.rows()), out);
    }

    /** points [B, 3], index [B, 1] (exact integers in [0, count)) → distance [B, 1]. */
    public Component.Context forward(Tensor points, Tensor index, Tensor out) {
        checkForward(points, out);
        int rows = points.rows();
        ensure(rows);
        Backend b = store.backend();
        Tensor e = encoded.view(rows), x = input.view(rows);
        Component.Context ce = encoding.forward(points, e);
        int w = encoding.outputWidth();
        b.copyCols(e, 0, x, 0, w, false);
        b.gatherCodes(store.params(), codesOffset(), count, codeSize, index, x, w);
        return new Ctx(rows, ce, network.forward(x, out), index);
    }

    @Override
    public void backward(Component.Context context, Tensor dOut, Tensor dPoints) {
        Ctx c = (Ctx) context;
        Backend b = store.backend();
        Tensor dx = dInput.view(c.rows());
        network.backward(c.net(), dOut, dx);
        int w = encoding.outputWidth();
        if (store.gradsTarget() != null) {
            b.gatherCodesBackward(store.params(), store.grads(), codesOffset(), count, codeSize, c.index(), dx, w, decay);
        }
        if (dPoints != null || encoding.trainable()) {
            Tensor de = dEncoded.view(c.rows());
            b.copyCols(dx, 0, de, 0, w, false);
            encoding.backward(c.enc(), de, dPoints);
        }
    }

    /** Code {@code i}, read from the device. */
    public double[] code(int i) {
        double[] p = store.readParams();
        return java.util.Arrays.copyOfRange(p, codesOffset() + i * codeSize, codesOffset() + (i + 1) * codeSize);
    }

    /** Every code, [K][C]. */
    public double[][] codes() {
        double[] p = store.readParams();
        double[][] out = new double[count][];
        for (int i = 0; i < count; i++) out[i] = java.util.Arrays.copyOfRange(p, codesOffset() + i * codeSize, codesOffset() + (i + 1) * codeSize);
        return out;
    }

    /**
     * The decoder's parameters with {@code code} folded in, laid out as an ordinary SDF field of
     * config {@link #member}: a layer that takes the code computes W_x x + W_z z + b, so it
     * becomes W_x and b + W_zᵀ z. {@code decoder} is this network's parameter vector.
     */
    public double[] bake(double[] decoder, double[] code) {
        if (code.length != codeSize) throw new IllegalArgumentException("a code of " + code.length + " values; this space's have " + codeSize);
        Field probe = new SdfField(member);
        double[] out = new double[probe.paramCount()];
        int enc = encoding.paramCount();
        System.arraycopy(decoder, offset, out, 0, enc);
        int src = offset + enc, dst = enc, ew = encoding.outputWidth();
        var layers = network.layers();
        for (int k = 0; k < layers.size(); k++) {
            Dense d = layers.get(k);
            int in = d.inputWidth(), o = d.outputWidth();
            boolean takesCode = k == 0 || member.network().skip().contains(k);
            int codeRow = takesCode ? (k == 0 ? ew : member.network().width() + ew) : -1;
            int bakedIn = takesCode ? in - codeSize : in;
            for (int i = 0, bi = 0; i < in; i++) {
                if (takesCode && i >= codeRow && i < codeRow + codeSize) continue;
                System.arraycopy(decoder, src + i * o, out, dst + bi * o, o);
                bi++;
            }
            for (int j = 0; j < o; j++) {
                double bias = decoder[src + in * o + j];
                if (takesCode) for (int i = 0; i < codeSize; i++) bias += decoder[src + (codeRow + i) * o + j] * code[i];
                out[dst + bakedIn * o + j] = bias;
            }
            src += d.paramCount();
            dst += bakedIn * o + o;
        }
        if (dst != out.length) throw new IllegalStateException("baked " + dst + " parameters; the member field has " + out.length);
        return out;
    }

    /** An ordinary SDF field on {@code backend} whose parameters are this decoder's with {@code code} folded in. */
    public Field bakeField(double[] code, Backend backend) {
        Field f = Field.of(member, backend);
        f.params().writeParams(bake(store.readParams(), code));
        f.params().resetOptimizer();
        return f;
    }
}
