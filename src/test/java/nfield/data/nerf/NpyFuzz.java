package nfield.data.nerf;

import java.io.ByteArrayInputStream;
import java.io.IOException;

/**
 * Fuzz target (Jazzer, {@code tools/fuzz.sh}): the .npy header reader behind tiny-NeRF .npz
 * files, and the array size it declares. Any input must give a header or the reader's own
 * IOException; anything else is a finding.
 */
public final class NpyFuzz {
    private NpyFuzz() {}

    public static void fuzzerTestOneInput(byte[] data) {
        try {
            Npy.Header h = Npy.readHeader("fuzz.npz: a.npy", new ByteArrayInputStream(data));
            if (h.dataOffset() < 10) throw new IllegalStateException("data offset " + h.dataOffset() + " inside the preamble");
            h.shapeText();
            h.dataBytes();
        } catch (IOException expected) {
            // the reader's own verdict
        }
    }
}
