package nfield.data.mesh;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;

import static nfield.data.mesh.MeshFiles.BOX_QUADS;
import static nfield.data.mesh.MeshFiles.box;
import static nfield.data.mesh.MeshFiles.fan;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Round trips through every format and encoding, and the syntax variants each reader accepts. */
class MeshReaderTest {
    @TempDir
    Path dir;

    private Mesh read(String file, String text) throws IOException {
        return read(file, text.getBytes(StandardCharsets.US_ASCII));
    }

    private Mesh read(String file, byte[] bytes) throws IOException {
        Path p = dir.resolve(file);
        Files.write(p, bytes);
        return MeshReader.read(p);
    }

    private static void assertMesh(double[] v, int[] t, Mesh m) {
        assertArrayEquals(v, m.vertices());
        assertArrayEquals(t, m.triangles());
        assertEquals(List.of(), m.warnings());
    }

    /** STL has no shared vertices: after welding, the same positions triangle by triangle, 8 corners. */
    private static void assertWelded(double[] v, int[] t, Mesh m) {
        assertEquals(v.length / 3, m.vertexCount());
        assertEquals(t.length, m.triangles().length);
        for (int i = 0; i < t.length; i++) {
            for (int c = 0; c < 3; c++) assertEquals(v[3 * t[i] + c], m.vertices()[3 * m.triangles()[i] + c], "corner " + i);
        }
        assertEquals(List.of(), m.warnings());
    }

    @Test
    void objRoundTrip() throws IOException {
        Mesh m = read("box.obj", MeshFiles.obj(box(), BOX_QUADS));
        assertMesh(box(), fan(BOX_QUADS), m);
        assertEquals(dir.resolve("box.obj").toString(), m.name());
        assertEquals(12, m.triangleCount());
    }

    @Test
    void offRoundTrip() throws IOException {
        assertMesh(box(), fan(BOX_QUADS), read("box.off", MeshFiles.off(box(), BOX_QUADS)));
    }

    @Test
    void stlAsciiRoundTrip() throws IOException {
        assertWelded(box(), fan(BOX_QUADS), read("box.stl", MeshFiles.stlAscii(box(), fan(BOX_QUADS))));
    }

    @Test
    void stlBinaryRoundTrip() throws IOException {
        assertWelded(box(), fan(BOX_QUADS), read("box.stl", MeshFiles.stlBinary(box(), fan(BOX_QUADS))));
    }

    @Test
    void stlBinaryWhoseHeaderStartsWithSolidIsReadAsBinary() throws IOException {
        int[] t = fan(BOX_QUADS);
        assertWelded(box(), t, read("box.stl", MeshFiles.stlBinary(box(), t, "solid exported by a careless tool", 12)));
    }

    static Stream<Arguments> plyVariants() {
        List<Arguments> all = new ArrayList<>();
        for (String format : List.of("ascii", "binary_little_endian", "binary_big_endian")) {
            all.add(Arguments.of(format, "float", "uchar", "int", "vertex_indices"));
            all.add(Arguments.of(format, "float64", "uint16", "uint32", "vertex_index"));
            all.add(Arguments.of(format, "int16", "int32", "ushort", "vertex_indices"));
            all.add(Arguments.of(format, "uint8", "char", "int8", "vertex_index"));
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0} x,y,z {1}, list {2} {3} {4}")
    @MethodSource("plyVariants")
    void plyRoundTrip(String format, String xyzType, String countType, String indexType, String indexName) throws IOException {
        boolean integral = !xyzType.startsWith("float");
        double[] v = integral ? box(new double[] {0, 7}, new double[] {1, 120}, new double[] {3, 4}) : box();
        byte[] file = MeshFiles.ply(format, xyzType, countType, indexType, indexName, v, BOX_QUADS);
        assertMesh(v, fan(BOX_QUADS), read("box.ply", file));
    }

    @Test
    void extensionIsCaseInsensitive() throws IOException {
        assertEquals(12, read("BOX.OBJ", MeshFiles.obj(box(), BOX_QUADS)).triangleCount());
        assertEquals(12, read("box.Off", MeshFiles.off(box(), BOX_QUADS)).triangleCount());
    }

    @Test
    void objSyntaxVariants() throws IOException {
        String text = String.join("\r\n",
                "# comment", "mtllib box.mtl", "o box", "g side", "",
                "v 0 0 0 1.0", "v 1 0 0 0.5 0.5 0.5", "   v\t0 1 0   # trailing comment", "v 0 0 1",
                "vt 0 0", "vn 0 0 1", "s off", "usemtl red",
                "f 1/1/1 3/1/1 2/1/1", "f 1//1 2//1 4//1", "f -4/1 -1/1 -2/1", "f 2 3 4",
                "l 1 2", "p 3", "");
        Mesh m = read("tet.obj", text);
        assertArrayEquals(new double[] {0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1}, m.vertices());
        assertArrayEquals(new int[] {0, 2, 1, 0, 1, 3, 0, 3, 2, 1, 2, 3}, m.triangles());
        assertEquals(List.of(), m.warnings());
    }

    @Test
    void objPolygonIsFanTriangulated() throws IOException {
        Mesh m = read("hex.obj", "v 1 0 0\nv 2 0 0\nv 3 1 0\nv 2 2 0\nv 1 2 0\nv 0 1 0\nf 1 2 3 4 5 6\n");
        assertArrayEquals(new int[] {0, 1, 2, 0, 2, 3, 0, 3, 4, 0, 4, 5}, m.triangles());
    }

    @Test
    void objUnknownStatementsAreCountedInAWarning() throws IOException {
        Mesh m = read("odd.obj", "v 0 0 0\nv 1 0 0\nfrobnicate 3\nv 0 1 0\ncurv 0 1\nf 1 2 3\nbevel off\n");
        assertEquals(1, m.triangleCount());
        assertEquals(List.of("ignored 3 unknown statements (the first: 'frobnicate' at line 3)"), m.warnings());
    }

    @Test
    void offVariants() throws IOException {
        String text = "# colour OFF\nCOFF 4 2 5\n\n0 0 0 255 0 0 255\n1 0 0 0 255 0 255  # corner\n"
                + "# the rest\n1 1 0 1 1 1 1\n0 1 0 1 1 1 1\n3 0 1 2 0.5 0.5 0.5\n3 0 2 3\n";
        Mesh m = read("quad.off", text);
        assertArrayEquals(new double[] {0, 0, 0, 1, 0, 0, 1, 1, 0, 0, 1, 0}, m.vertices());
        assertArrayEquals(new int[] {0, 1, 2, 0, 2, 3}, m.triangles());
    }

    @Test
    void stlAsciiWithSeveralSolidsAndCrlf() throws IOException {
        int[] t = fan(BOX_QUADS);
        String two = (MeshFiles.stlAscii(box(), new int[] {t[0], t[1], t[2]}) + MeshFiles.stlAscii(box(), new int[] {t[3], t[4], t[5]}))
                .replace("\n", "\r\n");
        Mesh m = read("two.stl", two);
        assertEquals(2, m.triangleCount());
        assertEquals(4, m.vertexCount(), "the two triangles share an edge: 4 welded vertices");
        assertEquals(List.of(), m.warnings());
    }

    @Test
    void stlWeldsNegativeZeroWithZero() throws IOException {
        double[] v = {0, 0, 0, 1, 0, 0, 0, 1, 0, -0.0, 0, -0.0};
        Mesh m = read("z.stl", MeshFiles.stlBinary(v, new int[] {0, 1, 2, 3, 2, 1}));
        assertEquals(3, m.vertexCount());
        assertArrayEquals(new int[] {0, 1, 2, 0, 2, 1}, m.triangles());
    }

    @Test
    void numbersParseExactlyLikeDoubleParseDouble() throws IOException {
        Random rnd = new Random(7);
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            double x = (rnd.nextDouble() - 0.5) * Math.pow(10, rnd.nextInt(40) - 20);
            tokens.add(switch (i % 5) {
                case 0 -> Double.toString(x);
                case 1 -> String.format(Locale.ROOT, "%.6f", x);
                case 2 -> String.format(Locale.ROOT, "%.17e", x);
                case 3 -> String.format(Locale.ROOT, "%.9g", x).replace("e", "E");
                default -> "+" + Long.toString((rnd.nextLong() >>> 1) >>> rnd.nextInt(63));
            });
        }
        tokens.addAll(List.of("0", "-0", "0.0", "1.", ".5", "-.5e-3", "1e22", "1e23", "123456789012345678901234567890",
                "0.000000000000000000000000000001", "9007199254740993", "2.2250738585072014E-308", "4.9e-324", "1.7976931348623157e308"));
        while (tokens.size() % 3 != 0) tokens.add("1");
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < tokens.size(); i += 3) s.append("v ").append(String.join(" ", tokens.subList(i, i + 3))).append('\n');
        s.append("v 1 0 0\nv 0 1 0\nv 0 0 1\nf -1 -2 -3\n");
        double[] got = read("numbers.obj", s.toString()).vertices();
        for (int i = 0; i < tokens.size(); i++) {
            assertEquals(Double.parseDouble(tokens.get(i)), got[i], tokens.get(i));
        }
        assertTrue(Double.doubleToRawLongBits(got[tokens.indexOf("-0")]) != 0, "-0 keeps its sign");
    }
}
