package nfield.data.mesh;

import java.io.IOException;

/**
 * A mesh file that cannot be read as what it claims to be. The message names the file and,
 * where it applies, the line ("line 12") or byte offset ("byte 84") and what to fix.
 */
public final class MeshFormatException extends IOException {
    public MeshFormatException(String message) {
        super(message);
    }
}
