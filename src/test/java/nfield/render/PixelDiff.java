package nfield.render;

/**
 * Two renders of one view compared: silhouette IoU (pixels that differ from the background),
 * the share of pixels whose channels all lie within 4/255, and the first image's foreground.
 */
public record PixelDiff(double iou, double closeShare, int foregroundA) {
    static final int TOLERANCE = 4;

    public static PixelDiff of(int[] a, int[] b, int background) {
        int inter = 0, union = 0, close = 0, fg = 0;
        for (int i = 0; i < a.length; i++) {
            boolean fa = a[i] != background, fb = b[i] != background;
            if (fa && fb) inter++;
            if (fa || fb) union++;
            if (fa) fg++;
            int worst = 0;
            for (int sh = 0; sh <= 16; sh += 8) worst = Math.max(worst, Math.abs((a[i] >> sh & 0xFF) - (b[i] >> sh & 0xFF)));
            if (worst <= TOLERANCE) close++;
        }
        return new PixelDiff(union == 0 ? 1 : (double) inter / union, (double) close / a.length, fg);
    }
}
