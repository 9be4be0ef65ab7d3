import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.File;

/**
 * Two images of one view compared as HtmlExportTest does: the silhouette (pixels more than 3/255
 * from the second image's corner colour, its background) IoU, and the share of pixels whose
 * channels all lie within 8/255. Usage: java tools/ImageCompare.java A.png B.png
 */
public class ImageCompare {
    public static void main(String[] args) throws Exception {
        BufferedImage a = ImageIO.read(new File(args[0])), b = ImageIO.read(new File(args[1]));
        if (a.getWidth() != b.getWidth() || a.getHeight() != b.getHeight()) {
            throw new IllegalArgumentException(a.getWidth() + "x" + a.getHeight() + " against " + b.getWidth() + "x" + b.getHeight());
        }
        int bg = b.getRGB(0, 0), inter = 0, union = 0, close = 0, w = a.getWidth(), h = a.getHeight();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int pa = a.getRGB(x, y), pb = b.getRGB(x, y);
                boolean fa = diff(pa, bg) > 3, fb = diff(pb, bg) > 3;
                if (fa && fb) inter++;
                if (fa || fb) union++;
                if (diff(pa, pb) <= 8) close++;
            }
        }
        System.out.printf("silhouette IoU %.4f, %.4f of pixels within 8/255 (%dx%d)%n", (double) inter / union, (double) close / (w * h), w, h);
    }

    static int diff(int p, int q) {
        int m = 0;
        for (int s = 0; s < 24; s += 8) m = Math.max(m, Math.abs(((p >> s) & 0xFF) - ((q >> s) & 0xFF)));
        return m;
    }
}
