package nfield.io;

import nfield.compute.ref.RefBackend;
import nfield.export.ExportedField;
import nfield.testing.VersionOne;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Field files of format version 1 (test resources written by the code of that version) load and evaluate bit-identically. */
class VersionOneFileTest {
    @TempDir
    Path dir;

    @Test
    void versionOneFilesEvaluateBitIdentically() throws IOException {
        for (String name : VersionOne.FILES) {
            Path file = VersionOne.copy(name + ".nfield", dir);
            VersionOne.Expected want = VersionOne.expected(name);
            try (RefBackend b = new RefBackend()) {
                ExportedField f = ExportedField.load(file, b);
                float[] got = f.evaluate(want.xyz(), want.dirs(), want.count());
                assertEquals(want.outputs().length, got.length, name);
                int differ = 0;
                for (int i = 0; i < got.length; i++) if (Float.floatToRawIntBits(got[i]) != Float.floatToRawIntBits(want.outputs()[i])) differ++;
                assertEquals(0, differ, name + ": outputs whose float bits differ from version 1's, of " + got.length);
                // checkpoints: Adam's moments come back too
                assertTrue(FieldFile.loadOptimizer(file, f.field()), name + " holds optimizer state");
            }
        }
    }
}
