package nfield.field;

import nfield.compute.Activation;
import nfield.compute.Backend;
import nfield.compute.ParamStore;
import nfield.compute.Tensor;
import nfield.config.FieldConfig;

import java.util.SplittableRandom;

/**
 * A field: encoding → network → head, a pure function of a 3-D point with one flat parameter
 * vector. SDF: points [B, 3] → distance [B, 1]. Radiance: points [B, 3] → [density, r, g, b].
 * Parameter layout (also the export layout): encoding (e.g. {@code encoding.B}, or
 * {@code encoding.levels.L.table} per hash level), then
 * {@code network.layers.k.weight} [in, out] and {@code network.layers.k.bias} [out] for each
 * layer k.
 */
public final class Field implements Component {
    public static final int INPUTS = 3;

    private final FieldConfig config;
    private final Encoding encoding;
    private final Mlp network;
    private final Head head;
    private final ParamStore store;
    private Tensor encoded, raw, dEncoded, dRaw;

    private record Ctx(int rows, Context enc, Context net, Context head) implements Context {}

    public Field(FieldConfig config, Backend backend) {
        this.config = config;
        encoding = Encoding.create(config.encoding(), INPUTS);
        network = new Mlp(encoding.outputWidth(), config.outputs(), config.network(), encoding.rawColumns());
        head = config.kind().equals("sdf") ? Head.sdf()
                : Head.radiance(Activation.of(config.densityActivation(), 1));
        store = new ParamStore(backend, paramCount());
        attach(store, 0, "");
    }

    public FieldConfig config() { return config; }

    public ParamStore params() { return store; }

    public Backend backend() { return store.backend(); }

    public Encoding encoding() { return encoding; }

    public Mlp network() { return network; }

    @Override public int inputWidth() { return INPUTS; }

    @Override public int outputWidth() { return config.outputs(); }

    @Override public int paramCount() { return encoding.paramCount() + network.paramCount(); }

    /**
     * Offset of the first trainable parameter: frozen slices (e.g. a Fourier matrix) come first
     * in the layout, so the optimizer updates one contiguous tail.
     */
    public int trainableOffset() {
        int first = store.size();
        for (ParamStore.Slice s : store.slices()) {
            if (s.trainable()) first = Math.min(first, s.offset());
        }
        for (ParamStore.Slice s : store.slices()) {
            if (!s.trainable() && s.offset() >= first) {
                throw new IllegalStateException("frozen tensor " + s.name() + " lies among trainable ones");
            }
        }
        return first;
    }

    @Override
    public void initParams(java.util.random.RandomGenerator rng, double[] dst, int offset) {
        encoding.initParams(rng, dst, offset);
        network.initParams(rng, dst, offset + encoding.paramCount());
    }

    /** Draws fresh parameters from {@code seed} and uploads them; resets the optimizer state. */
    public void init(long seed) {
        double[] p = new double[paramCount()];
        initParams(new SplittableRandom(seed), p, 0);
        store.writeParams(p);
        store.resetOptimizer();
    }

    @Override
    public void attach(ParamStore s, int offset, String prefix) {
        encoding.attach(s, offset, prefix + "encoding.");
        network.attach(s, offset + encoding.paramCount(), prefix + "network.");
        head.attach(s, offset, prefix + "head.");
    }

    private void ensure(int rows) {
        if (encoded != null && encoded.rows() >= rows) return;
        Backend b = store.backend();
        encoded = b.alloc(rows, encoding.outputWidth());
        dEncoded = b.alloc(rows, encoding.outputWidth());
        if (!head.isIdentity()) {
            raw = b.alloc(rows, config.outputs());
            dRaw = b.alloc(rows, config.outputs());
        }
    }

    /** points [B, 3] → out [B, outputs]. */
    @Override
    public Context forward(Tensor points, Tensor out) {
        checkForward(points, out);
        int rows = points.rows();
        ensure(rows);
        Tensor e = encoded.view(rows);
        Context ce = encoding.forward(points, e);
        if (head.isIdentity()) return new Ctx(rows, ce, network.forward(e, out), null);
        Tensor r = raw.view(rows);
        Context cn = network.forward(e, r);
        return new Ctx(rows, ce, cn, head.forward(r, out));
    }

    /** dOut [B, outputs] (clobbered) → parameter gradients, and dPoints [B, 3] unless null. */
    @Override
    public void backward(Context context, Tensor dOut, Tensor dPoints) {
        Ctx c = (Ctx) context;
        Tensor d = dOut;
        if (c.head() != null) {
            Tensor dr = dRaw.view(c.rows());
            head.backward(c.head(), dOut, dr);
            d = dr;
        }
        // a trainable encoding (hash tables) needs dEncoded for its own gradients even without dPoints
        boolean throughEncoding = dPoints != null || encoding.trainable();
        Tensor de = throughEncoding ? dEncoded.view(c.rows()) : null;
        network.backward(c.net(), d, de);
        if (throughEncoding) encoding.backward(c.enc(), de, dPoints);
    }
}
