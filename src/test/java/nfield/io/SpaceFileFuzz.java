package nfield.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Fuzz target (Jazzer, {@code tools/fuzz.sh}): the shape-space file reader, loaded whole onto the
 * reference backend. Any input must give a space or the reader's IOException naming the file
 * (memory is only allocated for what the file's tensors hold); anything else is a finding.
 */
public final class SpaceFileFuzz {
    private SpaceFileFuzz() {}

    static final Path NAME = Path.of("fuzz.space");

    public static void fuzzerTestOneInput(byte[] data) {
        try {
            SpaceFile.load(NAME, data, new nfield.compute.ref.RefBackend());
        } catch (IOException expected) {
            if (expected.getMessage() == null || !expected.getMessage().startsWith(NAME.toString())) {
                throw new IllegalStateException("an error that does not name the file: " + expected, expected);
            }
        }
    }
}
