package nfield.data.nerf;

/**
 * A pinhole camera's intrinsics in pixels of its image: focal lengths {@code fx, fy} and
 * principal point {@code cx, cy}, measured from the image's top-left corner (pixel (x, y) covers
 * [x, x + 1) × [y, y + 1), so its centre is (x + 0.5, y + 0.5) and a centred principal point is
 * (W / 2, H / 2)). No lens distortion.
 */
public record Intrinsics(double fx, double fy, double cx, double cy) {
    public Intrinsics {
        if (!(fx > 0) || !(fy > 0) || !Double.isFinite(fx) || !Double.isFinite(fy) || !Double.isFinite(cx) || !Double.isFinite(cy)) {
            throw new IllegalArgumentException("intrinsics need finite positive focal lengths and a finite principal point: fx "
                    + fx + ", fy " + fy + ", cx " + cx + ", cy " + cy);
        }
    }

    /** A centred principal point and square pixels: fx = fy = {@code focal}. */
    public static Intrinsics centred(double focal, int width, int height) {
        return new Intrinsics(focal, focal, 0.5 * width, 0.5 * height);
    }

    /** Blender's horizontal field of view: fx = fy = 0.5 W / tan(0.5 angle), centred. */
    public static Intrinsics fromAngleX(double cameraAngleX, int width, int height) {
        return centred(0.5 * width / Math.tan(0.5 * cameraAngleX), width, height);
    }

    /** The same camera seen at 1/{@code factor} of the resolution (a box-filtered image). */
    public Intrinsics downscaled(int factor) {
        return new Intrinsics(fx / factor, fy / factor, cx / factor, cy / factor);
    }
}
