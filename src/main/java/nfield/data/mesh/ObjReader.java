package nfield.data.mesh;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Wavefront OBJ: {@code v x y z} (anything after z ignored) and {@code f} with {@code i},
 * {@code i/t}, {@code i//n} or {@code i/t/n} vertices, 1-based or negative (relative to the
 * vertices read so far); polygons are fan-triangulated. Texture, normal, grouping and material
 * statements are skipped; other unknown statements are skipped and counted in a warning.
 */
final class ObjReader {
    private static final Set<String> IGNORED = Set.of("vt", "vn", "vp", "g", "o", "s", "usemtl", "mtllib", "l", "p");

    private ObjReader() {}

    static Mesh read(String name, byte[] data) throws MeshFormatException {
        TextScanner sc = new TextScanner(name, data, true);
        MeshBuilder mb = new MeshBuilder();
        long maxIndex = 0;
        int maxIndexLine = 0, unknown = 0, firstUnknownLine = 0;
        String firstUnknown = null;
        while (sc.nextLine()) {
            if (!sc.next()) continue;
            if (sc.is('v')) {
                sc.require("x coordinate of the vertex");
                double x = sc.coordinate("x coordinate");
                sc.require("y coordinate of the vertex");
                double y = sc.coordinate("y coordinate");
                sc.require("z coordinate of the vertex");
                double z = sc.coordinate("z coordinate");
                mb.vertex(x, y, z);
            } else if (sc.is('f')) {
                int nv = mb.vertexCount(), n = 0, first = 0, prev = 0;
                while (sc.next()) {
                    long i = sc.objIndex();
                    int idx;
                    if (i > 0) {
                        if (i > Integer.MAX_VALUE) throw sc.error("vertex index " + i + " is out of range");
                        if (i > maxIndex) {
                            maxIndex = i;
                            maxIndexLine = sc.line();
                        }
                        idx = (int) (i - 1);
                    } else if (i < 0) {
                        if (-i > nv) {
                            throw sc.error("relative vertex index " + i + " reaches before the first vertex: only "
                                    + nv + " vertices are defined above this line");
                        }
                        idx = (int) (nv + i);
                    } else {
                        throw sc.error("vertex index 0 is invalid: OBJ indices start at 1 (or count back from -1)");
                    }
                    if (n == 0) first = idx;
                    else if (n >= 2) mb.triangle(first, prev, idx);
                    prev = idx;
                    n++;
                }
                if (n < 3) throw sc.error("face has " + n + (n == 1 ? " vertex" : " vertices") + "; a face needs at least 3");
            } else if (!IGNORED.contains(sc.token())) {
                if (unknown++ == 0) {
                    firstUnknown = sc.token();
                    firstUnknownLine = sc.line();
                }
            }
        }
        if (maxIndex > mb.vertexCount()) {
            throw new MeshFormatException(name + ": line " + maxIndexLine + ": vertex index " + maxIndex
                    + " is out of range: the file defines only " + mb.vertexCount() + " vertices");
        }
        List<String> warnings = new ArrayList<>();
        if (unknown > 0) {
            warnings.add("ignored " + unknown + " unknown statement" + (unknown == 1 ? "" : "s")
                    + " (the first: '" + firstUnknown + "' at line " + firstUnknownLine + ")");
        }
        return mb.build(name, warnings);
    }
}
