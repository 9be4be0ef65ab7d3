package nfield.data.mesh;

/**
 * Fuzz target (Jazzer, {@code tools/fuzz.sh}): the mesh reader of the format named by the system
 * property {@code nfield.fuzz.format} (obj, ply, stl, off). Any input must give a mesh whose
 * triangles index its vertices, or the reader's own {@link MeshFormatException}; anything else
 * is a finding.
 */
public final class MeshFuzz {
    private MeshFuzz() {}

    public static void fuzzerTestOneInput(byte[] data) {
        run(System.getProperty("nfield.fuzz.format", "obj"), data);
    }

    public static void run(String format, byte[] data) {
        Mesh m;
        try {
            m = MeshReader.read("fuzz." + format, data);
        } catch (MeshFormatException expected) {
            return; // the reader's own verdict, with its message
        }
        if (m.triangleCount() < 1) throw new IllegalStateException("a mesh with no triangles came back");
        if (m.vertices().length != 3 * m.vertexCount() || m.triangles().length != 3 * m.triangleCount()) {
            throw new IllegalStateException("array lengths do not match the counts");
        }
        for (int t : m.triangles()) if (t < 0 || t >= m.vertexCount()) throw new IllegalStateException("triangle index " + t + " outside the vertices");
    }
}
