package nfield.cli;

import nfield.compute.Backend;
import nfield.export.Exports;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
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
                "  glb          the same mesh as glTF 2.0 binary, for game engines (Unity, Unreal, Godot), three.js "
                        + "and Blender: positions, unit normals, and for a radiance field vertex colours (COLOR_0).",
                "  html         one self-contained web page (no network) drawn in WebGL2 with the viewer's own shaders: an SDF "
                        + "baked into a 3D texture (float16) and sphere-traced, a radiance field baked as the viewer's volume "
                        + "mode and alpha-composited; orbit, pan and zoom by mouse or touch, the render modes (shaded or colour, "
                        + "normals, depth, steps, slice). The bake is the largest per axis (SDF 256, 224, ... 64; radiance 192 "
                        + "... 64) whose page fits --max-size, or --res N. The URL's hash sets the camera: "
                        + "view.html#az=30&el=25&dist=3.2&mode=0.",
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
                "  nfield export lego.nfield -o lego.glb",
                "  nfield export bunny.nfield -o bunny.onnx",
                "  nfield export bunny.nfield -o bunny.html",
                "  nfield export bunny.nfield -o bunny.glsl"})
final class ExportCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FIELD", description = "A field written by `nfield fit` (or an exported .safetensors).")
    Path field;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT", description = "File to write.")
    Path output;

    @Option(names = "--format", paramLabel = "FMT", description = "safetensors | onnx | glsl | obj | ply | glb | html (default: from the extension of OUT).")
    String format;

    @Option(names = "--crop", paramLabel = "x0,y0,z0,x1,y1,z1",
            description = "Mesh formats and html: keep only what lies inside this box of the field's [-1, 1]^3 (the viewer's "
                    + "panel copies its crop box in this form); a cut surface is closed with flat caps.")
    String crop;

    @Option(names = "--force", description = "Overwrite OUT if it exists.")
    boolean force;

    @Option(names = "--res", defaultValue = "256", paramLabel = "N",
            description = "Mesh formats: grid points per axis for marching cubes (default: ${DEFAULT-VALUE}); html: "
                    + "the bake's (default: the largest that fits --max-size).")
    int res;

    @Option(names = "--max-size", defaultValue = "32", paramLabel = "MB",
            description = "html: the most the page may weigh, in MiB (default: ${DEFAULT-VALUE}).")
    double maxSizeMb;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--iso", defaultValue = "10", paramLabel = "DENSITY",
            description = "Mesh formats, radiance fields: the density level of the surface, per unit of the field's box "
                    + "[-1, 1]^3 (default: ${DEFAULT-VALUE}; a slab of one box-hundredth then absorbs 10%%).")
    double iso;

    @Mixin
    Backends backends;

    @Override
    public Integer call() throws Exception {
        String fmt = Exports.format(format, output);
        FieldInputs.requireFile(field);
        if (Files.exists(output)) {
            if (Files.isSameFile(field, output)) throw new UserError(output + ": is the input field itself; write the export elsewhere");
            if (!force) throw new UserError(output + ": exists; pass --force to overwrite it");
        }
        long t0 = System.nanoTime();
        String what;
        try (Backend backend = backends.open()) {
            int r = fmt.equals("html") && !spec.commandLine().getParseResult().hasMatchedOption("--res") ? nfield.render.VolumeBaker.AUTO : res;
            if (!(maxSizeMb > 0)) throw new UserError("--max-size " + maxSizeMb + ": must be positive");
            what = Exports.write(fmt, field, FieldInputs.load(field, backend), output, r, iso, (long) (maxSizeMb * 1048576),
                    FieldInputs.crop(crop), System.err::println);
        }
        System.err.printf(Locale.ROOT, "wrote %s (%s, %,d bytes): %s; %.2f s%n", output, fmt, Files.size(output), what,
                (System.nanoTime() - t0) * 1e-9);
        return 0;
    }
}
