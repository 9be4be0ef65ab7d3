package nfield.data.nerf;

import java.util.Objects;

/**
 * A camera's intrinsics in pixels of its image: focal lengths {@code fx, fy}, principal point
 * {@code cx, cy}, measured from the image's top-left corner (pixel (x, y) covers
 * [x, x + 1) × [y, y + 1), so its centre is (x + 0.5, y + 0.5) and a centred principal point is
 * (W / 2, H / 2)), and the {@link Lens} (its distortion; {@link Lens#PINHOLE} for none).
 */
public record Intrinsics(double fx, double fy, double cx, double cy, Lens lens) {
    public Intrinsics {
        if (!(fx > 0) || !(fy > 0) || !Double.isFinite(fx) || !Double.isFinite(fy) || !Double.isFinite(cx) || !Double.isFinite(cy)) {
            throw new IllegalArgumentException("intrinsics need finite positive focal lengths and a finite principal point: fx "
                    + fx + ", fy " + fy + ", cx " + cx + ", cy " + cy);
        }
        Objects.requireNonNull(lens, "lens");
    }

    /** A pinhole camera: no distortion. */
    public Intrinsics(double fx, double fy, double cx, double cy) {
        this(fx, fy, cx, cy, Lens.PINHOLE);
    }

    /** A centred principal point and square pixels: fx = fy = {@code focal}. */
    public static Intrinsics centred(double focal, int width, int height) {
        return new Intrinsics(focal, focal, 0.5 * width, 0.5 * height);
    }

    /** Blender's horizontal field of view: fx = fy = 0.5 W / tan(0.5 angle), centred. */
    public static Intrinsics fromAngleX(double cameraAngleX, int width, int height) {
        return centred(0.5 * width / Math.tan(0.5 * cameraAngleX), width, height);
    }

    /** The same camera seen at 1/{@code factor} of the resolution (a box-filtered image); the lens is unchanged. */
    public Intrinsics downscaled(int factor) {
        return new Intrinsics(fx / factor, fy / factor, cx / factor, cy / factor, lens);
    }

    /** The same camera without its distortion. */
    public Intrinsics pinhole() {
        return new Intrinsics(fx, fy, cx, cy);
    }

    /**
     * The camera-space direction of the ray through continuous pixel coordinates (u, v), in the
     * NeRF convention (x right, y up, looking down −z; not normalised) into {@code dest[0..3)}.
     */
    public void direction(double u, double v, double[] dest) {
        lens.direction((u - cx) / fx, (v - cy) / fy, dest);
        // OpenCV (y down, +z forward) to NeRF (y up, −z forward)
        dest[1] = -dest[1];
        dest[2] = -dest[2];
    }

    /**
     * Where the camera-space point (X, Y, Z) (NeRF convention) shows on the image: continuous
     * pixel coordinates into {@code dest[0..2)}; NaN when the lens cannot see it.
     */
    public void project(double X, double Y, double Z, double[] dest) {
        lens.project(X, -Y, -Z, dest);
        dest[0] = fx * dest[0] + cx;
        dest[1] = fy * dest[1] + cy;
    }
}
