package nfield.field;

import nfield.compute.ParamStore;
import nfield.compute.SphericalHarmonics;
import nfield.compute.Tensor;

import java.util.random.RandomGenerator;

/**
 * Real spherical harmonics of a direction: in [B, 3] (a unit vector d = (x, y, z)) → out
 * [B, degree²], bands l = 0 .. degree−1, the orthonormal real basis (l = 0: 1/(2√π); l = 1:
 * ∓√(3/4π)·(y, z, x); up to l = 3), as view-direction encodings use it (Instant NGP; Plenoxels,
 * Fridovich-Keil et al. 2022). Every basis function is a polynomial of degree ≤ 3 in x, y, z,
 * listed term by term in {@link SphericalHarmonics#TERMS}, which both backends evaluate (values and the input
 * gradient: the polynomials' derivatives; inputs off the unit sphere are evaluated as they are).
 * No parameters. Kernel: opencl/encoding/sh.cl.
 */
public final class SphericalHarmonicsEncoding implements Encoding {
    private final int degree;
    private ParamStore store;

    private record Ctx(Tensor in) implements Context {}

    public SphericalHarmonicsEncoding(int degree) {
        if (degree < 1 || degree > 4) throw new IllegalArgumentException("spherical harmonics degree " + degree + ": use 1 .. 4");
        this.degree = degree;
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
