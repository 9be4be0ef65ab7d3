package nfield.testing;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The COLMAP model that {@code tools/colmap-fixture.sh} made with Debian's colmap from lego_400's
 * training images (a test resource), with the images it was made from, which stay in ../shared.
 */
public final class LegoColmap {
    private LegoColmap() {}

    public static final Path MODEL = Path.of("src/test/resources/colmap/lego_400/sparse/0");
    public static final Path LEGO = Path.of("../shared/data/nerf/lego_400");

    /**
     * The model with the lego images beside it in {@code dir}: sparse/0 (copied) and images →
     * ../shared's train images; skips the test, saying why, where ../shared/data is absent.
     */
    public static Path scene(Path dir) throws IOException {
        Assumptions.assumeTrue(Files.isDirectory(LEGO), "../shared/data is absent: skipping the COLMAP lego test");
        Path m = Files.createDirectories(dir.resolve("sparse/0"));
        for (String f : List.of("cameras.bin", "images.bin", "points3D.bin")) Files.copy(MODEL.resolve(f), m.resolve(f));
        Files.createSymbolicLink(dir.resolve("images"), LEGO.resolve("train").toAbsolutePath());
        return dir;
    }
}
