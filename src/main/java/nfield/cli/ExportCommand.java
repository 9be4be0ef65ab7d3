package nfield.cli;

import nfield.compute.Backend;
import nfield.export.DensityMesh;
import nfield.export.ExportedField;
import nfield.export.GlslExport;
import nfield.export.OnnxExport;
import nfield.export.onnx.proto.Onnx.ModelProto;
import nfield.field.FittedField;
import nfield.io.FieldFile;
import nfield.io.FieldMesher;
import nfield.io.MeshWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "export", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Export a trained field for use elsewhere.",
                "",
                "Formats (picked by --format, else by the extension of -o):",
                "  safetensors  the field's tensors and config, no optimizer state (FORMAT.md tells how to evaluate "
                        + "it by hand; tools/nfield_eval.py does so with NumPy alone). nfield reads it back anywhere "
                        + "it reads a field.",
                "  onnx         an ONNX model (opset 18) of the whole field: input points float32 [N, 3] in original "
                        + "coordinates; outputs sdf [N, 1] (distance in original units), or density [N, 1] (per original "
                        + "unit length) and rgb [N, 3] for a radiance field (a view-dependent one takes a second input, "
                        + "directions [N, 3]: unit vectors). Normalisation, encoding (hash grids "
                        + "included), network and head are in the graph; weights are float32 initializers; the field "
                        + "config and normalisation are in its metadata (FORMAT.md, \"Exports\").",
                "  obj | ply    the SDF's zero level set by marching cubes (--res), vertex normals from the "
                        + "field's gradient, in the original coordinates of the fitted mesh; for a radiance field the "
                        + "surface where the density reaches --iso, with vertex colours (PLY: red, green, blue; OBJ: v x y z r g b; "
                        + "a view-dependent field's colours as seen looking straight at the surface).",
                "  glsl         float nfield_sdf(vec3 p), the SDF with every weight inlined as a constant (bit-exact), "
                        + "plus a ShaderToy mainImage that orbits and sphere-traces it; paste it into ShaderToy, or see "
                        + "the file's header for other hosts. GLSL ES 3.00 and 3.30 core. Warns above "
                        + "16,384 parameters (browsers and software renderers compile the constants for minutes or "
                        + "give up: fit a smaller field for GLSL), refuses above 4,194,304 (docs/glsl-export.md).",
                "",
                "Exports are functions of points in the original coordinates of the data the field was fitted "
                        + "to, with distances in those units (see FORMAT.md, \"Coordinates\").",
                "Files are written atomically (temp file + rename); an existing file is kept unless --force.",
                "",
                "Examples:",
                "  nfield export bunny.nfield -o bunny.safetensors",
                "  nfield export bunny.nfield -o bunny.ply --res 384",
                "  nfield export bunny.nfield -o bunny.onnx",
                "  nfield export bunny.nfield -o bunny.glsl"})
final class ExportCommand implements Callable<Integer> {
    static final List<String> FORMATS = List.of("safetensors", "onnx", "glsl", "obj", "ply");

    @Parameters(index = "0", paramLabel = "FIELD", description = "A field written by `nfield fit` (or an exported .safetensors).")
    Path field;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT", description = "File to write.")
    Path output;

    @Option(names = "--format", paramLabel = "FMT", description = "safetensors | onnx | glsl | obj | ply (default: from the extension of OUT).")
    String format;

    @Option(names = "--force", description = "Overwrite OUT if it exists.")
    boolean force;

    @Option(names = "--res", defaultValue = "256", paramLabel = "N",
            description = "Mesh formats: grid points per axis for marching cubes (default: ${DEFAULT-VALUE}).")
    int res;

    @Option(names = "--iso", defaultValue = "10", paramLabel = "DENSITY",
            description = "Mesh formats, radiance fields: the density level of the surface, per unit of the field's box "
                    + "[-1, 1]^3 (default: ${DEFAULT-VALUE}; a slab of one box-hundredth then absorbs 10%%).")
    double iso;

    @Mixin
    Backends backends;

    /** The format asked for, else the one the extension names. */
    static String format(String format, Path output) {
        if (format != null) {
            String f = format.toLowerCase(Locale.ROOT);
            if (!FORMATS.contains(f)) throw new UserError("--format " + format + ": unknown; use one of " + String.join(", ", FORMATS));
            return f;
        }
        String name = output.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String ext = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
        if (!FORMATS.contains(ext)) {
            throw new UserError(output + ": cannot tell the format from the extension; name it ."
                    + String.join(", .", FORMATS) + " or pass --format");
        }
        return ext;
    }

    @Override
    public Integer call() throws Exception {
        String fmt = format(format, output);
        FieldInputs.requireFile(field);
        if (Files.exists(output)) {
            if (Files.isSameFile(field, output)) throw new UserError(output + ": is the input field itself; write the export elsewhere");
            if (!force) throw new UserError(output + ": exists; pass --force to overwrite it");
        }
        long t0 = System.nanoTime();
        String what;
        switch (fmt) {
            case "safetensors" -> what = safetensors();
            case "onnx" -> what = onnx();
            case "obj", "ply" -> what = mesh();
            case "glsl" -> what = glsl();
            default -> throw new IllegalStateException(fmt);
        }
        System.err.printf(Locale.ROOT, "wrote %s (%s, %,d bytes): %s; %.2f s%n", output, fmt, Files.size(output), what,
                (System.nanoTime() - t0) * 1e-9);
        return 0;
    }

    /** The field's own tensors and metadata, without the optimizer state a checkpoint carries. */
    private String safetensors() throws Exception {
        try (Backend backend = backends.open()) {
            FittedField f = FieldInputs.load(field, backend);
            FieldFile.write(output, f, false);
            return f.field().params().slices().size() + " tensors, " + f.field().paramCount() + " parameters";
        }
    }

    /** The whole field as an ONNX graph that ONNX Runtime and friends evaluate at points in original coordinates. */
    private String onnx() throws Exception {
        try (Backend backend = backends.open()) {
            ExportedField f = ExportedField.load(field, backend);
            ModelProto model = OnnxExport.write(output, f);
            return String.format(Locale.ROOT, "opset %d, %d nodes, %d initializers, outputs %s", OnnxExport.OPSET,
                    model.getGraph().getNodeCount(), model.getGraph().getInitializerCount(),
                    String.join(", ", model.getGraph().getOutputList().stream().map(o -> o.getName()).toList()));
        }
    }

    /** nfield_sdf with the weights inlined, and a ShaderToy mainImage. */
    private String glsl() throws Exception {
        try (Backend backend = backends.open()) {
            ExportedField f = ExportedField.load(field, backend);
            if (!f.isSdf()) {
                throw new UserError(field + ": a " + f.field().config().kind() + " field; --format glsl exports sdf fields");
            }
            GlslExport.Result r;
            try {
                r = GlslExport.write(output, f);
            } catch (IllegalArgumentException e) {
                throw new UserError(e.getMessage());
            }
            for (String w : r.warnings()) System.err.println("warning: " + w);
            return String.format(Locale.ROOT, "nfield_sdf and mainImage, %,d parameters in %d constant arrays", r.params(), r.arrays());
        }
    }

    private String mesh() throws Exception {
        if (!FieldFile.readMeta(field).isSdf()) return densityMesh();
        try (Backend backend = backends.open()) {
            FieldMesher.Result m = FieldMesher.surface(FieldInputs.load(field, backend), res, true, field.getFileName().toString());
            MeshWriter.write(output, m.mesh(), m.normals());
            return String.format(Locale.ROOT, "%,d vertices, %,d triangles at %d^3", m.mesh().vertexCount(),
                    m.mesh().triangleCount(), res);
        }
    }

    /** A radiance field's surface at --iso, with vertex colours ({@link DensityMesh}). */
    private String densityMesh() throws Exception {
        try (Backend backend = backends.open()) {
            DensityMesh.Result r = DensityMesh.extract(ExportedField.of(field, FieldInputs.load(field, backend)), res, iso);
            MeshWriter.write(output, r.mesh(), r.normals(), r.colors());
            return String.format(Locale.ROOT, "density level %s (field units), %,d vertices with colours, %,d triangles at %d^3",
                    Double.toString(iso), r.mesh().vertexCount(), r.mesh().triangleCount(), res);
        }
    }
}
