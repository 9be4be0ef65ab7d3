package nfield.config;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * An MLP: {@code hiddenLayers} layers of {@code width} units with {@code activation}, then a
 * linear output layer. {@code skip} lists linear-layer indices (1 .. hiddenLayers) whose input
 * is concatenated with the encoded point (DeepSDF, Park et al. 2019, sec. 5).
 * {@code outputScale} multiplies the initial output-layer weights (not used by geometric init).
 */
public record NetworkConfig(int width, int hiddenLayers, ActivationConfig activation, List<Integer> skip,
                            double outputScale) {
    public NetworkConfig {
        skip = List.copyOf(skip);
    }

    public static NetworkConfig parse(ConfigNode n) {
        int width = n.integer("width", 64, 1, 4096);
        int layers = n.integer("hidden_layers", 4, 1, 64);
        ActivationConfig act = ActivationConfig.HIDDEN.parse(n.child("activation"));
        List<Integer> skip = n.intList("skip", List.of(), 1, layers);
        double scale = n.real("output_scale", 1.0, 0, 100, true);
        n.done();
        return new NetworkConfig(width, layers, act, skip, scale);
    }

    public ObjectNode toJson() {
        ObjectNode o = ConfigNode.newObject().put("width", width).put("hidden_layers", hiddenLayers);
        o.set("activation", activation.toJson());
        var arr = o.putArray("skip");
        skip.forEach(arr::add);
        o.put("output_scale", outputScale);
        return o;
    }
}
