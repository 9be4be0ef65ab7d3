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

    /** The occupancy grid keeps only cells a training camera sees: one camera on +z looking at the origin sees none behind it. */
    @Test
    void cellsNoCameraSeesStayEmpty() throws IOException {
        BufferedImage im = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        ImageIO.write(im, "png", dir.resolve("a.png").toFile());
        Files.writeString(dir.resolve("transforms.json"), "{\"fl_x\": 8, \"frames\": [{\"file_path\": \"a.png\", "
                + "\"transform_matrix\": [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 1], [0, 0, 0, 1]]}]}");
        PosedImages data = NerfData.read(dir.resolve("transforms.json"), LoadOptions.DEFAULT);
        try (RefBackend b = new RefBackend()) {
            RadianceObjective o = new RadianceObjective(nfield.radiance.PhotometricLossTest.field(b), data,
                    new nfield.geom.Normalization(0, 0, 0, 1), nfield.config.MarchingConfig.defaults(), 9);
            double share = o.restrictToSeen();
            nfield.radiance.OccupancyGrid g = o.grid();
            // the camera at z = 1 (the box's top face) looks down -z, 53° across (f = W): its view pyramid holds 1/3 of the box
            assertTrue(g.occupied(0, 0, -0.5f), "straight ahead");
            assertTrue(!g.occupied(0.95f, 0.95f, 0.9f), "beside the camera, outside its view");
            assertTrue(g.occupied(0.9f, 0, -0.9f), "inside the view cone, near its edge, far away");
            assertTrue(share > 0.33 && share < 0.55, "the view pyramid's share of the box, 1/3, and the margins (10% of the image "
                    + "each side: 1.2² · 1/3 = 0.48): " + share);
            assertEquals(g.occupiedCells(), g.seenCells(), "before any update every seen cell is occupied and no other");
        }
    }
}
