package nfield.render;

import nfield.field.CropBox;
import org.lwjgl.nuklear.NkRect;
import org.lwjgl.nuklear.NkVec2;
import org.lwjgl.system.MemoryStack;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.lwjgl.nuklear.Nuklear.*;

/**
 * The viewer's panel (Nuklear): render mode and slice, baked or direct path, bake resolution,
 * crop box (copied as {@code --crop} for {@code mesh} and {@code export}), camera (reset, frame,
 * screenshot, bookmarks), between two shapes of a space a slider, and in a live fit pause /
 * resume / stop with the loss curve. It
 * reads and changes the viewer through {@link Host}; widgets' screen rectangles of the last
 * frame are kept by name ({@link #bounds}) for tests that click them.
 */
final class Panel {
    /** What the panel shows and changes. */
    interface Host {
        Mode mode();
        void mode(Mode m);
        float slice();
        void slice(float y);
        boolean hasDirect();
        boolean direct();
        void direct(boolean on);
        /** The bake resolution shown, the ones offered, and whether a bake runs now; null choices: no re-baking. */
        int bakeRes();
        int[] bakeChoices();
        boolean baking();
        void rebake(int res);
        /** The crop box in field coordinates (FULL: none). */
        CropBox crop();
        void crop(CropBox box);
        Camera camera();
        void camera(Camera c);
        void reset();
        void frame();
        void screenshot();
        Bookmarks bookmarks();
        /** A live fit's controls, or null. */
        LiveControls training();
        void copy(String text);
        void message(String line);
        /** The label of a slider between two shapes, or null when there is none; its t in [0, 1]. */
        default String blendLabel() { return null; }
        default float blend() { return 0; }
        default void blend(float t) {}
    }

    static final int WIDTH = 270, ROW = 22;
    private final Nk nk;
    private final Host host;
    private final Map<String, float[]> bounds = new LinkedHashMap<>();
    private final boolean[] renderTab = {true}, cropTab = {false}, cameraTab = {true}, trainTab = {true}, shapeTab = {true};
    private boolean cropOn;
    private final float[] box = {-1, -1, -1, 1, 1, 1};

    private CropBox shownCrop = CropBox.FULL;

    Panel(Nk nk, Host host) {
        this.nk = nk;
        this.host = host;
    }

    /** Takes a crop box set from outside (view --crop) into the widgets, and opens their section. */
    private void syncCrop() {
        CropBox c = host.crop();
        if (c.equals(shownCrop)) return;
        shownCrop = c;
        if (c.full()) return;
        cropOn = true;
        cropTab[0] = true;
        System.arraycopy(c.lo(), 0, box, 0, 3);
        System.arraycopy(c.hi(), 0, box, 3, 3);
    }

    private float[] rectangle;

    /** The open panel's rectangle {x, y, w, h} (window pixels, from the top left) in the last frame, or null (folded). */
    float[] rectangle() {
        return rectangle;
    }

    /** The rectangle {x, y, w, h} (window pixels, from the top left) a named widget had in the last frame, or null. */
    float[] bounds(String name) {
        return bounds.get(name);
    }

    /** Lays the panel out for this frame (call between input and {@link Nk#render}). */
    void layout(int winW, int winH) {
        var ctx = nk.ctx;
        bounds.clear();
        syncCrop();
        try (MemoryStack s = MemoryStack.stackPush()) {
            NkRect rect = NkRect.malloc(s).set(winW - WIDTH - 8, 8, WIDTH, Math.min(winH - 16, 480));
            rectangle = null;
            if (nk_begin(ctx, "nfield", rect, NK_WINDOW_BORDER | NK_WINDOW_MOVABLE | NK_WINDOW_MINIMIZABLE | NK_WINDOW_TITLE)) {
                if (host.blendLabel() != null) shape(s);
                render(s);
                crop(s);
                camera(s);
                LiveControls t = host.training();
                if (t != null) training(s, t);
                // the window as tall as what it holds (from the next frame), within the view
                NkRect end = nk_widget_bounds(ctx, NkRect.malloc(s)), w = nk_window_get_bounds(ctx, NkRect.malloc(s));
                float want = Math.max(60, Math.min(winH - w.y() - 4, end.y() - w.y() + 18));
                if (Math.abs(want - w.h()) > 0.5f) nk_window_set_size(ctx, "nfield", NkVec2.malloc(s).set(w.w(), want));
                if (!nk_window_is_collapsed(ctx, "nfield")) rectangle = new float[]{w.x(), w.y(), w.w(), w.h()};
            }
            nk_end(ctx);
        }
    }

    private void mark(MemoryStack s, String name) {
        NkRect r = nk_widget_bounds(nk.ctx, NkRect.malloc(s));
        bounds.put(name, new float[]{r.x(), r.y(), r.w(), r.h()});
    }

    /** A section's header, a full-width button that folds it ({@code open[0]}); true when open. */
    private boolean section(MemoryStack s, String name, String title, boolean[] open) {
        nk_layout_row_dynamic(nk.ctx, ROW + 2, 1);
        mark(s, name);
        if (nk_button_symbol_label(nk.ctx, open[0] ? NK_SYMBOL_TRIANGLE_DOWN : NK_SYMBOL_TRIANGLE_RIGHT, title, NK_TEXT_RIGHT)) open[0] = !open[0];
        return open[0];
    }

    private boolean button(MemoryStack s, String name, String label) {
        mark(s, name);
        return nk_button_label(nk.ctx, label);
    }

    private boolean option(MemoryStack s, String name, String label, boolean active) {
        mark(s, name);
        return nk_option_label(nk.ctx, label, active);
    }

    private void render(MemoryStack s) {
        var ctx = nk.ctx;
        if (!section(s, "tab:render", "Render", renderTab)) return;
        nk_layout_row_dynamic(ctx, ROW, 3);
        Mode[] modes = Mode.values();
        for (Mode m : modes) {
            if (option(s, "mode:" + m.id(), m.id(), host.mode() == m) && host.mode() != m) host.mode(m);
        }
        if (host.mode() == Mode.SLICE) {
            nk_layout_row_dynamic(ctx, ROW, 1);
            FloatBuffer y = s.floats(host.slice());
            mark(s, "slice");
            nk_property_float(ctx, "slice y", -1, y, 1, 0.02f, 0.005f);
            if (y.get(0) != host.slice()) host.slice(y.get(0));
        }
        if (host.hasDirect()) {
            nk_layout_row_dynamic(ctx, ROW, 2);
            if (option(s, "path:baked", "baked", !host.direct()) && host.direct()) host.direct(false);
            if (option(s, "path:direct", "direct", host.direct()) && !host.direct()) host.direct(true);
        }
        int[] choices = host.bakeChoices();
        if (choices != null) {
            nk_layout_row_dynamic(ctx, ROW, 2);
            nk_label(ctx, host.baking() ? "baking..." : "bake", NK_TEXT_LEFT);
            StringBuilder items = new StringBuilder();
            int selected = -1;
            for (int i = 0; i < choices.length; i++) {
                if (i > 0) items.append('\0');
                items.append(choices[i]).append("^3");
                if (choices[i] == host.bakeRes()) selected = i;
            }
            if (selected < 0) { // the bake shown is not one of the choices: offer it too
                items.append('\0').append(host.bakeRes()).append("^3");
                selected = choices.length;
            }
            IntBuffer sel = s.ints(selected);
            mark(s, "bake");
            nk_combobox_string(ctx, items, sel, selected == choices.length ? choices.length + 1 : choices.length, ROW,
                    NkVec2.malloc(s).set(WIDTH / 2f, ROW * (choices.length + 2)));
            if (sel.get(0) != selected && sel.get(0) < choices.length && !host.baking()) host.rebake(choices[sel.get(0)]);
        }
    }

    /** Between two shapes of a space: a slider for t, re-baked as it moves. */
    private void shape(MemoryStack s) {
        var ctx = nk.ctx;
        if (!section(s, "tab:shape", "Shape", shapeTab)) return;
        nk_layout_row_dynamic(ctx, ROW, 1);
        nk_label(ctx, host.blendLabel(), NK_TEXT_LEFT);
        nk_layout_row_dynamic(ctx, ROW, 1);
        FloatBuffer t = s.floats(host.blend());
        mark(s, "blend");
        nk_slider_float(ctx, 0, t, 1, 0.01f);
        if (t.get(0) != host.blend()) host.blend(t.get(0));
        nk_layout_row_dynamic(ctx, ROW, 1);
        nk_label(ctx, String.format(java.util.Locale.ROOT, "t = %.2f%s", host.blend(), host.baking() ? "  (baking...)" : ""), NK_TEXT_LEFT);
    }

    private void crop(MemoryStack s) {
        var ctx = nk.ctx;
        if (!section(s, "tab:crop", "Crop box", cropTab)) return;
        nk_layout_row_dynamic(ctx, ROW, 1);
        ByteBuffer on = s.bytes((byte) (cropOn ? 1 : 0));
        mark(s, "crop:on");
        nk_checkbox_label(ctx, "crop", on);
        boolean changed = (on.get(0) != 0) != cropOn;
        cropOn = on.get(0) != 0;
        String[] names = {"x0", "y0", "z0", "x1", "y1", "z1"};
        for (int a = 0; a < 3; a++) {
            nk_layout_row_dynamic(ctx, ROW, 2);
            for (int k : new int[]{a, a + 3}) {
                FloatBuffer v = s.floats(box[k]);
                mark(s, "crop:" + names[k]);
                // each minimum stays below its maximum
                float lo = k < 3 ? -1 : box[k - 3] + 0.02f, hi = k < 3 ? box[k + 3] - 0.02f : 1;
                nk_property_float(ctx, names[k], lo, v, hi, 0.02f, 0.005f);
                if (v.get(0) != box[k]) {
                    box[k] = v.get(0);
                    changed = true;
                    cropOn = true;
                }
            }
        }
        if (changed) {
            shownCrop = cropOn ? new CropBox(box[0], box[1], box[2], box[3], box[4], box[5]) : CropBox.FULL;
            host.crop(shownCrop);
        }
        nk_layout_row_dynamic(ctx, ROW, 2);
        if (button(s, "crop:copy", "copy --crop")) {
            String arg = "--crop " + host.crop();
            host.copy(arg);
            host.message("copied to the clipboard: " + arg + "  (for nfield mesh and nfield export)");
        }
        if (button(s, "crop:reset", "whole box")) {
            box[0] = box[1] = box[2] = -1;
            box[3] = box[4] = box[5] = 1;
            cropOn = false;
            shownCrop = CropBox.FULL;
            host.crop(CropBox.FULL);
        }
    }

    private void camera(MemoryStack s) {
        var ctx = nk.ctx;
        if (!section(s, "tab:camera", "Camera", cameraTab)) return;
        Camera c = host.camera();
        nk_layout_row_dynamic(ctx, ROW, 1);
        nk_label(ctx, String.format(Locale.ROOT, "az %.1f  el %.1f  dist %.2f", c.azimuth(), c.elevation(), c.distance()), NK_TEXT_LEFT);
        nk_layout_row_dynamic(ctx, ROW, 2);
        if (button(s, "camera:reset", "reset")) host.reset();
        if (button(s, "camera:frame", "frame")) host.frame();
        Bookmarks b = host.bookmarks();
        if (button(s, "camera:shot", "screenshot")) host.screenshot();
        if (button(s, "bookmark:add", "bookmark view")) {
            try {
                b.add(c);
                host.message("bookmarked " + Bookmarks.label(b.views().size() - 1, c) + (b.file() == null ? "" : " in " + b.file()));
            } catch (java.io.IOException e) {
                host.message("could not save the bookmark: " + e.getMessage());
            }
        }
        List<Camera> views = b.views();
        int remove = -1;
        for (int i = 0; i < views.size(); i++) {
            nk_layout_row(ctx, NK_DYNAMIC, ROW, s.floats(0.8f, 0.2f));
            if (button(s, "bookmark:" + (i + 1), Bookmarks.label(i, views.get(i)))) host.camera(views.get(i));
            if (button(s, "bookmark:" + (i + 1) + ":forget", "x")) remove = i;
        }
        if (remove >= 0) {
            try {
                b.remove(remove);
            } catch (java.io.IOException e) {
                host.message("could not save the bookmarks: " + e.getMessage());
            }
        }
    }

    private void training(MemoryStack s, LiveControls t) {
        var ctx = nk.ctx;
        if (!section(s, "tab:training", "Training", trainTab)) return;
        nk_layout_row_dynamic(ctx, ROW, 1);
        nk_label(ctx, t.line(), NK_TEXT_LEFT);
        nk_layout_row_dynamic(ctx, ROW, 2);
        if (t.stopped()) {
            nk_label(ctx, "stopped", NK_TEXT_LEFT);
        } else {
            if (button(s, "train:pause", t.paused() ? "resume" : "pause")) t.pause(!t.paused());
            if (button(s, "train:stop", "stop")) t.stop();
        }
        float[] losses = t.losses();
        nk_layout_row_dynamic(ctx, 90, 1);
        mark(s, "train:curve");
        if (losses.length > 1) {
            List<Float> logs = new ArrayList<>(losses.length);
            float lo = Float.POSITIVE_INFINITY, hi = Float.NEGATIVE_INFINITY;
            for (float l : losses) {
                if (!(l > 0) || !Float.isFinite(l)) continue;
                float v = (float) Math.log10(l);
                logs.add(v);
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
            if (logs.size() > 1 && nk_chart_begin(ctx, NK_CHART_LINES, logs.size(), lo, hi > lo ? hi : lo + 1)) {
                for (float v : logs) nk_chart_push(ctx, v);
                nk_chart_end(ctx);
            }
            nk_layout_row_dynamic(ctx, ROW, 1);
            nk_label(ctx, String.format(Locale.ROOT, "loss (log) %.3g .. %.3g", Math.pow(10, lo), Math.pow(10, hi)), NK_TEXT_LEFT);
        } else {
            nk_label(ctx, "the loss curve starts at the first log", NK_TEXT_LEFT);
        }
    }
}
