package nfield.config;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * An MLP: {@code hiddenLayers} layers of {@code width} units with {@code activation}, then a
 * linear output layer. {@code skip} lists linear-layer indices (1 .. hiddenLayers) whose input
 * is concatenated with the encoded point (DeepSDF, Park et al. 2019, sec. 5).
 * {@code outputScale} multiplies the initial output-layer weights (not used by geometric init).
 * {@code init} picks the ReLU weight init: {@code he} draws N(0, 2/fan_in) (He et al. 2015, §2.2),
 * {@code uniform} draws U(±1/√fan_in) (LeCun et al. 1998, PyTorch's nn.Linear default), 2.4×
 * smaller: a smoother start that fits SDFs from frequency features much faster (measured on
 * the bunny: clamped L1 0.0018 vs 0.0066 after 1000 steps).
 */
public record NetworkConfig(int width, int hiddenLayers, ActivationConfig activation, List<Integer> skip,
                            double outputScale, String init) {
    public static final List<String> INITS = List.of("he", "uniform");

    public NetworkConfig {
        skip = List.copyOf(skip);
        if (!INITS.contains(init)) throw new IllegalArgumentException("network init \"" + init + "\": use he or uniform");
    }

    public NetworkConfig(int width, int hiddenLayers, ActivationConfig activation, List<Integer> skip, double outputScale) {
        this(width, hiddenLayers, activation, skip, outputScale, "he");
    }

    public static NetworkConfig parse(ConfigNode n) {
        int width = n.integer("width", 64, 1, 4096);
        int layers = n.integer("hidden_layers", 4, 1, 64);
        ActivationConfig act = ActivationConfig.HIDDEN.parse(n.child("activation"));
        List<Integer> skip = n.intList("skip", List.of(), 1, layers);
        double scale = n.real("output_scale", 1.0, 0, 100, true);
        String init = n.string("init", "he", INITS);
        n.done();
        return new NetworkConfig(width, layers, act, skip, scale, init);
    }

    public ObjectNode toJson() {
        ObjectNode o = ConfigNode.newObject().put("width", width).put("hidden_layers", hiddenLayers);
        o.set("activation", activation.toJson());
        var arr = o.putArray("skip");
        skip.forEach(arr::add);
        o.put("output_scale", outputScale).put("init", init);
        return o;
    }
}
