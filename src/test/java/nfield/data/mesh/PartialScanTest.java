package nfield.data.mesh;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Scans made from one view, and scan files read back (with their errors). */
class PartialScanTest {
    @TempDir
    Path dir;

    @Test
    void oneViewOfATorusSeesItsNearSideOnly() {
        Mesh torus = MeshShapes.torus(0.5, 0.2, 96, 32);
        double[] eye = {0, 3, 0}; // the torus lies in the xz plane: from above, the top of its tube
        PartialScan s = PartialScan.view(torus, eye, 20000, 60, 1);
        double share = (double) s.size() / 20000;
        assertTrue(share > 0.1 && share < 0.4, "share seen " + share);
        double[] p = s.points(), n = s.normals();
        for (int i = 0; i < p.length; i += 3) {
            double ring = Math.sqrt(p[i] * p[i] + p[i + 2] * p[i + 2]) - 0.5, r = Math.sqrt(ring * ring + p[i + 1] * p[i + 1]);
            assertEquals(0.2, r, 2e-3, "a scan point off the surface");
            assertTrue(p[i + 1] > 0, "a point on the underside was seen: y = " + p[i + 1]);
            double dx = eye[0] - p[i], dy = eye[1] - p[i + 1], dz = eye[2] - p[i + 2], l = Math.sqrt(dx * dx + dy * dy + dz * dz);
            assertTrue((n[i] * dx + n[i + 1] * dy + n[i + 2] * dz) / l >= Math.cos(Math.toRadians(60)) - 1e-9, "a grazing point was kept");
        }
    }

    @Test
    void pointFilesRoundTripAndPartialMeshesGiveNormals() throws IOException {
        PartialScan s = PartialScan.view(MeshShapes.torus(0.5, 0.2, 48, 16), new double[]{0, 3, 0}, 2000, 70, 2);
        Path f = dir.resolve("s.xyz");
        nfield.io.MeshWriter.writeScan(f, s);
        PartialScan back = PartialScan.read(f);
        assertEquals(s.size(), back.size());
        assertTrue(back.hasNormals());
        for (int i = 0; i < s.points().length; i++) assertEquals(s.points()[i], back.points()[i], 1e-6);
        nfield.geom.Normalization box = new nfield.geom.Normalization(0.25, -1, 2, 0.5);
        Path boxed = dir.resolve("b.xyz");
        nfield.io.MeshWriter.writeScan(boxed, s, box);
        assertEquals(box, PartialScan.statedNormalization(boxed));
        assertEquals(s.size(), PartialScan.read(boxed).size());
        assertNull(PartialScan.statedNormalization(f));
        Files.writeString(boxed, PartialScan.NORMALIZATION + " 0 0 0 -1\n0 0 0\n");
        IOException bad = assertThrows(IOException.class, () -> PartialScan.statedNormalization(boxed));
        assertTrue(bad.getMessage().contains("b.xyz:1: the normalization line must hold cx cy cz scale"), bad.getMessage());
        Path plain = dir.resolve("p.txt");
        Files.writeString(plain, "# points\n0 0 0\n0.5, 0.25, -1\n");
        PartialScan p = PartialScan.read(plain);
        assertEquals(2, p.size());
        assertFalse(p.hasNormals());
        PartialScan m = PartialScan.fromMesh("box", MeshShapes.torus(0.5, 0.2, 24, 8));
        assertTrue(m.hasNormals());
        double[] n = m.normals(), v = m.points();
        for (int i = 0; i < v.length; i += 3) { // outward: away from the tube's centre line
            double ring = Math.sqrt(v[i] * v[i] + v[i + 2] * v[i + 2]);
            double[] c = {v[i] * 0.5 / ring, 0, v[i + 2] * 0.5 / ring};
            assertTrue((v[i] - c[0]) * n[i] + (v[i + 1] - c[1]) * n[i + 1] + (v[i + 2] - c[2]) * n[i + 2] > 0);
        }
        assertNull(PartialScan.fromMesh("cloud", new Mesh("cloud", new double[]{0, 0, 0, 1, 1, 1}, new int[0])).normals());
    }

    @Test
    void badPointFilesSayWhereAndWhat() throws IOException {
        String[][] cases = {
                {"1 2\n", "s.xyz:1: 2 numbers; a line holds x y z or x y z nx ny nz"},
                {"0 0 0\n1 1 1 0 0 1\n", "s.xyz:2: 6 numbers where the lines before hold 3"},
                {"0 0 zero\n", "s.xyz:1: \"zero\" is not a number"},
                {"0 0 NaN\n", "s.xyz:1: NaN is not a finite coordinate"},
                {"0 0 0 0 0 0\n", "s.xyz:1: the normal is zero"},
                {"# nothing\n\n", "s.xyz: no points"},
        };
        for (String[] c : cases) {
            Path f = dir.resolve("s.xyz");
            Files.writeString(f, c[0]);
            IOException e = assertThrows(IOException.class, () -> PartialScan.read(f), c[0]);
            assertTrue(e.getMessage().contains(c[1]), e.getMessage() + " (expected ... " + c[1] + ")");
        }
        IOException e = assertThrows(IOException.class, () -> PartialScan.read(dir.resolve("x.pts")));
        assertTrue(e.getMessage().contains("no such file"), e.getMessage());
        Files.writeString(dir.resolve("x.pts"), "0 0 0\n");
        e = assertThrows(IOException.class, () -> PartialScan.read(dir.resolve("x.pts")));
        assertTrue(e.getMessage().contains("not a scan nfield reads (.xyz or .txt points"), e.getMessage());
    }
}
