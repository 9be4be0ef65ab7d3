package nfield.data.nerf;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A lens's distortion: where a point seen through the lens appears on the photo.
 *
 * <h2>Coordinates</h2>
 * The OpenCV (and COLMAP) camera: x right, y down, looking down +z. A point (X, Y, Z) in camera
 * space has normalised coordinates (x, y) = (X / Z, Y / Z); the lens moves it to (xd, yd) =
 * {@link #distort}(x, y), and the photo shows it at pixel u = fx · xd + cx, v = fy · yd + cy
 * (continuous, (0, 0) the top-left corner). Pixels to rays go the other way, through
 * {@link #direction}, which inverts the distortion (Newton's method, to 1e-12).
 *
 * <h2>Models</h2>
 * <ul>
 * <li>{@link Model#PINHOLE}: no distortion.</li>
 * <li>{@link Model#RADIAL_TANGENTIAL}: OpenCV's rational model with its tangential terms, with
 * r² = x² + y²:
 * <pre>
 *   R  = (1 + k1 r² + k2 r⁴ + k3 r⁶ + k4 r⁸) / (1 + k5 r² + k6 r⁴ + k7 r⁶)
 *   xd = x R + 2 p1 x y + p2 (r² + 2 x²)
 *   yd = y R + p1 (r² + 2 y²) + 2 p2 x y
 * </pre>
 * COLMAP's SIMPLE_RADIAL (k1), RADIAL (k1, k2), OPENCV (k1, k2, p1, p2) and FULL_OPENCV (whose
 * k4, k5, k6 are the denominator's, here k5, k6, k7) are special cases, and so is the
 * {@code transforms.json} of instant-ngp and nerfstudio (k1 … k4 the numerator's, p1, p2).</li>
 * <li>{@link Model#FISHEYE}: OpenCV's fisheye, the equidistant projection (COLMAP's OPENCV_FISHEYE):
 * θ = atan(r), θd = θ (1 + k1 θ² + k2 θ⁴ + k3 θ⁶ + k4 θ⁸), (xd, yd) = (x, y) · θd / r. Rays up
 * to 90° and beyond (a direction with z ≤ 0) are made where the polynomial still grows.</li>
 * </ul>
 */
public final class Lens {
    public enum Model { PINHOLE, RADIAL_TANGENTIAL, FISHEYE }

    /** No distortion. */
    public static final Lens PINHOLE = new Lens(Model.PINHOLE, new double[7], 0, 0);

    private static final int NEWTON_STEPS = 30;
    private static final double TOLERANCE = 1e-12;

    private final Model model;
    private final double[] k; // k1 … k7 (radial-tangential), k1 … k4 (fisheye, the rest 0)
    private final double p1, p2;

    private Lens(Model model, double[] k, double p1, double p2) {
        for (double v : k) if (!Double.isFinite(v)) throw new IllegalArgumentException("lens coefficients must be finite: " + Arrays.toString(k));
        if (!Double.isFinite(p1) || !Double.isFinite(p2)) throw new IllegalArgumentException("lens coefficients must be finite: p1 " + p1 + ", p2 " + p2);
        this.model = model;
        this.k = k;
        this.p1 = p1;
        this.p2 = p2;
    }

    /**
     * The radial-tangential lens, numerator k1 … k4, denominator k5 … k7 (see the class doc);
     * {@link #PINHOLE} when every coefficient is 0.
     */
    public static Lens radialTangential(double k1, double k2, double k3, double k4, double k5, double k6, double k7, double p1, double p2) {
        double[] k = {k1, k2, k3, k4, k5, k6, k7};
        if (p1 == 0 && p2 == 0 && Arrays.stream(k).allMatch(v -> v == 0)) return PINHOLE;
        return new Lens(Model.RADIAL_TANGENTIAL, k, p1, p2);
    }

    /** OpenCV's common five: k1, k2, p1, p2, k3 (the numerator's r⁶ term). */
    public static Lens opencv(double k1, double k2, double p1, double p2, double k3) {
        return radialTangential(k1, k2, k3, 0, 0, 0, 0, p1, p2);
    }

    /** The equidistant fisheye with k1 … k4 (see the class doc); an undistorted fisheye when all are 0. */
    public static Lens fisheye(double k1, double k2, double k3, double k4) {
        return new Lens(Model.FISHEYE, new double[] {k1, k2, k3, k4, 0, 0, 0}, 0, 0);
    }

    public Model model() { return model; }

    /** Coefficient k{@code i} (1-based), 0 where the model has none. */
    public double k(int i) { return k[i - 1]; }

    public double p1() { return p1; }

    public double p2() { return p2; }

    public boolean isPinhole() { return model == Model.PINHOLE; }

    /** Normalised undistorted (x, y) → distorted (xd, yd) into {@code dest[0..2)}. */
    public void distort(double x, double y, double[] dest) {
        switch (model) {
            case PINHOLE -> { dest[0] = x; dest[1] = y; }
            case RADIAL_TANGENTIAL -> {
                double s = x * x + y * y, r = radial(s);
                dest[0] = x * r + 2 * p1 * x * y + p2 * (s + 2 * x * x);
                dest[1] = y * r + p1 * (s + 2 * y * y) + 2 * p2 * x * y;
            }
            case FISHEYE -> {
                double r = Math.hypot(x, y);
                if (r == 0) { dest[0] = x; dest[1] = y; return; }
                double f = theta(Math.atan(r)) / r;
                dest[0] = x * f;
                dest[1] = y * f;
            }
        }
    }

    /**
     * Where the camera-space direction (X, Y, Z) (OpenCV: +z forward) lands, distorted
     * normalised coordinates into {@code dest[0..2)}; NaN for a pinhole or radial-tangential lens
     * and Z ≤ 0 (behind the camera).
     */
    public void project(double X, double Y, double Z, double[] dest) {
        if (model == Model.FISHEYE) {
            double r = Math.hypot(X, Y);
            if (r == 0) {
                dest[0] = Z > 0 ? 0 : Double.NaN;
                dest[1] = dest[0];
                return;
            }
            double f = theta(Math.atan2(r, Z)) / r;
            dest[0] = X * f;
            dest[1] = Y * f;
            return;
        }
        if (!(Z > 0)) {
            dest[0] = dest[1] = Double.NaN;
            return;
        }
        distort(X / Z, Y / Z, dest);
    }

    /**
     * The camera-space direction (OpenCV: x right, y down, +z forward; not normalised) of the ray
     * that the lens bends onto distorted normalised coordinates (xd, yd), into {@code dest[0..3)}:
     * (x, y, 1) with (x, y) the undistorted point for a pinhole or radial-tangential lens, a unit
     * vector for a fisheye.
     */
    public void direction(double xd, double yd, double[] dest) {
        switch (model) {
            case PINHOLE -> { dest[0] = xd; dest[1] = yd; dest[2] = 1; }
            case RADIAL_TANGENTIAL -> {
                undistortRadialTangential(xd, yd, dest);
                dest[2] = 1;
            }
            case FISHEYE -> {
                double rd = Math.hypot(xd, yd);
                if (rd == 0) { dest[0] = 0; dest[1] = 0; dest[2] = 1; return; }
                double t = inverseTheta(rd);
                double s = Math.sin(t) / rd;
                dest[0] = xd * s;
                dest[1] = yd * s;
                dest[2] = Math.cos(t);
            }
        }
    }

    private double radial(double s) {
        double num = 1 + s * (k[0] + s * (k[1] + s * (k[2] + s * k[3])));
        double den = 1 + s * (k[4] + s * (k[5] + s * k[6]));
        return num / den;
    }

    /** d radial / d s. */
    private double radialSlope(double s) {
        double num = 1 + s * (k[0] + s * (k[1] + s * (k[2] + s * k[3])));
        double den = 1 + s * (k[4] + s * (k[5] + s * k[6]));
        double dnum = k[0] + s * (2 * k[1] + s * (3 * k[2] + s * 4 * k[3]));
        double dden = k[4] + s * (2 * k[5] + s * 3 * k[6]);
        return (dnum * den - num * dden) / (den * den);
    }

    /** Newton's method on the 2×2 system distort(x, y) = (xd, yd), from (xd, yd). */
    private void undistortRadialTangential(double xd, double yd, double[] dest) {
        double x = xd, y = yd;
        for (int i = 0; i < NEWTON_STEPS; i++) {
            double s = x * x + y * y, r = radial(s), rs = radialSlope(s);
            double fx = x * r + 2 * p1 * x * y + p2 * (s + 2 * x * x) - xd;
            double fy = y * r + p1 * (s + 2 * y * y) + 2 * p2 * x * y - yd;
            if (Math.abs(fx) < TOLERANCE && Math.abs(fy) < TOLERANCE) break;
            double a = r + 2 * x * x * rs + 2 * p1 * y + 6 * p2 * x;
            double b = 2 * x * y * rs + 2 * p1 * x + 2 * p2 * y;
            double d = r + 2 * y * y * rs + 6 * p1 * y + 2 * p2 * x;
            double det = a * d - b * b;
            if (det == 0 || !Double.isFinite(det)) break;
            double dx = (d * fx - b * fy) / det, dy = (a * fy - b * fx) / det;
            x -= dx;
            y -= dy;
        }
        dest[0] = x;
        dest[1] = y;
    }

    private double theta(double t) {
        double t2 = t * t;
        return t * (1 + t2 * (k[0] + t2 * (k[1] + t2 * (k[2] + t2 * k[3]))));
    }

    /** θ with theta(θ) = rd, by Newton's method from θ = rd, kept in [0, π]. */
    private double inverseTheta(double rd) {
        double t = Math.min(rd, Math.PI);
        for (int i = 0; i < NEWTON_STEPS; i++) {
            double t2 = t * t;
            double f = theta(t) - rd;
            if (Math.abs(f) < TOLERANCE) break;
            double df = 1 + t2 * (3 * k[0] + t2 * (5 * k[1] + t2 * (7 * k[2] + t2 * 9 * k[3])));
            if (!(df > 0)) break;
            t = Math.max(0, Math.min(Math.PI, t - f / df));
        }
        return t;
    }

    /** "pinhole", "radial-tangential k1 0.0578 k2 -0.0805 p1 -0.00098 p2 0.000156", "fisheye k1 …". */
    public String describe() {
        if (model == Model.PINHOLE) return "pinhole";
        List<String> parts = new ArrayList<>();
        parts.add(model == Model.FISHEYE ? "fisheye" : "radial-tangential");
        for (int i = 0; i < 7; i++) if (k[i] != 0) parts.add(String.format(Locale.ROOT, "k%d %.3g", i + 1, k[i]));
        if (p1 != 0) parts.add(String.format(Locale.ROOT, "p1 %.3g", p1));
        if (p2 != 0) parts.add(String.format(Locale.ROOT, "p2 %.3g", p2));
        return String.join(" ", parts);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Lens l && l.model == model && Arrays.equals(l.k, k) && l.p1 == p1 && l.p2 == p2;
    }

    @Override
    public int hashCode() {
        return (model.hashCode() * 31 + Arrays.hashCode(k)) * 31 + Double.hashCode(p1) * 7 + Double.hashCode(p2);
    }

    @Override
    public String toString() { return describe(); }
}
