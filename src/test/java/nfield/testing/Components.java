package nfield.testing;

import nfield.compute.Activation;
import nfield.compute.Backend;
import nfield.config.ActivationConfig;
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

    /** A named factory; the component is built per backend. */
    public record Case(String name, Function<Backend, Standalone> build) {
        @Override public String toString() { return name; }
    }

    /** Output-only activations (heads), besides the registered hidden ones. */
    public static final List<String> OUTPUT_ACTIVATIONS = List.of("none", "sigmoid", "trunc_exp", "softplus");

    public static List<Case> all() {
        List<Case> cases = new ArrayList<>();
        for (String type : EncodingConfig.REGISTRY.names()) {
            EncodingConfig cfg = small(EncodingConfig.REGISTRY.example(type));
            cases.add(new Case("encoding " + type, b -> Standalone.of(Encoding.create(cfg, 3), b)));
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
        for (String kind : FieldConfig.KINDS) {
            for (String enc : EncodingConfig.REGISTRY.names()) {
                FieldConfig fc = new FieldConfig(kind, small(EncodingConfig.REGISTRY.example(enc)),
                        new NetworkConfig(16, 2, ActivationConfig.relu(), List.of(), 1), "softplus");
                cases.add(new Case("field " + kind + " " + enc, b -> Standalone.of(new Field(fc, b))));
            }
        }
        return cases;
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

    /** Keeps test sizes small (fewer octaves and features, milder frequencies). */
    static EncodingConfig small(EncodingConfig c) {
        if (c instanceof EncodingConfig.Frequency f) return new EncodingConfig.Frequency(Math.min(f.octaves(), 4), f.includeInput());
        if (c instanceof EncodingConfig.Fourier f) return new EncodingConfig.Fourier(8, 1.5, true);
        return c;
    }
}
