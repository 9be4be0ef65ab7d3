package nfield.geom;

/**
 * mip-NeRF 360's scene contraction (Barron et al. 2022) with the max norm, halved: what an
 * unbounded scene's field reads for a normalised point p. With m = ‖p‖∞, p maps to p/2 where
 * m ≤ 1 (the box of interest fills [-0.5, 0.5]^3) and to (2 − 1/m)·p/(2m) beyond (the shell
 * around it, up to the field box's faces as m grows without bound).
 */
public final class Contraction {
    private Contraction() {}

    /** The contraction of (x, y, z) into dest[off .. off + 3). */
    public static void contract(double x, double y, double z, float[] dest, int off) {
        double m = Math.max(Math.abs(x), Math.max(Math.abs(y), Math.abs(z)));
        double f = m <= 1 ? 0.5 : 0.5 * (2 - 1 / m) / m;
        dest[off] = (float) (x * f);
        dest[off + 1] = (float) (y * f);
        dest[off + 2] = (float) (z * f);
    }

    /** Its inverse: the field point q back to normalised coordinates into dest[0..3). */
    public static void uncontract(double qx, double qy, double qz, double[] dest) {
        double cx = 2 * qx, cy = 2 * qy, cz = 2 * qz;
        double c = Math.max(Math.abs(cx), Math.max(Math.abs(cy), Math.abs(cz)));
        double f = c <= 1 ? 1 : 1 / (Math.max(1e-9, 2 - c) * c); // m = 1 / (2 - c); p = (c / ‖c‖∞) · m
        dest[0] = cx * f;
        dest[1] = cy * f;
        dest[2] = cz * f;
    }
}
