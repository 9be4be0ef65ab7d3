package nfield.field;

import nfield.compute.Backend;
import nfield.compute.ParamStore;
import nfield.compute.Tensor;
import nfield.config.FieldConfig;

import java.util.SplittableRandom;

/**
 * A field: encoding → network → head, a pure function of a 3-D point with one flat parameter
 * vector: an {@link SdfField} (points [B, 3] → distance [B, 1]) or a {@link RadianceField}
 * (points [B, 3] and, for a view-dependent one, directions [B, 3] → [density, r, g, b]).
 * {@link #of} builds the one a config names.
 *
 * <p>Parameter layout (also the export layout): encoding (e.g. {@code encoding.B}, or
 * {@code encoding.levels.L.table} per hash level), then {@code network.layers.k.weight}
 * [in, out] and {@code network.layers.k.bias} [out] for each layer k, then for a view-dependent
 * field {@code color.network.layers.k.weight} and {@code .bias} (direction encodings have no
 * parameters).
 */
public abstract sealed class Field implements Component permits SdfField, RadianceField {
    public static final int INPUTS = 3;

    private final FieldConfig config;
    /** encoding → network: the whole field of an SDF, the density network of a radiance field. */
    final EncodedNetwork core;
    private ParamStore store;

    /** What forward keeps; each kind of forward knows its own backward. */
    abstract static class Ctx implements Context {
        abstract void backward(Tensor dOut, Tensor dPoints, Tensor dDirs);
    }

    Field(FieldConfig config, EncodedNetwork core) {
        this.config = config;
        this.core = core;
    }

    /** The field {@code config} names, its parameters in a new store on {@code backend} (zero until {@link #init}). */
    public static Field of(FieldConfig config, Backend backend) {
        Field f = config.kind().equals("sdf") ? new SdfField(config) : new RadianceField(config);
        f.store = new ParamStore(backend, f.paramCount());
        f.attach(f.store, 0, "");
        return f;
    }

    public FieldConfig config() { return config; }

    public ParamStore params() { return store; }

    public Backend backend() { return store.backend(); }

    public Encoding encoding() { return core.encoding; }

    /** The density network (for a field without a colour network: the only one). */
    public Mlp network() { return core.network; }

    /** Whether forward needs view directions ({@link FieldConfig#viewDependent()}). */
    public boolean viewDependent() { return false; }

    /** The colour network of a view-dependent field, else null. */
    public Mlp colorNetwork() { return null; }

    /** The view-direction encoding of a view-dependent field, else null. */
    public Encoding directionEncoding() { return null; }

    @Override public int inputWidth() { return INPUTS; }

    @Override public int outputWidth() { return config.outputs(); }

    @Override
    public int paramCount() {
        return core.paramCount();
    }

    /**
     * Offset of the first trainable parameter: frozen slices (e.g. a Fourier matrix) come first
     * in the layout, so the optimizer updates one contiguous tail.
     */
    public int trainableOffset() {
        return store.trainableOffset();
    }

    @Override
    public void initParams(java.util.random.RandomGenerator rng, double[] dst, int offset) {
        core.initParams(rng, dst, offset);
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
        core.attach(s, offset, prefix);
    }

    /**
     * points [B, 3] → out [B, outputs]. A view-dependent field has no colour without a direction:
     * it throws {@link IllegalStateException} (use {@link #forward(Tensor, Tensor, Tensor)}, or
     * {@link #forwardDensity} for the density alone).
     */
    @Override
    public abstract Context forward(Tensor points, Tensor out);

    /**
     * points [B, 3], unit view directions dirs [B, 3] (field coordinates: the normalisation is a
     * uniform scale and shift, so world directions serve unchanged) → out [B, outputs]. A field
     * whose colour does not depend on the direction ignores {@code dirs} (it may be null).
     */
    public Context forward(Tensor points, Tensor dirs, Tensor out) {
        return forward(points, out);
    }

    /**
     * points [B, 3] → out [B, 1], the first output alone: the density of a radiance field (a
     * view-dependent one without running its colour network), an SDF's distance. Backward as
     * usual with dOut [B, 1].
     */
    public abstract Context forwardDensity(Tensor points, Tensor out);

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
        ((Ctx) context).backward(dOut, dPoints, dDirs);
    }
}
