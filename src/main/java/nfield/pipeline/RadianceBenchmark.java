package nfield.pipeline;

import com.fasterxml.jackson.databind.node.ObjectNode;
import nfield.compute.Backend;
import nfield.config.Json;
import nfield.config.MarchingConfig;
import nfield.config.SceneConfig;
import nfield.config.TrainConfig;
import nfield.data.nerf.Intrinsics;
import nfield.data.nerf.PosedImages;
import nfield.field.Field;
import nfield.geom.Normalization;
import nfield.train.Adam;
import nfield.train.RadianceObjective;
import nfield.train.Trainer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Training throughput of a radiance scene (e.g. nerf-default) on posed images: after {@code
 * warmup} steps of training (the occupancy grid has begun to prune), the whole step (rays drawn,
 * marched on the host, field, rendering, loss and Adam on the device, grid refreshes every {@code
 * grid_every} steps) and a fixed marched batch (the same samples every time: the device's part
 * alone), each as the median of timed intervals; with kernel variants, the intervals take them in
 * turn. Without data, a scene the benchmark generates: {@link #spheres}.
 */
public final class RadianceBenchmark {
    private RadianceBenchmark() {}

    /** Rates and sizes: samples per whole step (mean over the timed steps) and in the fixed batch; host seconds per step. */
    public record Result(String task, String data, Benchmark.Rate step, Benchmark.Rate fixed, double samplesPerStep, int fixedRays,
                         int fixedSamples, int params, long fwdFlopsPerSample, Map<String, double[]> profile,
                         Map<String, Benchmark.Rate> variantStep, Map<String, Benchmark.Rate> variantFixed, Map<String, Double> hostPerStep,
                         String family) {
        public double stepSamplesPerS() { return step.median() * samplesPerStep; }

        public double fixedSamplesPerS() { return fixed.median() * fixedSamples; }

        /** GFLOP/s in the MLPs of the fixed batch: a step counts 3x the forward FLOPs. */
        public double fixedGflops() { return fixedSamplesPerS() * 3 * fwdFlopsPerSample / 1e9; }

        public ObjectNode toJson(String backend, String device) {
            ObjectNode o = Json.MAPPER.createObjectNode().put("task", task).put("data", data).put("backend", backend).put("device", device)
                    .put("params", params).put("fwd_flops_per_sample", fwdFlopsPerSample)
                    .put("step_per_s", step.median()).put("step_ms", 1e3 / step.median()).put("samples_per_step", samplesPerStep)
                    .put("train_samples_per_s", stepSamplesPerS())
                    .put("fixed_rays", fixedRays).put("fixed_samples", fixedSamples).put("fixed_step_ms", 1e3 / fixed.median())
                    .put("fixed_samples_per_s", fixedSamplesPerS()).put("fixed_gflops", fixedGflops());
            o.putArray("step_rate_spread").add(step.min()).add(step.max());
            o.putArray("fixed_rate_spread").add(fixed.min()).add(fixed.max());
            ObjectNode host = o.putObject("host_ms_per_step");
            hostPerStep.forEach((k, v) -> host.put(k, v * 1e3));
            if (!variantStep.isEmpty()) {
                ObjectNode v = o.putObject("variants").put("family", family);
                ObjectNode a = v.putObject("train_samples_per_s"), b = v.putObject("fixed_samples_per_s");
                variantStep.forEach((name, rate) -> a.put(name, rate.median() * samplesPerStep));
                variantFixed.forEach((name, rate) -> b.put(name, rate.median() * fixedSamples));
            }
            return o;
        }
    }

    /**
     * Times {@code scene} (a radiance scene) on {@code data} (its name in {@code dataName}); the
     * intervals, variants and profiling of {@code r} (its batch and network sizes are unused).
     */
    public static Result run(SceneConfig scene, PosedImages data, String dataName, int warmup, Benchmark.Request r, Backend backend) {
        if (!scene.field().kind().equals("radiance")) throw new FitError("scene " + scene.name() + " is not a radiance scene");
        scene = RadianceFit.withAppearance(scene, null, data.count()); // a code per image, as a fit has
        MarchingConfig mc = scene.marching();
        RadianceFit.Background back = RadianceFit.background(mc.trainBackground(), data, "marching.train_background");
        boolean contract = RadianceFit.contracts(mc, data);
        Normalization norm = RadianceFit.normalization(contract ? data.inner() : data.box());
        Field field = Field.of(scene.field(), backend);
        field.init(1);
        Adam adam = new Adam(scene.optimizer(), field.params(), field.trainableOffset());
        RadianceObjective objective = RadianceFit.objective(field, data, norm, mc, RadianceFit.radianceMeta(data, back, contract),
                RadianceFit.loss(scene), back, 2);
        objective.restrictToSeen();
        Trainer trainer = new Trainer(field, objective, adam, new TrainConfig(0, 0, 0, 0, 0, 0, Integer.MAX_VALUE, 0));
        for (String v : r.variants()) backend.variant(r.family(), v); // each one known before timing starts
        for (int i = 0; i < warmup; i++) trainer.step(0, false);
        backend.finish();

        long[] counted = new long[2]; // steps, samples
        Runnable step = () -> {
            trainer.step(0, false);
            counted[0]++;
            counted[1] += objective.lastSamples();
        };
        Map<String, Double> host0 = objective.timingSeconds();
        long steps0 = counted[0];
        Map<String, Benchmark.Rate> variantStep = new LinkedHashMap<>(), variantFixed = new LinkedHashMap<>();
        Benchmark.Rate whole = r.variants().isEmpty() ? Benchmark.time(step, backend, r) : first(variantStep = Benchmark.timeVariants(step, backend, r));
        Map<String, Double> host1 = objective.timingSeconds(), hostPerStep = new LinkedHashMap<>();
        long timed = Math.max(1, counted[0] - steps0);
        for (String k : List.of("rays", "marching")) hostPerStep.put(k, (host1.get(k) - host0.get(k)) / timed);
        double samplesPerStep = counted[1] / (double) Math.max(1, counted[0]);

        RadianceObjective.Fixed fixed = objective.fixedBatch(adam.steps());
        Runnable fixedStep = () -> {
            field.params().zeroGrads();
            fixed.train().run();
            adam.step(0);
        };
        Benchmark.Rate fixedRate = r.variants().isEmpty() ? Benchmark.time(fixedStep, backend, r)
                : first(variantFixed = Benchmark.timeVariants(fixedStep, backend, r));

        Map<String, double[]> profile = Map.of();
        if (r.profile()) {
            backend.profile(true);
            for (int i = 0; i < Benchmark.PROFILED_STEPS; i++) trainer.step(0, false);
            profile = backend.profileResults();
            backend.profile(false);
        }
        long fwd = Benchmark.forwardFlops(field.network());
        if (field.colorNetwork() != null) fwd += Benchmark.forwardFlops(field.colorNetwork());
        return new Result(scene.name(), dataName, whole, fixedRate, samplesPerStep, fixed.rays(), fixed.samples(), field.paramCount(), fwd,
                profile, variantStep, variantFixed, hostPerStep, r.family());
    }

    private static Benchmark.Rate first(Map<String, Benchmark.Rate> m) {
        return m.values().iterator().next();
    }

    /**
     * A generated scene, so that the benchmark needs no data: three shaded spheres (red, green,
     * blue; radii 0.35-0.45) in the default box, seen by {@code views} cameras of {@code size}²
     * pixels on an orbit of radius 4 at 30° elevation (40° field of view), with alpha, on white.
     */
    public static PosedImages spheres(int views, int size) {
        double[][] centres = {{-0.5, 0, 0}, {0.5, 0, 0.1}, {0, 0.35, -0.45}};
        double[] radii = {0.45, 0.4, 0.35};
        double[][] colours = {{0.85, 0.2, 0.15}, {0.2, 0.75, 0.3}, {0.2, 0.35, 0.9}};
        List<byte[]> rgb = new ArrayList<>(), alpha = new ArrayList<>();
        List<Intrinsics> in = new ArrayList<>();
        List<String> names = new ArrayList<>();
        double[] poses = new double[16 * views];
        double f = 0.5 * size / Math.tan(Math.toRadians(20));
        for (int k = 0; k < views; k++) {
            double az = 2 * Math.PI * k / views, el = Math.toRadians(30), d = 4;
            double[] eye = {d * Math.cos(el) * Math.cos(az), d * Math.sin(el), d * Math.cos(el) * Math.sin(az)};
            double[] back = normalise(eye); // the camera looks down -z: z points away from the target
            double[] right = normalise(cross(new double[]{0, 1, 0}, back)), up = cross(back, right);
            for (int i = 0; i < 3; i++) {
                poses[16 * k + 4 * i] = right[i];
                poses[16 * k + 4 * i + 1] = up[i];
                poses[16 * k + 4 * i + 2] = back[i];
                poses[16 * k + 4 * i + 3] = eye[i];
            }
            poses[16 * k + 15] = 1;
            rgb.add(new byte[3 * size * size]);
            alpha.add(new byte[size * size]); // transparent until drawn: kept by the set, filled below
            in.add(new Intrinsics(f, f, 0.5 * size, 0.5 * size));
            names.add(String.format("sphere_%03d.png", k));
        }
        PosedImages set = new PosedImages("spheres (generated)", "train", size, size, rgb, alpha, in, poses, new float[]{1, 1, 1},
                PosedImages.defaultBox(), names, List.of());
        double[] ray = new double[6], light = normalise(new double[]{0.4, 0.8, 0.45});
        for (int k = 0; k < views; k++) {
            byte[] c = set.rgb(k), a = set.alpha(k);
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    set.ray(k, x + 0.5, y + 0.5, ray, 0);
                    double best = Double.POSITIVE_INFINITY;
                    int hit = -1;
                    for (int s = 0; s < centres.length; s++) {
                        double t = sphere(ray, centres[s], radii[s]);
                        if (t < best) { best = t; hit = s; }
                    }
                    int p = y * size + x;
                    double[] col = {1, 1, 1};
                    if (hit >= 0) {
                        double[] n = new double[3];
                        for (int i = 0; i < 3; i++) n[i] = (ray[i] + best * ray[3 + i] - centres[hit][i]) / radii[hit];
                        double lit = 0.25 + 0.75 * Math.max(0, n[0] * light[0] + n[1] * light[1] + n[2] * light[2]);
                        double stripes = 0.8 + 0.2 * Math.signum(Math.sin(12 * n[1])); // some texture for the hash grid
                        for (int i = 0; i < 3; i++) col[i] = colours[hit][i] * lit * stripes;
                        a[p] = (byte) 255;
                    }
                    for (int i = 0; i < 3; i++) c[3 * p + i] = (byte) Math.round(255 * Math.min(1, Math.max(0, col[i])));
                }
            }
        }
        return set;
    }

    /** The nearest t > 0 where ray (origin, unit direction) meets the sphere, or +inf. */
    private static double sphere(double[] ray, double[] c, double r) {
        double ox = ray[0] - c[0], oy = ray[1] - c[1], oz = ray[2] - c[2];
        double b = ox * ray[3] + oy * ray[4] + oz * ray[5], q = ox * ox + oy * oy + oz * oz - r * r, disc = b * b - q;
        if (disc < 0) return Double.POSITIVE_INFINITY;
        double t = -b - Math.sqrt(disc);
        return t > 0 ? t : Double.POSITIVE_INFINITY;
    }

    private static double[] cross(double[] a, double[] b) {
        return new double[]{a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
    }

    private static double[] normalise(double[] v) {
        double l = Math.sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
        return new double[]{v[0] / l, v[1] / l, v[2] / l};
    }
}
