package nfield.io;

import nfield.data.mesh.Mesh;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Writes a {@link Mesh} as Wavefront OBJ, binary PLY or binary glTF 2.0 (GLB), chosen by the
 * file's extension; all store coordinates (and normals) as 32-bit floats. Written atomically via
 * {@link AtomicFiles}.
 * <ul>
 * <li>OBJ: a comment with the name and counts, {@code v x y z} lines, {@code vn} lines when
 * normals are given, then {@code f a//a b//b c//c} (with normals) or {@code f a b c}, 1-based.
 * Numbers are the shortest decimals that read back as the same float (Java's Float.toString,
 * which may use an exponent: {@code 1.0E-5}).</li>
 * <li>PLY: {@code binary_little_endian 1.0}; element vertex with float x, y, z (and float nx,
 * ny, nz when normals are given; uchar red, green, blue when colours are given); element face
 * with {@code property list uchar int vertex_indices}, every face a triangle.</li>
 * </ul>
 * <li>GLB (glTF 2.0 binary, for game engines, three.js and Blender): one scene, one node, one
 * mesh of one indexed triangle primitive; POSITION (float, with its exact min and max), NORMAL
 * (float, unit length: normals are normalised, a zero one becomes +z), COLOR_0 (RGBA as
 * normalised unsigned bytes, alpha 255) and uint32 indices, each in a buffer view of its own in
 * the one binary chunk.</li>
 * </ul>
 * Vertex colours (RGB in [0, 1]) go into OBJ as {@code v x y z r g b}, the common extension
 * MeshLab and Blender read, and into PLY and GLB as 8-bit channels.
 */
public final class MeshWriter {
    private MeshWriter() {}

    /** The extensions write understands, lower case, without the dot. */
    public static final java.util.List<String> EXTENSIONS = java.util.List.of("obj", "ply", "glb");

    /**
     * Writes OBJ or PLY by the extension of {@code file} (case-insensitive); {@code normals}
     * ([V * 3], x y z per vertex) may be null. Atomic: temp file beside the target, then rename.
     *
     * @throws IllegalArgumentException for another extension or normals of the wrong length,
     *                                  before anything is written
     */
    public static void write(Path file, Mesh mesh, float[] normals) throws IOException {
        write(file, mesh, normals, null);
    }

    /** As {@link #write(Path, Mesh, float[])}, with vertex colours ([V * 3], RGB in [0, 1]) unless null. */
    public static void write(Path file, Mesh mesh, float[] normals, float[] colors) throws IOException {
        String ext = extension(file);
        if (!EXTENSIONS.contains(ext)) {
            throw new IllegalArgumentException(file + ": unknown mesh format "
                    + (ext.isEmpty() ? "(no extension)" : "\"." + ext + "\"") + "; use .obj, .ply or .glb");
        }
        if (normals != null && normals.length != mesh.vertices().length) {
            throw new IllegalArgumentException(file + ": " + normals.length + " normal components for " + mesh.vertexCount()
                    + " vertices (need " + mesh.vertices().length + ")");
        }
        if (colors != null && colors.length != mesh.vertices().length) {
            throw new IllegalArgumentException(file + ": " + colors.length + " colour components for " + mesh.vertexCount()
                    + " vertices (need " + mesh.vertices().length + ")");
        }
        if (ext.equals("glb") && (mesh.vertexCount() == 0 || mesh.triangleCount() == 0)) {
            throw new IllegalArgumentException(file + ": the mesh is empty (no surface was found); glTF cannot hold an empty "
                    + "primitive. Check the level (--iso) or the resolution (--res)");
        }
        if (ext.equals("obj")) {
            AtomicFiles.write(file, out -> writeObj(out, mesh, normals, colors));
        } else if (ext.equals("glb")) {
            AtomicFiles.write(file, out -> writeGlb(out, mesh, normals, colors));
        } else {
            AtomicFiles.write(file, out -> writePly(out, mesh, normals, colors));
        }
    }

    static String extension(Path file) {
        Path name = file.getFileName();
        String s = name == null ? "" : name.toString();
        int dot = s.lastIndexOf('.');
        return dot <= 0 ? "" : s.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    /** The name as printable ASCII on one line (anything else becomes '?'). */
    private static String oneLine(String name) {
        if (name == null) return "";
        StringBuilder b = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            b.append(c >= 0x20 && c < 0x7f ? c : Character.isWhitespace(c) ? ' ' : '?');
        }
        return b.toString().strip();
    }

    private static void writeObj(OutputStream out, Mesh mesh, float[] normals, float[] colors) throws IOException {
        StringBuilder sb = new StringBuilder(1 << 17);
        sb.append("# nfield mesh ").append(oneLine(mesh.name())).append('\n')
                .append("# ").append(mesh.vertexCount()).append(" vertices, ").append(mesh.triangleCount()).append(" triangles\n");
        double[] v = mesh.vertices();
        for (int i = 0; i < v.length; i += 3) {
            sb.append("v ").append((float) v[i]).append(' ').append((float) v[i + 1]).append(' ').append((float) v[i + 2]);
            if (colors != null) sb.append(' ').append(colors[i]).append(' ').append(colors[i + 1]).append(' ').append(colors[i + 2]);
            sb.append('\n');
            if (sb.length() > 1 << 16) flush(sb, out);
        }
        if (normals != null) {
            for (int i = 0; i < normals.length; i += 3) {
                sb.append("vn ").append(normals[i]).append(' ').append(normals[i + 1]).append(' ').append(normals[i + 2]).append('\n');
                if (sb.length() > 1 << 16) flush(sb, out);
            }
        }
        int[] t = mesh.triangles();
        for (int i = 0; i < t.length; i += 3) {
            sb.append('f');
            for (int k = 0; k < 3; k++) {
                int n = t[i + k] + 1;
                sb.append(' ').append(n);
                if (normals != null) sb.append("//").append(n);
            }
            sb.append('\n');
            if (sb.length() > 1 << 16) flush(sb, out);
        }
        flush(sb, out);
    }

    /** Writes the (ASCII) characters of sb as bytes and empties it. */
    private static void flush(StringBuilder sb, OutputStream out) throws IOException {
        int n = sb.length();
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) sb.charAt(i);
        out.write(b);
        sb.setLength(0);
    }

    private static void writePly(OutputStream out, Mesh mesh, float[] normals, float[] colors) throws IOException {
        StringBuilder h = new StringBuilder();
        h.append("ply\nformat binary_little_endian 1.0\n");
        String name = oneLine(mesh.name());
        if (!name.isEmpty()) h.append("comment nfield mesh ").append(name).append('\n');
        h.append("element vertex ").append(mesh.vertexCount()).append('\n')
                .append("property float x\nproperty float y\nproperty float z\n");
        if (normals != null) h.append("property float nx\nproperty float ny\nproperty float nz\n");
        if (colors != null) h.append("property uchar red\nproperty uchar green\nproperty uchar blue\n");
        h.append("element face ").append(mesh.triangleCount()).append('\n')
                .append("property list uchar int vertex_indices\nend_header\n");
        out.write(h.toString().getBytes(StandardCharsets.UTF_8));
        ByteBuffer buf = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
        double[] v = mesh.vertices();
        for (int i = 0; i < v.length; i += 3) {
            if (buf.remaining() < 27) drain(buf, out);
            buf.putFloat((float) v[i]).putFloat((float) v[i + 1]).putFloat((float) v[i + 2]);
            if (normals != null) buf.putFloat(normals[i]).putFloat(normals[i + 1]).putFloat(normals[i + 2]);
            if (colors != null) {
                for (int c = 0; c < 3; c++) buf.put((byte) Math.round(255 * Math.min(1f, Math.max(0f, colors[i + c]))));
            }
        }
        int[] t = mesh.triangles();
        for (int i = 0; i < t.length; i += 3) {
            if (buf.remaining() < 13) drain(buf, out);
            buf.put((byte) 3).putInt(t[i]).putInt(t[i + 1]).putInt(t[i + 2]);
        }
        drain(buf, out);
    }

    private static final int GLB_MAGIC = 0x46546C67, CHUNK_JSON = 0x4E4F534A, CHUNK_BIN = 0x004E4942;
    private static final int FLOAT = 5126, UNSIGNED_BYTE = 5121, UNSIGNED_INT = 5125, ARRAY_BUFFER = 34962,
            ELEMENT_ARRAY_BUFFER = 34963, TRIANGLES = 4;

    private static void writeGlb(OutputStream out, Mesh mesh, float[] normals, float[] colors) throws IOException {
        int nv = mesh.vertexCount();
        int[] t = mesh.triangles();
        double[] v = mesh.vertices();
        // the binary chunk: positions, normals, colours, indices; every view a multiple of 4 bytes
        int posBytes = nv * 12, nrmBytes = normals != null ? nv * 12 : 0, colBytes = colors != null ? nv * 4 : 0, idxBytes = t.length * 4;
        ByteBuffer bin = ByteBuffer.allocate(posBytes + nrmBytes + colBytes + idxBytes).order(ByteOrder.LITTLE_ENDIAN);
        float[] min = {Float.POSITIVE_INFINITY, Float.POSITIVE_INFINITY, Float.POSITIVE_INFINITY};
        float[] max = {Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY};
        for (int i = 0; i < v.length; i++) {
            float x = (float) v[i];
            if (!Float.isFinite(x)) throw new IllegalArgumentException("vertex " + i / 3 + " is not finite: " + v[i]);
            min[i % 3] = Math.min(min[i % 3], x);
            max[i % 3] = Math.max(max[i % 3], x);
            bin.putFloat(x);
        }
        if (normals != null) {
            for (int i = 0; i < normals.length; i += 3) {
                double x = normals[i], y = normals[i + 1], z = normals[i + 2], len = Math.sqrt(x * x + y * y + z * z);
                if (!(len > 1e-20) || !Double.isFinite(len)) { x = 0; y = 0; z = 1; len = 1; }
                bin.putFloat((float) (x / len)).putFloat((float) (y / len)).putFloat((float) (z / len));
            }
        }
        if (colors != null) {
            for (int i = 0; i < colors.length; i += 3) {
                for (int c = 0; c < 3; c++) bin.put((byte) Math.round(255 * Math.min(1f, Math.max(0f, colors[i + c]))));
                bin.put((byte) 255);
            }
        }
        for (int i : t) {
            if (i < 0 || i >= nv) throw new IllegalArgumentException("triangle index " + i + " outside the " + nv + " vertices");
            bin.putInt(i);
        }

        var json = nfield.config.Json.MAPPER.createObjectNode();
        json.putObject("asset").put("version", "2.0").put("generator", "nfield");
        json.put("scene", 0);
        json.putArray("scenes").addObject().putArray("nodes").add(0);
        var node = json.putArray("nodes").addObject().put("mesh", 0);
        String name = oneLine(mesh.name());
        if (!name.isEmpty()) node.put("name", name);
        var meshNode = json.putArray("meshes").addObject();
        if (!name.isEmpty()) meshNode.put("name", name);
        var prim = meshNode.putArray("primitives").addObject();
        var attrs = prim.putObject("attributes");
        var views = json.putArray("bufferViews");
        var accessors = json.putArray("accessors");
        int offset = 0;
        // POSITION
        views.addObject().put("buffer", 0).put("byteOffset", offset).put("byteLength", posBytes).put("target", ARRAY_BUFFER);
        var pos = accessors.addObject().put("bufferView", 0).put("componentType", FLOAT).put("count", nv).put("type", "VEC3");
        var mn = pos.putArray("min");
        var mx = pos.putArray("max");
        for (int c = 0; c < 3; c++) { mn.add(min[c]); mx.add(max[c]); }
        attrs.put("POSITION", 0);
        offset += posBytes;
        if (normals != null) {
            views.addObject().put("buffer", 0).put("byteOffset", offset).put("byteLength", nrmBytes).put("target", ARRAY_BUFFER);
            accessors.addObject().put("bufferView", views.size() - 1).put("componentType", FLOAT).put("count", nv).put("type", "VEC3");
            attrs.put("NORMAL", accessors.size() - 1);
            offset += nrmBytes;
        }
        if (colors != null) {
            views.addObject().put("buffer", 0).put("byteOffset", offset).put("byteLength", colBytes).put("target", ARRAY_BUFFER);
            accessors.addObject().put("bufferView", views.size() - 1).put("componentType", UNSIGNED_BYTE).put("normalized", true)
                    .put("count", nv).put("type", "VEC4");
            attrs.put("COLOR_0", accessors.size() - 1);
            offset += colBytes;
        }
        views.addObject().put("buffer", 0).put("byteOffset", offset).put("byteLength", idxBytes).put("target", ELEMENT_ARRAY_BUFFER);
        accessors.addObject().put("bufferView", views.size() - 1).put("componentType", UNSIGNED_INT).put("count", t.length).put("type", "SCALAR");
        prim.put("indices", accessors.size() - 1).put("mode", TRIANGLES);
        json.putArray("buffers").addObject().put("byteLength", bin.capacity());

        byte[] js = nfield.config.Json.MAPPER.writeValueAsBytes(json);
        int jsPadded = (js.length + 3) & ~3, binLen = bin.capacity(); // bin is a multiple of 4 already
        ByteBuffer head = ByteBuffer.allocate(12 + 8 + jsPadded + 8).order(ByteOrder.LITTLE_ENDIAN);
        head.putInt(GLB_MAGIC).putInt(2).putInt(12 + 8 + jsPadded + 8 + binLen);
        head.putInt(jsPadded).putInt(CHUNK_JSON).put(js);
        for (int i = js.length; i < jsPadded; i++) head.put((byte) ' ');
        head.putInt(binLen).putInt(CHUNK_BIN);
        out.write(head.array());
        out.write(bin.array());
    }

    private static void drain(ByteBuffer buf, OutputStream out) throws IOException {
        out.write(buf.array(), 0, buf.position());
        buf.clear();
    }

    /** A partial scan as a point file ({@code .xyz}: x y z [nx ny nz] a line), atomically. */
    public static void writeScan(Path file, nfield.data.mesh.PartialScan scan) throws IOException {
        writeScan(file, scan, null);
    }

    /** As {@link #writeScan(Path, nfield.data.mesh.PartialScan)}, its points in the box {@code n} made (recorded in the file). */
    public static void writeScan(Path file, nfield.data.mesh.PartialScan scan, nfield.geom.Normalization n) throws IOException {
        AtomicFiles.write(file, scan.toXyz(n).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
