package nfield.field;

import nfield.config.EncodingConfig;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Every registered encoding config builds the encoding it names (no fallback), of the width its config promises. */
class EncodingBuildTest {
    static final Map<String, Class<? extends Encoding>> NAMED = Map.of("identity", IdentityEncoding.class,
            "frequency", FrequencyEncoding.class, "fourier", FourierEncoding.class, "hash", HashEncoding.class,
            "spherical_harmonics", SphericalHarmonicsEncoding.class);

    @Test
    void eachConfigBuildsWhatItNames() {
        assertEquals(NAMED.keySet(), java.util.Set.copyOf(EncodingConfig.REGISTRY.names()), "every registered kind is listed here");
        for (String type : EncodingConfig.REGISTRY.names()) {
            EncodingConfig c = EncodingConfig.REGISTRY.example(type);
            Encoding e = Encoding.create(c, 3);
            assertEquals(NAMED.get(type), e.getClass(), type);
            assertEquals(3, e.inputWidth(), type);
            int want = switch (type) {
                case "identity" -> 3;
                case "frequency" -> 3 + 6 * ((EncodingConfig.Frequency) c).octaves();
                case "fourier" -> 2 * ((EncodingConfig.Fourier) c).features();
                case "hash" -> ((EncodingConfig.Hash) c).levels() * ((EncodingConfig.Hash) c).features() + 3;
                default -> ((EncodingConfig.SphericalHarmonics) c).degree() * ((EncodingConfig.SphericalHarmonics) c).degree();
            };
            assertEquals(want, e.outputWidth(), type);
        }
    }
}
