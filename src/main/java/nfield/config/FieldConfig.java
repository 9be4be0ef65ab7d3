package nfield.config;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * A field: encoding, network and head. {@code kind} is {@code sdf} (one output: signed
 * distance, no output activation) or {@code radiance} (density through
 * {@code densityActivation}, then RGB through a sigmoid).
 */
public record FieldConfig(String kind, EncodingConfig encoding, NetworkConfig network, String densityActivation) {
    public static final List<String> KINDS = List.of("sdf", "radiance");
    public static final List<String> DENSITY_ACTIVATIONS = List.of("softplus", "trunc_exp");

    public static FieldConfig parse(ConfigNode n) {
        String kind = n.string("kind", "sdf", KINDS);
        EncodingConfig enc = EncodingConfig.REGISTRY.parse(n.child("encoding"));
        NetworkConfig net = NetworkConfig.parse(n.child("network"));
        String density = n.string("density_activation", "trunc_exp", DENSITY_ACTIVATIONS);
        n.done();
        return new FieldConfig(kind, enc, net, density);
    }

    public int outputs() {
        return kind.equals("sdf") ? 1 : 4;
    }

    public ObjectNode toJson() {
        ObjectNode o = ConfigNode.newObject().put("kind", kind);
        o.set("encoding", encoding.toJson());
        o.set("network", network.toJson());
        if (kind.equals("radiance")) o.put("density_activation", densityActivation);
        return o;
    }
}
