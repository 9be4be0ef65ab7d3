package nfield.data.mesh;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Reads a triangle mesh from OBJ, PLY (ascii and binary), STL (ascii and binary) or OFF, chosen
 * by the file's extension (case-insensitive). Polygons are fan-triangulated, STL positions are
 * welded into shared vertices, degenerate triangles are dropped and unused vertices kept, both
 * reported in {@link Mesh#warnings()}. A malformed file gives a {@link MeshFormatException} whose
 * message starts with the file name and gives the line (text) or byte offset (binary).
 */
public final class MeshReader {
    /** The extensions {@link #read} understands, lower case, without the dot. */
    public static final List<String> EXTENSIONS = List.of("obj", "ply", "stl", "off");

    private MeshReader() {}

    /**
     * Reads {@code file} as the format its extension names.
     *
     * @return the mesh, named by the path, with vertices [V, 3] and triangles [T, 3], T >= 1
     * @throws MeshFormatException for an unknown extension or a malformed file
     * @throws IOException when the file cannot be read
     */
    public static Mesh read(Path file) throws IOException {
        String name = file.toString(); // errors name the path as the user gave it
        String base = file.getFileName().toString();
        int dot = base.lastIndexOf('.');
        String ext = dot < 0 ? "" : base.substring(dot + 1).toLowerCase(Locale.ROOT);
        if (!EXTENSIONS.contains(ext)) {
            throw new MeshFormatException(name + ": unknown mesh format " + (ext.isEmpty() ? "(no extension)" : "'." + ext + "'")
                    + "; supported extensions: .obj, .ply, .stl, .off");
        }
        long size = Files.size(file);
        if (size > Integer.MAX_VALUE - 16) {
            throw new MeshFormatException(name + ": the file is " + size + " bytes; meshes over 2 GiB are not supported");
        }
        return read(name, Files.readAllBytes(file));
    }

    /**
     * Parses {@code data} as the format the extension of {@code name} names; {@code name} starts
     * every error message.
     *
     * @throws MeshFormatException for an unknown extension or malformed data
     */
    public static Mesh read(String name, byte[] data) throws MeshFormatException {
        int dot = name.lastIndexOf('.');
        String ext = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
        return switch (ext) {
            case "obj" -> ObjReader.read(name, data);
            case "ply" -> PlyReader.read(name, data);
            case "stl" -> StlReader.read(name, data);
            case "off" -> OffReader.read(name, data);
            default -> throw new MeshFormatException(name + ": unknown mesh format; supported extensions: .obj, .ply, .stl, .off");
        };
    }
}
