package nfield.export;

import nfield.export.onnx.proto.Onnx.ModelProto;
import nfield.field.CropBox;
import nfield.field.FittedField;
import nfield.io.FieldFile;
import nfield.io.FieldMesher;
import nfield.io.MeshWriter;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/** Every export format, by name: what {@code nfield export} writes. */
public final class Exports {
    private Exports() {}

    public static final List<String> FORMATS = List.of("safetensors", "onnx", "glsl", "obj", "ply", "glb", "html");

    /** The format asked for, else the one the extension of {@code output} names; refuses others naming the choices. */
    public static String format(String format, Path output) {
        if (format != null) {
            String f = format.toLowerCase(Locale.ROOT);
            if (!FORMATS.contains(f)) throw new IllegalArgumentException("--format " + format + ": unknown; use one of " + String.join(", ", FORMATS));
            return f;
        }
        String name = output.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String ext = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
        if (!FORMATS.contains(ext)) {
            throw new IllegalArgumentException(output + ": cannot tell the format from the extension; name it ."
                    + String.join(", .", FORMATS) + " or pass --format");
        }
        return ext;
    }

    /**
     * Writes {@code f} (read from {@code file}) as {@code format} to {@code output}; mesh formats
     * at {@code res}³ (a radiance field's surface at density {@code iso}). Returns a line saying
     * what was written; warnings go to {@code warn}.
     */
    public static String write(String format, Path file, FittedField f, Path output, int res, double iso, Consumer<String> warn)
            throws IOException {
        return write(format, file, f, output, res, iso, HTML_MAX_BYTES, warn);
    }

    /** The most an html export weighs unless told otherwise. */
    public static final long HTML_MAX_BYTES = 32L << 20;

    /** {@link #write(String, Path, FittedField, Path, int, double, Consumer)}, an html page within {@code maxBytes}. */
    public static String write(String format, Path file, FittedField f, Path output, int res, double iso, long maxBytes, Consumer<String> warn)
            throws IOException {
        return write(format, file, f, output, res, iso, maxBytes, CropBox.FULL, warn);
    }

    /**
     * {@link #write(String, Path, FittedField, Path, int, double, long, Consumer)} of what lies inside
     * {@code crop} (field coordinates): meshes and pages only; the weight formats refuse a crop.
     */
    public static String write(String format, Path file, FittedField f, Path output, int res, double iso, long maxBytes, CropBox crop,
                               Consumer<String> warn) throws IOException {
        if (!crop.full() && !format.equals("html") && !MeshWriter.EXTENSIONS.contains(format)) {
            throw new IllegalArgumentException("--crop " + crop + ": --format " + format + " writes the whole network; a crop applies to "
                    + "the mesh formats (" + String.join(", ", MeshWriter.EXTENSIONS) + ") and html");
        }
        ExportedField e = ExportedField.of(file, f);
        if (f.radiance() != null && f.radiance().contracted() && !MeshWriter.EXTENSIONS.contains(format)) {
            warn.accept("warning: " + file + " is a field of an unbounded scene: it reads points contracted beyond its box of interest "
                    + "(FORMAT.md, radiance.inner); the export takes those contracted points, not the normalised ones");
        }
        switch (format) {
            case "safetensors" -> {
                FieldFile.write(output, f, false); // the field's own tensors and metadata, no optimizer state
                return f.field().params().slices().size() + " tensors, " + f.field().paramCount() + " parameters";
            }
            case "onnx" -> {
                ModelProto model = OnnxExport.write(output, e);
                return String.format(Locale.ROOT, "opset %d, %d nodes, %d initializers, outputs %s", OnnxExport.OPSET,
                        model.getGraph().getNodeCount(), model.getGraph().getInitializerCount(),
                        String.join(", ", model.getGraph().getOutputList().stream().map(o -> o.getName()).toList()));
            }
            case "glsl" -> {
                if (!f.isSdf()) throw new IllegalArgumentException(file + ": a " + f.meta().kind() + " field; --format glsl exports sdf fields");
                GlslExport.Result r = GlslExport.write(output, e);
                r.warnings().forEach(w -> warn.accept("warning: " + w));
                return String.format(Locale.ROOT, "nfield_sdf and mainImage, %,d parameters in %d constant arrays", r.params(), r.arrays());
            }
            case "html" -> {
                var w = f.isSdf() ? nfield.render.WebPage.sdf(f, output, res, maxBytes, crop) : nfield.render.WebPage.volume(f, output, res, maxBytes, crop);
                return String.format(Locale.ROOT, "a WebGL2 page, the field baked at %d^3 (float16), %.1f MiB", w.res(), w.bytes() / 1048576.0);
            }
            case "obj", "ply", "glb" -> {
                if (f.isSdf()) {
                    FieldMesher.Result m = FieldMesher.surface(f, res, true, file.getFileName().toString(), crop);
                    MeshWriter.write(output, m.mesh(), m.normals());
                    return String.format(Locale.ROOT, "%,d vertices, %,d triangles at %d^3", m.mesh().vertexCount(),
                            m.mesh().triangleCount(), res);
                }
                DensityMesh.Result r = DensityMesh.extract(e, res, iso, crop);
                MeshWriter.write(output, r.mesh(), r.normals(), r.colors());
                return String.format(Locale.ROOT, "density level %s (field units), %,d vertices with colours, %,d triangles at %d^3",
                        Double.toString(iso), r.mesh().vertexCount(), r.mesh().triangleCount(), res);
            }
            default -> throw new IllegalArgumentException("--format " + format + ": unknown; use one of " + String.join(", ", FORMATS));
        }
    }
}
