package nfield.data.mesh;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * Fuzz target (Jazzer, {@code tools/fuzz.sh}): the partial-scan point file ({@code .xyz}) that
 * {@code nfield complete} reads. Any input must give finite points (unit normals where there are
 * any) or the reader's IOException naming the file; anything else is a finding.
 */
public final class ScanFuzz {
    private ScanFuzz() {}

    static final Path NAME = Path.of("fuzz.xyz");

    public static void fuzzerTestOneInput(byte[] data) {
        try {
            PartialScan s = PartialScan.parseXyz(NAME, List.of(new String(data, StandardCharsets.UTF_8).split("\n", -1)));
            for (double x : s.points()) if (!Double.isFinite(x)) throw new IllegalStateException("a point that is not finite: " + x);
            if (s.hasNormals()) {
                double[] n = s.normals();
                for (int i = 0; i < n.length; i += 3) {
                    double l = Math.sqrt(n[i] * n[i] + n[i + 1] * n[i + 1] + n[i + 2] * n[i + 2]);
                    if (!(Math.abs(l - 1) < 1e-6)) throw new IllegalStateException("a normal of length " + l);
                }
            }
        } catch (IOException expected) {
            if (expected.getMessage() == null || !expected.getMessage().startsWith(NAME.toString())) {
                throw new IllegalStateException("an error that does not name the file: " + expected, expected);
            }
        }
    }
}
