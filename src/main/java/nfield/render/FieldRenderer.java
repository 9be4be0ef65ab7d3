package nfield.render;

/** What the viewer draws with: the SDF renderer ({@link BakedRenderer}) or the radiance one ({@link VolumeRenderer}). */
public interface FieldRenderer extends AutoCloseable {
    /** Renders offscreen at w × h and scales the result onto the window's framebuffer (winW × winH). */
    void renderToWindow(Camera cam, Mode mode, int w, int h, float sliceY, int winW, int winH);

    /** Renders offscreen and reads back RGBA8 pixels, rows from the bottom, packed 0xAARRGGBB. */
    int[] render(Camera cam, Mode mode, int w, int h, float sliceY);

    /**
     * The window's part {x, y, w, h} (pixels from the top left of a winW × winH window) that the
     * viewer's panel covers: the window renders skip it (null: none). {@link #render} ignores it.
     */
    void occluder(float[] windowRect, int winW, int winH);

    @Override
    void close();
}
