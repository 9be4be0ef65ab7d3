package nfield.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import nfield.field.ScalarField;
import org.junit.jupiter.api.Test;

/**
 * {@link FieldMesher#sample}: coarse to fine on an exact signed distance (two spheres, one small
 * enough to fall between the coarse blocks' corners), against the dense grid evaluated everywhere.
 */
class FieldMesherSampleTest {
    static final int RES = 97; // 96 cells: not a power of two, so the last blocks are clamped

    /** Two spheres' union, an exact 1-Lipschitz SDF, counting the points it is asked for. */
    static final class Spheres implements ScalarField {
        final AtomicLong asked = new AtomicLong();

        static double sdf(double x, double y, double z) {
            double a = Math.sqrt((x - 0.2) * (x - 0.2) + y * y + z * z) - 0.45;
            double b = Math.sqrt((x + 0.6) * (x + 0.6) + (y - 0.5) * (y - 0.5) + (z + 0.3) * (z + 0.3)) - 0.04;
            return Math.min(a, b);
        }

        @Override
        public float[] values(float[] xyz, int n) {
            asked.addAndGet(n);
            float[] v = new float[n];
            for (int i = 0; i < n; i++) v[i] = (float) sdf(xyz[i * 3], xyz[i * 3 + 1], xyz[i * 3 + 2]);
            return v;
        }

        @Override
        public float[] gradients(float[] xyz, int n) {
            throw new UnsupportedOperationException();
        }
    }

    static double exact(int g) {
        double h = 2.0 / (RES - 1);
        return (float) Spheres.sdf((float) (-1 + h * (g % RES)), (float) (-1 + h * (g / RES % RES)), (float) (-1 + h * (g / (RES * RES))));
    }

    @Test
    void everyPointNearTheSurfaceIsExactAndNoneElseChangesSign() {
        for (FieldMesher.Fill fill : FieldMesher.Fill.values()) {
            Spheres f = new Spheres();
            FieldMesher.Sampled s = FieldMesher.sample(f, RES, fill);
            float[] v = s.values();
            assertEquals(s.evaluated(), f.asked.get(), "evaluated counts what the field was asked");
            int n = RES * RES * RES;
            assertTrue(s.evaluated() < n / 4, fill + ": " + s.evaluated() + " of " + n + " points evaluated");
            double h = 2.0 / (RES - 1);
            int near = 0;
            for (int g = 0; g < n; g++) {
                double e = exact(g);
                assertEquals(e < 0, v[g] < 0, fill + ": the sign at grid point " + g);
                if (Math.abs(e) < 1.5 * h) { // every cell with a crossing has these corners
                    near++;
                    assertEquals(e, v[g], 0, fill + ": grid point " + g + " at " + e + " from the surface");
                }
                if (fill == FieldMesher.Fill.TRILINEAR) {
                    // never further than the distance: a sphere tracer cannot step past the surface
                    assertTrue(Math.abs(v[g]) <= Math.abs(e) + 1e-6, "grid point " + g + ": " + v[g] + " vs the distance " + e);
                }
            }
            assertTrue(near > 1000, "the surface band holds " + near + " points");
        }
    }

    @Test
    void withoutFillEveryPointIsEvaluated() {
        Spheres f = new Spheres();
        FieldMesher.Sampled s = FieldMesher.sample(f, 33, null);
        assertEquals(33L * 33 * 33, s.evaluated());
        double h = 2.0 / 32;
        for (int g = 0; g < 33 * 33 * 33; g++) {
            float want = (float) Spheres.sdf((float) (-1 + h * (g % 33)), (float) (-1 + h * (g / 33 % 33)), (float) (-1 + h * (g / (33 * 33))));
            assertEquals(want, s.values()[g], 0);
        }
    }

    @Test
    void theMeshOfTheSparseGridIsTheMeshOfTheDenseOne() {
        Spheres f = new Spheres();
        FieldMesher.Result sparse = FieldMesher.extract(f, RES, false, "s", true);
        FieldMesher.Result dense = FieldMesher.extract(f, RES, false, "d", false);
        assertEquals(dense.mesh().triangleCount(), sparse.mesh().triangleCount());
        assertTrue(java.util.Arrays.equals(dense.mesh().vertices(), sparse.mesh().vertices()), "the same vertices");
        assertTrue(sparse.evaluated() * 4 < dense.evaluated(), sparse.evaluated() + " vs " + dense.evaluated());
    }
}
