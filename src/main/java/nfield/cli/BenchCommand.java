package nfield.cli;

import nfield.compute.Backend;
import nfield.config.Json;
import nfield.pipeline.Benchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measure training and inference throughput of an SDF field (frequency encoding → ReLU MLP → 1)",
                "on the analytic torus, the same task as ../shared/peer/peer_sdf.py --task sdf.",
                "",
                "Timing: a few warm-up steps, then --intervals intervals of about --interval-sec seconds each; "
                        + "the median rate is reported (these machines are noisy).",
                "FLOPs count 2·in·out per linear layer and point (forward); a training step counts 3x forward.",
                "",
                "Example:  nfield bench --batch 65536 --width 64 --layers 4 --freqs 6 --json"})
final class BenchCommand implements Callable<Integer> {
    @Option(names = "--batch", defaultValue = "65536", paramLabel = "N", converter = CountConverter.class,
            description = "Points per training step (accepts 2^16). Default: ${DEFAULT-VALUE}.")
    int batch;

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
    public Integer call() {
        int ib = inferBatch == null ? batch : inferBatch;
        try (Backend backend = backends.open()) {
            System.err.println("nfield bench on " + backend.device());
            Benchmark.Result r = Benchmark.run(new Benchmark.Request(batch, ib, width, layers, freqs, intervals, intervalSec, pool, profile),
                    backend);
            if (profile) System.err.print(r.profileTable());
            Benchmark.Rate train = r.train();
            if (json) {
                System.out.println(Json.write(r.toJson(backend.name(), backend.device())));
            } else {
                System.out.printf("training:  %.3fM points/s  (%.1f GFLOP/s, %.1f ms/step of %d; spread %.3f-%.3fM)%n",
                        r.trainPointsPerS() / 1e6, r.trainGflops(), 1e3 / train.median(), batch, train.min() * batch / 1e6,
                        train.max() * batch / 1e6);
                System.out.printf("inference: %.3fM points/s  (%.1f GFLOP/s)%n", r.inferPointsPerS() / 1e6, r.inferGflops());
                System.out.printf("loss %.5f -> %.5f%n", r.lossStart(), r.lossEnd());
            }
        }
        return 0;
    }
}
