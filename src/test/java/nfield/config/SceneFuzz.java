package nfield.config;

import java.nio.charset.StandardCharsets;

/**
 * Fuzz target (Jazzer, {@code tools/fuzz.sh}): scene files (JSON). Any input must give a scene or
 * a {@link ConfigException} naming the file; anything else is a finding.
 */
public final class SceneFuzz {
    private SceneFuzz() {}

    public static void fuzzerTestOneInput(byte[] data) {
        try {
            SceneConfig.parse("fuzz.json", new String(data, StandardCharsets.UTF_8));
        } catch (ConfigException expected) {
            if (expected.getMessage() == null || !expected.getMessage().contains("fuzz.json")) {
                throw new IllegalStateException("an error that does not name the file: " + expected, expected);
            }
        }
    }
}
