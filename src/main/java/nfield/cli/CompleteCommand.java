package nfield.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import nfield.compute.Backend;
import nfield.config.Json;
import nfield.data.mesh.PartialScan;
import nfield.field.FieldMeta;
import nfield.field.FittedField;
import nfield.field.ShapeSpace;
import nfield.geom.Normalization;
import nfield.io.FieldFile;
import nfield.io.SpaceFile;
import nfield.pipeline.Completion;
import nfield.pipeline.FitListener;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "complete", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Complete a partial scan with a shape space: find the code whose shape agrees with the scan (the decoder "
                        + "frozen, DeepSDF sec. 4.2) and write that shape as an ordinary field (mesh, view, eval and export work "
                        + "on it; `nfield interpolate` takes it too).",
                "",
                "SCAN is a point file (.xyz or .txt: x y z [nx ny nz] a line) or a partial mesh (.ply, .obj, .off, .stl: its "
                        + "vertices, and normals from its faces). With normals, points just outside and inside along them join "
                        + "the scan's own points (distance 0). The scan is taken to be in the space's box, where its shapes were "
                        + "centred and scaled into [-0.9, 0.9] (canonical pose and scale, as DeepSDF assumes; a scan from `nfield scan` "
                        + "says how its box maps back to the mesh, and the field then does the same); --fit-box centres "
                        + "and scales the scan's own bounds there instead (a guess: a partial scan's bounds are not the shape's).",
                "",
                "Several restarts run at once (the mean code, and the codes of the members that fit the scan best as they "
                        + "are); the best by loss is kept.",
                "",
                "Examples:",
                "  nfield complete shapes.space scan.xyz -o chair.nfield && nfield mesh chair.nfield -o chair.ply",
                "  nfield complete shapes.space partial.ply -o shape.nfield --restarts 8 --steps 1000"})
final class CompleteCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "SPACE", description = "A space file (from nfield fit-space).")
    Path spaceFile;

    @Parameters(index = "1", paramLabel = "SCAN", description = "The partial scan.")
    Path scanFile;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "FIELD", description = "The completed field.")
    Path output;

    @Option(names = "--restarts", defaultValue = "6", paramLabel = "N", description = "Codes optimised at once (default: ${DEFAULT-VALUE}).")
    int restarts;

    @Option(names = "--steps", defaultValue = "600", paramLabel = "N", description = "Adam steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--lr", defaultValue = "0.01", paramLabel = "LR", description = "Adam's learning rate for the code, cosine decay (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--max-points", defaultValue = "4096", paramLabel = "N", description = "Scan points used at most (default: ${DEFAULT-VALUE}).")
    int maxPoints;

    @Option(names = "--fit-box", description = "Centre and scale the scan's bounds into the space's box (else the scan is in it already).")
    boolean fitBox;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "N", description = "Seed for the subset of scan points (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--json", description = "The result as JSON on stdout.")
    boolean json;

    @Mixin
    Backends backends;

    @Override
    public Integer call() throws Exception {
        Completion.Options opt = new Completion.Options(restarts, steps, lr, maxPoints, seed);
        PartialScan scan;
        try {
            scan = PartialScan.read(scanFile);
        } catch (IllegalArgumentException e) {
            throw new UserError(scanFile + ": " + e.getMessage());
        }
        Normalization stated = PartialScan.statedNormalization(scanFile);
        if (stated != null && fitBox) throw new UserError(scanFile + " states the box its points lie in (its normalization line); --fit-box would move them again");
        Normalization norm = fitBox ? Normalization.fit(scan.bounds(), Normalization.DEFAULT_EXTENT, scanFile.toString()) : Normalization.IDENTITY;
        PartialScan inBox = scan.normalized(norm);
        if (stated != null) norm = stated; // the points are in the box already; the field maps back to the data as the file says
        double[] b = inBox.bounds();
        for (int k = 0; k < 3; k++) {
            if (b[k] < -1.5 || b[k + 3] > 1.5) {
                throw new UserError(String.format(Locale.ROOT, "%s: the scan reaches %.3g..%.3g on axis %s, outside the space's box [-1, 1]; "
                        + "give it in the box (as the space's shapes were normalised) or add --fit-box", scanFile, b[k], b[k + 3], "xyz".charAt(k)));
            }
        }
        try (Backend backend = backends.open()) {
            ShapeSpace space = SpaceFile.load(spaceFile, backend);
            Completion.Result r = Completion.run(space, inBox, opt, backend, new FitListener() {
                @Override
                public void info(String line) {
                    System.err.println(line);
                }
            });
            FittedField f = space.field(output.toString(), r.code(), norm,
                    new FieldMeta.Provenance(scanFile.toString(), space.scene() == null ? null : space.scene().loss().type(), null, null, null, null, null),
                    backend);
            FieldFile.write(output, f, false, Map.of(FieldFile.SPACE_CODE, SpaceCommand.codeJson(spaceFile, r.code())));
            System.err.printf(Locale.ROOT, "wrote %s: completed in %.1f s, loss %.6f%n", output, r.seconds(), r.loss());
            if (json) {
                ObjectNode o = Json.MAPPER.createObjectNode().put("field", output.toString()).put("seconds", r.seconds()).put("loss", r.loss())
                        .put("points", scan.size()).put("normals", scan.hasNormals());
                var a = o.putArray("restart_losses");
                for (double x : r.restartLosses()) a.add(x);
                System.out.println(Json.write(o));
            }
        }
        return 0;
    }
}
