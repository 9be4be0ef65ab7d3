package nfield.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import nfield.compute.Backend;
import nfield.config.SceneConfig;
import nfield.config.Json;
import nfield.config.TrainConfig;
import nfield.data.analytic.AnalyticShape;
import nfield.field.Field;
import nfield.io.FieldFile;
import nfield.train.Adam;
import nfield.train.Loss;
import nfield.train.PoolSource;
import nfield.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

@Command(name = "fit", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train a field on DATA and write it to FIELD.",
                "",
                "DATA is, for now, one of the shapes nfield defines itself: analytic:torus, analytic:sphere "
                        + "(exact signed distance). Meshes (OBJ/PLY/STL/OFF) and posed images come next.",
                "",
                "Stops at --steps, at --time, or at the scene's target loss, whichever comes first; "
                        + "Ctrl-C stops early and still writes FIELD.",
                "",
                "Example:  nfield fit analytic:torus -o torus.nfield --time 30s"})
final class FitCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DATA", description = "What to fit: analytic:torus | analytic:sphere.")
    String data;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "FIELD",
            description = "Where to write the trained field (safetensors, see FORMAT.md).")
    Path output;

    @Option(names = "--config", paramLabel = "SCENE.json",
            description = "Scene file (field, loss, optimizer, train); default: the built-in scenes/sdf-default.json.")
    Path config;

    @Option(names = "--steps", paramLabel = "N", description = "Training steps (overrides the scene).")
    Integer steps;

    @Option(names = "--time", paramLabel = "DURATION", description = "Time budget, e.g. 60s, 2m (overrides the scene).")
    String time;

    @Option(names = "--batch", paramLabel = "N", description = "Points per step (overrides the scene).")
    Integer batch;

    @Option(names = "--seed", paramLabel = "N", description = "Seed for init and sampling (overrides the scene).")
    Long seed;

    @Option(names = "--json", description = "Progress and the result as JSON lines on stdout.")
    boolean json;

    @Mixin
    Backends backends;

    @Override
    public Integer call() throws Exception {
        AnalyticShape shape = AnalyticShape.parse(data);
        if (shape == null) {
            if (Files.exists(Path.of(data))) {
                throw new UserError(data + ": fitting meshes and posed images is not available in this version yet; "
                        + "use one of " + String.join(", ", AnalyticShape.ids()));
            }
            throw new UserError(data + ": no such file, and not a built-in shape (" + String.join(", ", AnalyticShape.ids()) + ")");
        }
        SceneConfig scene = config == null ? SceneConfig.preset("sdf-default") : SceneConfig.load(config);
        if (!scene.field().kind().equals("sdf")) {
            throw new UserError((config == null ? "scene" : config.toString()) + ": field.kind is "
                    + scene.field().kind() + "; an analytic shape needs an sdf field");
        }
        TrainConfig tc = scene.train();
        if (steps != null || time != null) {
            tc = tc.withStops(steps == null ? 0 : steps, time == null ? 0 : Durations.seconds(time, "--time"));
        }
        if (batch != null) {
            if (batch < 1) throw new UserError("--batch " + batch + ": must be at least 1");
            tc = tc.withBatch(batch);
        }
        long s = seed == null ? tc.seed() : seed;

        try (Backend backend = backends.open()) {
            System.err.println("nfield fit: " + data + " on " + backend.device());
            Field field = new Field(scene.field(), backend);
            field.init(s);
            float[] rows = shape.samples(tc.poolSize(), new SplittableRandom(s + 1));
            PoolSource source = new PoolSource(backend, rows, tc.poolSize(), 1, s + 2, data);
            Loss loss = new Loss("sdf", scene.loss(), backend);
            Adam adam = new Adam(scene.optimizer(), field.params(), field.trainableOffset());
            Trainer trainer = new Trainer(field, loss, adam, source, tc);
            System.err.printf("field: %s, %d parameters; batch %d; stop at %s%n", describe(scene), field.paramCount(),
                    tc.batch(), stops(tc));

            CountDownLatch finished = new CountDownLatch(1);
            Thread hook = new Thread(() -> {
                trainer.requestStop();
                try {
                    finished.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException ignored) {
                    Thread.currentThread().interrupt();
                }
            }, "nfield-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            ProgressPrinter printer = new ProgressPrinter(json);
            long t0 = System.nanoTime();
            double last;
            try {
                last = trainer.run(printer);
                printer.end();
                FieldFile.write(output, field, adam.steps(), Map.of("data", data, "loss_type", scene.loss().type()));
            } finally {
                finished.countDown();
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException ignored) {
                    // already shutting down (Ctrl-C): the hook waits for the write above
                }
            }
            double secs = (System.nanoTime() - t0) * 1e-9;
            System.err.printf("wrote %s: %d steps in %.1f s, final %s loss %.6f%n", output, adam.steps(), secs,
                    scene.loss().type(), last);
            if (json) {
                ObjectNode o = Json.MAPPER.createObjectNode().put("event", "done").put("output", output.toString())
                        .put("steps", adam.steps()).put("seconds", secs).put("loss", last)
                        .put("backend", backend.name());
                System.out.println(Json.write(o));
            }
        }
        return 0;
    }

    private static String describe(SceneConfig s) {
        var n = s.field().network();
        return s.field().kind() + ", " + s.field().encoding().type() + " encoding, " + n.hiddenLayers() + "x" + n.width()
                + " " + n.activation().type();
    }

    private static String stops(TrainConfig t) {
        StringBuilder b = new StringBuilder();
        if (t.steps() > 0) b.append(t.steps()).append(" steps");
        if (t.seconds() > 0) b.append(b.length() > 0 ? " or " : "").append(Durations.format(t.seconds()));
        if (t.targetLoss() > 0) b.append(b.length() > 0 ? " or " : "").append("loss <= ").append(t.targetLoss());
        return b.toString();
    }
}
