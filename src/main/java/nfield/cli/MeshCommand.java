package nfield.cli;

import nfield.compute.Backend;
import nfield.config.Json;
import nfield.field.FittedField;
import nfield.io.FieldMesher;
import nfield.io.MeshWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "mesh", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Extract the surface of an SDF field as a triangle mesh (marching cubes).",
                "",
                "The field is sampled on a RES^3 grid over its box [-1, 1]^3, sparsely: blocks of 4^3 cells "
                        + "that cannot hold the surface are skipped. The mesh is closed (the grid's outer layer is "
                        + "kept outside), outward-oriented, with vertex normals from the field's gradient, and "
                        + "written in the original coordinates of the mesh the field was fitted to.",
                "",
                "Example:  nfield mesh bunny.nfield --res 256 -o bunny-fit.ply"})
final class MeshCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FIELD", description = "A field written by `nfield fit`.")
    Path field;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT.obj|OUT.ply|OUT.glb",
            description = "Mesh to write; the extension picks the format (PLY is binary and smaller; GLB is glTF 2.0 "
                    + "for game engines and three.js).")
    Path output;

    @Option(names = "--res", defaultValue = "256", paramLabel = "N",
            description = "Grid points per axis (default: ${DEFAULT-VALUE}).")
    int res;

    @Option(names = "--crop", paramLabel = "x0,y0,z0,x1,y1,z1",
            description = "Keep only the part inside this box of the field's [-1, 1]^3 (the viewer's panel copies its crop box in "
                    + "this form); the cut is closed with flat caps.")
    String crop;

    @Option(names = "--no-normals", description = "Skip vertex normals (saves one backward pass).")
    boolean noNormals;

    @Option(names = "--json", description = "Print the figures as one JSON line on stdout.")
    boolean json;

    @Mixin
    Backends backends;

    @Override
    public Integer call() throws Exception {
        try (Backend backend = backends.open()) {
            FittedField f = FieldInputs.load(field, backend);
            long t0 = System.nanoTime();
            FieldMesher.Result m = FieldMesher.surface(f, res, !noNormals, field.getFileName().toString(),
                    FieldInputs.crop(crop));
            double extract = (System.nanoTime() - t0) * 1e-9;
            long t1 = System.nanoTime();
            MeshWriter.write(output, m.mesh(), m.normals());
            double write = (System.nanoTime() - t1) * 1e-9;
            System.err.printf("wrote %s: %,d vertices, %,d triangles; %d^3 grid, %,d points evaluated (%.1f%%): "
                            + "field %.2f s, marching cubes %.2f s, normals %.2f s, write %.2f s%n", output,
                    m.mesh().vertexCount(), m.mesh().triangleCount(), res, m.evaluated(),
                    100.0 * m.evaluated() / ((double) res * res * res), m.evalSeconds(), m.mcSeconds(),
                    m.normalSeconds(), write);
            if (json) System.out.println(Json.write(m.toJson(output.toString(), res, extract, write)));
        }
        return 0;
    }
}
