package nfield.config;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * A field: encoding, network and head. {@code kind} is {@code sdf} (one output: signed
 * distance, no output activation) or {@code radiance} (density through
 * {@code densityActivation}, then RGB through a sigmoid). A radiance field with a
 * {@code color} section ({@link ColorConfig}; null without) is view dependent: its colour comes
 * from a second network that also sees the view direction.
 */
public record FieldConfig(String kind, EncodingConfig encoding, NetworkConfig network, String densityActivation,
                          ColorConfig color) {
    public static final List<String> KINDS = List.of("sdf", "radiance");
    public static final List<String> DENSITY_ACTIVATIONS = List.of("softplus", "trunc_exp");

    public FieldConfig {
        if (color != null && !kind.equals("radiance")) {
            throw new IllegalArgumentException("a colour network needs a radiance field, not " + kind);
        }
    }

    /** A field whose colour (if any) does not depend on the view direction. */
    public FieldConfig(String kind, EncodingConfig encoding, NetworkConfig network, String densityActivation) {
        this(kind, encoding, network, densityActivation, null);
    }

    public static FieldConfig parse(ConfigNode n) {
        String kind = n.string("kind", "sdf", KINDS);
        EncodingConfig enc = EncodingConfig.REGISTRY.parse(n.child("encoding"));
        NetworkConfig net = NetworkConfig.parse(n.child("network"));
        String density = n.string("density_activation", "trunc_exp", DENSITY_ACTIVATIONS);
        ColorConfig color = null;
        if (n.has("color")) {
            if (!kind.equals("radiance")) {
                throw n.error(n.path().isEmpty() ? "color" : n.path() + ".color", "a colour network is for radiance fields; this field's kind is "
                        + kind + " (remove \"color\", or set \"kind\": \"radiance\")");
            }
            color = ColorConfig.parse(n.child("color"));
        } else {
            n.child("color"); // a known key
        }
        n.done();
        return new FieldConfig(kind, enc, net, density, color);
    }

    public int outputs() {
        return kind.equals("sdf") ? 1 : 4;
    }

    /** Whether the colour depends on the view direction (a radiance field with a colour network). */
    public boolean viewDependent() {
        return color != null;
    }

    public ObjectNode toJson() {
        ObjectNode o = ConfigNode.newObject().put("kind", kind);
        o.set("encoding", encoding.toJson());
        o.set("network", network.toJson());
        if (kind.equals("radiance")) o.put("density_activation", densityActivation);
        if (color != null) o.set("color", color.toJson());
        return o;
    }
}
