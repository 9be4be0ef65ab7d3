package nfield.io;

import nfield.data.mesh.Mesh;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

class MeshWriterTest {
    @TempDir
    Path dir;

    /** What a reader got back: positions and normals as floats, 0-based triangles. */
    record Read(float[] vertices, float[] normals, int[] triangles, List<String> header) {}

    static Mesh randomMesh(int nv, int nt, long seed) {
        Random r = new Random(seed);
        double[] v = new double[nv * 3];
        for (int i = 0; i < v.length; i++) v[i] = (r.nextDouble() - 0.5) * Math.pow(10, r.nextInt(9) - 4);
        v[0] = 0;
        v[1] = -0.0;
        v[2] = 1e-12;
        int[] t = new int[nt * 3];
        for (int i = 0; i < t.length; i++) t[i] = r.nextInt(nv);
        return new Mesh("random mesh\nwith a newline", v, t);
    }

    static float[] randomNormals(int nv, long seed) {
        Random r = new Random(seed);
        float[] n = new float[nv * 3];
        for (int i = 0; i < n.length; i++) n[i] = (float) r.nextGaussian();
        return n;
    }

    static float[] asFloats(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) f[i] = (float) v[i];
        return f;
    }

    /** A minimal binary little-endian PLY reader for what MeshWriter writes; checks the header. */
    static Read readPly(Path p) throws IOException {
        byte[] all = Files.readAllBytes(p);
        String text = new String(all, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("end_header\n");
        assertTrue(end > 0, "no end_header");
        List<String> header = List.of(text.substring(0, end + "end_header".length()).split("\n"));
        assertEquals("ply", header.get(0));
        assertEquals("format binary_little_endian 1.0", header.get(1));
        int nv = -1, nf = -1;
        List<String> vertexProps = new ArrayList<>();
        String current = null;
        for (String line : header) {
            String[] w = line.split(" ");
            if (w[0].equals("element")) {
                current = w[1];
                if (current.equals("vertex")) nv = Integer.parseInt(w[2]);
                else if (current.equals("face")) nf = Integer.parseInt(w[2]);
                else throw new AssertionError("unexpected element " + line);
            } else if (w[0].equals("property")) {
                if ("vertex".equals(current)) {
                    assertEquals("float", w[1], line);
                    vertexProps.add(w[2]);
                } else {
                    assertEquals("property list uchar int vertex_indices", line);
                }
            }
        }
        boolean withNormals = vertexProps.size() == 6;
        assertEquals(withNormals ? List.of("x", "y", "z", "nx", "ny", "nz") : List.of("x", "y", "z"), vertexProps);
        ByteBuffer b = ByteBuffer.wrap(all, end + "end_header\n".length(), all.length - end - "end_header\n".length())
                .order(ByteOrder.LITTLE_ENDIAN);
        float[] v = new float[nv * 3], n = withNormals ? new float[nv * 3] : null;
        for (int i = 0; i < nv; i++) {
            for (int k = 0; k < 3; k++) v[3 * i + k] = b.getFloat();
            if (withNormals) for (int k = 0; k < 3; k++) n[3 * i + k] = b.getFloat();
        }
        int[] t = new int[nf * 3];
        for (int i = 0; i < nf; i++) {
            assertEquals(3, b.get(), "face " + i + " is not a triangle");
            for (int k = 0; k < 3; k++) t[3 * i + k] = b.getInt();
        }
        assertEquals(0, b.remaining(), "bytes after the last face");
        return new Read(v, n, t, header);
    }

    /** A minimal OBJ reader: v, vn and f (a, a//a) lines; checks the face form is consistent. */
    static Read readObj(Path p) throws IOException {
        List<Float> v = new ArrayList<>(), n = new ArrayList<>();
        List<Integer> t = new ArrayList<>();
        List<String> comments = new ArrayList<>();
        Boolean slashed = null;
        for (String line : Files.readAllLines(p, StandardCharsets.US_ASCII)) {
            String[] w = line.split(" ");
            switch (w[0]) {
                case "#" -> comments.add(line);
                case "v" -> { assertEquals(4, w.length, line); for (int k = 1; k < 4; k++) v.add(Float.parseFloat(w[k])); }
                case "vn" -> { assertEquals(4, w.length, line); for (int k = 1; k < 4; k++) n.add(Float.parseFloat(w[k])); }
                case "f" -> {
                    assertEquals(4, w.length, line);
                    for (int k = 1; k < 4; k++) {
                        boolean s = w[k].contains("//");
                        if (slashed == null) slashed = s;
                        assertEquals(slashed, s, "mixed face forms: " + line);
                        String[] ab = w[k].split("//");
                        if (s) assertEquals(ab[0], ab[1], "normal index differs from vertex index: " + line);
                        t.add(Integer.parseInt(ab[0]) - 1);
                    }
                }
                default -> throw new AssertionError("unexpected OBJ line: " + line);
            }
        }
        float[] vf = new float[v.size()], nf = new float[n.size()];
        for (int i = 0; i < vf.length; i++) vf[i] = v.get(i);
        for (int i = 0; i < nf.length; i++) nf[i] = n.get(i);
        if (nf.length > 0) assertEquals(Boolean.TRUE, slashed, "normals given but faces do not use them");
        return new Read(vf, nf.length == 0 ? null : nf, t.stream().mapToInt(Integer::intValue).toArray(), comments);
    }

    private void assertNoTempFiles(Path where) throws IOException {
        try (Stream<Path> s = Files.walk(where)) {
            List<Path> tmp = s.filter(x -> x.getFileName().toString().endsWith(".tmp")).toList();
            assertEquals(List.of(), tmp, "temp files left behind");
        }
    }

    @Test
    void plyRoundTripsWithAndWithoutNormals() throws IOException {
        Mesh m = randomMesh(500, 900, 1);
        float[] normals = randomNormals(500, 2);
        Path plain = dir.resolve("plain.ply"), withN = dir.resolve("normals.PLY");
        MeshWriter.write(plain, m, null);
        MeshWriter.write(withN, m, normals);
        Read a = readPly(plain), b = readPly(withN);
        assertArrayEquals(asFloats(m.vertices()), a.vertices());
        assertArrayEquals(m.triangles(), a.triangles());
        assertNull(a.normals());
        assertArrayEquals(asFloats(m.vertices()), b.vertices());
        assertArrayEquals(normals, b.normals());
        assertArrayEquals(m.triangles(), b.triangles());
        assertTrue(a.header().contains("comment nfield mesh random mesh with a newline"), a.header().toString());
        long headerBytes = String.join("\n", a.header()).length() + 1;
        assertEquals(headerBytes + 500 * 12 + 900 * 13, Files.size(plain));
        assertNoTempFiles(dir);
    }

    @Test
    void objRoundTripsWithAndWithoutNormals() throws IOException {
        Mesh m = randomMesh(400, 700, 3);
        float[] normals = randomNormals(400, 4);
        Path plain = dir.resolve("plain.obj"), withN = dir.resolve("normals.Obj");
        MeshWriter.write(plain, m, null);
        MeshWriter.write(withN, m, normals);
        Read a = readObj(plain), b = readObj(withN);
        // Float.toString reads back as the same float, so the comparison is exact
        assertArrayEquals(asFloats(m.vertices()), a.vertices());
        assertArrayEquals(m.triangles(), a.triangles());
        assertNull(a.normals());
        assertArrayEquals(asFloats(m.vertices()), b.vertices());
        assertArrayEquals(normals, b.normals());
        assertArrayEquals(m.triangles(), b.triangles());
        assertEquals("# nfield mesh random mesh with a newline", a.header().get(0));
        assertEquals("# 400 vertices, 700 triangles", a.header().get(1));
        // the reader subtracts 1, so equal triangles mean 1-based indices in the file
        assertEquals(0, Arrays.stream(a.triangles()).min().orElseThrow(), "index 0 is written as 1");
        assertNoTempFiles(dir);
    }

    @Test
    void marchingCubesSphereSurvivesBothFormats() throws IOException {
        int n = 17;
        Mesh m = MarchingCubes.extract(MarchingCubesTest.sample(n, MarchingCubesTest::sphere), n, n, n,
                new double[]{-1, -1, -1}, 2.0 / (n - 1), 0f, "sphere");
        for (String name : new String[]{"s.obj", "s.ply"}) {
            Path p = dir.resolve(name);
            MeshWriter.write(p, m, null);
            Read r = name.endsWith("obj") ? readObj(p) : readPly(p);
            double[] v = new double[r.vertices().length];
            for (int i = 0; i < v.length; i++) v[i] = r.vertices()[i];
            Mesh back = new Mesh(name, v, r.triangles());
            assertEquals(2, MarchingCubesTest.euler(back, name));
            assertEquals(MarchingCubesTest.volume(m), MarchingCubesTest.volume(back), 1e-5);
        }
    }

    @Test
    void emptyMeshWritesValidFiles() throws IOException {
        Mesh empty = new Mesh("empty", new double[0], new int[0]);
        MeshWriter.write(dir.resolve("e.ply"), empty, new float[0]);
        MeshWriter.write(dir.resolve("e.obj"), empty, null);
        Read p = readPly(dir.resolve("e.ply"));
        assertEquals(0, p.vertices().length);
        assertEquals(0, p.triangles().length);
        assertEquals(0, readObj(dir.resolve("e.obj")).triangles().length);
    }

    @Test
    void unknownExtensionIsRejectedBeforeWriting() throws IOException {
        Mesh m = randomMesh(10, 10, 5);
        for (String name : new String[]{"mesh.stl", "mesh", "mesh.obj.bak", ".ply"}) {
            Path p = dir.resolve(name);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MeshWriter.write(p, m, null));
            assertTrue(e.getMessage().contains(p.toString()), e.getMessage());
            assertTrue(e.getMessage().contains(".obj, .ply or .glb"), e.getMessage());
            assertTrue(Files.notExists(p));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MeshWriter.write(dir.resolve("n.ply"), m, new float[7]));
        assertTrue(e.getMessage().contains("7 normal components for 10 vertices"), e.getMessage());
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(0, s.count(), "nothing written");
        }
    }

    @Test
    void unwritableDirectoryGivesAClearErrorAndNoTempFile() throws IOException {
        Path notADir = Files.writeString(dir.resolve("plain-file"), "x");
        Path target = notADir.resolve("m.ply");
        IOException e = assertThrows(IOException.class, () -> MeshWriter.write(target, randomMesh(5, 5, 6), null));
        assertTrue(e.getMessage().startsWith(target + ": cannot write ("), e.getMessage());
        assertTrue(e.getMessage().contains("not a directory"), e.getMessage());
        assertEquals("x", Files.readString(notADir));
        assertNoTempFiles(dir);
    }

    @Test
    void readOnlyDirectoryGivesAClearErrorAndKeepsTheOldFile() throws IOException {
        Path ro = Files.createDirectory(dir.resolve("ro"));
        Path target = Files.writeString(ro.resolve("m.obj"), "old contents");
        Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            assumeFalse(Files.isWritable(ro), "running as root: permissions are not enforced");
            IOException e = assertThrows(IOException.class, () -> MeshWriter.write(target, randomMesh(5, 5, 7), null));
            assertTrue(e.getMessage().startsWith(target + ": cannot write (permission denied"), e.getMessage());
            assertEquals("old contents", Files.readString(target));
            assertNoTempFiles(ro);
        } finally {
            Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    @Test
    void failedWriteLeavesTheExistingTargetIntact() throws IOException {
        Path target = Files.writeString(dir.resolve("keep.ply"), "old contents");
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(target, out -> {
            out.write(new byte[100_000]);
            throw new IOException("simulated disk full");
        }));
        assertTrue(e.getMessage().contains(target.toString()) && e.getMessage().contains("simulated disk full"), e.getMessage());
        assertEquals("old contents", Files.readString(target));
        assertNoTempFiles(dir);

        IllegalStateException boom = new IllegalStateException("bug in the writer");
        assertSame(boom, assertThrows(IllegalStateException.class, () -> AtomicFiles.write(target, out -> {
            out.write(1);
            throw boom;
        })));
        assertEquals("old contents", Files.readString(target));
        assertNoTempFiles(dir);

        // the rename itself fails: a non-empty directory stands where the file should go
        Path blocked = Files.createDirectories(dir.resolve("blocked.obj"));
        Files.writeString(blocked.resolve("inside"), "keep me");
        IOException moved = assertThrows(IOException.class, () -> MeshWriter.write(blocked, randomMesh(5, 5, 8), null));
        assertTrue(moved.getMessage().startsWith(blocked + ": cannot write ("), moved.getMessage());
        assertEquals("keep me", Files.readString(blocked.resolve("inside")));
        assertNoTempFiles(dir);
    }

    @Test
    void overwritesAnExistingFileAndCreatesMissingDirectories() throws IOException {
        Path target = dir.resolve("a/b/c/m.ply");
        MeshWriter.write(target, randomMesh(20, 30, 9), null);
        MeshWriter.write(target, randomMesh(7, 4, 10), null);
        Read r = readPly(target);
        assertEquals(7 * 3, r.vertices().length);
        assertEquals(4 * 3, r.triangles().length);
        assertNoTempFiles(dir);
        // AtomicFiles.write(Path, byte[]) as FieldFile uses it
        AtomicFiles.write(dir.resolve("bytes.bin"), new byte[]{1, 2, 3});
        assertArrayEquals(new byte[]{1, 2, 3}, Files.readAllBytes(dir.resolve("bytes.bin")));
    }

    /** A temp file a killed writer left (its process gone) goes with the next write of the target; a live writer's stays. */
    @Test
    void aKilledWritersTempFileIsRemovedByTheNextWrite() throws IOException {
        Path target = dir.resolve("m[1].ply"), other = dir.resolve("m1.ply"); // glob syntax in the name
        long gone = 4_194_305; // above Linux's largest pid
        Path stale = dir.resolve(".m[1].ply." + gone + ".tmp"), live = dir.resolve(".m[1].ply.1.tmp"),
                notOurs = dir.resolve(".m[1].ply.x.tmp"), otherTarget = dir.resolve(".m1.ply." + gone + ".tmp");
        for (Path p : List.of(stale, live, notOurs, otherTarget)) Files.writeString(p, "half");
        AtomicFiles.write(target, new byte[]{7});
        assertTrue(Files.notExists(stale), "the dead writer's temp file is gone");
        assertTrue(Files.exists(live), "pid 1 is alive: its temp file stays");
        assertTrue(Files.exists(notOurs) && Files.exists(otherTarget), "other names stay");
        assertArrayEquals(new byte[]{7}, Files.readAllBytes(target));
        assertTrue(Files.notExists(other));
    }
}
