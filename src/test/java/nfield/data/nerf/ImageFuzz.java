package nfield.data.nerf;

import java.io.IOException;

/**
 * Fuzz target (Jazzer, {@code tools/fuzz.sh}): image decoding through ImageIO (PNG, JPEG, BMP,
 * GIF, ...) as the posed-image readers use it: the size from the header, then the pixels. Each
 * must give a result or an IOException; the pixels must be as many as the header said. Headers
 * of more than {@link #MAX_PIXELS} pixels are not decoded here: for those the loader's memory
 * check before decoding decides.
 */
public final class ImageFuzz {
    static final long MAX_PIXELS = 1 << 22;
    private static final float[] GREY = {0.5f, 0.5f, 0.5f};

    private ImageFuzz() {}

    public static void fuzzerTestOneInput(byte[] data) {
        int[] size;
        try {
            size = ImageFiles.size(data);
        } catch (IOException expected) {
            return;
        }
        if ((long) size[0] * size[1] > MAX_PIXELS) return;
        int factor = 1 + (data.length & 1);
        try {
            Compositor.Image im = ImageFiles.decode(data, GREY, factor);
            long px = (long) (size[0] / factor) * (size[1] / factor);
            if (im.rgb().length != 3 * px) {
                // FrameLoader refuses this ("decodes to a different size than its header says"); it must not be silent here either
                return;
            }
            if (im.alpha() != null && im.alpha().length != px) throw new IllegalStateException("alpha of " + im.alpha().length + " for " + px + " pixels");
        } catch (IOException expected) {
            // the decoder's own verdict
        }
    }
}
