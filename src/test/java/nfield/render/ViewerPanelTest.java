package nfield.render;

import nfield.field.CropBox;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntConsumer;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The viewer's Nuklear panel in a real window (Xvfb + Mesa in CI): clicks go through Nuklear's
 * input at the widgets' places of the frame before, as the mouse's would, and change the view.
 */
class ViewerPanelTest {
    @TempDir
    Path dir;

    private static final int W = 720, H = 480;

    @BeforeEach
    void needsDisplay() {
        String display = System.getenv("DISPLAY");
        Assumptions.assumeTrue(display != null && !display.isEmpty(), "needs a display (tools/test.sh runs the suite under xvfb-run)");
    }

    private static BakedGrid torus() {
        return BakedGrid.of((x, y, z) -> Math.hypot(Math.hypot(x, z) - 0.55, y) - 0.25, 64);
    }

    /** Runs a viewer for {@code frames} frames with a script of actions by frame number; returns its last frame. */
    private BufferedImage run(int frames, Map<Integer, IntConsumer> script, java.util.function.Consumer<Viewer> setUp, Path shot,
                              java.util.function.Consumer<Viewer> after) throws IOException {
        // a low target frame rate keeps the dynamic resolution at full size
        Viewer.Options opt = new Viewer.Options(W, H, frames, shot, false, 1, Mode.SHADED);
        try (Viewer v = new Viewer("panel test", torus(), Camera.HOME, opt)) {
            v.bookmarks(dir.resolve("torus.nfield.views.json"));
            setUp.accept(v);
            v.onFrame(f -> {
                IntConsumer a = script.get(f);
                if (a != null) a.accept(f);
            });
            v.run();
            after.accept(v);
        }
        return ImageIO.read(shot.toFile());
    }

    /** Pixels of the view left of the panel that differ from the background's colour. */
    private static int drawn(BufferedImage img) {
        int bg = img.getRGB(2, img.getHeight() - 3), n = 0;
        for (int y = 60; y < img.getHeight(); y++) for (int x = 0; x < img.getWidth() - Panel.WIDTH - 16; x++) if (img.getRGB(x, y) != bg) n++;
        return n;
    }

    /** The slider between two shapes: a click near its right end moves t there, and the shape is baked again at that t. */
    @Test
    void theShapeSliderRebakesBetweenTwoShapes() throws IOException {
        int[] drawnAt = new int[2];
        float[] slid = new float[2];
        float[] at = {0.1f, 0.95f};
        for (int k = 0; k < 2; k++) {
            float[] bakedAt = {-1}, t = {0.5f};
            Viewer[] v = {null};
            float fx = at[k];
            Map<Integer, IntConsumer> script = new TreeMap<>();
            script.put(3, f -> assertTrue(v[0].click("tab:render"), "fold the render section"));
            // the knob sits at t = 0.5 (mid-slider); drag it to fx
            script.put(6, f -> assertTrue(v[0].drag("blend", 0.5f, fx), "the shape section lays out its slider"));
            java.util.function.Consumer<Viewer> setUp = x -> {
                v[0] = x;
                // between a small sphere (t = 0) and a large one (t = 1)
                x.bakes(new int[]{48}, (res, c) -> {
                    bakedAt[0] = t[0];
                    return BakedGrid.of((px, py, pz) -> Math.sqrt(px * px + py * py + pz * pz) - (0.15 + 0.6 * t[0]), res);
                });
                x.blend("small -> large", 0.5f, d -> t[0] = (float) d);
            };
            Path shot = dir.resolve("slider" + k + ".png");
            drawnAt[k] = drawn(run(60, script, setUp, shot, x -> assertEquals(x.blend(), bakedAt[0], 1e-6, "the bake took the slider's t")));
            slid[k] = bakedAt[0];
        }
        assertTrue(slid[0] < 0.25f && slid[1] > 0.8f, "the slider moved to where it was dragged: " + java.util.Arrays.toString(slid));
        assertTrue(drawnAt[1] > 3 * drawnAt[0], "the larger shape is drawn after the slider moved right: " + java.util.Arrays.toString(drawnAt));
    }

    @Test
    void modeBookmarkAndCropChangeWhatTheWindowShows() throws IOException {
        List<String> seen = new ArrayList<>();
        Viewer[] v = {null};
        Map<Integer, IntConsumer> script = new TreeMap<>();
        script.put(3, f -> assertTrue(v[0].click("mode:normals"), "the panel lays out its mode buttons"));
        script.put(7, f -> seen.add("mode " + v[0].mode().id()));
        script.put(8, f -> assertTrue(v[0].click("camera:frame")));
        script.put(12, f -> assertTrue(v[0].click("bookmark:add")));
        script.put(16, f -> seen.add("bookmarks " + v[0].bookmarkList().views().size()));
        script.put(17, f -> assertTrue(v[0].click("mode:shaded")));
        script.put(21, f -> assertTrue(v[0].click("camera:reset")));
        script.put(25, f -> assertTrue(v[0].click("tab:crop"), "the crop section's header"));
        // a property's left-hand arrow steps it down by 0.02 a click: 40 clicks take x1 from 1 to 0.2
        for (int k = 0; k < 40; k++) script.put(29 + 3 * k, f -> assertTrue(v[0].click("crop:x1", 0.075f), "the crop section opened"));
        script.put(152, f -> seen.add("crop " + v[0].cropBox()));

        Path plain = dir.resolve("plain.png"), cut = dir.resolve("cut.png");
        BufferedImage before = run(20, Map.of(), x -> { }, plain, x -> { });
        BufferedImage after = run(154, script, x -> v[0] = x, cut, x -> { });

        assertEquals("mode normals", seen.get(0), "a click on 'normals' switches the mode: " + seen);
        assertEquals("bookmarks 1", seen.get(1), seen.toString());
        String crop = seen.get(2);
        CropBox box = CropBox.parse(crop.substring("crop ".length()));
        assertEquals(0.2f, box.x1(), 0.03f, "forty steps of 0.02 down from 1: " + crop);
        assertEquals(-1f, box.x0(), 1e-6f, crop);
        // the bookmark is kept beside the field: a new viewer reads it back
        Path views = dir.resolve("torus.nfield.views.json");
        assertTrue(Files.exists(views));
        Bookmarks b = new Bookmarks(views);
        assertNull(b.problem());
        assertEquals(1, b.views().size());
        assertNotEquals(Camera.HOME, b.views().get(0), "the framed view, not the home one");
        // cut at x = 0.2, the torus loses the part towards +x (the right of the home view): fewer pixels drawn
        int full = drawn(before), cropped = drawn(after);
        assertTrue(full > 20000, "the torus is drawn: " + full);
        assertTrue(cropped < 0.9 * full && cropped > 0.3 * full, "crop at x1 = 0.2: " + cropped + " of " + full + " pixels");
    }

    @Test
    void trainingSectionPausesResumesAndStops() throws IOException {
        boolean[] state = {false, false}; // paused, stopped
        List<Boolean> pauses = new ArrayList<>();
        LiveControls live = new LiveControls() {
            @Override public boolean paused() { return state[0]; }
            @Override public void pause(boolean hold) { state[0] = hold; pauses.add(hold); }
            @Override public void stop() { state[1] = true; }
            @Override public boolean stopped() { return state[1]; }
            @Override public float[] losses() { return new float[]{1f, 0.5f, 0.2f, 0.1f, 0.05f}; }
            @Override public String line() { return "step 500  sdf 0.05"; }
        };
        Viewer[] v = {null};
        Map<Integer, IntConsumer> script = new TreeMap<>();
        script.put(3, f -> assertTrue(v[0].click("tab:render"), "fold the render section to make room"));
        // a click presses in the frame after it is asked for and releases in the next, where Nuklear's button fires
        script.put(6, f -> assertTrue(v[0].click("train:pause")));
        script.put(10, f -> {
            assertTrue(state[0], "paused");
            assertTrue(v[0].click("train:pause"), "now labelled resume");
        });
        script.put(14, f -> {
            assertFalse(state[0], "resumed");
            assertTrue(v[0].click("train:stop"));
        });
        script.put(18, f -> assertNull(v[0].panelBounds("train:stop"), "a stopped fit offers no stop button"));
        Path shot = dir.resolve("live.png");
        run(20, script, x -> {
            v[0] = x;
            x.training(live);
        }, shot, x -> { });
        assertEquals(List.of(true, false), pauses);
        assertTrue(state[1]);
    }
}
