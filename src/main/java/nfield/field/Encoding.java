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

    static Encoding create(EncodingConfig cfg, int inputs) {
        if (cfg instanceof EncodingConfig.Frequency f) return new FrequencyEncoding(inputs, f.octaves(), f.includeInput());
        if (cfg instanceof EncodingConfig.Fourier f) return new FourierEncoding(inputs, f.features(), f.sigma(), f.includeInput());
        if (cfg instanceof EncodingConfig.SphericalHarmonics sh) {
            if (inputs != 3) throw new IllegalArgumentException("spherical harmonics take 3-D directions, not " + inputs + "-D");
            return new SphericalHarmonicsEncoding(sh.degree());
        }
        if (cfg instanceof EncodingConfig.Hash h) {
            if (inputs != 3) throw new IllegalArgumentException("the hash encoding takes 3-D points, not " + inputs + "-D");
            return new HashEncoding(h);
        }
        return new IdentityEncoding(inputs);
    }
}
