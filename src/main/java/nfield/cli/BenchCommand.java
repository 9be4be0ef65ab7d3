package nfield.cli;

import nfield.compute.Backend;
import nfield.config.Json;
import nfield.config.SceneConfig;
import nfield.pipeline.Benchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measure training and inference throughput of an SDF field on the analytic torus (or, with a radiance "
                + "scene such as nerf-default, of a radiance field on posed images): by default "
                + "the PyTorch peer's network (frequency encoding → ReLU MLP → 1, as ../shared/peer/peer_sdf.py --task sdf), "
                + "or with --config the field, loss and optimizer of a scene (e.g. scenes/sdf-default.json).",
                "",
                "--variant FAMILY=A,B,... times kernel variants side by side in one process: the timed intervals take "
                + "them in turn on the same field and data, and each gets its median and its ratio to the first. "
                + "The OpenCL backend's families: hash-scatter=atomic,fixed,owner,owner-lanes is how the hash encoding's "
                + "table gradient is gathered (all but atomic give the same bits on every run); hash-forward=levels,lanes "
                + "how its forward runs (a work-item per point and level, or per -Dnfield.cl.lanes points and level "
                + "in vector types, for CPUs); dense-forward=rows1,rows2 how layers of a multiple of 32 outputs run "
                + "(one row a work-item, or two sharing each load of the weights); dense-narrow=scalar,padded how layers "
                + "of fewer than 64 outputs not a multiple of 8 (the heads) run; dense-backward=rows,transposed how a "
                + "layer's input gradient is summed (a dot product an input, or over a transposed copy of the weights); "
                + "dense-weights=inputs1,inputs2 how the weights' gradients of layers of a multiple of 32 outputs are "
                + "summed (one input a work-item, or two).",
                "",
                "A radiance scene (--config nerf-default) trains --warmup-steps steps first, then times the whole step "
                + "(rays drawn and marched on the host, field, rendering, loss and Adam on the device, occupancy-grid refreshes) "
                + "and a fixed marched batch (the same samples every time: the device's part alone), in samples per second. "
                + "Its data: --data (a transforms.json, COLMAP folder or .npz), else a generated scene of three spheres.",
                "",
                "Timing: a few warm-up steps, then --intervals intervals of about --interval-sec seconds each; "
                        + "the median rate is reported (these machines are noisy).",
                "FLOPs count 2·in·out per linear layer and point (forward); a training step counts 3x forward.",
                "",
                "Examples:",
                "  nfield bench --batch 65536 --width 64 --layers 4 --freqs 6 --json",
                "  nfield bench --config sdf-default \\",
                "      --variant hash-scatter=atomic,fixed,owner",
                "  nfield bench --config sdf-default --variant hash-forward=levels,lanes",
                "  nfield bench --config nerf-default --data ../shared/data/nerf/lego_400 --profile"})
final class BenchCommand implements Callable<Integer> {
    @Option(names = "--batch", paramLabel = "N", converter = CountConverter.class,
            description = "Points per training step (accepts 2^16). Default: the scene's batch, else 65536.")
    Integer batch;

    @Option(names = "--config", paramLabel = "SCENE", description = "Time this SDF scene's field, loss and optimizer "
            + "(a file, or the name of a built-in scene: sdf-default, sdf-peer) instead of the peer's network.")
    String config;

    @Option(names = "--variant", paramLabel = "FAMILY=A,B", description = "Kernel variants to time side by side "
            + "(e.g. hash-scatter=atomic,fixed,owner). See the list above.")
    String variant;

    @Option(names = "--infer-batch", paramLabel = "N", converter = CountConverter.class,
            description = "Points per inference call (default: --batch).")
    Integer inferBatch;

    @Option(names = "--width", defaultValue = "64", description = "Hidden width. Default: ${DEFAULT-VALUE}.")
    int width;

    @Option(names = "--layers", defaultValue = "4", description = "Hidden layers. Default: ${DEFAULT-VALUE}.")
    int layers;

    @Option(names = "--freqs", defaultValue = "6", description = "Frequency-encoding octaves L (input included). Default: ${DEFAULT-VALUE}.")
    int freqs;

    @Option(names = "--intervals", defaultValue = "5", description = "Timed intervals. Default: ${DEFAULT-VALUE}.")
    int intervals;

    @Option(names = "--interval-sec", defaultValue = "1.5", description = "Seconds per interval. Default: ${DEFAULT-VALUE}.")
    double intervalSec;

    @Option(names = "--pool", defaultValue = "1048576", converter = CountConverter.class,
            description = "Sample pool size. Default: ${DEFAULT-VALUE}.")
    int pool;

    @Option(names = "--data", paramLabel = "IMAGES", description = "Posed images for a radiance scene (transforms.json, "
            + "a folder holding it, a COLMAP model or .npz). Default: a generated scene of three spheres, 24 views of 200x200.")
    Path data;

    @Option(names = "--downscale", defaultValue = "1", description = "Read --data at 1/N resolution. Default: ${DEFAULT-VALUE}.")
    int downscale;

    @Option(names = "--warmup-steps", defaultValue = "48", description = "Training steps of a radiance scene before timing "
            + "(its occupancy grid prunes every grid_every steps). Default: ${DEFAULT-VALUE}.")
    int warmupSteps;

    @Option(names = "--json", description = "One JSON line on stdout.")
    boolean json;

    @Option(names = "--profile", description = "Also time every OpenCL kernel of a few training steps "
            + "(each launch waits for the device) and print a table on stderr.")
    boolean profile;

    @Mixin
    Backends backends;

    /** Parses 65536, 2^16, 1<<16. */
    static final class CountConverter implements picocli.CommandLine.ITypeConverter<Integer> {
        @Override
        public Integer convert(String s) {
            s = s.trim();
            try {
                if (s.contains("^")) {
                    String[] p = s.split("\\^");
                    return Math.toIntExact(Math.round(Math.pow(Integer.parseInt(p[0]), Integer.parseInt(p[1]))));
                }
                if (s.contains("<<")) {
                    String[] p = s.split("<<");
                    return Math.toIntExact((long) Integer.parseInt(p[0].trim()) << Integer.parseInt(p[1].trim()));
                }
                return Integer.parseInt(s);
            } catch (RuntimeException e) {
                throw new picocli.CommandLine.TypeConversionException("'" + s + "' is not a count (65536, 2^16, 1<<16)");
            }
        }
    }

    @Override
    public Integer call() throws java.io.IOException {
        SceneConfig scene = null;
        if (config != null) {
            Path file = Path.of(config);
            scene = Files.exists(file) || config.endsWith(".json") ? SceneConfig.load(file) : SceneConfig.preset(config);
        }
        int b = batch != null ? batch : scene != null ? scene.train().batch() : 65536;
        int ib = inferBatch == null ? b : inferBatch;
        String family = null;
        List<String> variants = List.of();
        if (variant != null) {
            int eq = variant.indexOf('=');
            if (eq <= 0 || eq == variant.length() - 1) {
                throw new UserError("--variant " + variant + ": write FAMILY=A,B,... (e.g. hash-scatter=atomic,fixed,owner)");
            }
            family = variant.substring(0, eq).trim();
            variants = List.of(variant.substring(eq + 1).split(",")).stream().map(String::trim).toList();
        }
        try (Backend backend = backends.open()) {
            System.err.println("nfield bench on " + backend.device());
            if (family != null) {
                List<String> known = backend.variants().get(family);
                if (known == null) {
                    throw new UserError("--variant " + variant + ": the " + backend.name() + " backend has "
                            + (backend.variants().isEmpty() ? "no kernel variants" : "the families " + backend.variants().keySet()));
                }
                for (String v : variants) {
                    if (!known.contains(v)) throw new UserError("--variant " + variant + ": no " + family + " variant \"" + v
                            + "\" on " + backend.device() + "; there are " + String.join(", ", known));
                }
            }
            Benchmark.Request req = new Benchmark.Request(b, ib, width, layers, freqs, intervals, intervalSec, pool, profile,
                    scene, family, variants);
            if (scene != null && scene.field().kind().equals("radiance")) return radiance(scene, req, backend, family);
            if (data != null) throw new UserError("--data is for radiance scenes (e.g. --config nerf-default)");
            Benchmark.Result r = Benchmark.run(req, backend);
            if (profile) System.err.print(r.profileTable());
            Benchmark.Rate train = r.train();
            if (json) {
                System.out.println(Json.write(r.toJson(backend.name(), backend.device())));
            } else {
                System.out.printf("training:  %.3fM points/s  (%.1f GFLOP/s in the MLP, %.1f ms/step of %d; spread %.3f-%.3fM)%n",
                        r.trainPointsPerS() / 1e6, r.trainGflops(), 1e3 / train.median(), b, train.min() * b / 1e6,
                        train.max() * b / 1e6);
                double first = train.median();
                String fam = family;
                r.variantTrain().forEach((v, rate) -> System.out.printf("  %s=%-8s %.3fM points/s  %.1f ms/step  %.2fx  (spread %.3f-%.3fM)%n",
                        fam, v, rate.median() * b / 1e6, 1e3 / rate.median(), rate.median() / first, rate.min() * b / 1e6,
                        rate.max() * b / 1e6));
                System.out.printf("inference: %.3fM points/s  (%.1f GFLOP/s)%n", r.inferPointsPerS() / 1e6, r.inferGflops());
                System.out.printf("loss %.5f -> %.5f%n", r.lossStart(), r.lossEnd());
            }
        }
        return 0;
    }

    private int radiance(SceneConfig scene, Benchmark.Request req, Backend backend, String family) throws java.io.IOException {
        if (warmupSteps < 0) throw new UserError("--warmup-steps " + warmupSteps + ": must be 0 or more");
        if (downscale < 1) throw new UserError("--downscale " + downscale + ": must be 1 or more");
        nfield.data.nerf.PosedImages images;
        String name;
        if (data == null) {
            images = nfield.pipeline.RadianceBenchmark.spheres(24, 200);
            name = "spheres (generated, 24 views of 200x200)";
        } else {
            images = nfield.data.nerf.NerfData.read(data, nfield.data.nerf.LoadOptions.DEFAULT.withDownscale(downscale));
            name = data.toString();
        }
        System.err.println("radiance scene " + scene.name() + " on " + name + ": " + warmupSteps + " warm-up steps, then timing");
        nfield.pipeline.RadianceBenchmark.Result r = nfield.pipeline.RadianceBenchmark.run(scene, images, name, warmupSteps, req, backend);
        if (profile) System.err.print(Benchmark.profileTable(r.profile()));
        if (json) {
            System.out.println(Json.write(r.toJson(backend.name(), backend.device())));
            return 0;
        }
        System.out.printf("whole step:  %.3fM samples/s  (%.1f ms/step, %.0f samples a step; spread %.1f-%.1f ms; host: rays %.1f ms, marching %.1f ms)%n",
                r.stepSamplesPerS() / 1e6, 1e3 / r.step().median(), r.samplesPerStep(), 1e3 / r.step().max(), 1e3 / r.step().min(),
                r.hostPerStep().get("rays") * 1e3, r.hostPerStep().get("marching") * 1e3);
        r.variantStep().forEach((v, rate) -> System.out.printf("  %s=%-8s %.3fM samples/s  %.1f ms/step  %.2fx%n", family, v,
                rate.median() * r.samplesPerStep() / 1e6, 1e3 / rate.median(), rate.median() / r.step().median()));
        System.out.printf("fixed batch: %.3fM samples/s  (%.1f ms/step of %d rays, %d samples; %.1f GFLOP/s in the MLPs)%n",
                r.fixedSamplesPerS() / 1e6, 1e3 / r.fixed().median(), r.fixedRays(), r.fixedSamples(), r.fixedGflops());
        r.variantFixed().forEach((v, rate) -> System.out.printf("  %s=%-8s %.3fM samples/s  %.1f ms/step  %.2fx%n", family, v,
                rate.median() * r.fixedSamples() / 1e6, 1e3 / rate.median(), rate.median() / r.fixed().median()));
        return 0;
    }
}
