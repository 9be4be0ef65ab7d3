package nfield.field;

import nfield.compute.Activation;
import nfield.compute.Backend;
import nfield.compute.ParamStore;
import nfield.compute.Tensor;
import nfield.config.ColorConfig;
import nfield.config.FieldConfig;

import java.util.SplittableRandom;

/**
 * A field: encoding → network → head, a pure function of a 3-D point with one flat parameter
 * vector. SDF: points [B, 3] → distance [B, 1]. Radiance: points [B, 3] → [density, r, g, b].
 *
 * <p>A view-dependent radiance field ({@link FieldConfig#viewDependent()}, Instant NGP style) also
 * takes the view direction: points [B, 3] → encoding → density network → raw [B, 1 + F]; column 0
 * goes through the density activation; all 1 + F raw columns, concatenated with the encoded
 * direction [B, D], feed the colour network → [B, 3] → sigmoid. Use
 * {@link #forward(Tensor, Tensor, Tensor)}; {@link #forward(Tensor, Tensor)} without directions
 * refuses such a field, and {@link #forwardDensity} evaluates its density alone (the colour
 * network is not run).
 *
 * <p>Parameter layout (also the export layout): encoding (e.g. {@code encoding.B}, or
 * {@code encoding.levels.L.table} per hash level), then
 * {@code network.layers.k.weight} [in, out] and {@code network.layers.k.bias} [out] for each
 * layer k, then for a view-dependent field {@code color.network.layers.k.weight} and
 * {@code .bias} (the direction encodings have no parameters).
 */
public final class Field implements Component {
    public static final int INPUTS = 3;

    private final FieldConfig config;
    private final Encoding encoding;
    private final Mlp network;
    private final Head head;
    // view-dependent fields only (else null)
    private final Encoding dirEncoding;
    private final Mlp colorNet;
    private final Head densityHead;
    private final ParamStore store;
    private Tensor encoded, raw, dEncoded, dRaw;
    private Tensor raw4, dRaw4, dirEnc, dDirEnc, colorIn, dColorIn, colorOut, dColorOut, rawDensity, dRawDensity;

    /** What forward keeps: the encoding's, density network's and head's contexts, and for view-dependent fields the rest. */
    private record Ctx(int rows, Context enc, Context net, Context head, Context dir, Context color, boolean densityOnly)
            implements Context {
        Ctx(int rows, Context enc, Context net, Context head) {
            this(rows, enc, net, head, null, null, false);
        }
    }

    public Field(FieldConfig config, Backend backend) {
        this.config = config;
        encoding = Encoding.create(config.encoding(), INPUTS);
        ColorConfig cc = config.color();
        int densityOutputs = cc == null ? config.outputs() : 1 + cc.geometryFeatures();
        network = new Mlp(encoding.outputWidth(), densityOutputs, config.network(), encoding.rawColumns());
        head = config.kind().equals("sdf") ? Head.sdf()
                : Head.radiance(Activation.of(config.densityActivation(), 1));
        if (cc != null) {
            dirEncoding = Encoding.create(cc.directionEncoding(), 3);
            int colorInputs = densityOutputs + dirEncoding.outputWidth();
            // every input column counts as "raw": a softplus network's geometric init zeroes none of them
            colorNet = new Mlp(colorInputs, 3, cc.network(), colorInputs);
            densityHead = Head.of(1, Activation.of(config.densityActivation(), 1));
        } else {
            dirEncoding = null;
            colorNet = null;
            densityHead = null;
        }
        store = new ParamStore(backend, paramCount());
        attach(store, 0, "");
    }

    public FieldConfig config() { return config; }

    public ParamStore params() { return store; }

    public Backend backend() { return store.backend(); }

    public Encoding encoding() { return encoding; }

    /** The density network (for a field without a colour network: the only one). */
    public Mlp network() { return network; }

    /** Whether forward needs view directions ({@link FieldConfig#viewDependent()}). */
    public boolean viewDependent() { return colorNet != null; }

    /** The colour network of a view-dependent field, else null. */
    public Mlp colorNetwork() { return colorNet; }

    /** The view-direction encoding of a view-dependent field, else null. */
    public Encoding directionEncoding() { return dirEncoding; }

    @Override public int inputWidth() { return INPUTS; }

    @Override public int outputWidth() { return config.outputs(); }

    @Override
    public int paramCount() {
        return encoding.paramCount() + network.paramCount() + (colorNet == null ? 0 : colorNet.paramCount());
    }

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
        if (colorNet != null) colorNet.initParams(rng, dst, offset + encoding.paramCount() + network.paramCount());
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
        if (colorNet != null) {
            int at = offset + encoding.paramCount() + network.paramCount();
            dirEncoding.attach(s, at, prefix + "color.encoding.");
            colorNet.attach(s, at, prefix + "color.network.");
            densityHead.attach(s, offset, prefix + "color.density.");
        }
    }

    private void ensure(int rows) {
        if (encoded != null && encoded.rows() >= rows) return;
        Backend b = store.backend();
        encoded = b.alloc(rows, encoding.outputWidth());
        dEncoded = b.alloc(rows, encoding.outputWidth());
        if (!head.isIdentity()) {
            raw = b.alloc(rows, network.outputWidth());
            dRaw = b.alloc(rows, network.outputWidth());
        }
        if (colorNet != null) {
            raw4 = b.alloc(rows, 4);
            dRaw4 = b.alloc(rows, 4);
            dirEnc = b.alloc(rows, dirEncoding.outputWidth());
            dDirEnc = b.alloc(rows, dirEncoding.outputWidth());
            colorIn = b.alloc(rows, colorNet.inputWidth());
            dColorIn = b.alloc(rows, colorNet.inputWidth());
            colorOut = b.alloc(rows, 3);
            dColorOut = b.alloc(rows, 3);
            rawDensity = b.alloc(rows, 1);
            dRawDensity = b.alloc(rows, 1);
        }
    }

    /**
     * points [B, 3] → out [B, outputs]. A view-dependent field has no colour without a direction:
     * it throws {@link IllegalStateException} (use {@link #forward(Tensor, Tensor, Tensor)}, or
     * {@link #forwardDensity} for the density alone).
     */
    @Override
    public Context forward(Tensor points, Tensor out) {
        if (colorNet != null) {
            throw new IllegalStateException("this radiance field's colour depends on the view direction (field.color): "
                    + "evaluate it with forward(points, directions, out), or its density alone with forwardDensity");
        }
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

    /**
     * points [B, 3], unit view directions dirs [B, 3] (field coordinates: the normalisation is a
     * uniform scale and shift, so world directions serve unchanged) → out [B, outputs]. A field
     * whose colour does not depend on the direction ignores {@code dirs} (it may be null).
     */
    public Context forward(Tensor points, Tensor dirs, Tensor out) {
        if (colorNet == null) return forward(points, out);
        checkForward(points, out);
        if (dirs == null) throw new IllegalArgumentException("a view-dependent field needs directions [B, 3]");
        Tensor.checkShape("Field directions", dirs, points.rows(), 3);
        int rows = points.rows();
        ensure(rows);
        Backend b = store.backend();
        Tensor e = encoded.view(rows), r = raw.view(rows), de = dirEnc.view(rows), ci = colorIn.view(rows),
                co = colorOut.view(rows), r4 = raw4.view(rows);
        int g = network.outputWidth(), d = dirEncoding.outputWidth();
        Context ce = encoding.forward(points, e);
        Context cn = network.forward(e, r);
        Context cd = dirEncoding.forward(dirs, de);
        b.copyCols(r, 0, ci, 0, g, false);
        b.copyCols(de, 0, ci, g, d, false);
        Context cc = colorNet.forward(ci, co);
        b.copyCols(r, 0, r4, 0, 1, false);
        b.copyCols(co, 0, r4, 1, 3, false);
        return new Ctx(rows, ce, cn, head.forward(r4, out), cd, cc, false);
    }

    /**
     * points [B, 3] → out [B, 1], the first output alone: the density of a radiance field (a
     * view-dependent one without running its colour network), an SDF's distance. Backward as
     * usual with dOut [B, 1]. (For a radiance field without a colour network the whole network runs.)
     */
    public Context forwardDensity(Tensor points, Tensor out) {
        Tensor.checkCols("Field points", points, INPUTS);
        Tensor.checkShape("Field density output", out, points.rows(), 1);
        int rows = points.rows();
        if (config.outputs() == 1) return forward(points, out);
        ensure(rows);
        Backend b = store.backend();
        Tensor rd = rawDensityBuffer(rows);
        if (colorNet == null) { // the density is column 0 of the whole output
            Context c = forward(points, raw4Buffer(rows));
            b.copyCols(raw4Buffer(rows), 0, out, 0, 1, false);
            return new DensityOf(c);
        }
        Tensor e = encoded.view(rows), r = raw.view(rows);
        Context ce = encoding.forward(points, e);
        Context cn = network.forward(e, r);
        b.copyCols(r, 0, rd, 0, 1, false);
        return new Ctx(rows, ce, cn, densityHead.forward(rd, out), null, null, true);
    }

    /** forwardDensity of a field without a colour network: the whole forward's context. */
    private record DensityOf(Context full) implements Context {}

    private Tensor raw4Buffer(int rows) {
        if (raw4 == null || raw4.rows() < rows) {
            raw4 = store.backend().alloc(Math.max(rows, encoded.rows()), 4);
            dRaw4 = store.backend().alloc(Math.max(rows, encoded.rows()), 4);
        }
        return raw4.view(rows);
    }

    private Tensor rawDensityBuffer(int rows) {
        if (rawDensity == null || rawDensity.rows() < rows) {
            rawDensity = store.backend().alloc(Math.max(rows, encoded.rows()), 1);
            dRawDensity = store.backend().alloc(Math.max(rows, encoded.rows()), 1);
        }
        return rawDensity.view(rows);
    }

    /** dOut [B, outputs] (or [B, 1] after {@link #forwardDensity}; clobbered) → parameter gradients, and dPoints [B, 3] unless null. */
    @Override
    public void backward(Context context, Tensor dOut, Tensor dPoints) {
        backward(context, dOut, dPoints, null);
    }

    /**
     * As {@link #backward(Context, Tensor, Tensor)}, and for a view-dependent field's full forward
     * also dDirs [B, 3] = dL/d(direction) unless null (zero for fields whose colour ignores it).
     */
    public void backward(Context context, Tensor dOut, Tensor dPoints, Tensor dDirs) {
        if (context instanceof DensityOf d) {
            Tensor full = dRaw4.view(dOut.rows());
            Backend b = store.backend();
            b.fill(full, 0);
            b.copyCols(dOut, 0, full, 0, 1, false);
            backward(d.full(), full, dPoints, dDirs);
            return;
        }
        Ctx c = (Ctx) context;
        Backend b = store.backend();
        Tensor d = dOut;
        if (c.densityOnly()) {
            Tensor drd = dRawDensity.view(c.rows()), dr = dRaw.view(c.rows());
            densityHead.backward(c.head(), dOut, drd);
            b.fill(dr, 0);
            b.copyCols(drd, 0, dr, 0, 1, false);
            d = dr;
            if (dDirs != null) b.fill(dDirs, 0);
        } else if (c.color() != null) {
            int rows = c.rows(), g = network.outputWidth();
            Tensor dr4 = dRaw4.view(rows), dco = dColorOut.view(rows), dci = dColorIn.view(rows), dr = dRaw.view(rows);
            head.backward(c.head(), dOut, dr4);
            b.copyCols(dr4, 1, dco, 0, 3, false);
            colorNet.backward(c.color(), dco, dci);
            b.copyCols(dci, 0, dr, 0, g, false);
            b.copyCols(dr4, 0, dr, 0, 1, true);
            if (dDirs != null) {
                Tensor dde = dDirEnc.view(rows);
                b.copyCols(dci, g, dde, 0, dirEncoding.outputWidth(), false);
                dirEncoding.backward(c.dir(), dde, dDirs);
            }
            d = dr;
        } else {
            if (c.head() != null) {
                Tensor dr = dRaw.view(c.rows());
                head.backward(c.head(), dOut, dr);
                d = dr;
            }
            if (dDirs != null) store.backend().fill(dDirs, 0);
        }
        // a trainable encoding (hash tables) needs dEncoded for its own gradients even without dPoints
        boolean throughEncoding = dPoints != null || encoding.trainable();
        Tensor de = throughEncoding ? dEncoded.view(c.rows()) : null;
        network.backward(c.net(), d, de);
        if (throughEncoding) encoding.backward(c.enc(), de, dPoints);
    }
}
