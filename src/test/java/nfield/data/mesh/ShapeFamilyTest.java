package nfield.data.mesh;

import nfield.pipeline.FitError;
import nfield.pipeline.Fits;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The generated family: the same members everywhere, every one closed and outward-oriented, its kinds and ranges. */
class ShapeFamilyTest {
    @Test
    void membersAreClosedOrientedAndTheirOwn() {
        Set<String> names = new HashSet<>();
        for (ShapeFamily.Member m : ShapeFamily.members(0, 12)) {
            Mesh mesh = m.mesh();
            MeshSdf sdf = new MeshSdf(mesh);
            assertTrue(sdf.closedAndOriented(), m.name() + " (" + m.describe() + "): " + sdf.boundaryEdges() + " boundary edges");
            assertTrue(MeshShapes.signedVolume(mesh) > 0, m.name() + " is inside out");
            double[] b = mesh.bounds();
            for (double x : b) assertTrue(Math.abs(x) < 1.3, m.name() + " reaches " + x);
            assertTrue(names.add(m.name()));
            assertEquals(ShapeFamily.Kind.values()[m.index() % 3], m.kind());
            assertEquals(m.kind(), ShapeFamily.member(ShapeFamily.HELD_OUT + m.index()).kind());
            // the winding number is 1 inside: a point just inside the surface, along the inward normal of a vertex's triangle
            double[] v = mesh.vertices();
            int[] t = mesh.triangles();
            double[] c = new double[3];
            for (int k = 0; k < 3; k++) c[k] = (v[t[0] * 3 + k] + v[t[1] * 3 + k] + v[t[2] * 3 + k]) / 3;
            double[] ab = {v[t[1] * 3] - v[t[0] * 3], v[t[1] * 3 + 1] - v[t[0] * 3 + 1], v[t[1] * 3 + 2] - v[t[0] * 3 + 2]};
            double[] ac = {v[t[2] * 3] - v[t[0] * 3], v[t[2] * 3 + 1] - v[t[0] * 3 + 1], v[t[2] * 3 + 2] - v[t[0] * 3 + 2]};
            double[] n = {ab[1] * ac[2] - ab[2] * ac[1], ab[2] * ac[0] - ab[0] * ac[2], ab[0] * ac[1] - ab[1] * ac[0]};
            double l = Math.sqrt(n[0] * n[0] + n[1] * n[1] + n[2] * n[2]);
            MeshSdf.Query q = new MeshSdf.Query();
            double w = sdf.winding(c[0] - 1e-3 * n[0] / l, c[1] - 1e-3 * n[1] / l, c[2] - 1e-3 * n[2] / l, q);
            assertEquals(1, w, 0.05, m.name() + ": winding number just inside");
        }
        for (int p : new int[]{0, 1}) assertTrue(names.stream().anyMatch(s -> s.startsWith(ShapeFamily.Kind.values()[p].name().toLowerCase())));
    }

    @Test
    void aMemberIsTheSameShapeEachTimeAndHeldOutOnesDiffer() {
        ShapeFamily.Member a = ShapeFamily.member(7), b = ShapeFamily.member(7), held = ShapeFamily.member(ShapeFamily.HELD_OUT + 7);
        assertArrayEquals(a.mesh().vertices(), b.mesh().vertices());
        assertEquals(a.kind(), held.kind());
        assertTrue(!java.util.Arrays.equals(a.params(), held.params()), "a held-out member repeats a training one");
    }

    @Test
    void parametersStayInTheirRanges() {
        for (ShapeFamily.Member m : ShapeFamily.members(0, 300)) {
            double[] p = m.params();
            switch (m.kind()) {
                case TORUS -> assertTrue(p[0] >= 0.4 && p[0] <= 0.8 && p[1] >= 0.1 && p[1] <= 0.3, m.describe());
                case SUPERQUADRIC -> {
                    for (int i = 0; i < 3; i++) assertTrue(p[i] >= 0.3 && p[i] <= 0.8, m.describe());
                    assertTrue(p[3] >= 0.4 && p[3] <= 1.5 && p[4] >= 0.4 && p[4] <= 1.5, m.describe());
                }
                case KNOT -> assertTrue(List.of(2.0, 3.0).contains(p[0]) && p[4] >= 0.05 && p[4] <= 0.09, m.describe());
            }
            double[] r = m.rotation(); // orthonormal
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 3; j++) {
                    double d = r[i * 3] * r[j * 3] + r[i * 3 + 1] * r[j * 3 + 1] + r[i * 3 + 2] * r[j * 3 + 2];
                    assertEquals(i == j ? 1 : 0, d, 1e-9);
                }
            }
        }
    }

    @Test
    void familyDataNamesAreCheckedWhereTheyAreRead() throws Exception {
        assertNull(ShapeFamily.parse("shape:knot"));
        assertEquals(5, ShapeFamily.parse("family:5").index());
        FitError e = assertThrows(FitError.class, () -> Fits.loadMesh("family:x", w -> {}));
        assertTrue(e.getMessage().contains("family:N with N a whole number"), e.getMessage());
        assertEquals(ShapeFamily.member(4).mesh().triangleCount(), Fits.loadMesh("family:4", w -> {}).triangleCount());
        var jobs = nfield.pipeline.many.Manifest.read(List.of("family:3..5", "family:9"), null);
        assertEquals(List.of("superquadric-00004", "knot-00005", "torus-00003", "torus-00009").stream().sorted().toList(),
                jobs.stream().map(nfield.pipeline.many.ShapeJob::name).sorted().toList());
        assertEquals("family:4", jobs.stream().filter(j -> j.name().equals("superquadric-00004")).findFirst().orElseThrow().data());
        e = assertThrows(FitError.class, () -> nfield.pipeline.many.Manifest.read(List.of("family:5..3"), null));
        assertTrue(e.getMessage().contains("family members are family:N or family:A..B"), e.getMessage());
    }
}
