package nfield.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A folder for the fuzz targets whose readers take a path, not bytes: one per target and JVM,
 * made on first use under the temp folder and removed when the JVM exits. Each input overwrites
 * the files of the one before.
 */
public final class Scratch {
    private Scratch() {}

    /** The folder of {@code target} in this JVM. */
    public static synchronized Path dir(String target) {
        try {
            Path d = Files.createTempDirectory("nfield-fuzz-" + target + "-");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(d)));
            return d;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes {@code bytes} to {@code file}, replacing what was there. */
    public static Path write(Path file, byte[] bytes) {
        try {
            Files.createDirectories(file.getParent());
            return Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void delete(Path d) {
        try (Stream<Path> s = Files.walk(d)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort at exit
        }
    }
}
