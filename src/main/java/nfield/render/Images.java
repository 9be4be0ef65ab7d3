package nfield.render;

import nfield.io.AtomicFiles;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;

/** PNG output of GL-ordered pixels (rows from the bottom), written atomically. */
public final class Images {
    private Images() {}

    public static BufferedImage toImage(int[] glPixels, int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) img.setRGB(0, h - 1 - y, w, 1, glPixels, y * w, w);
        return img;
    }

    public static void writePng(Path file, int[] glPixels, int w, int h) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        javax.imageio.ImageIO.write(toImage(glPixels, w, h), "png", out);
        AtomicFiles.write(file, out.toByteArray());
    }
}
