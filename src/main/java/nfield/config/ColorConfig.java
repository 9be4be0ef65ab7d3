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
 *
 * <p>{@code appearance} (optional; null: none): a learned code of {@code size} values per training
 * image (NeRF in the Wild, Martin-Brualla et al. 2021, sec. 4.1; nerfacto's appearance embedding)
 * that the colour network also takes, so that exposure and white balance that change from photo
 * to photo need not be explained by the geometry. {@code images}: how many codes (the fit sets it
 * to its training images; 0 in a scene file: "as many as the fit has").
 */
public record ColorConfig(EncodingConfig directionEncoding, int geometryFeatures, NetworkConfig network, Appearance appearance) {
    /** A code of {@code size} values for each of {@code images} training images (0: not yet known). */
    public record Appearance(int size, int images) {
        public Appearance {
            if (size < 1 || size > 256) throw new IllegalArgumentException("appearance code size " + size + ": use 1..256");
            if (images < 0) throw new IllegalArgumentException("appearance codes for " + images + " images");
        }

        public ObjectNode toJson() {
            return ConfigNode.newObject().put("size", size).put("images", images);
        }
    }
    /** Direction encodings: the parameter-free ones that take a 3-D unit vector. */
    public static final Registry<EncodingConfig> DIRECTION_ENCODINGS =
            EncodingConfig.REGISTRY.subset("direction encoding", "spherical_harmonics", "spherical_harmonics", "frequency", "identity");

    /** Without appearance codes. */
    public ColorConfig(EncodingConfig directionEncoding, int geometryFeatures, NetworkConfig network) {
        this(directionEncoding, geometryFeatures, network, null);
    }

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
        Appearance app = null;
        if (n.has("appearance")) {
            ConfigNode a = n.child("appearance");
            app = new Appearance(a.integer("size", 16, 1, 256), a.integer("images", 0, 0, 1 << 20));
            a.done();
        } else {
            n.child("appearance"); // a known key
        }
        n.done();
        return new ColorConfig(dir, features, net, app);
    }

    public ObjectNode toJson() {
        ObjectNode o = ConfigNode.newObject();
        o.set("direction_encoding", directionEncoding.toJson());
        o.put("geometry_features", geometryFeatures);
        o.set("network", network.toJson());
        if (appearance != null) o.set("appearance", appearance.toJson());
        return o;
    }

    /** With {@code a} as its appearance codes (null: none). */
    public ColorConfig withAppearance(Appearance a) {
        return new ColorConfig(directionEncoding, geometryFeatures, network, a);
    }
}
