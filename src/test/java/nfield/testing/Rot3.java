package nfield.testing;

/** 3x3 rotations (row-major) for tests, computed independently of the code under test. */
public final class Rot3 {
    private Rot3() {}

    /** exp([w]×) by its series (to the 30th power: exact in float64 for angles of a few radians and less). */
    public static double[] exp(double wx, double wy, double wz) {
        double[] k = {0, -wz, wy, wz, 0, -wx, -wy, wx, 0};
        double[] r = {1, 0, 0, 0, 1, 0, 0, 0, 1}, term = r.clone();
        for (int n = 1; n <= 30; n++) {
            term = mul(term, k);
            for (int i = 0; i < 9; i++) term[i] /= n;
            for (int i = 0; i < 9; i++) r[i] += term[i];
        }
        return r;
    }

    public static double[] mul(double[] a, double[] b) {
        double[] c = new double[9];
        for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) for (int l = 0; l < 3; l++) c[3 * i + j] += a[3 * i + l] * b[3 * l + j];
        return c;
    }
}
