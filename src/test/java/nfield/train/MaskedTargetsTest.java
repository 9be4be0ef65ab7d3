package nfield.train;

import nfield.compute.ref.RefBackend;
import nfield.data.nerf.LoadOptions;
import nfield.data.nerf.NerfData;
import nfield.data.nerf.PosedImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** nerfstudio's masks: the training rays of {@link RadianceObjective} come only from pixels the mask keeps. */
class MaskedTargetsTest {
    @TempDir
    Path dir;

    @Test
    void maskedPixelsAreNeverDrawn() throws IOException {
        // a red left half (masked out) and a blue right half
        BufferedImage im = new BufferedImage(8, 4, BufferedImage.TYPE_INT_RGB), mask = new BufferedImage(8, 4, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 8; x++) {
                im.setRGB(x, y, x < 4 ? 0xFF0000 : 0x0000FF);
                mask.setRGB(x, y, x < 4 ? 0x000000 : 0xFFFFFF);
            }
        }
        ImageIO.write(im, "png", dir.resolve("a.png").toFile());
        ImageIO.write(mask, "png", dir.resolve("a_mask.png").toFile());
        Files.writeString(dir.resolve("transforms.json"), "{\"fl_x\": 6, \"frames\": [{\"file_path\": \"a.png\", \"mask_path\": \"a_mask.png\", "
                + "\"transform_matrix\": [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 4], [0, 0, 0, 1]]}]}");
        PosedImages data = NerfData.read(dir.resolve("transforms.json"), LoadOptions.DEFAULT);
        try (RefBackend b = new RefBackend()) {
            RadianceObjective.Rays r = RandomBackgroundTest.objective(b, data).draw(5, 500);
            for (int i = 0; i < 500; i++) {
                assertEquals(0, r.target()[3 * i], 1e-6, "ray " + i + " came from a masked (red) pixel");
                assertEquals(1, r.target()[3 * i + 2], 1e-6);
                assertTrue(r.rays()[6 * i + 3] > 0, "the right half's rays point right: " + r.rays()[6 * i + 3]);
            }
        }
    }
}
