package nfield.field;

import nfield.data.mesh.MeshSdf;
import nfield.io.FieldMesher;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class CropBoxTest {
    /** A sphere of radius 0.6 as the mesher samples a field. */
    private static final ScalarField SPHERE = new ScalarField() {
        @Override
        public float[] values(float[] xyz, int n) {
            float[] v = new float[n];
            for (int i = 0; i < n; i++) v[i] = (float) (Math.sqrt(xyz[3 * i] * xyz[3 * i] + xyz[3 * i + 1] * xyz[3 * i + 1] + xyz[3 * i + 2] * xyz[3 * i + 2]) - 0.6);
            return v;
        }

        @Override
        public float[] gradients(float[] xyz, int n) {
            float[] g = new float[3 * n];
            for (int i = 0; i < n; i++) {
                double l = Math.sqrt(xyz[3 * i] * xyz[3 * i] + xyz[3 * i + 1] * xyz[3 * i + 1] + xyz[3 * i + 2] * xyz[3 * i + 2]);
                for (int a = 0; a < 3; a++) g[3 * i + a] = (float) (xyz[3 * i + a] / l);
            }
            return g;
        }
    };

    @Test
    void parsesWhatItWritesAndRefusesWhatIsNotABox() {
        CropBox b = CropBox.parse("-1, -0.5,-1,1,0.25,1");
        assertEquals(-0.5f, b.y0());
        assertEquals(0.25f, b.y1());
        assertEquals("-1,-0.5,-1,1,0.25,1", b.toString());
        assertEquals(b, CropBox.parse(b.toString()));
        assertTrue(CropBox.parse("-1,-1,-1,1,1,1").full());
        assertFalse(b.full());
        for (String bad : new String[]{"1,2,3", "-1,-1,-1,1,1,x", "0,0,0,0,1,1", "-1,-1,-1,1,NaN,1", "1,-1,-1,-1,1,1"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CropBox.parse(bad), bad);
            assertTrue(e.getMessage().startsWith("--crop " + bad), e.getMessage());
        }
    }

    @Test
    void distanceIsNegativeInsideAndExactOutside() {
        CropBox b = new CropBox(-0.5f, -0.5f, -0.5f, 0.5f, 0.5f, 0.5f);
        assertEquals(-0.5f, b.distance(0, 0, 0), 1e-6);
        assertEquals(-0.1f, b.distance(0.4f, 0, 0), 1e-6);
        assertEquals(0.5f, b.distance(1, 0, 0), 1e-6);
        assertEquals((float) Math.sqrt(0.5), b.distance(1, 1, 0), 1e-6);
    }

    @Test
    void aCroppedSphereIsAClosedHemisphereWithAFlatCap() {
        CropBox lower = CropBox.parse("-1,-1,-1,1,0,1");
        FieldMesher.Result whole = FieldMesher.extract(SPHERE, 96, true, "sphere");
        FieldMesher.Result cut = FieldMesher.extract(lower.crop(SPHERE), 96, true, "half");
        double h = 2.0 / 95;
        double[] v = cut.mesh().vertices();
        int onCap = 0;
        for (int i = 0; i < v.length; i += 3) {
            assertTrue(v[i + 1] <= h, "a vertex above the cut: y = " + v[i + 1]);
            if (Math.abs(v[i + 1]) < h) {
                onCap++;
                assertTrue(Math.hypot(v[i], v[i + 2]) < 0.6 + h, "cap vertices lie within the sphere's section");
            }
        }
        assertTrue(onCap > 100, "the cut is capped: " + onCap + " vertices on y = 0");
        assertTrue(new MeshSdf(cut.mesh()).closedAndOriented(), "the cut mesh stays closed");
        double ratio = (double) cut.mesh().triangleCount() / whole.mesh().triangleCount();
        assertTrue(ratio > 0.5 && ratio < 0.95, "half a sphere plus a disc: " + ratio + " of the triangles");
        // normals on the cap are the box's face normal
        float[] n = cut.normals();
        for (int i = 0; i < v.length; i += 3) {
            if (Math.abs(v[i + 1]) < 1e-4 && Math.hypot(v[i], v[i + 2]) < 0.4) assertEquals(1, n[i + 1], 1e-3, "cap normal points up (out of the box)");
        }
    }
}
