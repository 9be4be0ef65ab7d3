package nfield.config;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** The input encoding of a field. */
public sealed interface EncodingConfig {
    String type();

    ObjectNode toJson();

    /** Passes the coordinates through unchanged. */
    record Identity() implements EncodingConfig {
        public String type() { return "identity"; }

        public ObjectNode toJson() { return ConfigNode.newObject().put("type", type()); }
    }

    /** NeRF positional encoding with {@code octaves} octaves (Mildenhall et al. 2020, eq. 4). */
    record Frequency(int octaves, boolean includeInput) implements EncodingConfig {
        public String type() { return "frequency"; }

        public ObjectNode toJson() {
            return ConfigNode.newObject().put("type", type()).put("octaves", octaves).put("include_input", includeInput);
        }
    }

    /** Gaussian Fourier features, B ~ N(0, sigma^2) of shape [features, 3] (Tancik et al. 2020, sec. 6). */
    record Fourier(int features, double sigma, boolean includeInput) implements EncodingConfig {
        public String type() { return "fourier"; }

        public ObjectNode toJson() {
            return ConfigNode.newObject().put("type", type()).put("features", features).put("sigma", sigma)
                    .put("include_input", includeInput);
        }
    }

    Registry<EncodingConfig> REGISTRY = new Registry<EncodingConfig>("encoding", "frequency")
            .register("identity", n -> new Identity())
            .register("frequency", n -> new Frequency(n.integer("octaves", 6, 0, 24), n.bool("include_input", true)))
            .register("fourier", n -> new Fourier(n.integer("features", 64, 1, 4096),
                    n.real("sigma", 4, 0, 1e4, true), n.bool("include_input", false)));
}
