package nfield.data.nerf;

import nfield.testing.LegoColmap;
import nfield.testing.Similarity;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The COLMAP model that {@code tools/colmap-fixture.sh} made with Debian's colmap from lego_400's
 * training images (a test resource; the images stay in ../shared): after a similarity alignment
 * (Umeyama) of its camera centres to the known ones, the cameras on average within 1° of their
 * known orientations and 1% of the scene's scale of their known positions (none twice that).
 */
class ColmapRealDataTest {
    static final Path LEGO = LegoColmap.LEGO;

    /** The model with the lego images beside it ({@link LegoColmap#scene}). */
    static Path scene(Path tmp) throws IOException {
        return LegoColmap.scene(tmp);
    }

    @Test
    void posesMatchTheKnownOnesAfterASimilarity(@org.junit.jupiter.api.io.TempDir Path tmp) throws IOException {
        Path dir = scene(tmp);
        ColmapReader.Scene s = ColmapReader.scene(ColmapReader.find(dir));
        PosedImages truth = NerfData.read(LEGO.resolve("transforms_train.json"), LoadOptions.DEFAULT.withDownscale(8));
        Map<String, Integer> known = new HashMap<>();
        for (int k = 0; k < truth.count(); k++) known.put(Path.of(truth.files().get(k)).getFileName().toString(), k);
        int n = s.model().images().size();
        assertTrue(n >= 90, "COLMAP registered only " + n + " of lego's 100 training images");
        double[] x = new double[3 * n], y = new double[3 * n];
        int[] match = new int[n];
        for (int i = 0; i < n; i++) {
            String name = s.model().images().get(i).name();
            Integer k = known.get(name);
            assertTrue(k != null, name + " is not a lego training image");
            match[i] = k;
            for (int a = 0; a < 3; a++) {
                x[3 * i + a] = s.poses()[16 * i + 4 * a + 3];
                y[3 * i + a] = truth.pose(k)[4 * a + 3];
            }
        }
        Similarity sim = Similarity.umeyama(x, y);
        double meanDist = 0;
        for (int i = 0; i < n; i++) meanDist += Math.sqrt(y[3 * i] * y[3 * i] + y[3 * i + 1] * y[3 * i + 1] + y[3 * i + 2] * y[3 * i + 2]) / n;
        double worstAngle = 0, worstShift = 0, meanAngle = 0, meanShift = 0;
        for (int i = 0; i < n; i++) {
            double[] p = s.poses(), t = truth.pose(match[i]);
            double[] c = sim.apply(x[3 * i], x[3 * i + 1], x[3 * i + 2]);
            double shift = Math.sqrt(sq(c[0] - y[3 * i]) + sq(c[1] - y[3 * i + 1]) + sq(c[2] - y[3 * i + 2])) / meanDist;
            worstShift = Math.max(worstShift, shift);
            meanShift += shift / n;
            // the camera's rotation carried over: R_sim · R_colmap against R_true
            double trace = 0;
            for (int a = 0; a < 3; a++) {
                for (int b = 0; b < 3; b++) {
                    double r = 0;
                    for (int l = 0; l < 3; l++) r += sim.r()[3 * a + l] * p[16 * i + 4 * l + b];
                    trace += r * t[4 * a + b];
                }
            }
            double angle = Math.toDegrees(Math.acos(Math.max(-1, Math.min(1, (trace - 1) / 2))));
            worstAngle = Math.max(worstAngle, angle);
            meanAngle += angle / n;
        }
        System.err.printf(Locale.ROOT, "COLMAP lego: %d of 100 registered, %,d points; after alignment rotation mean %.3f, worst %.3f deg; "
                + "centre mean %.3f%%, worst %.3f%% of the cameras' distance; scale %.4f%n", n, s.model().pointCount(), meanAngle, worstAngle,
                100 * meanShift, 100 * worstShift, sim.s());
        // the mean error is the figure the bar is on (1 degree, 1% of the scale); no camera may be more than twice that off
        assertTrue(meanAngle <= 1, "cameras are " + meanAngle + " degrees off on average");
        assertTrue(meanShift <= 0.01, "camera centres are " + 100 * meanShift + "% of the scene's scale off on average");
        assertTrue(worstAngle <= 2, "a camera is " + worstAngle + " degrees off");
        assertTrue(worstShift <= 0.02, "a camera centre is " + 100 * worstShift + "% of the scene's scale off");
        // and the images read through the model
        PosedImages d = NerfData.read(dir, LoadOptions.DEFAULT.withDownscale(8));
        assertEquals(n, d.count());
        assertEquals(50, d.width());
    }

    @Test
    void theAlignmentRecoversAKnownSimilarity() {
        java.util.SplittableRandom rng = new java.util.SplittableRandom(5);
        double[] q = {0.3, -0.5, 0.7, 0.2};
        double l = Math.sqrt(q[0] * q[0] + q[1] * q[1] + q[2] * q[2] + q[3] * q[3]);
        double[] r = new ColmapModel.Image(1, new double[] {q[0] / l, q[1] / l, q[2] / l, q[3] / l}, new double[3], 1, "x").rotation();
        Similarity known = new Similarity(2.5, r, new double[] {1, -2, 0.5});
        double[] x = new double[60], y = new double[60];
        for (int i = 0; i < 20; i++) {
            for (int a = 0; a < 3; a++) x[3 * i + a] = rng.nextDouble(-3, 3);
            double[] p = known.apply(x[3 * i], x[3 * i + 1], x[3 * i + 2]);
            System.arraycopy(p, 0, y, 3 * i, 3);
        }
        Similarity got = Similarity.umeyama(x, y);
        assertEquals(2.5, got.s(), 1e-9);
        for (int i = 0; i < 9; i++) assertEquals(r[i], got.r()[i], 1e-9);
        for (int i = 0; i < 3; i++) assertEquals(known.t()[i], got.t()[i], 1e-9);
    }

    private static double sq(double v) { return v * v; }

}
