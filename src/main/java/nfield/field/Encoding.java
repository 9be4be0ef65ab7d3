package nfield.field;

import nfield.config.EncodingConfig;

/** Maps a point [B, d] to features [B, outputWidth]. */
public interface Encoding extends Component {
    /** How many leading output columns are the raw coordinates (geometric init keeps only those). */
    int rawColumns();

    /**
     * Whether the encoding has trainable parameters: then its backward runs on every training
     * step (for their gradients) even when nobody asks for the input gradient.
     */
    default boolean trainable() {
        return false;
    }

    /** The encoding {@code cfg} names, taking {@code inputs} coordinates. */
    static Encoding create(EncodingConfig cfg, int inputs) {
        return cfg.build(BUILDER, inputs);
    }

    /** Builds each kind of encoding config into its encoding. */
    EncodingConfig.Builder<Encoding> BUILDER = new EncodingConfig.Builder<>() {
        @Override
        public Encoding identity(EncodingConfig.Identity c, int inputs) {
            return new IdentityEncoding(inputs);
        }

        @Override
        public Encoding frequency(EncodingConfig.Frequency c, int inputs) {
            return new FrequencyEncoding(inputs, c.octaves(), c.includeInput());
        }

        @Override
        public Encoding fourier(EncodingConfig.Fourier c, int inputs) {
            return new FourierEncoding(inputs, c.features(), c.sigma(), c.includeInput());
        }

        @Override
        public Encoding hash(EncodingConfig.Hash c, int inputs) {
            if (inputs != 3) throw new IllegalArgumentException("the hash encoding takes 3-D points, not " + inputs + "-D");
            return new HashEncoding(c);
        }

        @Override
        public Encoding sphericalHarmonics(EncodingConfig.SphericalHarmonics c, int inputs) {
            if (inputs != 3) throw new IllegalArgumentException("spherical harmonics take 3-D directions, not " + inputs + "-D");
            return new SphericalHarmonicsEncoding(c.degree());
        }
    };
}
