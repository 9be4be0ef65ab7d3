package nfield.data.nerf;

import java.io.IOException;

/**
 * What the fuzz targets of the posed-image readers ask of what a reader returns, beyond not
 * throwing: every pose finite, every camera's focal lengths positive and finite, the ray through
 * each image's centre finite with a unit direction, the scene box finite and not inverted, and
 * every image as large as the set says. A reader that lets a NaN through would fail a fit
 * thousands of steps later, far from the file that caused it; here that is a finding.
 */
final class PosedImagesCheck {
    private PosedImagesCheck() {}

    static void check(PosedImages d) {
        if (d.count() <= 0) throw new IllegalStateException("no images, yet no error");
        int px = d.width() * d.height();
        double[] ray = new double[6];
        for (int k = 0; k < d.count(); k++) {
            for (double v : d.pose(k)) if (!Double.isFinite(v)) throw new IllegalStateException("image " + k + ": a pose with " + v);
            Intrinsics in = d.intrinsics(k);
            if (!(in.fx() > 0 && in.fy() > 0 && Double.isFinite(in.fx()) && Double.isFinite(in.fy())
                    && Double.isFinite(in.cx()) && Double.isFinite(in.cy()))) {
                throw new IllegalStateException("image " + k + ": intrinsics " + in);
            }
            d.ray(k, 0.5 * d.width(), 0.5 * d.height(), ray, 0);
            double n = 0;
            for (int i = 0; i < 6; i++) if (!Double.isFinite(ray[i])) throw new IllegalStateException("image " + k + ": a centre ray with " + ray[i]);
            for (int i = 3; i < 6; i++) n += ray[i] * ray[i];
            if (Math.abs(n - 1) > 1e-6) throw new IllegalStateException("image " + k + ": a centre ray of length " + Math.sqrt(n));
            if (d.rgb(k).length != 3 * px) throw new IllegalStateException("image " + k + ": " + d.rgb(k).length + " bytes for " + px + " pixels");
        }
        double[] b = d.box();
        for (int a = 0; a < 3; a++) {
            if (!(Double.isFinite(b[a]) && Double.isFinite(b[a + 3]) && b[a] <= b[a + 3])) {
                throw new IllegalStateException("a scene box of " + java.util.Arrays.toString(b));
            }
        }
    }

    /** The reader's own error must name the file it read. */
    static void named(IOException e, String name) {
        if (e.getMessage() == null || !e.getMessage().contains(name)) {
            throw new IllegalStateException("an error that does not name " + name + ": " + e, e);
        }
    }
}
