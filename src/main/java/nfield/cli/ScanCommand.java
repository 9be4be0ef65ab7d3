package nfield.cli;

import nfield.data.mesh.Mesh;
import nfield.data.mesh.PartialScan;
import nfield.geom.Normalization;
import nfield.io.MeshWriter;
import nfield.pipeline.Fits;
import nfield.render.Camera;
import org.joml.Vector3f;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "scan", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Make a partial scan of a closed mesh, as one view would see it: surface points with normals where the "
                        + "way to the scanner is clear and the surface faces it at less than --max-angle from head-on. Writes a "
                        + "point file (x y z nx ny nz a line) that `nfield complete` reads; the share of the surface seen is printed.",
                "",
                "The mesh is centred and scaled into [-0.9, 0.9] first (a space's box, as fit-space normalises its shapes); "
                        + "The file records that normalisation, so what `complete` makes of the scan is meshed and scored in the "
                        + "mesh's own coordinates (`nfield eval FIELD MESH`). --keep-coordinates scans it where it is. The scanner looks at the centre from --azimuth and --elevation "
                        + "(degrees, the viewer's orbit) at --distance.",
                "",
                "Examples:",
                "  nfield scan family:100003 -o scan.xyz --azimuth 40 --elevation 20",
                "  nfield scan chair.obj -o chair-scan.xyz --max-angle 50"})
final class ScanCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MESH", description = "A mesh file, shape:NAME or family:N.")
    String mesh;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "SCAN.xyz", description = "The point file to write.")
    Path output;

    @Option(names = "--azimuth", defaultValue = "30", paramLabel = "DEG", description = "Scanner azimuth (default: ${DEFAULT-VALUE}).")
    double azimuth;

    @Option(names = "--elevation", defaultValue = "20", paramLabel = "DEG", description = "Scanner elevation (default: ${DEFAULT-VALUE}).")
    double elevation;

    @Option(names = "--distance", defaultValue = "2.5", paramLabel = "D", description = "Scanner distance from the centre (default: ${DEFAULT-VALUE}).")
    double distance;

    @Option(names = "--max-angle", defaultValue = "60", paramLabel = "DEG",
            description = "Surfaces turned further than this from the scanner are lost (default: ${DEFAULT-VALUE}).")
    double maxAngle;

    @Option(names = "--points", defaultValue = "60000", paramLabel = "N", description = "Surface samples tried (default: ${DEFAULT-VALUE}).")
    int points;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "N", description = "Seed of the surface samples (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--keep-coordinates", description = "Scan the mesh where it is (no normalisation).")
    boolean keep;

    @Override
    public Integer call() throws Exception {
        if (points < 100) throw new UserError("--points " + points + ": at least 100");
        if (!(maxAngle > 0 && maxAngle <= 90)) throw new UserError("--max-angle " + maxAngle + ": must be in (0, 90]");
        if (!(distance > 0)) throw new UserError("--distance " + distance + ": must be positive");
        Mesh m = Fits.loadMesh(mesh, w -> System.err.println(w));
        Normalization norm = keep ? null : m.fitNormalization(Normalization.DEFAULT_EXTENT);
        if (!keep) m = m.normalized(norm);
        Vector3f eye = new Camera(azimuth, elevation, distance).eye();
        PartialScan s;
        try {
            s = PartialScan.view(m, new double[]{eye.x, eye.y, eye.z}, points, maxAngle, seed);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
        MeshWriter.writeScan(output, s, norm); // the file says how its box maps back: a completed field comes out in the mesh's coordinates
        System.err.printf(Locale.ROOT, "wrote %s: %,d points with normals, %.1f%% of the surface seen from (%.2f, %.2f, %.2f)%n", output, s.size(),
                100.0 * s.size() / points, eye.x, eye.y, eye.z);
        return 0;
    }
}
