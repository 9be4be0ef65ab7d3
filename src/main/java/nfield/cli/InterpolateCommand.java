package nfield.cli;

import com.fasterxml.jackson.databind.JsonNode;
import nfield.compute.Backend;
import nfield.config.Json;
import nfield.field.FieldMeta;
import nfield.field.FittedField;
import nfield.field.ShapeSpace;
import nfield.geom.Normalization;
import nfield.io.FieldFile;
import nfield.io.SpaceFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "interpolate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Walk between two shapes of a space: decode the code (1 - t) z_A + t z_B and write it as an ordinary "
                        + "field. A and B are member names of SPACE (see `nfield space SPACE`) or fields that `nfield complete`, "
                        + "`interpolate` or `space --member` wrote from this space (their code is in them). The normalisation "
                        + "is interpolated alike, so the mesh comes out between the two shapes' places and sizes.",
                "",
                "Examples:",
                "  nfield interpolate shapes.space torus-00000 knot-00002 --t 0.5 -o mid.nfield",
                "  nfield interpolate shapes.space a.nfield b.nfield --t 0.25 -o quarter.nfield"})
final class InterpolateCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "SPACE", description = "A space file.")
    Path spaceFile;

    @Parameters(index = "1", paramLabel = "A", description = "A member name or a field from this space.")
    String a;

    @Parameters(index = "2", paramLabel = "B", description = "A member name or a field from this space.")
    String b;

    @Option(names = "--t", defaultValue = "0.5", paramLabel = "T", description = "0 is A, 1 is B (default: ${DEFAULT-VALUE}; outside [0, 1] extrapolates).")
    double t;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "FIELD", description = "The field to write.")
    Path output;

    @Mixin
    Backends backends;

    record End(double[] code, Normalization norm) {}

    static End end(ShapeSpace space, String who) throws Exception {
        Path p = Path.of(who);
        if (Files.isRegularFile(p)) {
            String meta = FieldFile.metaString(p, FieldFile.SPACE_CODE);
            if (meta == null) throw new UserError(who + ": a field that holds no code of a space (only fields from nfield complete, "
                    + "interpolate or space --member do)");
            JsonNode o = Json.parse(who + " (__metadata__." + FieldFile.SPACE_CODE + ")", meta);
            JsonNode c = o.path("code");
            if (!c.isArray() || c.size() != space.decoder().codeSize()) {
                throw new UserError(who + ": its code has " + (c.isArray() ? c.size() : 0) + " values; " + space.name() + "'s have "
                        + space.decoder().codeSize() + " (a field from another space?)");
            }
            double[] z = new double[c.size()];
            for (int i = 0; i < z.length; i++) {
                z[i] = c.get(i).asDouble(Double.NaN);
                if (!Double.isFinite(z[i])) throw new UserError(who + ": code value " + i + " is not a number");
            }
            return new End(z, FieldFile.readMeta(p).normalization());
        }
        int i;
        try {
            i = space.index(who);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage() + "; or give a field file");
        }
        return new End(space.decoder().code(i), space.members().get(i).normalization());
    }

    @Override
    public Integer call() throws Exception {
        if (!Double.isFinite(t)) throw new UserError("--t " + t + ": must be a number");
        try (Backend backend = backends.open()) {
            ShapeSpace space = SpaceFile.load(spaceFile, backend);
            End ea = end(space, a), eb = end(space, b);
            double[] z = ShapeSpace.blend(ea.code(), eb.code(), t);
            double[] na = ea.norm().toArray(), nb = eb.norm().toArray(), n = new double[4];
            for (int i = 0; i < 4; i++) n[i] = (1 - t) * na[i] + t * nb[i];
            if (!(n[3] > 0)) throw new UserError("--t " + t + ": the interpolated scale is not positive");
            FittedField f = space.field(output.toString(), z, Normalization.of(n),
                    new FieldMeta.Provenance(String.format(Locale.ROOT, "interpolate %s %s --t %s", a, b, t), null, null, null, null, null, null), backend);
            FieldFile.write(output, f, false, Map.of(FieldFile.SPACE_CODE, SpaceCommand.codeJson(spaceFile, z)));
            System.err.printf(Locale.ROOT, "wrote %s: %s -> %s at t = %s%n", output, a, b, t);
        }
        return 0;
    }
}
