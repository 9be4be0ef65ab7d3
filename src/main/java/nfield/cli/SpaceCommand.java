package nfield.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import nfield.compute.Backend;
import nfield.config.Json;
import nfield.field.FittedField;
import nfield.field.ShapeSpace;
import nfield.io.FieldFile;
import nfield.io.SpaceFile;
import nfield.pipeline.FitListener;
import nfield.pipeline.SpaceEval;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "space", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Look into a shape space (from `nfield fit-space`): its decoder and members; take one member out as an "
                        + "ordinary field (--member NAME -o FIELD: mesh, view and export work on it); score how well it holds its "
                        + "shapes (--eval N: the first N members decoded, meshed and compared with the meshes they were learned "
                        + "from, Chamfer-L1 and IoU as fit-many --eval reports them).",
                "",
                "Examples:",
                "  nfield space shapes.space",
                "  nfield space shapes.space --member torus-00003 -o torus3.nfield",
                "  nfield space shapes.space --eval 20 --json"})
final class SpaceCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "SPACE", description = "A space file.")
    Path spaceFile;

    @Option(names = "--member", paramLabel = "NAME", description = "The member to write as a field (needs -o).")
    String member;

    @Option(names = {"-o", "--output"}, paramLabel = "FIELD", description = "Where --member's field goes.")
    Path output;

    @Option(names = "--eval", paramLabel = "N", description = "Score the first N members (0: all).")
    Integer eval;

    @Option(names = "--res", defaultValue = "128", paramLabel = "N", description = "Marching-cubes grid for --eval (default: ${DEFAULT-VALUE}).")
    int res;

    @Option(names = "--eval-points", defaultValue = "30000", paramLabel = "N", description = "Points for --eval (default: ${DEFAULT-VALUE}).")
    int evalPoints;

    @Option(names = "--json", description = "The scores (or the listing) as JSON on stdout.")
    boolean json;

    @Mixin
    Backends backends;

    @Override
    public Integer call() throws Exception {
        if ((member == null) != (output == null)) throw new UserError("--member and -o go together: --member NAME -o FIELD");
        try (Backend backend = backends.open()) {
            ShapeSpace space = SpaceFile.load(spaceFile, backend);
            var d = space.decoder();
            var net = d.member().network();
            System.err.printf(Locale.ROOT, "%s: %d shapes, codes of %d (sigma %.3g), %s encoding, %dx%d, %,d parameters, %d steps%n", spaceFile,
                    space.members().size(), d.codeSize(), d.sigma(), d.member().encoding().type(), net.hiddenLayers(), net.width(),
                    d.paramCount(), space.steps());
            if (member != null) {
                int i;
                try {
                    i = space.index(member);
                } catch (IllegalArgumentException e) {
                    throw new UserError(e.getMessage());
                }
                FittedField f = space.member(i, backend);
                FieldFile.write(output, f, false, Map.of(FieldFile.SPACE_CODE, codeJson(spaceFile, d.code(i))));
                System.err.println("wrote " + output + ": " + member + " decoded from its code");
            }
            if (eval != null) {
                int n = eval == 0 ? space.members().size() : Math.min(eval, space.members().size());
                List<Integer> which = new ArrayList<>();
                for (int i = 0; i < n; i++) which.add(i);
                List<SpaceEval.Score> scores = SpaceEval.members(space, which, res, evalPoints, backend, new FitListener() {
                    @Override
                    public void info(String line) {
                        System.err.println(line);
                    }
                });
                double cl = 0, iou = 0;
                int ok = 0;
                var arr = Json.MAPPER.createArrayNode();
                for (SpaceEval.Score s : scores) {
                    ObjectNode o = arr.addObject().put("name", s.name());
                    if (s.metrics() == null) {
                        o.put("error", s.error());
                        continue;
                    }
                    o.put("chamfer_l1", s.metrics().chamferL1()).put("iou", s.metrics().iou()).put("fscore", s.metrics().fscore());
                    cl += s.metrics().chamferL1();
                    iou += s.metrics().iou();
                    ok++;
                }
                System.err.printf(Locale.ROOT, "%d of %d members scored: mean Chamfer-L1 %.5f, mean IoU %.4f (res %d)%n", ok, n,
                        ok == 0 ? Double.NaN : cl / ok, ok == 0 ? Double.NaN : iou / ok, res);
                if (json) {
                    ObjectNode o = Json.MAPPER.createObjectNode().put("space", spaceFile.toString()).put("scored", ok)
                            .put("mean_chamfer_l1", cl / Math.max(1, ok)).put("mean_iou", iou / Math.max(1, ok)).put("res", res);
                    o.set("members", arr);
                    System.out.println(Json.write(o));
                }
                return ok == n ? 0 : 1;
            }
            if (member == null) {
                for (ShapeSpace.Member m : space.members()) System.out.println(m.name() + "\t" + (m.data() == null ? "" : m.data()));
            }
        }
        return 0;
    }

    /** The {@link FieldFile#SPACE_CODE} metadata of a field decoded from {@code space} with {@code code}. */
    static String codeJson(Path space, double[] code) {
        ObjectNode o = Json.MAPPER.createObjectNode().put("space", space.toString());
        var a = o.putArray("code");
        for (double c : code) a.add((float) c);
        return Json.write(o);
    }
}
