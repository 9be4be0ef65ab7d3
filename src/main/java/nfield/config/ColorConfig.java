package nfield.config;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * The colour network of a view-dependent radiance field (Instant NGP, Müller et al. 2022,
 * sec. 5.4; NeRF, Mildenhall et al. 2020, fig. 7): the density network then has
 * 1 + {@code geometryFeatures} outputs, and all of them (the raw density too), concatenated with
 * the encoded view direction, feed a second MLP whose 3 outputs go through a sigmoid.
 * {@code directionEncoding} is {@code spherical_harmonics} (degree² columns), {@code frequency}
 * or {@code identity}, applied to the unit view direction in field coordinates.
 */
public record ColorConfig(EncodingConfig directionEncoding, int geometryFeatures, NetworkConfig network) {
    /** Direction encodings: the parameter-free ones that take a 3-D unit vector. */
    public static final Registry<EncodingConfig> DIRECTION_ENCODINGS =
            EncodingConfig.REGISTRY.subset("direction encoding", "spherical_harmonics", "spherical_harmonics", "frequency", "identity");

    public ColorConfig {
        if (geometryFeatures < 0) throw new IllegalArgumentException("colour geometry features " + geometryFeatures + " < 0");
        if (!DIRECTION_ENCODINGS.names().contains(directionEncoding.type())) {
            throw new IllegalArgumentException("direction encoding " + directionEncoding.type() + ": use one of "
                    + String.join(", ", DIRECTION_ENCODINGS.names()));
        }
    }

    /** The Instant NGP colour network: SH degree 4, 15 geometry features, 2 hidden ReLU layers of 64. */
    public static ColorConfig instantNgp() {
        return new ColorConfig(new EncodingConfig.SphericalHarmonics(4), 15,
                new NetworkConfig(64, 2, ActivationConfig.relu(), List.of(), 1, "uniform"));
    }

    public static ColorConfig parse(ConfigNode n) {
        EncodingConfig dir = DIRECTION_ENCODINGS.parse(n.child("direction_encoding"));
        if (dir instanceof EncodingConfig.Frequency f && f.octaves() == 0 && !f.includeInput()) {
            throw n.error(n.path() + ".direction_encoding", "a frequency encoding with 0 octaves and no include_input has no outputs");
        }
        int features = n.integer("geometry_features", 15, 0, 1024);
        NetworkConfig net = NetworkConfig.parse(n.child("network"));
        n.done();
        return new ColorConfig(dir, features, net);
    }

    public ObjectNode toJson() {
        ObjectNode o = ConfigNode.newObject();
        o.set("direction_encoding", directionEncoding.toJson());
        o.put("geometry_features", geometryFeatures);
        o.set("network", network.toJson());
        return o;
    }
}
