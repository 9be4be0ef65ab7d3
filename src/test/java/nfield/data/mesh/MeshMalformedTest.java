package nfield.data.mesh;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static nfield.data.mesh.MeshFiles.BOX_QUADS;
import static nfield.data.mesh.MeshFiles.box;
import static nfield.data.mesh.MeshFiles.fan;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every malformed input gives a MeshFormatException that starts with the file name and points at
 * the line or byte, or a counted warning; never a crash or an allocation sized by a bad header.
 */
class MeshMalformedTest {
    @TempDir
    Path dir;

    private Path write(String file, byte[] bytes) throws IOException {
        Path p = dir.resolve(file);
        Files.write(p, bytes);
        return p;
    }

    /** The message of the MeshFormatException reading {@code bytes} as {@code file} gives, checked to contain {@code parts}. */
    private String error(String file, byte[] bytes, String... parts) throws IOException {
        Path p = write(file, bytes);
        String m = assertThrows(MeshFormatException.class, () -> MeshReader.read(p)).getMessage();
        assertTrue(m.startsWith(p + ": "), m);
        for (String part : parts) assertTrue(m.contains(part), "'" + part + "' missing in: " + m);
        return m;
    }

    private String error(String file, String text, String... parts) throws IOException {
        return error(file, text.getBytes(StandardCharsets.US_ASCII), parts);
    }

    private Mesh read(String file, String text) throws IOException {
        return MeshReader.read(write(file, text.getBytes(StandardCharsets.US_ASCII)));
    }

    private static final String TET = "v 0 0 0\nv 1 0 0\nv 0 1 0\nv 0 0 1\n";

    // ---- dispatch

    @Test
    void unknownExtensionListsTheSupportedOnes() throws IOException {
        error("mesh.xyz", "v 0 0 0", "'.xyz'", ".obj", ".ply", ".stl", ".off");
        error("mesh", "v 0 0 0", "no extension", ".obj");
    }

    // ---- absurd header counts are refused before allocating

    @Test
    void plyBinaryAbsurdVertexCount() throws IOException {
        byte[] f = ("ply\nformat binary_little_endian 1.0\nelement vertex 2000000000\nproperty float x\nproperty float y\n"
                + "property float z\nelement face 0\nproperty list uchar int vertex_indices\nend_header\n0123456789").getBytes(StandardCharsets.US_ASCII);
        error("huge.ply", f, "line 3", "'vertex' claims 2000000000 entries", "file size " + f.length, "truncated");
    }

    @Test
    void plyAsciiAbsurdFaceCount() throws IOException {
        byte[] f = ("ply\nformat ascii 1.0\nelement vertex 3\nproperty float x\nproperty float y\nproperty float z\n"
                + "element face 1500000000\nproperty list uchar int vertex_indices\nend_header\n0 0 0\n1 0 0\n0 1 0\n3 0 1 2\n")
                .getBytes(StandardCharsets.US_ASCII);
        error("huge.ply", f, "line 7", "'face' claims 1500000000 entries", "file size " + f.length);
    }

    @Test
    void offAbsurdCounts() throws IOException {
        error("huge.off", "OFF\n900000000 1 0\n0 0 0\n", "huge.off: line 2", "900000000 vertices", "only 24 bytes", "truncated");
    }

    @Test
    void stlBinaryAbsurdTriangleCount() throws IOException {
        byte[] f = MeshFiles.stlBinary(box(), fan(BOX_QUADS), "made by a test", 4_000_000_000L);
        error("huge.stl", f, "byte 80", "4000000000 triangles", "file is " + f.length + " bytes");
    }

    // ---- truncation

    @Test
    void stlBinaryTruncated() throws IOException {
        byte[] ok = MeshFiles.stlBinary(box(), fan(BOX_QUADS));
        error("cut.stl", Arrays.copyOf(ok, ok.length - 30), "12 triangles", "truncated at byte " + (ok.length - 30));
    }

    @Test
    void stlAsciiTruncated() throws IOException {
        String ok = MeshFiles.stlAscii(box(), fan(BOX_QUADS));
        String cut = ok.substring(0, ok.indexOf("endloop", 500));
        long line = cut.chars().filter(c -> c == '\n').count() + 1;
        error("cut.stl", cut, "line " + line, "ends inside a facet", "truncated");
        error("cut.stl", ok.substring(0, ok.indexOf("endsolid")), "line 85", "without 'endsolid'", "truncated");
    }

    @Test
    void plyBinaryTruncatedInsideAFaceList() throws IOException {
        byte[] ok = MeshFiles.ply("binary_little_endian", "float", "uchar", "int", "vertex_indices", box(), BOX_QUADS);
        int cut = ok.length - 70; // the material entry takes 24 bytes, a face 27: this cuts face 4 after 8 bytes
        String m = error("cut.ply", Arrays.copyOf(ok, cut), "byte " + cut, "face 4 of 6", "truncated");
        assertTrue(m.contains("it starts at byte "), m);
    }

    @Test
    void plyAsciiTruncated() throws IOException {
        String ok = new String(MeshFiles.ply("ascii", "float", "uchar", "int", "vertex_indices", box(), BOX_QUADS), StandardCharsets.US_ASCII);
        error("cut.ply", ok.substring(0, ok.indexOf("4 0 1 5 4")), "line 35", "face 2 of 6", "truncated");
    }

    @Test
    void offTruncated() throws IOException {
        error("cut.off", "OFF\n8 6 0\n0 0 0\n1 0 0\n1 1 0\n0 1 0\n0 0 1\n", "line 7", "after 5 of 8 vertices", "line 2", "truncated");
    }

    // ---- non-finite coordinates

    @Test
    void objNanCoordinate() throws IOException {
        error("nan.obj", "v 0 0 0\nv 1 0 0\nv 0 nan 0\nf 1 2 3\n", "nan.obj: line 3", "'nan'", "not finite");
    }

    @Test
    void objOverflowingCoordinate() throws IOException {
        error("big.obj", "v 0 0 0\nv 1e999 0 0\nv 0 1 0\nf 1 2 3\n", "big.obj: line 2", "'1e999'", "not finite");
    }

    @Test
    void offInfiniteCoordinate() throws IOException {
        error("inf.off", "OFF\n3 1 0\n0 0 0\n1 0 -inf\n0 1 0\n3 0 1 2\n", "inf.off: line 4", "'-inf'", "not finite");
    }

    @Test
    void stlAsciiNanCoordinate() throws IOException {
        String s = MeshFiles.stlAscii(box(), fan(BOX_QUADS)).replaceFirst("vertex -1.25", "vertex NaN");
        error("nan.stl", s, "nan.stl: line 4", "'NaN'", "not finite");
    }

    @Test
    void stlBinaryNanCoordinate() throws IOException {
        byte[] f = MeshFiles.stlBinary(box(), fan(BOX_QUADS));
        ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN).putFloat(84 + 50 + 12 + 12 + 4, Float.NaN); // triangle 1, vertex 1, y
        error("nan.stl", f, "byte " + (84 + 50 + 24), "vertex 1 of triangle 1", "non-finite", "NaN");
    }

    @Test
    void plyBinaryInfiniteCoordinate() throws IOException {
        double[] v = box();
        v[3 * 2 + 2] = Double.POSITIVE_INFINITY;
        byte[] f = MeshFiles.ply("binary_big_endian", "double", "uchar", "int", "vertex_indices", v, BOX_QUADS);
        int header = new String(f, StandardCharsets.ISO_8859_1).indexOf("end_header\n") + 11;
        int vertexBytes = 8 + 1 + 8 + 1 + 2 + 2 + 8 + 4;
        error("inf.ply", f, "byte " + (header + 2 * vertexBytes), "vertex 2 ", "non-finite", "Infinity");
    }

    @Test
    void plyAsciiNanCoordinate() throws IOException {
        String s = new String(MeshFiles.ply("ascii", "float", "uchar", "int", "vertex_indices", box(), BOX_QUADS), StandardCharsets.US_ASCII)
                .replace("0.125 2 -7 300 -2.0", "0.125 2 -7 300 nan");
        error("nan.ply", s, "nan.ply: line 23", "vertex 0 ", "non-finite");
    }

    // ---- indices out of range

    @Test
    void objIndexBeyondTheLastVertex() throws IOException {
        error("far.obj", TET + "f 1 2 3\nf 2 9 4\n", "far.obj: line 6", "index 9", "only 4 vertices");
    }

    @Test
    void objIndexZero() throws IOException {
        error("zero.obj", TET + "f 0 1 2\n", "zero.obj: line 5", "index 0", "start at 1");
    }

    @Test
    void objNegativeIndexBeforeTheFirstVertex() throws IOException {
        error("neg.obj", "v 0 0 0\nv 1 0 0\nf -1 -2 -3\nv 0 1 0\n", "neg.obj: line 3", "-3", "before the first vertex", "only 2 vertices");
    }

    @Test
    void offIndexOutOfRange() throws IOException {
        error("far.off", "OFF\n3 1 0\n0 0 0\n1 0 0\n0 1 0\n3 0 1 3\n", "far.off: line 6", "index 3", "3 vertices");
    }

    @Test
    void plyBinaryIndexOutOfRange() throws IOException {
        int[][] faces = {{0, 1, 2}, {0, 2, 8}};
        byte[] f = MeshFiles.ply("binary_little_endian", "float", "uchar", "int", "vertex_indices", box(), faces);
        int header = new String(f, StandardCharsets.ISO_8859_1).indexOf("end_header\n") + 11;
        int faceStart = header + 8 * (4 + 1 + 4 + 1 + 2 + 2 + 4 + 4) + 2 * 8;
        error("far.ply", f, "byte " + (faceStart + 1 + 1 + 12 + 1 + 8), "index 8", "8 vertices");
    }

    // ---- empty meshes

    @Test
    void objWithoutFaces() throws IOException {
        error("points.obj", TET, "points.obj: no triangles", "4 vertices");
    }

    @Test
    void emptyFiles() throws IOException {
        error("empty.obj", "", "empty.obj: no triangles");
        error("empty.off", "", "empty.off: line 1", "'OFF'");
        error("empty.ply", "", "empty.ply: line 1", "'ply'");
        error("empty.stl", "", "empty.stl: byte 0", "too short");
    }

    @Test
    void offWithZeroFaces() throws IOException {
        error("nofaces.off", "OFF\n3 0 0\n0 0 0\n1 0 0\n0 1 0\n", "nofaces.off: no triangles");
    }

    @Test
    void stlAsciiWithoutFacets() throws IOException {
        error("nothing.stl", "solid nothing\nendsolid nothing\n", "nothing.stl: no triangles");
    }

    @Test
    void allTrianglesDegenerate() throws IOException {
        error("flat.obj", "v 0 0 0\nv 1 1 1\nv 2 2 2\nf 1 2 3\nf 1 1 2\n", "flat.obj: no triangles", "all 2 were degenerate");
    }

    // ---- degenerate faces, short faces, unused vertices

    @Test
    void degenerateTrianglesAreDroppedAndCounted() throws IOException {
        String text = TET + "v 0 0 0\nv 2 0 0\n" // 5 repeats vertex 1's position; 6 is collinear with 1 and 2
                + "f 1 3 2\nf 1 2 4\nf 1 4 3\nf 2 3 4\n"
                + "f 1 1 2\nf 1 5 3\nf 1 2 6\n";
        Mesh m = read("deg.obj", text);
        assertArrayEquals(new int[] {0, 2, 1, 0, 1, 3, 0, 3, 2, 1, 2, 3}, m.triangles());
        assertEquals(6, m.vertexCount());
        assertEquals(List.of("dropped 3 degenerate triangles (a repeated vertex or zero area)",
                "2 vertices are not used by any triangle (kept)"), m.warnings());
    }

    @Test
    void unusedVerticesAreKeptAndCounted() throws IOException {
        Mesh m = read("extra.off", "OFF\n5 1 0\n0 0 0\n1 0 0\n0 1 0\n5 5 5\n6 6 6\n3 0 1 2\n");
        assertEquals(5, m.vertexCount());
        assertEquals(List.of("2 vertices are not used by any triangle (kept)"), m.warnings());
    }

    @Test
    void objFaceWithTwoVertices() throws IOException {
        error("short.obj", TET + "f 1 2 3\nf 1 2\n", "short.obj: line 6", "2 vertices", "at least 3");
    }

    @Test
    void offFaceWithTwoVertices() throws IOException {
        error("short.off", "OFF\n3 2 0\n0 0 0\n1 0 0\n0 1 0\n3 0 1 2\n2 0 1\n", "short.off: line 7", "face 1 has 2 vertices");
    }

    @Test
    void offFaceListingFewerIndicesThanItsCount() throws IOException {
        error("short.off", "OFF\n3 1 0\n0 0 0\n1 0 0\n0 1 0\n4 0 1 2\n", "short.off: line 6", "4 vertices but lists only 3");
    }

    @Test
    void plyFaceWithTwoVertices() throws IOException {
        int[][] faces = {{0, 1, 2}, {3, 4}};
        String s = new String(MeshFiles.ply("ascii", "float", "uchar", "int", "vertex_indices", box(), faces), StandardCharsets.US_ASCII);
        error("short.ply", s, "short.ply: line 34", "face 1 has 2 vertices");
    }

    @Test
    void stlFacetWithTwoVertices() throws IOException {
        String s = "solid x\nfacet normal 0 0 1\nouter loop\nvertex 0 0 0\nvertex 1 0 0\nendloop\nendfacet\nendsolid\n";
        error("short.stl", s, "short.stl: line 6", "2 vertices");
    }

    // ---- unparseable numbers and syntax

    @Test
    void objUnparseableCoordinate() throws IOException {
        error("bad.obj", "v 0 0 0\nv 1 0,5 0\n", "bad.obj: line 2", "'0,5'", "number");
    }

    @Test
    void objUnparseableFaceIndex() throws IOException {
        error("bad.obj", TET + "f 1 two 3\n", "bad.obj: line 5", "'two'");
    }

    @Test
    void objVertexWithTwoCoordinates() throws IOException {
        error("bad.obj", "v 0 0\n", "bad.obj: line 1", "missing z");
    }

    @Test
    void offUnparseableCount() throws IOException {
        error("bad.off", "OFF\n3 one 0\n", "bad.off: line 2", "'one'", "face count");
    }

    @Test
    void plyAsciiUnparseableValue() throws IOException {
        String s = new String(MeshFiles.ply("ascii", "float", "uchar", "int", "vertex_indices", box(), BOX_QUADS), StandardCharsets.US_ASCII)
                .replace("0.125 2 -7 300 -2.0", "0.125 2 -7 300 -2.0x");
        error("bad.ply", s, "bad.ply: line 23", "'-2.0x'");
    }

    @Test
    void stlAsciiUnparseableCoordinate() throws IOException {
        String s = MeshFiles.stlAscii(box(), fan(BOX_QUADS)).replaceFirst("vertex -1.25", "vertex -1.2.5");
        error("bad.stl", s, "bad.stl: line 4", "'-1.2.5'");
    }

    @Test
    void stlAsciiWrongKeyword() throws IOException {
        String s = MeshFiles.stlAscii(box(), fan(BOX_QUADS)).replaceFirst("outer loop", "outer lop");
        String m = error("bad.stl", s, "bad.stl: line 3", "expected 'loop'", "'lop'");
        assertTrue(!m.contains("binary"), "no binary-STL hint for a text file: " + m);
    }

    @Test
    void stlBinaryWithSolidHeaderAndWrongSizeHintsAtTheCount() throws IOException {
        byte[] ok = MeshFiles.stlBinary(box(), fan(BOX_QUADS), "solid but binary", 12);
        error("cut.stl", Arrays.copyOf(ok, ok.length - 50), "cut.stl: line ", "binary STL", "triangle count 12", "684 bytes", "file is 634");
    }

    @Test
    void plyHeaderErrors() throws IOException {
        error("bad.ply", "ply\nformat ascii 1.0\nelement vertex 1\nproperty float3 x\nend_header\n", "line 4", "unknown property type 'float3'");
        error("bad.ply", "ply\nformat binary_middle_endian 1.0\nend_header\n", "line 2", "binary_little_endian");
        error("bad.ply", "ply\nformat ascii 1.0\nelement vertex 1\nproperty float x\n", "line 4", "end_header");
        error("bad.ply", "ply\nformat ascii 1.0\nelement vertex 1\nproperty float x\nproperty float y\nend_header\n0 0\n",
                "line 3", "x, y and z");
        error("bad.ply", "ply\nformat ascii 1.0\nelement vertex 0\nproperty float x\nproperty float y\nproperty float z\n"
                + "element face 0\nproperty int vertex_indices\nend_header\n", "line 7", "vertex_indices");
        error("bad.ply", "solid\n", "line 1", "not a PLY file");
    }

    @Test
    void offBadHeader() throws IOException {
        error("bad.off", "# made by hand\nOFX\n3 1 0\n", "bad.off: line 2", "'OFX'", "'OFF'");
    }
}
