package nfield.field;

import nfield.config.EncodingConfig;

/** Maps a point [B, d] to features [B, outputWidth]. */
public interface Encoding extends Component {
    /** How many leading output columns are the raw coordinates (geometric init keeps only those). */
    int rawColumns();

    static Encoding create(EncodingConfig cfg, int inputs) {
        if (cfg instanceof EncodingConfig.Frequency f) return new FrequencyEncoding(inputs, f.octaves(), f.includeInput());
        if (cfg instanceof EncodingConfig.Fourier f) return new FourierEncoding(inputs, f.features(), f.sigma(), f.includeInput());
        return new IdentityEncoding(inputs);
    }
}
