package nfield.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Fuzz target (Jazzer, {@code tools/fuzz.sh}): the field file (safetensors) reader, header,
 * metadata and tensor table. Any input must parse or give the reader's IOException naming the
 * file; anything else is a finding.
 */
public final class FieldFileFuzz {
    private FieldFileFuzz() {}

    static final Path NAME = Path.of("fuzz.nfield");

    public static void fuzzerTestOneInput(byte[] data) {
        try {
            FieldFile.parse(NAME, data);
        } catch (IOException expected) {
            if (expected.getMessage() == null || !expected.getMessage().startsWith(NAME.toString())) {
                throw new IllegalStateException("an error that does not name the file: " + expected, expected);
            }
        }
    }
}
