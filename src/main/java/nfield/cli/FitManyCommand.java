package nfield.cli;

import nfield.compute.Backend;
import nfield.pipeline.Durations;
import nfield.pipeline.FitControl;
import nfield.pipeline.SdfFit;
import nfield.pipeline.many.Engine;
import nfield.pipeline.many.FitMany;
import nfield.pipeline.many.Manifest;
import nfield.pipeline.many.ManyProgress;
import nfield.pipeline.many.ShapeJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "fit-many", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Fit a signed distance field to each of many meshes: DIR/NAME.nfield a shape (a checkpoint with the mesh's "
                        + "normalisation, as `nfield fit` writes it) and DIR/results.jsonl, one record a shape.",
                "",
                "MANIFEST is any mix of: mesh files (.obj, .ply, .stl, .off) or shape:knot; folders (every mesh under them); "
                        + "a quoted glob ('meshes/**.obj'); a text file of paths, one a line (# comments; relative to the file); "
                        + "or a .jsonl file with one object a line and options for that shape alone: "
                        + "{\"data\": \"chair.obj\", \"name\": \"chair\", \"scene\": \"scenes/x.json\", \"time\": \"30s\", \"steps\": 2000, \"seed\": 7}.",
                "",
                "A shape is named after its file; where two share a name, the folders above them go in front "
                        + "(a_chair, b_chair). Its seed comes from its name, so a rerun draws the same samples from the same start: under "
                        + "--steps the same field bit for bit.",
                "",
                "Shapes are fitted one after another on one device; the next one is read and sampled on a spare thread while "
                        + "this one trains, and with --eval it is scored while the next trains. Nothing is lost: every file is "
                        + "written whole or not at all; a shape whose field is in DIR is skipped (--force fits it again), so a run "
                        + "that was stopped or killed goes on where it was when started again; a mesh that cannot be read or fitted "
                        + "is recorded as failed and the others go on. Exit status 1 when any shape failed.",
                "",
                "Examples:",
                "  nfield fit-many meshes/ -o fields/ --time 20s --eval",
                "  nfield fit-many 'scans/**.ply' -o fields/ --steps 2000 --mesh",
                "  nfield fit-many shapes.jsonl -o fields/ --time 1m"})
final class FitManyCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "MANIFEST", description = "Meshes, folders, globs, a list of paths or a .jsonl manifest.")
    List<String> manifest;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "DIR", description = "The folder for the fields and results.jsonl.")
    Path dir;

    @Option(names = "--config", paramLabel = "SCENE", description = "Scene file or built-in name (default: sdf-default); a .jsonl line's \"scene\" wins.")
    String config;

    @Option(names = "--time", paramLabel = "DURATION", description = "Time budget a shape, e.g. 20s (overrides the scene).")
    String time;

    @Option(names = "--steps", paramLabel = "N", description = "Step budget a shape (overrides the scene).")
    Integer steps;

    @Option(names = "--seed", paramLabel = "N", description = "The base seed each shape's seed is mixed from (default: the scene's).")
    Long seed;

    @Option(names = "--force", description = "Fit every shape again, even those whose field is in DIR.")
    boolean force;

    @Option(names = "--mesh", description = "Also write each shape's surface as DIR/NAME.ply (marching cubes at --res).")
    boolean mesh;

    @Option(names = "--eval", description = "Score each surface against its own mesh: Chamfer-L1, F-score, normal consistency, IoU "
            + "(as `nfield eval`, in the normalised units) into its record and the summary.")
    boolean eval;

    @Option(names = "--res", defaultValue = "128", paramLabel = "N", description = "Marching-cubes grid for --mesh and --eval (default: ${DEFAULT-VALUE}).")
    int res;

    @Option(names = "--eval-points", defaultValue = "100000", paramLabel = "N",
            description = "Surface and volume points for --eval (default: ${DEFAULT-VALUE}).")
    int evalPoints;

    @Option(names = "--sign", paramLabel = "METHOD", description = "Inside/outside for the samples, as for `nfield fit` (default: auto).")
    String sign;

    @Option(names = "--json", description = "A JSON event a shape (its record) and a progress event a report on stdout.")
    boolean json;

    @Option(names = "--engine", defaultValue = "local", paramLabel = "local|spark",
            description = "local (default): shapes one after another on this machine's device. spark: one Spark task a shape "
                    + "(run under spark-submit, or with Spark's jars on the class path: SPARK_HOME); DIR must be a folder every "
                    + "executor sees. See the README's \"fit-many on Spark\".")
    String engine;

    @Option(names = "--master", defaultValue = "local[*]", paramLabel = "URL",
            description = "The Spark master when spark-submit sets none (default: ${DEFAULT-VALUE}: this machine).")
    String master;

    @Mixin
    Backends backends;

    @Override
    public Integer call() throws Exception {
        List<ShapeJob> jobs = Manifest.read(manifest, dir);
        FitMany.Options opt = new FitMany.Options(dir, config, time == null ? null : Durations.seconds(time, "--time"), steps, seed, force,
                mesh, eval, res, evalPoints, new SdfFit.Options(sign, null, null));
        ManyProgress printer = new ManyProgress(json).forJobs(jobs);
        FitMany.Summary s;
        if (engine.equals("spark")) {
            System.err.println("nfield fit-many: " + jobs.size() + " shapes into " + dir + " on Spark");
            s = spark().run(jobs, opt, FitControl.onSignals(), printer);
        } else if (engine.equals("local")) {
            try (Backend backend = backends.open()) {
                System.err.println("nfield fit-many: " + jobs.size() + " shapes into " + dir + " on " + backend.device());
                s = FitMany.run(jobs, opt, backend, FitControl.onSignals(), printer);
            }
        } else {
            throw new UserError("--engine " + engine + ": local or spark");
        }
        printer.summary(s, dir);
        return s.failed() > 0 ? 1 : 0;
    }

    /** The Spark engine, loaded by name: nfield.jar holds no Spark, and runs without it. */
    private Engine spark() throws ReflectiveOperationException {
        try {
            Class.forName("org.apache.spark.SparkContext");
        } catch (ClassNotFoundException e) {
            throw new UserError("--engine spark: Spark is not on the class path; run nfield.jar with spark-submit "
                    + "(the README's \"fit-many on Spark\"), or set SPARK_HOME to a Spark 4 install for the launcher to add its jars");
        }
        String b = backends.backend;
        int d = backends.device;
        Engine.BackendFactory factory = () -> Backends.create(b, d);
        return (Engine) Class.forName("nfield.pipeline.many.SparkEngine").getConstructor(String.class, Engine.BackendFactory.class)
                .newInstance(master, factory);
    }
}
