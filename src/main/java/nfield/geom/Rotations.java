package nfield.geom;

/** Rotations as row-major 3×3 matrices and unit quaternions (w, x, y, z). */
public final class Rotations {
    private Rotations() {}

    /** The rotation of the unit quaternion (w, x, y, z), row-major [9]. */
    public static double[] matrix(double w, double x, double y, double z) {
        return new double[] {
            1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y),
            2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x),
            2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)};
    }

    /** The unit quaternion (w, x, y, z) of the rotation r00 … r22 (row by row). */
    public static double[] quaternion(double r00, double r01, double r02, double r10, double r11, double r12,
                                      double r20, double r21, double r22) {
        double tr = r00 + r11 + r22, w, x, y, z;
        if (tr > 0) {
            double s = Math.sqrt(tr + 1) * 2;
            w = 0.25 * s; x = (r21 - r12) / s; y = (r02 - r20) / s; z = (r10 - r01) / s;
        } else if (r00 > r11 && r00 > r22) {
            double s = Math.sqrt(1 + r00 - r11 - r22) * 2;
            w = (r21 - r12) / s; x = 0.25 * s; y = (r01 + r10) / s; z = (r02 + r20) / s;
        } else if (r11 > r22) {
            double s = Math.sqrt(1 + r11 - r00 - r22) * 2;
            w = (r02 - r20) / s; x = (r01 + r10) / s; y = 0.25 * s; z = (r12 + r21) / s;
        } else {
            double s = Math.sqrt(1 + r22 - r00 - r11) * 2;
            w = (r10 - r01) / s; x = (r02 + r20) / s; y = (r12 + r21) / s; z = 0.25 * s;
        }
        return new double[] {w, x, y, z};
    }
}
