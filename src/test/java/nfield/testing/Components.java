package nfield.testing;

import nfield.compute.Activation;
import nfield.compute.Backend;
import nfield.config.ActivationConfig;
import nfield.config.ColorConfig;
import nfield.config.EncodingConfig;
import nfield.config.FieldConfig;
import nfield.config.NetworkConfig;
import nfield.field.Dense;
import nfield.field.Encoding;
import nfield.field.Field;
import nfield.field.Head;
import nfield.field.Mlp;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Every registered component, built fresh on a given backend: the gradient checks and the
 * OpenCL parity tests loop over this list, so registering an encoding, activation or field
 * kind in the config registries is enough to get it tested.
 */
public final class Components {
    private Components() {}

    /** Draws rows·cols input values from a seed (float-representable, so every backend sees the same). */
    @FunctionalInterface
    public interface Points {
        double[] draw(int rows, int cols, long seed);
    }

    /**
     * A named factory; the component is built per backend. {@code smooth} draws inputs where the
     * component is differentiable within the gradient check's step (a kinked component keeps away
     * from its kinks); the parity tests draw plain uniform inputs.
     */
    public record Case(String name, Function<Backend, Standalone> build, Points smooth) {
        public Case(String name, Function<Backend, Standalone> build) {
            this(name, build, (rows, cols, seed) -> Harness.uniform(rows * cols, seed));
        }

        @Override public String toString() { return name; }
    }

    /** Output-only activations (heads), besides the registered hidden ones. */
    public static final List<String> OUTPUT_ACTIVATIONS = List.of("none", "sigmoid", "trunc_exp", "softplus");

    public static List<Case> all() {
        List<Case> cases = new ArrayList<>();
        for (String type : EncodingConfig.REGISTRY.names()) {
            EncodingConfig cfg = small(EncodingConfig.REGISTRY.example(type));
            cases.add(new Case("encoding " + type, b -> Standalone.of(Encoding.create(cfg, 3), b), smoothPoints(cfg)));
        }
        for (String type : ActivationConfig.HIDDEN.names()) {
            ActivationConfig ac = ActivationConfig.HIDDEN.example(type);
            Activation act = Activation.of(ac.type(), ac.param());
            for (int[] shape : new int[][]{{13, 16}, {16, 72}, {24, 3}}) {
                cases.add(new Case("dense " + shape[0] + "->" + shape[1] + " " + type, b -> Standalone.of(
                        new Dense(shape[0], shape[1], act, new Dense.Init(act, Activation.Role.HIDDEN, 1, 0.5, null, false)), b)));
            }
        }
        for (String a : OUTPUT_ACTIVATIONS) {
            Activation act = Activation.of(a, 1);
            cases.add(new Case("activation " + a, b -> Standalone.of(Head.of(5, act), b)));
        }
        for (String type : ActivationConfig.HIDDEN.names()) {
            NetworkConfig net = new NetworkConfig(16, 3, ActivationConfig.HIDDEN.example(type), List.of(2), 1);
            cases.add(new Case("mlp skip " + type, b -> Standalone.of(new Mlp(11, 2, net, 3), b)));
        }
        // Whole fields use a smooth network (softplus): with ReLU, a pre-activation within float32
        // rounding of zero (Fourier phases reach tens of radians) takes a different branch on
        // the two backends about once in 20 runs. ReLU is covered by the dense and mlp cases.
        for (String kind : FieldConfig.KINDS) {
            for (String enc : EncodingConfig.REGISTRY.names()) {
                FieldConfig fc = new FieldConfig(kind, small(EncodingConfig.REGISTRY.example(enc)),
                        new NetworkConfig(16, 2, ActivationConfig.HIDDEN.example("softplus"), List.of(), 1), "softplus");
                cases.add(new Case("field " + kind + " " + enc, b -> Standalone.of(Field.of(fc, b)), smoothPoints(fc.encoding())));
            }
        }
        // Shape-space decoders (an auto-decoder: the point's features and its row's latent code, a skip taking both again);
        // the rows cycle through 5 codes, so every code's gradient sums over many rows
        for (String enc : List.of("frequency", "hash")) {
            FieldConfig fc = new FieldConfig("sdf", small(EncodingConfig.REGISTRY.example(enc)),
                    new NetworkConfig(16, 2, ActivationConfig.HIDDEN.example("softplus"), List.of(2), 1), "softplus");
            cases.add(new Case("space decoder " + enc, b -> spaceDecoder(fc, 5, 3, b), smoothPoints(fc.encoding())));
        }
        // View-dependent radiance fields: (point, direction) → (density, rgb), and the density alone
        for (FieldConfig fc : viewDependentFields()) {
            String name = "field radiance " + fc.encoding().type() + " + colour(" + fc.color().directionEncoding().type() + ")";
            cases.add(new Case(name, b -> ViewField.of(Field.of(fc, b), ViewField.Mode.DIRECTIONS), smoothPoints(fc.encoding())));
            cases.add(new Case(name + " density only", b -> ViewField.of(Field.of(fc, b), ViewField.Mode.DENSITY), smoothPoints(fc.encoding())));
        }
        // Appearance codes (one per training image) into the colour network, a skip taking them again; rows cycle through 4 images
        for (FieldConfig fc : appearanceFields()) {
            String name = "field radiance appearance codes, " + fc.encoding().type() + " + colour(" + fc.color().directionEncoding().type() + ")";
            cases.add(new Case(name, b -> {
                Field f = Field.of(fc, b);
                ((nfield.field.RadianceField) f).useImages(cycling(b, fc.color().appearance().images()));
                return ViewField.of(f, ViewField.Mode.DIRECTIONS);
            }, smoothPoints(fc.encoding())));
        }
        FieldConfig plain = new FieldConfig("radiance", new EncodingConfig.Frequency(2, true),
                new NetworkConfig(16, 2, ActivationConfig.HIDDEN.example("softplus"), List.of(), 1), "trunc_exp");
        cases.add(new Case("field radiance frequency density only", b -> ViewField.of(Field.of(plain, b), ViewField.Mode.DENSITY)));
        return cases;
    }

    /**
     * Small view-dependent radiance fields (smooth softplus networks, as for the other fields): a
     * hash grid with spherical harmonics of degree 4 and 5 geometry features, and frequency
     * features with a frequency direction encoding, a colour-network skip and no geometry features.
     */
    public static List<FieldConfig> viewDependentFields() {
        ActivationConfig softplus = ActivationConfig.HIDDEN.example("softplus");
        return List.of(
                new FieldConfig("radiance", small(EncodingConfig.REGISTRY.example("hash")),
                        new NetworkConfig(16, 2, softplus, List.of(), 1), "trunc_exp",
                        new ColorConfig(new EncodingConfig.SphericalHarmonics(4), 5, new NetworkConfig(16, 2, softplus, List.of(), 1))),
                new FieldConfig("radiance", new EncodingConfig.Frequency(3, true),
                        new NetworkConfig(16, 2, softplus, List.of(), 1), "softplus",
                        new ColorConfig(new EncodingConfig.Frequency(2, true), 0, new NetworkConfig(12, 2, softplus, List.of(1), 1))));
    }

    /**
     * Small view-dependent radiance fields with appearance codes: a hash grid with spherical
     * harmonics (codes of 4 for 5 images), and frequency features with a colour-network skip
     * layer, which takes the codes again (codes of 3 for 4 images).
     */
    public static List<FieldConfig> appearanceFields() {
        ActivationConfig softplus = ActivationConfig.HIDDEN.example("softplus");
        return List.of(
                new FieldConfig("radiance", small(EncodingConfig.REGISTRY.example("hash")),
                        new NetworkConfig(16, 2, softplus, List.of(), 1), "trunc_exp",
                        new ColorConfig(new EncodingConfig.SphericalHarmonics(3), 5, new NetworkConfig(16, 2, softplus, List.of(), 1),
                                new ColorConfig.Appearance(4, 5))),
                new FieldConfig("radiance", new EncodingConfig.Frequency(2, true),
                        new NetworkConfig(16, 2, softplus, List.of(), 1), "softplus",
                        new ColorConfig(new EncodingConfig.Frequency(2, true), 2, new NetworkConfig(12, 2, softplus, List.of(1), 1),
                                new ColorConfig.Appearance(3, 4))));
    }

    /** An index tensor [4096, 1] whose row r is r mod {@code count}. */
    public static nfield.compute.Tensor cycling(Backend b, int count) {
        int rows = 4096;
        double[] idx = new double[rows];
        for (int r = 0; r < rows; r++) idx[r] = r % count;
        nfield.compute.Tensor t = b.alloc(rows, 1);
        b.write(t, idx);
        return t;
    }

    /** A shape-space decoder of {@code count} codes of {@code codeSize} whose row r uses code r mod count (up to 4096 rows). */
    public static Standalone spaceDecoder(FieldConfig member, int count, int codeSize, Backend b) {
        nfield.field.SpaceNetwork s = new nfield.field.SpaceNetwork(member, count, codeSize, 0.5);
        Standalone st = Standalone.of(s, b);
        int rows = 4096;
        double[] idx = new double[rows];
        for (int r = 0; r < rows; r++) idx[r] = r % count;
        nfield.compute.Tensor t = b.alloc(rows, 1);
        b.write(t, idx);
        s.useIndex(t);
        return st;
    }

    /** Every registered loss with its default parameters, by type name. */
    public static java.util.Map<String, nfield.compute.LossFn> losses() {
        java.util.Map<String, nfield.compute.LossFn> out = new java.util.LinkedHashMap<>();
        for (String type : nfield.config.LossConfig.REGISTRY.names()) {
            nfield.config.LossConfig cfg = nfield.config.LossConfig.REGISTRY.example(type);
            out.put(type, nfield.compute.LossFn.of(cfg.type(), cfg.delta()));
        }
        return out;
    }

    /**
     * Keeps test sizes small (fewer octaves and features, milder frequencies). The hash grid
     * (resolutions 4, 8, 16, 32; 2^10-entry tables) has two dense levels (125 and 729 vertices)
     * and two hashed ones (4913 and 35937 vertices in 1024 entries: collisions).
     */
    static EncodingConfig small(EncodingConfig c) {
        if (c instanceof EncodingConfig.Frequency f) return new EncodingConfig.Frequency(Math.min(f.octaves(), 4), f.includeInput());
        if (c instanceof EncodingConfig.Fourier f) return new EncodingConfig.Fourier(8, 1.5, true);
        if (c instanceof EncodingConfig.Hash) return new EncodingConfig.Hash(4, 2, 10, 4, 2.0, true);
        return c;
    }

    /** How far (in x) the gradient check's points keep from every hash-grid cell boundary: 100 finite-difference steps. */
    public static final double CELL_MARGIN = 1e-4;

    /**
     * Uniform points, except that for a hash encoding every coordinate is redrawn until it lies
     * at least {@link #CELL_MARGIN} from the cell boundaries of every level: the interpolation is
     * only piecewise smooth, and a central difference straddling a boundary measures no derivative.
     * (The component's input must be the point itself: an encoding or a whole field.)
     */
    static Points smoothPoints(EncodingConfig cfg) {
        if (!(cfg instanceof EncodingConfig.Hash h)) return (rows, cols, seed) -> Harness.uniform(rows * cols, seed);
        int[] res = h.resolutions();
        return (rows, cols, seed) -> {
            java.util.SplittableRandom rng = new java.util.SplittableRandom(seed);
            double[] a = new double[rows * cols];
            for (int i = 0; i < a.length; i++) {
                double v;
                do v = (float) (rng.nextDouble() * 2 - 1); while (nearCellBoundary(v, res, CELL_MARGIN));
                a[i] = v;
            }
            return a;
        };
    }

    /** Whether x ∈ [-1, 1] lies within {@code margin} of a cell boundary (p = (x+1)/2·N an integer) at some resolution. */
    public static boolean nearCellBoundary(double x, int[] resolutions, double margin) {
        for (int n : resolutions) {
            double p = (x + 1) / 2 * n;
            if (Math.abs(p - Math.rint(p)) * 2 / n < margin) return true;
        }
        return false;
    }
}
