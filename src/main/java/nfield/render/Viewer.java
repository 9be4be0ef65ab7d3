package nfield.render;

import org.joml.Vector3f;
import org.lwjgl.glfw.GLFWErrorCallback;
import org.lwjgl.opengl.GL;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

import static org.lwjgl.glfw.GLFW.*;
import static org.lwjgl.opengl.GL33C.*;

/**
 * The window: a GLFW OpenGL 3.3 core context (X11; Xvfb works) showing a baked SDF through
 * {@link BakedRenderer} or a baked radiance field through {@link VolumeRenderer}, with an orbit camera (left-drag rotate, right-drag pan, wheel zoom,
 * F frame the object, R reset), modes on keys 1-5, P screenshot, H help, Esc/Q quit. Dynamic
 * resolution: the offscreen render is scaled (0.25-1) to hold the target frame time and blitted
 * to the window. The title shows mode, render size, frame time and fps.
 */
public final class Viewer implements AutoCloseable {
    /** frames: stop after that many (0: until closed); screenshot: written at the end; orbit: turn 360° over the frames. */
    public record Options(int width, int height, int frames, Path screenshot, boolean orbit, double targetFps, Mode mode) {}

    /** What a run measured. */
    /** shown: what the last frame drew (baked, volume, or direct with the share of its tiles done). */
    /** panel: whether the panel was shown at the end (it covers part of the view, which is then not drawn). */
    public record Stats(int frames, double medianFrameMs, int width, int height, String renderer, String shown, boolean panel) {
        public double fps() { return 1000 / medianFrameMs; }

        /** The line a run reports, {@code mode} and the bake (its size and time) named. */
        public String describe(String mode, String bake, double bakeSeconds) {
            return String.format(java.util.Locale.ROOT, "%d frames at %dx%d (%s %s, bake %s in %.2f s%s): median %.2f ms, %.1f fps on %s",
                    frames, width, height, shown, mode, bake, bakeSeconds, panel ? ", panel shown" : "", medianFrameMs, fps(), renderer);
        }

        /** {@code view --benchmark --json}'s line. */
        public com.fasterxml.jackson.databind.node.ObjectNode toJson(String mode, String bake) {
            return nfield.config.Json.MAPPER.createObjectNode().put("fps", fps()).put("frame_ms", medianFrameMs).put("frames", frames)
                    .put("width", width).put("height", height).put("mode", mode).put("bake", bake).put("path", shown).put("panel", panel).put("renderer", renderer);
        }
    }

    public static final String HELP = "nfield view: left-drag rotate | right-drag pan | wheel zoom | F frame | R reset\n"
            + "             1 shaded  2 normals  3 depth  4 steps  5 slice ([ ] move the slice)\n"
            + "             D baked/direct (direct refines tile by tile while the view holds still)\n"
            + "             Tab panel (mode, bake, crop box, bookmarks, training) | P screenshot | H help | Esc or Q quit";

    private final long window;
    private final String title;
    private final Options opt;
    private final BakedRenderer renderer;   // SDF fields; null for radiance
    private final VolumeRenderer volume;    // radiance fields; null for SDF
    private final Overlay overlay;
    private String hud = "";
    private final Camera home;
    private Camera cam;
    private Mode mode;
    private float slice;
    private double scale = 1;
    private double lastX, lastY;
    private boolean rotating, panning, showHelp;
    private int shots;
    private volatile Object pending; // a BakedGrid or a VolumeGrid, uploaded on the GL thread
    private BakedGrid grid;
    private VolumeGrid volumeGrid;
    private volatile String status = "";
    private boolean useDirect;
    private final Nk nk;
    private final Panel panel;
    private boolean showPanel = true;
    private final int[] clickAt = new int[3]; // a scripted click: frames left until release, x, y
    private final int[] dragAt = new int[4]; // a scripted drag: frames left, from x, to x, y
    private Bookmarks bookmarks = new Bookmarks(null);
    private LiveControls live;
    private nfield.field.CropBox crop = nfield.field.CropBox.FULL;
    private boolean zUp;
    private java.util.function.BiFunction<Integer, Camera, Object> bakeAt;
    private int[] bakeChoices;
    private String note = "";
    private long noteUntil;
    private java.util.function.IntConsumer onFrame;
    private float[] lastCovered;

    /** Throws what a window without a display would, before any work is spent on baking. */
    public static void requireDisplay() {
        if (System.getenv("DISPLAY") == null || System.getenv("DISPLAY").isEmpty()) {
            throw new RenderUnavailableException("no display for a window (DISPLAY is not set); use `nfield render FIELD "
                    + "--out image.png` for images without one, or run the viewer under xvfb-run");
        }
    }

    /** Shows an SDF baked into a grid. */
    public Viewer(String title, BakedGrid grid, Camera camera, Options opt) {
        this(title, grid, null, null, camera, opt);
    }

    /** Shows a radiance field baked into a volume grid, composited over {@code background} (RGB in [0, 1]). */
    public Viewer(String title, VolumeGrid grid, float[] background, Camera camera, Options opt) {
        this(title, null, grid, background, camera, opt);
    }

    private Viewer(String title, BakedGrid grid, VolumeGrid vgrid, float[] background, Camera camera, Options opt) {
        this.title = title;
        this.opt = opt;
        this.mode = opt.mode();
        requireDisplay();
        if (glfwPlatformSupported(GLFW_PLATFORM_X11)) glfwInitHint(GLFW_PLATFORM, GLFW_PLATFORM_X11);
        if (!glfwInit()) {
            throw new RenderUnavailableException("cannot open the display " + System.getenv("DISPLAY")
                    + "; use `nfield render` for images without a display, or run under xvfb-run");
        }
        GLFWErrorCallback.createPrint(System.err).set();
        glfwDefaultWindowHints();
        glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
        glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
        glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
        glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GLFW_TRUE);
        glfwWindowHint(GLFW_VISIBLE, GLFW_TRUE);
        window = glfwCreateWindow(opt.width(), opt.height(), title, 0, 0);
        if (window == 0) {
            glfwTerminate();
            throw new RenderUnavailableException("could not open an OpenGL 3.3 core window; use `nfield render` instead");
        }
        glfwMakeContextCurrent(window);
        glfwSwapInterval(0);
        GL.createCapabilities();
        overlay = new Overlay();
        nk = new Nk();
        if (vgrid != null) {
            renderer = null;
            volume = new VolumeRenderer(background);
            volumeGrid = vgrid;
            volume.upload(vgrid);
        } else {
            volume = null;
            renderer = new BakedRenderer();
            renderer.shadeFromTexture(true); // one fetch for the normal and occlusion at a hit (BakedGrid.shading)
            this.grid = grid;
            renderer.upload(grid);
        }
        home = camera;
        cam = camera;
        panel = new Panel(nk, host());
        installCallbacks();
    }

    /** Shows the panel (Tab toggles it; shown unless told). */
    public void panel(boolean show) {
        showPanel = show;
    }

    /** Keeps camera bookmarks in {@code file} (FIELD.views.json; null: in memory only). */
    public void bookmarks(java.nio.file.Path file) {
        bookmarks = new Bookmarks(file);
        if (bookmarks.problem() != null) System.err.println("nfield view: " + bookmarks.problem());
    }

    /** A live fit's pause / resume / stop and loss curve in the panel. */
    public void training(LiveControls controls) {
        live = controls;
    }

    /** The field's vertical is z (a radiance field baked with its z up): the crop box is converted for the volume. */
    public void zUp(boolean z) {
        zUp = z;
    }

    /**
     * Offers these bake resolutions in the panel; {@code bake} makes the grid (a BakedGrid or
     * VolumeGrid) at a resolution for the camera of the moment, on a worker thread.
     */
    public void bakes(int[] choices, java.util.function.BiFunction<Integer, Camera, Object> bake) {
        bakeChoices = choices.clone();
        bakeAt = bake;
    }

    private String blendLabel;
    private volatile float blendT, blendBaked;
    private java.util.function.DoubleConsumer blendAt;

    /**
     * A slider in the panel between two shapes (a shape space's codes, {@code label} naming them):
     * when it moves, {@code at} is told the new t (in [0, 1]) and the grid is baked again through
     * {@link #bakes} at the resolution shown, as soon as no bake runs.
     */
    public void blend(String label, float t, java.util.function.DoubleConsumer at) {
        blendLabel = label;
        blendT = blendBaked = t;
        blendAt = at;
    }

    /** The slider's t now (what the panel shows). */
    public float blend() {
        return blendT;
    }

    /** Starts with the crop box {@code box} (field coordinates). */
    public void crop(nfield.field.CropBox box) {
        crop = box;
        applyCrop();
    }

    /** Runs {@code f} on the GL thread at the start of every frame (after input), with the frame's number: for tests. */
    void onFrame(java.util.function.IntConsumer f) {
        onFrame = f;
    }

    /** Presses the left button over the panel's widget {@code name} (its last frame's place); released next frame. For tests. */
    boolean click(String name) {
        return click(name, 0.5f);
    }

    /** {@link #click(String)} at {@code fx} of the widget's width from its left (a property's arrows lie at its ends). */
    boolean click(String name, float fx) {
        float[] b = panel.bounds(name);
        if (b == null) return false;
        clickAt[0] = 2;
        clickAt[1] = (int) (b[0] + b[2] * fx);
        clickAt[2] = (int) (b[1] + b[3] / 2);
        return true;
    }

    /**
     * Drags over widget {@code name} from {@code fromFx} to {@code toFx} of its width: press, move
     * with the button held (a slider follows its knob), release, one frame each. For tests.
     */
    boolean drag(String name, float fromFx, float toFx) {
        float[] b = panel.bounds(name);
        if (b == null) return false;
        dragAt[0] = 3;
        dragAt[1] = (int) (b[0] + b[2] * fromFx);
        dragAt[2] = (int) (b[0] + b[2] * toFx);
        dragAt[3] = (int) (b[1] + b[3] / 2);
        return true;
    }

    Mode mode() { return mode; }

    /** Where the panel drew widget {@code name} last frame (x, y, w, h from the top left), or null. For tests. */
    float[] panelBounds(String name) { return panel.bounds(name); }

    nfield.field.CropBox cropBox() { return crop; }

    Camera camera() { return cam; }

    Bookmarks bookmarkList() { return bookmarks; }

    private void applyCrop() {
        if (renderer != null) {
            renderer.crop(crop);
        } else if (crop.full()) {
            volume.crop(null, null);
        } else { // field → viewer space: a z-up field's (x, y, z) is the viewer's (x, z, −y)
            float[] lo = crop.lo(), hi = crop.hi();
            volume.crop(zUp ? new float[]{lo[0], lo[2], -hi[1]} : lo, zUp ? new float[]{hi[0], hi[2], -lo[1]} : hi);
        }
    }

    private void note(String line) {
        System.err.println("nfield view: " + line);
        note = line;
        noteUntil = System.nanoTime() + 6_000_000_000L;
    }

    private Panel.Host host() {
        return new Panel.Host() {
            @Override public Mode mode() { return mode; }
            @Override public void mode(Mode m) { mode = m; }
            @Override public float slice() { return slice; }
            @Override public void slice(float y) { slice = y; }
            @Override public boolean hasDirect() { return renderer != null && renderer.hasDirect(); }
            @Override public boolean direct() { return useDirect; }
            @Override public void direct(boolean on) { useDirect = on && hasDirect(); }
            @Override public int bakeRes() {
                if (volumeGrid != null) return java.util.Arrays.stream(volumeGrid.dims()).max().orElse(0);
                return grid.res();
            }
            @Override public int[] bakeChoices() { return bakeChoices; }
            @Override public boolean baking() { return baking; }
            @Override public void rebake(int res) { bakeInBackground(res); }
            @Override public nfield.field.CropBox crop() { return crop; }
            @Override public void crop(nfield.field.CropBox box) { Viewer.this.crop(box); }
            @Override public Camera camera() { return cam; }
            @Override public void camera(Camera c) { cam = c; }
            @Override public void reset() { cam = home; }
            @Override public void frame() { cam = Viewer.this.frame(cam); }
            @Override public void screenshot() { Viewer.this.screenshot(Path.of(String.format("nfield-screenshot-%03d.png", shots++))); }
            @Override public Bookmarks bookmarks() { return bookmarks; }
            @Override public LiveControls training() { return live; }
            @Override public void copy(String text) { glfwSetClipboardString(window, text); }
            @Override public void message(String line) { note(line); }
            @Override public String blendLabel() { return blendLabel; }
            @Override public float blend() { return blendT; }
            @Override public void blend(float t) { blendT = t; }
        };
    }

    private void bakeInBackground(int res) {
        if (bakeAt == null || baking) return;
        note("baking at " + res + "^3...");
        Camera c = cam;
        onWorker("nfield-bake", () -> {
            Object g = bakeAt.apply(res, c);
            if (g instanceof BakedGrid b) b.shading(); // here, not on the window's thread
            pending = g;
            note("baked at " + res + "^3");
        }, e -> note("bake at " + res + "^3 failed: " + e.getMessage()));
    }

    /** Runs a bake on a daemon thread, one at a time ({@code baking} holds until it ends); {@link #close} waits for it. */
    private void onWorker(String name, Runnable work, java.util.function.Consumer<RuntimeException> failed) {
        baking = true;
        Thread t = new Thread(() -> {
            try {
                work.run();
            } catch (RuntimeException e) {
                failed.accept(e);
            } finally {
                baking = false;
            }
        }, name);
        t.setDaemon(true);
        rebaking = t;
        t.start();
    }

    /** Makes the direct path available (key D toggles it); {@code start}: begin with it. */
    public void direct(String sdfGlsl, float[] params, boolean start) {
        if (renderer == null) throw new IllegalStateException("a radiance field has no direct path");
        renderer.direct(sdfGlsl, params);
        useDirect = start;
    }

    /** Replaces the field shown (from any thread; uploaded before the next frame). */
    public void update(BakedGrid g, String statusLine) {
        if (renderer == null) throw new IllegalStateException("this viewer shows a radiance field");
        status = statusLine == null ? "" : statusLine;
        pending = g;
    }

    /** Replaces the radiance field shown (from any thread; uploaded before the next frame). */
    public void update(VolumeGrid g, String statusLine) {
        if (volume == null) throw new IllegalStateException("this viewer shows an SDF");
        status = statusLine == null ? "" : statusLine;
        pending = g;
    }

    /** Sets the status text shown in the title (e.g. the training loss), from any thread. */
    public void status(String s) {
        status = s == null ? "" : s;
    }

    private void installCallbacks() {
        glfwSetMouseButtonCallback(window, (w, button, action, mods) -> {
            boolean down = action == GLFW_PRESS;
            boolean onPanel = showPanel && nk.wantsPointer();
            if (showPanel) {
                int b = button == GLFW_MOUSE_BUTTON_RIGHT ? org.lwjgl.nuklear.Nuklear.NK_BUTTON_RIGHT
                        : button == GLFW_MOUSE_BUTTON_MIDDLE ? org.lwjgl.nuklear.Nuklear.NK_BUTTON_MIDDLE : org.lwjgl.nuklear.Nuklear.NK_BUTTON_LEFT;
                nk.button(b, lastX, lastY, down);
            }
            // a press on the panel is the panel's; a release always ends a drag
            if (button == GLFW_MOUSE_BUTTON_LEFT) rotating = down && !onPanel;
            if (button == GLFW_MOUSE_BUTTON_RIGHT) panning = down && !onPanel;
        });
        glfwSetCursorPosCallback(window, (w, x, y) -> {
            double dx = x - lastX, dy = y - lastY;
            lastX = x;
            lastY = y;
            if (showPanel) nk.motion(x, y);
            if (rotating) cam = cam.orbit(-dx * 0.4, dy * 0.4);
            if (panning) cam = cam.pan(-dx / opt.height(), dy / opt.height());
        });
        glfwSetScrollCallback(window, (w, dx, dy) -> {
            if (showPanel && nk.wantsPointer()) nk.scroll(dx, dy);
            else cam = cam.zoom(Math.pow(0.9, dy));
        });
        glfwSetKeyCallback(window, (w, key, sc, action, mods) -> {
            if (action != GLFW_PRESS && action != GLFW_REPEAT) return;
            switch (key) {
                case GLFW_KEY_ESCAPE, GLFW_KEY_Q -> glfwSetWindowShouldClose(window, true);
                case GLFW_KEY_R -> cam = home;
                case GLFW_KEY_F -> cam = frame(cam);
                case GLFW_KEY_H -> {
                    showHelp = !showHelp;
                    if (showHelp) System.err.println(HELP);
                }
                case GLFW_KEY_TAB -> showPanel = !showPanel;
                case GLFW_KEY_P -> screenshot(Path.of(String.format("nfield-screenshot-%03d.png", shots++)));
                case GLFW_KEY_1, GLFW_KEY_2, GLFW_KEY_3, GLFW_KEY_4, GLFW_KEY_5 -> mode = Mode.values()[key - GLFW_KEY_1];
                case GLFW_KEY_D -> useDirect = renderer != null && renderer.hasDirect() && !useDirect;
                case GLFW_KEY_LEFT_BRACKET -> slice = Math.max(-1, slice - 0.02f);
                case GLFW_KEY_RIGHT_BRACKET -> slice = Math.min(1, slice + 0.02f);
                default -> { }
            }
        });
    }

    /** The camera aimed at the inside (negative) voxels' bounding box, or a radiance field's baked box. */
    private Camera frame(Camera c) {
        if (volumeGrid != null) {
            float[] lo = volumeGrid.lo(), hi = volumeGrid.hi();
            return c.framing(new Vector3f(lo[0], lo[1], lo[2]), new Vector3f(hi[0], hi[1], hi[2]));
        }
        int r = grid.res();
        float[] v = grid.values();
        Vector3f lo = new Vector3f(Float.MAX_VALUE), hi = new Vector3f(-Float.MAX_VALUE);
        for (int z = 0; z < r; z++) {
            for (int y = 0; y < r; y++) {
                for (int x = 0; x < r; x++) {
                    if (v[(z * r + y) * r + x] >= 0) continue;
                    Vector3f p = new Vector3f((float) BakedGrid.coord(x, r), (float) BakedGrid.coord(y, r), (float) BakedGrid.coord(z, r));
                    lo.min(p);
                    hi.max(p);
                }
            }
        }
        return lo.x > hi.x ? home : c.framing(lo, hi);
    }

    private void screenshot(Path file) {
        int[] w = new int[1], h = new int[1];
        glfwGetFramebufferSize(window, w, h);
        try {
            Images.writePng(file, BakedRenderer.readWindow(w[0], h[0]), w[0], h[0]);
            System.err.println("wrote " + file);
        } catch (IOException e) {
            System.err.println("nfield view: screenshot " + file + ": " + e.getMessage());
        }
    }

    private String shown() {
        if (volume != null) return "volume";
        if (!useDirect) return "baked";
        if (opt.orbit()) return "direct";
        return tile < 0 ? "direct (baked while moving)" : String.format(Locale.ROOT, "direct %.0f%%", 100.0 * tile / tiles);
    }

    private java.util.function.Function<Camera, VolumeGrid> rebake;
    private Camera bakedFor, settling;
    private long settledSince;
    private volatile boolean baking;
    private Thread rebaking;

    /**
     * A view-dependent radiance field: once the camera has held still for a moment and looks
     * more than {@value #REBAKE_DEGREES}° away from the direction the shown grid was baked for,
     * {@code bake} runs on a worker thread for the current camera and its grid replaces the shown
     * one (the window keeps drawing meanwhile).
     */
    public void rebake(java.util.function.Function<Camera, VolumeGrid> bake) {
        if (volume == null) throw new IllegalStateException("only a radiance field is re-baked");
        rebake = bake;
        bakedFor = home;
    }

    static final double REBAKE_DEGREES = 15;

    private void maybeRebake(Camera c) {
        if (rebake == null || baking) return;
        long now = System.nanoTime();
        if (!c.equals(settling)) {
            settling = c;
            settledSince = now;
            return;
        }
        if (now - settledSince < 300_000_000L || c.forward().angle(bakedFor.forward()) < Math.toRadians(REBAKE_DEGREES)) return;
        bakedFor = c;
        String before = status;
        status = "re-baking the colour for this view...";
        onWorker("nfield-rebake", () -> update(rebake.apply(c), before), e -> status = "re-bake failed: " + e.getMessage());
    }

    /** Tile edge of progressive direct rendering, in pixels. */
    static final int TILE = 64;
    private Object viewKey;
    private int tile = -1, tiles = 1;

    /**
     * The direct path, progressively: while the view changes, the baked grid at full size; once it
     * holds still, the network's tiles over that image, as many each frame as fit the frame budget
     * (at least one), until the whole image is direct. The offscreen image is kept between frames.
     */
    private void progressive(Camera c, int w, int h, double budgetMs, long frameStart) {
        // the panel's rectangle too: what it covered was not drawn
        java.util.List<Object> key = java.util.List.of(c, mode, slice, w, h, grid, java.util.Arrays.toString(lastCovered));
        if (!key.equals(viewKey)) {
            viewKey = key;
            tile = -1;
            renderer.path(false);
            renderer.renderOffscreen(c, mode, w, h, slice);
        } else {
            int tx = (w + TILE - 1) / TILE, ty = (h + TILE - 1) / TILE;
            tiles = tx * ty;
            if (tile < 0) tile = 0;
            renderer.path(true);
            while (tile < tiles) {
                renderer.renderTile(c, mode, w, h, slice, tile, tx, TILE);
                tile++;
                glFinish();
                if ((System.nanoTime() - frameStart) * 1e-6 > 0.8 * budgetMs) break;
            }
        }
        renderer.showOffscreen(w, h);
    }

    /** Runs the loop until the window closes (or the frame count is reached). */
    public Stats run() {
        double budgetMs = 1000 / opt.targetFps();
        double[] times = new double[Math.max(1, opt.frames() > 0 ? opt.frames() : 1024)];
        int frames = 0;
        long lastTitle = 0;
        int[] fw = new int[1], fh = new int[1];
        while (!glfwWindowShouldClose(window) && (opt.frames() == 0 || frames < opt.frames())) {
            long t0 = System.nanoTime();
            nk.begin();
            glfwPollEvents();
            if (clickAt[0] > 0) { // a scripted click: press this frame, release the next
                nk.motion(clickAt[1], clickAt[2]);
                nk.button(org.lwjgl.nuklear.Nuklear.NK_BUTTON_LEFT, clickAt[1], clickAt[2], clickAt[0] == 2);
                clickAt[0]--;
            } else if (dragAt[0] > 0) { // a scripted drag: press at the start, move held, release at the end
                int x = dragAt[0] == 3 ? dragAt[1] : dragAt[2];
                nk.motion(x, dragAt[3]);
                if (dragAt[0] != 2) nk.button(org.lwjgl.nuklear.Nuklear.NK_BUTTON_LEFT, x, dragAt[3], dragAt[0] == 3);
                dragAt[0]--;
            }
            nk.end();
            if (onFrame != null) onFrame.accept(frames);
            if (blendAt != null && blendT != blendBaked && !baking && bakeAt != null) { // the slider moved: bake the shape at its t
                float t = blendT;
                blendBaked = t;
                blendAt.accept(t);
                bakeInBackground(grid.res());
            }
            Object g = pending;
            if (g != null) {
                pending = null;
                if (g instanceof BakedGrid b) {
                    grid = b;
                    renderer.upload(b);
                } else if (g instanceof VolumeGrid v) {
                    volumeGrid = v;
                    volume.upload(v);
                }
            }
            glfwGetFramebufferSize(window, fw, fh);
            if (fw[0] == 0 || fh[0] == 0) continue; // minimised
            Camera c = opt.orbit() && opt.frames() > 0 ? cam.turned(360.0 * frames / opt.frames()) : cam;
            maybeRebake(c);
            double s = opt.orbit() ? 1 : scale;
            int w = Math.max(1, (int) (fw[0] * s)), h = Math.max(1, (int) (fh[0] * s));
            boolean progressive = useDirect && !opt.orbit();
            if (progressive) {
                w = fw[0];
                h = fh[0];
                progressive(c, w, h, budgetMs, t0);
            } else {
                FieldRenderer r = renderer != null ? renderer : volume;
                if (renderer != null) renderer.path(useDirect);
                r.renderToWindow(c, mode, w, h, slice, fw[0], fh[0]);
                viewKey = null;
            }
            boolean noted = System.nanoTime() < noteUntil;
            overlay.text((noted ? hud + "\n" + note : hud) + (showHelp ? "\n\n" + HELP : ""));
            overlay.draw(fw[0], fh[0]);
            if (showPanel) {
                panel.layout(fw[0], fh[0]);
                nk.render(fw[0], fh[0]);
            }
            // the next frame leaves out what the (opaque) panel covers
            float[] covered = showPanel ? panel.rectangle() : null;
            lastCovered = covered;
            if (renderer != null) renderer.occluder(covered, fw[0], fh[0]);
            else volume.occluder(covered, fw[0], fh[0]);
            boolean last = opt.frames() > 0 && frames + 1 == opt.frames();
            if (last && opt.screenshot() != null) screenshot(opt.screenshot());
            glfwSwapBuffers(window);
            glFinish();
            double ms = (System.nanoTime() - t0) * 1e-6;
            times[frames % times.length] = ms;
            frames++;
            if (!opt.orbit() && !progressive) { // dynamic resolution: steer the pixel count towards the frame budget
                double ratio = budgetMs / Math.max(ms, 0.1);
                scale = Math.max(0.25, Math.min(1, scale * Math.min(1.15, Math.max(0.85, Math.sqrt(ratio)))));
            }
            long now = System.nanoTime();
            if (now - lastTitle > 250_000_000L) {
                lastTitle = now;
                hud = String.format(Locale.ROOT, "%s %s  %dx%d  %.1f ms (%.0f fps)%s  |  H: help",
                        shown(),
                        mode.id(), w, h, ms, 1000 / ms,
                        status.isEmpty() ? "" : "  |  " + status);
                glfwSetWindowTitle(window, title + " | " + hud);
            }
        }
        int n = Math.min(frames, times.length);
        double[] sorted = Arrays.copyOf(times, n);
        Arrays.sort(sorted);
        double median = n == 0 ? Double.NaN : sorted[n / 2];
        return new Stats(frames, median, fw[0], fh[0], glGetString(GL_RENDERER), shown(), showPanel);
    }

    @Override
    public void close() {
        if (rebaking != null) { // its bake uses the caller's device: let it finish before the caller closes that
            try {
                rebaking.join(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        overlay.close();
        nk.close();
        if (renderer != null) renderer.close();
        if (volume != null) volume.close();
        GL.setCapabilities(null);
        org.lwjgl.glfw.Callbacks.glfwFreeCallbacks(window);
        glfwDestroyWindow(window);
        glfwTerminate();
        GLFWErrorCallback cb = glfwSetErrorCallback(null);
        if (cb != null) cb.free();
    }
}
