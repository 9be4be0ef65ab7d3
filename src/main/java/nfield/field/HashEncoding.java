package nfield.field;

import nfield.compute.HashSpec;
import nfield.compute.ParamStore;
import nfield.compute.Tensor;
import nfield.config.EncodingConfig;

import java.util.random.RandomGenerator;

/**
 * Multiresolution hash encoding (Müller et al. 2022, "Instant Neural Graphics Primitives",
 * sec. 3): in [B, 3] (points in [-1, 1]^3) → out [B, 3·inc + L·F], [x if inc] then per level l
 * the F features trilinearly interpolated from the level's trainable table at the 8 vertices of
 * the point's cell in a grid of resolution N_l = floor(base · scale^l). Coarse levels whose
 * (N_l+1)^3 vertices fit the table are indexed densely, finer ones by the spatial hash (layout and
 * indexing: {@link HashSpec}). Parameters: one slice {@code levels.L.table} [T_L, F] per level,
 * contiguous in level order, initialised uniform in [-1e-4, 1e-4] (paper, sec. 4).
 * Kernel: opencl/encoding/hash.cl.
 */
public final class HashEncoding implements Encoding {
    /** Half-width of the uniform initialisation of the tables (paper, sec. 4). */
    public static final double INIT_RANGE = 1e-4;

    private final HashSpec spec;
    private ParamStore store;
    private int offset;

    private record Ctx(Tensor in) implements Context {}

    public HashEncoding(EncodingConfig.Hash cfg) {
        this(HashSpec.of(cfg.levels(), cfg.features(), cfg.log2Table(), cfg.resolutions(), cfg.includeInput()));
    }

    public HashEncoding(HashSpec spec) {
        this.spec = spec;
    }

    public HashSpec spec() { return spec; }

    @Override public int inputWidth() { return 3; }

    @Override public int outputWidth() { return spec.outputWidth(); }

    @Override public int paramCount() { return spec.paramCount(); }

    @Override public int rawColumns() { return spec.rawColumns(); }

    @Override public boolean trainable() { return true; }

    @Override
    public void initParams(RandomGenerator rng, double[] dst, int off) {
        for (int i = 0; i < spec.paramCount(); i++) dst[off + i] = (2 * rng.nextDouble() - 1) * INIT_RANGE;
    }

    @Override
    public void attach(ParamStore s, int off, String prefix) {
        store = s;
        offset = off;
        for (int l = 0; l < spec.levels(); l++) {
            s.addSlice(new ParamStore.Slice(prefix + "levels." + l + ".table", off + spec.tableOffset(l),
                    new int[]{spec.tableSize(l), spec.features()}, true));
        }
    }

    @Override
    public Context forward(Tensor in, Tensor out) {
        checkForward(in, out);
        store.backend().hashEncode(in, store.params(), offset, spec, out);
        return new Ctx(in);
    }

    /** dOut [B, 3·inc + L·F] → table gradients (always), dIn [B, 3] unless null. */
    @Override
    public void backward(Context ctx, Tensor dOut, Tensor dIn) {
        Tensor in = ((Ctx) ctx).in();
        Tensor.checkShape("HashEncoding dOut", dOut, in.rows(), outputWidth());
        if (dIn != null) Tensor.checkShape("HashEncoding dIn", dIn, in.rows(), 3);
        store.backend().hashEncodeBackward(in, store.params(), store.gradsTarget(), offset, spec, dOut, dIn);
    }
}
