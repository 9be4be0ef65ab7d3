package nfield.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The version-1 field files kept in {@code src/test/resources/nfield/io/v1} (written by the
 * code before field files had typed metadata; see the README there) and what that code computed
 * from them: outputs at fixed points, renders, a mesh digest.
 */
public final class VersionOne {
    private VersionOne() {}

    /** The three files: a hash-grid SDF, a view-dependent radiance field (hash grid, SH), a plain radiance field. */
    public static final List<String> FILES = List.of("sdf-v1", "radiance-v1", "radiance-plain-v1");

    /** SHA-256 of {@code nfield mesh sdf-v1.nfield --res 48 --backend java -o x.ply} as version 1 wrote it. */
    public static final String SDF_MESH_48_SHA256 = "884e2de2acbde4d9dd9393c828b053208dae625906337a3599922fb5a4cef1c6";

    /** Copies resource {@code name} (e.g. "sdf-v1.nfield") into {@code dir}. */
    public static Path copy(String name, Path dir) {
        try (InputStream in = VersionOne.class.getResourceAsStream("/nfield/io/v1/" + name)) {
            if (in == null) throw new IllegalStateException("missing test resource nfield/io/v1/" + name);
            Files.createDirectories(dir);
            Path p = dir.resolve(name);
            Files.copy(in, p);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What {@code NAME.expected} holds: the 64 points, their directions and the outputs version 1 computed. */
    public record Expected(float[] xyz, float[] dirs, float[] outputs, int width) {
        public int count() { return xyz.length / 3; }
    }

    public static Expected expected(String file) {
        try (InputStream in = VersionOne.class.getResourceAsStream("/nfield/io/v1/" + file + ".expected")) {
            List<float[]> rows = new ArrayList<>();
            int width = -1;
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.startsWith("#") || line.isBlank()) continue;
                String[] halves = line.split("\\|");
                String[] in6 = halves[0].trim().split(" "), out = halves[1].trim().split(" ");
                width = out.length;
                float[] r = new float[6 + width];
                for (int k = 0; k < 6; k++) r[k] = bits(in6[k]);
                for (int k = 0; k < width; k++) r[6 + k] = bits(out[k]);
                rows.add(r);
            }
            int n = rows.size();
            float[] xyz = new float[3 * n], dirs = new float[3 * n], outs = new float[width * n];
            for (int i = 0; i < n; i++) {
                float[] r = rows.get(i);
                System.arraycopy(r, 0, xyz, 3 * i, 3);
                System.arraycopy(r, 3, dirs, 3 * i, 3);
                System.arraycopy(r, 6, outs, width * i, width);
            }
            checkPoints(xyz, dirs);
            return new Expected(xyz, dirs, outs, width);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static float bits(String hex) {
        return Float.intBitsToFloat(Integer.parseUnsignedInt(hex, 16));
    }

    /** The points are the generator's (README): a check that the file was read as written. */
    private static void checkPoints(float[] xyz, float[] dirs) {
        SplittableRandom r = new SplittableRandom(12345);
        for (int i = 0; i < xyz.length; i++) {
            if (xyz[i] != (float) (2 * r.nextDouble() - 1)) throw new IllegalStateException("expected points differ at " + i);
        }
    }
}
