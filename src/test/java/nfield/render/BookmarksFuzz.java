package nfield.render;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Fuzz target (Jazzer, {@code tools/fuzz.sh}): the viewer's bookmarks file ({@code FIELD.views.json},
 * which users may edit). Any input must give views a camera can take (finite, in range) or the
 * reader's IOException naming the file; anything else is a finding.
 */
public final class BookmarksFuzz {
    private BookmarksFuzz() {}

    static final Path NAME = Path.of("fuzz.nfield.views.json");

    public static void fuzzerTestOneInput(byte[] data) {
        try {
            for (Camera c : Bookmarks.parse(NAME, new String(data, StandardCharsets.UTF_8))) {
                org.joml.Vector3f e = c.eye(), t = c.target();
                if (!Float.isFinite(e.x + e.y + e.z) || !Float.isFinite(t.x + t.y + t.z)) {
                    throw new IllegalStateException("a view the camera cannot place: " + c);
                }
            }
        } catch (IOException expected) {
            if (expected.getMessage() == null || !expected.getMessage().startsWith(NAME.toString())) {
                throw new IllegalStateException("an error that does not name the file: " + expected, expected);
            }
        }
    }
}
