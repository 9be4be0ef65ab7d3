package nfield.config;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The data term. {@code delta}: the clamp of clamped L1 (DeepSDF, Park et al. 2019, eq. 4:
 * delta = 0.1 there) or the transition point of Huber.
 */
public record LossConfig(String type, double delta) {
    public static final Registry<LossConfig> REGISTRY = new Registry<LossConfig>("loss", "clamped_l1")
            .register("l2", n -> new LossConfig("l2", 0))
            .register("l1", n -> new LossConfig("l1", 0))
            .register("clamped_l1", n -> new LossConfig("clamped_l1", n.real("delta", 0.1, 0, 1e6, true)))
            .register("huber", n -> new LossConfig("huber", n.real("delta", 0.1, 0, 1e6, true)));

    public ObjectNode toJson() {
        ObjectNode o = ConfigNode.newObject().put("type", type);
        if (type.equals("clamped_l1") || type.equals("huber")) o.put("delta", delta);
        return o;
    }
}
