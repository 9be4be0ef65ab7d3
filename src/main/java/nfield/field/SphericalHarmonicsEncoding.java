package nfield.field;

import nfield.compute.ParamStore;
import nfield.compute.Tensor;

import java.util.random.RandomGenerator;

/**
 * Real spherical harmonics of a direction: in [B, 3] (a unit vector d = (x, y, z)) → out
 * [B, degree²], bands l = 0 .. degree−1, the orthonormal real basis (l = 0: 1/(2√π); l = 1:
 * ∓√(3/4π)·(y, z, x); up to l = 3), as view-direction encodings use it (Instant NGP; Plenoxels,
 * Fridovich-Keil et al. 2022). Every basis function is a polynomial of degree ≤ 3 in x, y, z,
 * listed term by term in {@link #TERMS}, which both backends evaluate (values and the input
 * gradient: the polynomials' derivatives; inputs off the unit sphere are evaluated as they are).
 * No parameters. Kernel: opencl/encoding/sh.cl.
 */
public final class SphericalHarmonicsEncoding implements Encoding {
    /** One term: output column, coefficient, and the exponents of x, y, z. */
    public record Term(int column, double coef, int px, int py, int pz) {}

    private static final double C1 = 0.48860251190291987, C2 = 1.0925484305920792, C3 = 0.54627421529603959;

    /** The basis as polynomial terms, by output column (bands 0 to 3, 16 columns). */
    public static final Term[] TERMS = {
            new Term(0, 0.28209479177387814, 0, 0, 0),
            new Term(1, -C1, 0, 1, 0),
            new Term(2, C1, 0, 0, 1),
            new Term(3, -C1, 1, 0, 0),
            new Term(4, C2, 1, 1, 0),
            new Term(5, -C2, 0, 1, 1),
            new Term(6, 0.94617469575755997, 0, 0, 2),
            new Term(6, -0.31539156525251999, 0, 0, 0),
            new Term(7, -C2, 1, 0, 1),
            new Term(8, C3, 2, 0, 0),
            new Term(8, -C3, 0, 2, 0),
            new Term(9, -1.7701307697799305, 2, 1, 0),
            new Term(9, 0.59004358992664352, 0, 3, 0),
            new Term(10, 2.8906114426405538, 1, 1, 1),
            new Term(11, 0.45704579946446572, 0, 1, 0),
            new Term(11, -2.2852289973223286, 0, 1, 2),
            new Term(12, 1.865881662950577, 0, 0, 3),
            new Term(12, -1.1195289977703462, 0, 0, 1),
            new Term(13, 0.45704579946446572, 1, 0, 0),
            new Term(13, -2.2852289973223286, 1, 0, 2),
            new Term(14, 1.4453057213202769, 2, 0, 1),
            new Term(14, -1.4453057213202769, 0, 2, 1),
            new Term(15, -0.59004358992664352, 3, 0, 0),
            new Term(15, 1.7701307697799305, 1, 2, 0),
    };

    private final int degree;
    private ParamStore store;

    private record Ctx(Tensor in) implements Context {}

    public SphericalHarmonicsEncoding(int degree) {
        if (degree < 1 || degree > 4) throw new IllegalArgumentException("spherical harmonics degree " + degree + ": use 1 .. 4");
        this.degree = degree;
    }

    /** The terms of the first degree² columns. */
    public static int termCount(int degree) {
        int n = 0;
        for (Term t : TERMS) if (t.column() < degree * degree) n++;
        return n;
    }

    public int degree() { return degree; }

    @Override public int inputWidth() { return 3; }

    @Override public int outputWidth() { return degree * degree; }

    @Override public int paramCount() { return 0; }

    @Override public int rawColumns() { return 0; }

    @Override public void initParams(RandomGenerator rng, double[] dst, int offset) { }

    @Override public void attach(ParamStore s, int offset, String prefix) { store = s; }

    @Override
    public Context forward(Tensor in, Tensor out) {
        checkForward(in, out);
        store.backend().shEncode(in, degree, out);
        return new Ctx(in);
    }

    @Override
    public void backward(Context ctx, Tensor dOut, Tensor dIn) {
        if (dIn == null) return;
        Tensor in = ((Ctx) ctx).in();
        Tensor.checkShape("SphericalHarmonicsEncoding dIn", dIn, in.rows(), 3);
        store.backend().shEncodeBackward(in, degree, dOut, dIn);
    }
}
