package nfield.pipeline;

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
import nfield.config.SceneConfig;
import nfield.config.ScheduleConfig;
import nfield.config.TrainConfig;
import nfield.data.analytic.AnalyticShape;
import nfield.field.Dense;
import nfield.field.Field;
import nfield.train.Adam;
import nfield.train.Eikonal;
import nfield.train.Loss;
import nfield.train.PoolSource;
import nfield.train.Trainer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Training and inference throughput of an SDF field on the analytic torus: by default the task of
 * the PyTorch peer's {@code peer_sdf.py --task sdf} (frequency encoding → ReLU MLP → 1), or the
 * field, loss and optimizer of a scene file. A few warm-up steps, then {@code intervals} intervals
 * of about {@code intervalSeconds} each, the median rate; with kernel variants, the intervals
 * take the variants in turn (one process, the same field and data), each with its own median.
 */
public final class Benchmark {
    private Benchmark() {}

    /**
     * The network and the timing: points per step and per inference call, hidden width and layers,
     * octaves, pool; or {@code scene} (non-null: its field, loss, optimizer and eikonal term; width,
     * layers and freqs unused); the variants of one kernel family to alternate (empty: none).
     */
    public record Request(int batch, int inferBatch, int width, int layers, int freqs, int intervals, double intervalSeconds,
                          int pool, boolean profile, SceneConfig scene, String family, List<String> variants) {
        public Request(int batch, int inferBatch, int width, int layers, int freqs, int intervals, double intervalSeconds,
                       int pool, boolean profile) {
            this(batch, inferBatch, width, layers, freqs, intervals, intervalSeconds, pool, profile, null, null, List.of());
        }

        public Request {
            variants = List.copyOf(variants);
        }

        /** The task's name in reports: the scene's, or "sdf-peer-freq" for the peer's network. */
        public String task() {
            return scene == null ? "sdf" : scene.name();
        }
    }

    /** A median rate (calls per second) and the spread of the intervals. */
    public record Rate(double median, double min, double max) {}

    /**
     * The rates, the network's size (parameters, forward FLOPs per point: 2·in·out per layer),
     * the loss before and after timing, and with {@code profile} kernel → {launches, seconds} over {@link #PROFILED_STEPS} steps.
     */
    public record Result(Request request, Rate train, Rate infer, int params, long fwdFlopsPerPoint, double lossStart, double lossEnd,
                         Map<String, double[]> profile, Map<String, Rate> variantTrain) {
        public double trainPointsPerS() { return train.median() * request.batch(); }

        public double inferPointsPerS() { return infer.median() * request.inferBatch(); }

        /** Training GFLOP/s: a step counts 3x the forward FLOPs. */
        public double trainGflops() { return trainPointsPerS() * 3 * fwdFlopsPerPoint / 1e9; }

        public double inferGflops() { return inferPointsPerS() * fwdFlopsPerPoint / 1e9; }

        /** The kernel profile as a table, slowest first: ms per step, share, launches per step, kernel. */
        public String profileTable() {
            return Benchmark.profileTable(profile);
        }

        /** The figures as {@code nfield bench --json} prints them (the peer's keys). */
        public ObjectNode toJson(String backend, String device) {
            Request r = request;
            ObjectNode o = Json.MAPPER.createObjectNode().put("task", r.task()).put("backend", backend)
                    .put("device", device).put("batch", r.batch());
            if (r.scene() == null) o.put("width", r.width()).put("hidden_layers", r.layers()).put("freqs", r.freqs());
            else o.put("width", r.scene().field().network().width()).put("hidden_layers", r.scene().field().network().hiddenLayers())
                    .put("encoding", r.scene().field().encoding().type()); // the scene's network, not the flags' defaults
            o.put("params", params).put("fwd_flops_per_point", fwdFlopsPerPoint)
                    .put("train_steps_per_s", train.median()).put("train_points_per_s", trainPointsPerS())
                    .put("train_gflops", trainGflops()).put("train_step_ms", 1e3 / train.median())
                    .put("infer_batch", r.inferBatch()).put("infer_points_per_s", inferPointsPerS()).put("infer_gflops", inferGflops())
                    .put("gflops", trainGflops()).put("loss_start", lossStart).put("loss_end", lossEnd);
            o.putArray("train_rate_spread").add(train.min() * r.batch()).add(train.max() * r.batch());
            o.putArray("infer_rate_spread").add(infer.min() * r.inferBatch()).add(infer.max() * r.inferBatch());
            if (!variantTrain.isEmpty()) {
                ObjectNode v = o.putObject("variants").put("family", r.family());
                ObjectNode rates = v.putObject("train_points_per_s");
                variantTrain.forEach((name, rate) -> rates.put(name, rate.median() * r.batch()));
            }
            return o;
        }
    }

    public static final int PROFILED_STEPS = 5;

    /** A kernel profile ({@link Backend#profileResults} of {@link #PROFILED_STEPS} steps) as a table, slowest first. */
    public static String profileTable(Map<String, double[]> profile) {
        int steps = PROFILED_STEPS;
        var rows = new ArrayList<>(profile.entrySet());
        rows.sort((a, b) -> Double.compare(b.getValue()[1], a.getValue()[1]));
        double total = rows.stream().mapToDouble(e -> e.getValue()[1]).sum();
        StringBuilder t = new StringBuilder(String.format("per training step (%d steps profiled): %.1f ms in kernels%n", steps, total * 1e3 / steps));
        for (var e : rows) {
            t.append(String.format("  %7.2f ms  %4.1f%%  %3.0fx  %s%n", e.getValue()[1] * 1e3 / steps, 100 * e.getValue()[1] / total,
                    e.getValue()[0] / steps, e.getKey()));
        }
        return t.toString();
    }

    /** Forward FLOPs a point of a network: 2·in·out per layer. */
    static long forwardFlops(nfield.field.Mlp m) {
        long f = 0;
        for (Dense d : m.layers()) f += 2L * d.inputWidth() * d.outputWidth();
        return f;
    }

    public static Result run(Request r, Backend backend) {
        if (r.batch() < 1 || r.width() < 1 || r.layers() < 1 || r.freqs() < 0) throw new FitError("--batch, --width, --layers must be positive");
        FieldConfig fc = new FieldConfig("sdf", new EncodingConfig.Frequency(r.freqs(), true),
                new NetworkConfig(r.width(), r.layers(), ActivationConfig.relu(), List.of(), 0.1), "trunc_exp");
        OptimizerConfig oc = new OptimizerConfig(1e-3, 0.9, 0.999, 1e-8, new ScheduleConfig("constant", 1, 0));
        LossConfig lc = new LossConfig("clamped_l1", 0.1);
        SceneConfig scene = r.scene();
        if (scene != null) {
            if (!scene.field().kind().equals("sdf")) {
                throw new FitError("bench --config " + scene.name() + ": a " + scene.field().kind()
                        + " scene; bench times SDF scenes only so far (e.g. scenes/sdf-default.json)");
            }
            fc = scene.field();
            oc = scene.optimizer();
            lc = scene.loss();
        }
        TrainConfig tc = new TrainConfig(r.batch(), 0, 0, 0, r.pool(), 0, Integer.MAX_VALUE, 0);
        Field field = Field.of(fc, backend);
        field.init(0);
        PoolSource source = new PoolSource(backend, AnalyticShape.TORUS.samples(r.pool(), new SplittableRandom(1)), r.pool(), 1, 2, "torus");
        Loss loss = new Loss("sdf", lc, backend);
        Trainer trainer = new Trainer(field, loss, new Adam(oc, field.params(), field.trainableOffset()), source, tc);
        if (scene != null && scene.eikonal().enabled()) trainer.withEikonal(new Eikonal(scene.eikonal(), backend, r.batch()));
        for (String v : r.variants()) backend.variant(r.family(), v); // each one known before timing starts
        double loss0 = trainer.step(0, true);
        Map<String, Rate> variantTrain = new LinkedHashMap<>();
        Rate train;
        if (r.variants().isEmpty()) {
            train = time(() -> trainer.step(0, false), backend, r);
        } else {
            variantTrain = timeVariants(() -> trainer.step(0, false), backend, r);
            train = variantTrain.values().iterator().next();
        }
        double loss1 = trainer.step(0, true);

        Map<String, double[]> profile = Map.of();
        if (r.profile()) {
            backend.profile(true);
            for (int i = 0; i < PROFILED_STEPS; i++) trainer.step(0, false);
            profile = backend.profileResults();
            backend.profile(false);
        }

        Tensor q = backend.alloc(r.inferBatch(), 3);
        float[] pts = new float[r.inferBatch() * 3];
        SplittableRandom rng = new SplittableRandom(3);
        for (int i = 0; i < pts.length; i++) pts[i] = (float) (rng.nextDouble() * 2 - 1);
        backend.write(q, pts);
        Tensor out = backend.alloc(r.inferBatch(), 1);
        Rate infer = time(() -> field.forward(q, out), backend, r);

        return new Result(r, train, infer, field.paramCount(), forwardFlops(field.network()), loss0, loss1, profile, variantTrain);
    }

    /**
     * The rates of each variant: warm-up steps of each, then {@code intervals} rounds that take
     * the variants in turn, the same number of steps each (sized from the first variant).
     */
    static Map<String, Rate> timeVariants(Runnable step, Backend backend, Request r) {
        for (String v : r.variants()) {
            backend.variant(r.family(), v);
            for (int i = 0; i < 3; i++) step.run();
        }
        backend.variant(r.family(), r.variants().get(0));
        backend.finish();
        long t0 = System.nanoTime();
        step.run();
        backend.finish();
        int per = Math.max(1, (int) Math.round(r.intervalSeconds() / Math.max((System.nanoTime() - t0) * 1e-9, 1e-6)));
        Map<String, List<Double>> rates = new LinkedHashMap<>();
        for (int k = 0; k < r.intervals(); k++) {
            for (String v : r.variants()) {
                backend.variant(r.family(), v);
                long s = System.nanoTime();
                for (int i = 0; i < per; i++) step.run();
                backend.finish();
                rates.computeIfAbsent(v, x -> new ArrayList<>()).add(per / ((System.nanoTime() - s) * 1e-9));
            }
        }
        Map<String, Rate> out = new LinkedHashMap<>();
        rates.forEach((v, list) -> out.put(v, rate(list)));
        return out;
    }

    static Rate time(Runnable step, Backend backend, Request r) {
        for (int i = 0; i < 3; i++) step.run();
        backend.finish();
        long t0 = System.nanoTime();
        step.run();
        backend.finish();
        double dt = (System.nanoTime() - t0) * 1e-9;
        int per = Math.max(1, (int) Math.round(r.intervalSeconds() / Math.max(dt, 1e-6)));
        List<Double> rates = new ArrayList<>();
        for (int k = 0; k < r.intervals(); k++) {
            long s = System.nanoTime();
            for (int i = 0; i < per; i++) step.run();
            backend.finish();
            rates.add(per / ((System.nanoTime() - s) * 1e-9));
        }
        return rate(rates);
    }

    private static Rate rate(List<Double> rates) {
        List<Double> sorted = new ArrayList<>(rates);
        Collections.sort(sorted);
        int n = sorted.size();
        double median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
        return new Rate(median, sorted.get(0), sorted.get(n - 1));
    }
}
