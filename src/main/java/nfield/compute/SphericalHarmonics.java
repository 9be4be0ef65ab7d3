package nfield.compute;

/**
 * The real spherical-harmonics basis up to band 3 (16 functions of a unit direction), as
 * polynomial terms in x, y, z that both backends, the ONNX export and the GLSL generator
 * evaluate; {@link nfield.field.SphericalHarmonicsEncoding} is the encoding built on it.
 */
public final class SphericalHarmonics {
    private SphericalHarmonics() {}

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

    /** The terms of the first degree² columns. */
    public static int termCount(int degree) {
        int n = 0;
        for (Term t : TERMS) if (t.column() < degree * degree) n++;
        return n;
    }

}
