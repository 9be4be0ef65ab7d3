package nfield.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import nfield.compute.Backend;
import nfield.compute.Tensor;
import nfield.config.ActivationConfig;
import nfield.config.EncodingConfig;
import nfield.config.FieldConfig;
import nfield.config.Json;
import nfield.config.LossConfig;
import nfield.config.NetworkConfig;
import nfield.config.OptimizerConfig;
import nfield.config.ScheduleConfig;
import nfield.config.TrainConfig;
import nfield.data.analytic.AnalyticShape;
import nfield.field.Dense;
import nfield.field.Field;
import nfield.train.Adam;
import nfield.train.Loss;
import nfield.train.PoolSource;
import nfield.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
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

    private record Rate(double median, double min, double max) {}

    @Override
    public Integer call() {
        if (batch < 1 || width < 1 || layers < 1 || freqs < 0) throw new UserError("--batch, --width, --layers must be positive");
        FieldConfig fc = new FieldConfig("sdf", new EncodingConfig.Frequency(freqs, true),
                new NetworkConfig(width, layers, ActivationConfig.relu(), List.of(), 0.1), "trunc_exp");
        OptimizerConfig oc = new OptimizerConfig(1e-3, 0.9, 0.999, 1e-8, new ScheduleConfig("constant", 1, 0));
        TrainConfig tc = new TrainConfig(batch, 0, 0, 0, pool, 0, Integer.MAX_VALUE, 0);
        int ib = inferBatch == null ? batch : inferBatch;
        try (Backend backend = backends.open()) {
            System.err.println("nfield bench on " + backend.device());
            Field field = new Field(fc, backend);
            field.init(0);
            PoolSource source = new PoolSource(backend, AnalyticShape.TORUS.samples(pool, new SplittableRandom(1)), pool, 1, 2, "torus");
            Loss loss = new Loss("sdf", new LossConfig("clamped_l1", 0.1), backend);
            Trainer trainer = new Trainer(field, loss, new Adam(oc, field.params(), 0), source, tc);
            double loss0 = trainer.step(0, true);
            Rate train = time(() -> trainer.step(0, false), backend);
            double loss1 = trainer.step(0, true);

            if (profile && backend instanceof nfield.compute.opencl.ClBackend cl) printProfile(cl, trainer);

            Tensor q = backend.alloc(ib, 3);
            float[] pts = new float[ib * 3];
            SplittableRandom rng = new SplittableRandom(3);
            for (int i = 0; i < pts.length; i++) pts[i] = (float) (rng.nextDouble() * 2 - 1);
            backend.write(q, pts);
            Tensor out = backend.alloc(ib, 1);
            Rate infer = time(() -> field.forward(q, out), backend);

            long fwd = 0;
            for (Dense d : field.network().layers()) fwd += 2L * d.inputWidth() * d.outputWidth();
            ObjectNode o = Json.MAPPER.createObjectNode().put("task", "sdf").put("backend", backend.name())
                    .put("device", backend.device()).put("batch", batch).put("width", width).put("hidden_layers", layers)
                    .put("freqs", freqs).put("params", field.paramCount()).put("fwd_flops_per_point", fwd)
                    .put("train_steps_per_s", train.median)
                    .put("train_points_per_s", train.median * batch)
                    .put("train_gflops", train.median * batch * 3 * fwd / 1e9)
                    .put("train_step_ms", 1e3 / train.median)
                    .put("infer_batch", ib)
                    .put("infer_points_per_s", infer.median * ib)
                    .put("infer_gflops", infer.median * ib * fwd / 1e9)
                    .put("gflops", train.median * batch * 3 * fwd / 1e9)
                    .put("loss_start", loss0).put("loss_end", loss1);
            o.putArray("train_rate_spread").add(train.min * batch).add(train.max * batch);
            o.putArray("infer_rate_spread").add(infer.min * ib).add(infer.max * ib);
            if (json) {
                System.out.println(Json.write(o));
            } else {
                System.out.printf("training:  %.3fM points/s  (%.1f GFLOP/s, %.1f ms/step of %d; spread %.3f-%.3fM)%n",
                        train.median * batch / 1e6, train.median * batch * 3 * fwd / 1e9, 1e3 / train.median, batch,
                        train.min * batch / 1e6, train.max * batch / 1e6);
                System.out.printf("inference: %.3fM points/s  (%.1f GFLOP/s)%n", infer.median * ib / 1e6, infer.median * ib * fwd / 1e9);
                System.out.printf("loss %.5f -> %.5f%n", loss0, loss1);
            }
        }
        return 0;
    }

    private static void printProfile(nfield.compute.opencl.ClBackend cl, Trainer trainer) {
        int steps = 5;
        cl.profile(true);
        for (int i = 0; i < steps; i++) trainer.step(0, false);
        var results = new ArrayList<>(cl.profileResults().entrySet());
        cl.profile(false);
        results.sort((a, b) -> Double.compare(b.getValue()[1], a.getValue()[1]));
        double total = results.stream().mapToDouble(e -> e.getValue()[1]).sum();
        System.err.printf("per training step (%d steps profiled): %.1f ms in kernels%n", steps, total * 1e3 / steps);
        for (var e : results) {
            System.err.printf("  %7.2f ms  %4.1f%%  %3.0fx  %s%n", e.getValue()[1] * 1e3 / steps, 100 * e.getValue()[1] / total,
                    e.getValue()[0] / steps, e.getKey());
        }
    }

    private Rate time(Runnable step, Backend backend) {
        for (int i = 0; i < 3; i++) step.run();
        backend.finish();
        long t0 = System.nanoTime();
        step.run();
        backend.finish();
        double dt = (System.nanoTime() - t0) * 1e-9;
        int per = Math.max(1, (int) Math.round(intervalSec / Math.max(dt, 1e-6)));
        List<Double> rates = new ArrayList<>();
        for (int k = 0; k < intervals; k++) {
            long s = System.nanoTime();
            for (int i = 0; i < per; i++) step.run();
            backend.finish();
            rates.add(per / ((System.nanoTime() - s) * 1e-9));
        }
        List<Double> sorted = new ArrayList<>(rates);
        Collections.sort(sorted);
        int n = sorted.size();
        double median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
        return new Rate(median, sorted.get(0), sorted.get(n - 1));
    }
}
