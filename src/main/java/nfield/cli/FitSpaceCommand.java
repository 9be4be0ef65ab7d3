package nfield.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import nfield.compute.Backend;
import nfield.config.Json;
import nfield.config.SceneConfig;
import nfield.config.TrainConfig;
import nfield.data.mesh.ShapeFamily;
import nfield.pipeline.ConsoleProgress;
import nfield.pipeline.Durations;
import nfield.pipeline.FitControl;
import nfield.pipeline.SpaceFit;
import nfield.pipeline.many.Manifest;
import nfield.pipeline.many.ShapeJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "fit-space", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Learn a shape space: one decoder for many shapes and a latent code per shape (DeepSDF's auto-decoder), "
                        + "written to SPACE. `nfield complete SPACE SCAN` then finds the shape of a partial scan in it, "
                        + "`nfield interpolate SPACE A B` walks between two shapes, and `nfield space SPACE --member NAME -o FIELD` takes "
                        + "one shape out as an ordinary field (mesh, view, export).",
                "",
                "MANIFEST is what fit-many takes (mesh files, folders, globs, lists, .jsonl) and family:N or family:A..B, "
                        + "members of the family of shapes nfield generates (tori, superquadrics, torus knots, each turned at "
                        + "random; members from " + ShapeFamily.HELD_OUT + " on are held out). With no MANIFEST: family:0..N-1, "
                        + "N = --shapes.",
                "",
                "Every shape is centred and scaled into [-0.9, 0.9] (its normalisation is kept beside its code) and sampled "
                        + "as fit-many samples it, in parallel. Each step decodes rows of all shapes with their codes; the loss is "
                        + "the scene's plus the code prior ||z||^2 / sigma^2 a shape (DeepSDF sec. 4). Ctrl-C stops and still "
                        + "writes SPACE; it is also rewritten every --checkpoint-every.",
                "",
                "Examples:",
                "  nfield fit-space -o shapes.space --shapes 240 --time 5m",
                "  nfield fit-space chairs/ -o chairs.space --time 20m --code-size 64"})
final class FitSpaceCommand implements Callable<Integer> {
    @Parameters(arity = "0..*", paramLabel = "MANIFEST", description = "The shapes (default: family:0..N-1).")
    List<String> manifest;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "SPACE", description = "The space file to write.")
    Path output;

    @Option(names = "--shapes", defaultValue = "240", paramLabel = "N",
            description = "Without a MANIFEST: this many members of the generated family (default: ${DEFAULT-VALUE}).")
    int shapes;

    @Option(names = "--config", paramLabel = "SCENE", description = "Scene file or built-in name (default: sdf-space).")
    String config;

    @Option(names = "--time", paramLabel = "DURATION", description = "Time budget, e.g. 5m (overrides the scene's).")
    String time;

    @Option(names = "--steps", paramLabel = "N", description = "Step budget (overrides the scene's).")
    Integer steps;

    @Option(names = "--seed", paramLabel = "N", description = "Seed for the codes, the decoder and the samples (default: the scene's).")
    Long seed;

    @Option(names = "--code-size", defaultValue = "32", paramLabel = "C", description = "Latent code length (default: ${DEFAULT-VALUE}).")
    int codeSize;

    @Option(names = "--sigma", defaultValue = "1", paramLabel = "S",
            description = "The codes' prior N(0, S^2): their initial spread and the regulariser's scale (default: ${DEFAULT-VALUE}. Measured on 24 family shapes in 60 s, Chamfer-L1 of their reconstructions: with a 4x128 "
                    + "decoder sigma 0.01 (DeepSDF's) 0.135, 0.1 0.124, 1 0.047; with 4x64, 0.3 0.061 and 1 0.033: a strong prior holds "
                    + "every code near the mean shape).")
    double sigma;

    @Option(names = "--samples-per-shape", defaultValue = "32768", paramLabel = "K",
            description = "Training samples drawn per shape (default: ${DEFAULT-VALUE}).")
    int samplesPerShape;

    @Option(names = "--checkpoint-every", defaultValue = "2m", paramLabel = "DURATION",
            description = "Rewrite SPACE this often while training (0: only at the end; default: ${DEFAULT-VALUE}).")
    String checkpointEvery;

    @Option(names = "--json", description = "Progress and the result as JSON lines on stdout.")
    boolean json;

    @Mixin
    Backends backends;

    @Override
    public Integer call() throws Exception {
        List<ShapeJob> jobs;
        if (manifest == null || manifest.isEmpty()) {
            if (shapes < 1 || shapes > ShapeFamily.HELD_OUT) throw new UserError("--shapes " + shapes + ": must be in [1, " + ShapeFamily.HELD_OUT + "]");
            jobs = Manifest.read(List.of(ShapeFamily.PREFIX + "0.." + (shapes - 1)), output);
        } else {
            jobs = Manifest.read(manifest, output);
        }
        SceneConfig scene = SceneConfig.named(config == null ? "sdf-space" : config);
        TrainConfig tc = scene.train();
        if (steps != null || time != null) {
            tc = tc.withStops(steps == null ? 0 : steps, time == null ? 0 : Durations.seconds(time, "--time"));
        }
        double every = checkpointEvery.strip().equals("0") ? 0 : Durations.seconds(checkpointEvery, "--checkpoint-every");
        SpaceFit.Options opt = new SpaceFit.Options(codeSize, sigma, samplesPerShape, output, every);
        ConsoleProgress printer = new ConsoleProgress(json);
        try (Backend backend = backends.open()) {
            System.err.println("nfield fit-space: " + jobs.size() + " shapes into " + output + " on " + backend.device());
            SpaceFit.Result r = SpaceFit.run(jobs, scene, tc, seed != null ? seed : tc.seed(), opt, backend, FitControl.onSignals(), printer);
            printer.end();
            if (json) {
                ObjectNode o = Json.MAPPER.createObjectNode().put("event", "result").put("space", output.toString())
                        .put("shapes", r.space().members().size()).put("skipped", r.skipped().size()).put("steps", r.steps())
                        .put("seconds", r.seconds()).put("preparing_seconds", r.prepareS()).put("loss", r.loss());
                System.out.println(Json.write(o));
            }
        }
        return 0;
    }
}
