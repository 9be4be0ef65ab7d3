package nfield.pipeline;

import nfield.compute.Backend;
import nfield.compute.Tensor;
import nfield.config.OptimizerConfig;
import nfield.config.ScheduleConfig;
import nfield.data.mesh.PartialScan;
import nfield.field.FittedField;
import nfield.field.ShapeSpace;
import nfield.field.SpaceNetwork;
import nfield.train.Adam;
import nfield.train.Loss;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Shape completion in a learned space (DeepSDF, Park et al. 2019, sec. 4.2): the decoder frozen,
 * a code is optimised so that the decoded SDF agrees with a partial scan, under the same code
 * prior the space was trained with. The scan gives SDF samples: its points at distance 0 and,
 * where it has normals, points a little outside and inside along them (±η n at η = 0.01 and
 * 0.03 of the box: a scanner's free space just in front of the surface, and what lies just
 * behind it). Several restarts run at once, one code each: the space's mean code, and the codes
 * of the members that already agree best with the scan; the best by data loss wins.
 */
public final class Completion {
    private Completion() {}

    /** The settings: restarts, Adam steps, learning rate, at most this many scan points (a random subset beyond). */
    public record Options(int restarts, int steps, double lr, int maxPoints, long seed) {
        public static final Options DEFAULT = new Options(6, 600, 0.01, 4096, 1);

        public Options {
            if (restarts < 1 || restarts > 64) throw new FitError("--restarts " + restarts + ": must be in [1, 64]");
            if (steps < 1) throw new FitError("--steps " + steps + ": must be at least 1");
            if (!(lr > 0)) throw new FitError("--lr " + lr + ": must be positive");
            if (maxPoints < 16) throw new FitError("--max-points " + maxPoints + ": must be at least 16");
        }
    }

    /** The code found, its data loss, each restart's (in order: mean code, then the members named), and the time taken. */
    public record Result(double[] code, double loss, double[] restartLosses, List<String> starts, double seconds) {}

    /** Offsets of the samples along the normals (in the box's units). */
    static final double[] ETAS = {0.01, 0.03};

    /** Samples a restart takes a step. */
    static final int BATCH = 2048;

    /** The SDF samples of a scan in the space's box, rows [x, y, z, sdf]. */
    public static float[] samples(PartialScan scan, int maxPoints, long seed) {
        int n = scan.size();
        int[] pick = new int[n];
        for (int i = 0; i < n; i++) pick[i] = i;
        SplittableRandom rng = new SplittableRandom(seed);
        if (n > maxPoints) { // a fixed random subset
            for (int i = 0; i < maxPoints; i++) {
                int j = i + rng.nextInt(n - i);
                int t = pick[i];
                pick[i] = pick[j];
                pick[j] = t;
            }
            n = maxPoints;
        }
        int per = scan.hasNormals() ? 1 + 2 * ETAS.length : 1;
        float[] rows = new float[n * per * 4];
        double[] p = scan.points(), nr = scan.normals();
        int o = 0;
        for (int k = 0; k < n; k++) {
            int i = pick[k] * 3;
            rows[o++] = (float) p[i];
            rows[o++] = (float) p[i + 1];
            rows[o++] = (float) p[i + 2];
            rows[o++] = 0;
            if (nr == null) continue;
            for (double eta : ETAS) {
                for (int s = -1; s <= 1; s += 2) {
                    for (int c = 0; c < 3; c++) rows[o++] = (float) (p[i + c] + s * eta * nr[i + c]);
                    rows[o++] = (float) (s * eta);
                }
            }
        }
        return rows;
    }

    /**
     * Finds the code of the shape {@code scan} shows (its points in the space's box), on
     * {@code backend}. {@code samplesPerShape}: the K the space was trained with (the prior's scale).
     */
    public static Result run(ShapeSpace space, PartialScan scan, Options opt, Backend backend, FitListener listener) {
        // everything it allocates on the device is its own (the space's decoder is only read), and released at the end:
        // completing many scans on one backend does not grow its memory
        try (var scope = backend.scope()) {
            return complete(space, scan, opt, backend, listener);
        }
    }

    private static Result complete(ShapeSpace space, PartialScan scan, Options opt, Backend backend, FitListener listener) {
        long t0 = System.nanoTime();
        float[] rows = samples(scan, opt.maxPoints(), opt.seed());
        int m = rows.length / 4;
        SpaceNetwork src = space.decoder();
        int c = src.codeSize();
        double[][] codes = src.codes();
        // starts: the mean code, then the members whose codes fit the scan best as they are
        double[] mean = new double[c];
        for (double[] z : codes) for (int j = 0; j < c; j++) mean[j] += z[j] / codes.length;
        int r = Math.min(opt.restarts(), 1 + codes.length);
        double[] asIs = memberLosses(space, subset(rows, 2048), backend);
        Integer[] order = new Integer[codes.length];
        for (int i = 0; i < order.length; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> Double.compare(asIs[a], asIs[b]));
        List<String> starts = new ArrayList<>();
        starts.add("mean code");
        double[] decoder = src.params().readParams();
        SpaceNetwork net = SpaceNetwork.create(src.member(), r, c, src.sigma(), backend);
        double[] p = new double[net.paramCount()];
        int codeOff = net.codesOffset();
        System.arraycopy(decoder, 0, p, 0, codeOff);
        System.arraycopy(mean, 0, p, codeOff, c);
        for (int k = 1; k < r; k++) {
            System.arraycopy(codes[order[k - 1]], 0, p, codeOff + k * c, c);
            starts.add(space.members().get(order[k - 1]).name());
        }
        net.params().writeParams(p);
        net.params().resetOptimizer();
        listener.info(String.format(Locale.ROOT, "%s: %,d points%s -> %,d samples; %d restarts from %s", scan.name(), scan.size(),
                scan.hasNormals() ? " with normals" : "", m, r, String.join(", ", starts)));

        // each step: BATCH samples a restart, drawn at random from the scan's (stochastic, as training was)
        int b = Math.min(m, BATCH);
        Tensor pool = backend.alloc(m, 4), drawn = backend.alloc(r * b, 4);
        double[] pr = new double[m * 4];
        for (int i = 0; i < pr.length; i++) pr[i] = rows[i];
        backend.write(pool, pr);
        Tensor pts = backend.alloc(r * b, 3), tgt = backend.alloc(r * b, 1), idx = backend.alloc(r * b, 1);
        Tensor pred = backend.alloc(r * b, 1), dPred = backend.alloc(r * b, 1);
        double[] ii = new double[r * b];
        for (int row = 0; row < r * b; row++) ii[row] = row / b;
        backend.write(idx, ii);
        Loss loss = new Loss("sdf", space.scene() == null ? nfield.compute.LossFn.of("clamped_l1", 0.1)
                : nfield.compute.LossFn.of(space.scene().loss().type(), space.scene().loss().delta()), backend);
        net.decay(2.0 / (src.sigma() * src.sigma() * space.samplesPerShape() * (double) (r * b)));
        OptimizerConfig oc = new OptimizerConfig(opt.lr(), 0.9, 0.999, 1e-8, new ScheduleConfig("cosine", 0.1, 2));
        Adam adam = new Adam(oc, net.params(), codeOff); // the codes alone: the decoder stays as it is
        double last = Double.NaN;
        for (int s = 0; s < opt.steps(); s++) {
            net.params().zeroGrads();
            backend.sampleRows(pool, m, drawn, opt.seed() * 0x9E3779B97F4A7C15L + s);
            backend.copyCols(drawn, 0, pts, 0, 3, false);
            backend.copyCols(drawn, 3, tgt, 0, 1, false);
            var ctx = net.forward(pts, idx, pred);
            boolean read = s == opt.steps() - 1 || (s + 1) % 100 == 0;
            double l = loss.apply(pred, tgt, dPred, read);
            net.backward(ctx, dPred, null);
            adam.step((double) s / opt.steps());
            if (read) {
                last = l;
                listener.info(String.format(Locale.ROOT, "step %d of %d: loss %.6f (all restarts)", s + 1, opt.steps(), l));
            }
        }
        if (!Double.isFinite(last)) throw new FitError("completion diverged (loss " + last + "); lower --lr (now " + opt.lr() + ")");
        // each restart's data loss on all the scan's samples: clamped L1 at DeepSDF's delta 0.1
        double[] per = new double[r];
        {
            Tensor all = backend.alloc(m, 3), one = backend.alloc(m, 1), out1 = backend.alloc(m, 1);
            double[] pp = new double[m * 3];
            for (int i = 0; i < m; i++) for (int j = 0; j < 3; j++) pp[i * 3 + j] = rows[i * 4 + j];
            backend.write(all, pp);
            double[] ix = new double[m];
            for (int k = 0; k < r; k++) {
                java.util.Arrays.fill(ix, k);
                backend.write(one, ix);
                net.forward(all, one, out1);
                double[] o = backend.read(out1);
                for (int i = 0; i < m; i++) per[k] += clampedL1(o[i], rows[i * 4 + 3]) / m;
            }
        }
        int best = 0;
        for (int k = 1; k < r; k++) if (per[k] < per[best]) best = k;
        double[] code = net.code(best);
        listener.info(String.format(Locale.ROOT, "best restart: from %s, loss %.6f", starts.get(best), per[best]));
        return new Result(code, per[best], per, starts, (System.nanoTime() - t0) * 1e-9);
    }

    /**
     * The comparison a space is measured against: an ordinary field of {@code scene} fitted to the
     * same SDF samples alone (drawn from them at random) for {@code seconds}. It has nothing to
     * say about the side the scan did not see.
     */
    public static FittedField fitSingle(float[] samples, nfield.config.SceneConfig scene, double seconds, long seed, Backend backend,
                                        FitListener listener) throws java.io.IOException {
        int m = samples.length / 4;
        nfield.train.RefreshingPool.Generator gen = (rows, from, to, sd) -> {
            SplittableRandom rng = new SplittableRandom(sd);
            for (int i = from; i < to; i++) System.arraycopy(samples, rng.nextInt(m) * 4, rows, i * 4, 4);
            return 0;
        };
        int pool = Math.min(scene.train().poolSize(), 1 << 18);
        var t = scene.train();
        nfield.config.SceneConfig small = new nfield.config.SceneConfig(scene.name(), scene.field(), scene.loss(), scene.optimizer(),
                new nfield.config.TrainConfig(t.batch(), t.steps(), t.seconds(), t.targetLoss(), pool, t.refreshEvery(), t.logEvery(), t.seed()),
                scene.sampling(), scene.eikonal(), scene.marching());
        FitRequest req = FitRequest.of("partial scan", small).withSeed(seed).withBudget(new FitRequest.Budget(0, seconds));
        nfield.train.RefreshingPool.First first = nfield.train.RefreshingPool.first(pool, 1, gen, seed + 1);
        SdfFit.Prepared prep = new SdfFit.Prepared("partial scan", null, nfield.geom.Normalization.IDENTITY, "given", gen, first, seed + 1, 0);
        return SdfFit.train(prep, req, SdfFit.Options.DEFAULT, backend, listener).fitted();
    }

    /** At most {@code n} rows of {@code rows} [m, 4], evenly spread. */
    static float[] subset(float[] rows, int n) {
        int m = rows.length / 4;
        if (m <= n) return rows;
        float[] out = new float[n * 4];
        for (int i = 0; i < n; i++) System.arraycopy(rows, (int) ((long) i * m / n) * 4, out, i * 4, 4);
        return out;
    }

    static double clampedL1(double pred, double target) {
        return Math.abs(Math.max(-0.1, Math.min(0.1, pred)) - Math.max(-0.1, Math.min(0.1, target)));
    }

    /** Every member's code as it is against the samples: the clamped L1 (no optimisation). */
    static double[] memberLosses(ShapeSpace space, float[] rows, Backend backend) {
        // a copy of the decoder: its buffers are this call's (the space's own decoder keeps none made in a caller's scope)
        SpaceNetwork src = space.decoder();
        SpaceNetwork net = SpaceNetwork.create(src.member(), src.count(), src.codeSize(), src.sigma(), backend);
        net.params().writeParams(src.params().readParams());
        int m = rows.length / 4, k = net.count();
        int chunk = Math.max(1, (1 << 16) / m); // members a pass
        double[] pp = new double[m * 3];
        for (int i = 0; i < m; i++) for (int j = 0; j < 3; j++) pp[i * 3 + j] = rows[i * 4 + j];
        double[] out = new double[k];
        {
            int n = Math.min(k, chunk);
            Tensor pts = backend.alloc(n * m, 3), idx = backend.alloc(n * m, 1), pred = backend.alloc(n * m, 1);
            double[] big = new double[n * m * 3];
            for (int a = 0; a < n; a++) System.arraycopy(pp, 0, big, a * m * 3, m * 3);
            backend.write(pts, big);
            double[] ii = new double[n * m];
            for (int from = 0; from < k; from += n) {
                int cnt = Math.min(n, k - from);
                for (int a = 0; a < n; a++) Arrays.fill(ii, a * m, (a + 1) * m, Math.min(k - 1, from + a));
                backend.write(idx, ii);
                net.forward(pts, idx, pred);
                double[] o = backend.read(pred);
                for (int a = 0; a < cnt; a++) {
                    double s = 0;
                    for (int i = 0; i < m; i++) s += clampedL1(o[a * m + i], rows[i * 4 + 3]);
                    out[from + a] = s / m;
                }
            }
        }
        return out;
    }
}
