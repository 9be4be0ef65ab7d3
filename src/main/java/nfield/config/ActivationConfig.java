package nfield.config;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An activation by name with its one parameter: {@code beta} for softplus, {@code omega0} for
 * sine; {@code radius} is the sphere the geometric init of a softplus SDF network starts from.
 */
public record ActivationConfig(String type, double param, double radius) {
    /** Hidden-layer activations, each with its matching initialisation. */
    public static final Registry<ActivationConfig> HIDDEN = new Registry<ActivationConfig>("activation", "relu")
            .register("relu", n -> new ActivationConfig("relu", 0, 0))
            .register("softplus", n -> new ActivationConfig("softplus",
                    n.real("beta", 100, 0, 1e4, true), n.real("radius", 0.5, 0, 10, true)))
            .register("sine", n -> new ActivationConfig("sine", n.real("omega0", 30, 0, 1e4, true), 0));

    public static ActivationConfig relu() {
        return new ActivationConfig("relu", 0, 0);
    }

    public ObjectNode toJson() {
        ObjectNode o = ConfigNode.newObject().put("type", type);
        switch (type) {
            case "softplus" -> o.put("beta", param).put("radius", radius);
            case "sine" -> o.put("omega0", param);
            default -> { }
        }
        return o;
    }
}
