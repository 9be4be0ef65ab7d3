package nfield.testing;

import nfield.compute.Backend;
import nfield.compute.Tensor;
import nfield.field.Component;

import java.util.SplittableRandom;

/** Runs a component's forward and backward on host arrays. */
public final class Harness {
    private Harness() {}

    /** Forward, then backward with upstream gradient g: outputs, input gradient, parameter gradients. */
    public record Result(double[] out, double[] dIn, double[] dParams) {}

    public static Result run(Standalone s, double[] params, double[] in, int rows, double[] g) {
        Component c = s.component();
        Backend b = s.store().backend();
        s.store().writeParams(params);
        s.store().zeroGrads();
        Tensor x = b.alloc(rows, c.inputWidth());
        Tensor y = b.alloc(rows, c.outputWidth());
        Tensor dy = b.alloc(rows, c.outputWidth());
        Tensor dx = b.alloc(rows, c.inputWidth());
        b.write(x, in);
        Component.Context ctx = c.forward(x, y);
        double[] out = b.read(y);
        b.write(dy, g);
        c.backward(ctx, dy, dx);
        return new Result(out, b.read(dx), s.store().readGrads());
    }

    /** Forward only: Σ g ⊙ out. */
    public static double objective(Standalone s, double[] params, double[] in, int rows, double[] g) {
        Component c = s.component();
        Backend b = s.store().backend();
        s.store().writeParams(params);
        Tensor x = b.alloc(rows, c.inputWidth());
        Tensor y = b.alloc(rows, c.outputWidth());
        b.write(x, in);
        c.forward(x, y);
        double[] out = b.read(y);
        double sum = 0;
        for (int i = 0; i < out.length; i++) sum += g[i] * out[i];
        return sum;
    }

    /** Initial parameters from the component's own init, with biases and zero entries jittered. */
    public static double[] params(Component c, long seed) {
        double[] p = new double[c.paramCount()];
        SplittableRandom rng = new SplittableRandom(seed);
        c.initParams(rng, p, 0);
        for (int i = 0; i < p.length; i++) if (p[i] == 0) p[i] = 0.1 * rng.nextGaussian();
        return p;
    }

    /** Uniform values in [-1, 1], rounded to float so every backend sees the same numbers. */
    public static double[] uniform(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] a = new double[n];
        for (int i = 0; i < n; i++) a[i] = (float) (rng.nextDouble() * 2 - 1);
        return a;
    }

    public static double[] toFloat(double[] a) {
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) r[i] = (float) a[i];
        return r;
    }

    /** max |a - b| / max |b|: the relative error the parity tests state. */
    public static double relError(double[] a, double[] b) {
        double diff = 0, scale = 0;
        for (int i = 0; i < b.length; i++) {
            diff = Math.max(diff, Math.abs(a[i] - b[i]));
            scale = Math.max(scale, Math.abs(b[i]));
        }
        return scale == 0 ? diff : diff / scale;
    }

    /**
     * A whole field after {@code steps} Adam steps on an l2 loss to random targets at {@code rows}
     * random points (its weights from {@link #params}, all drawn from {@code seed}): its parameters.
     * The same on every backend up to float rounding, which is what parity tests compare.
     */
    public static double[] paramsAfterAdam(Backend b, nfield.config.FieldConfig fc, nfield.config.OptimizerConfig oc, int rows, int steps,
                                           long seed) {
        nfield.field.Field f = nfield.field.Field.of(fc, b);
        f.params().writeParams(toFloat(params(f, seed)));
        f.params().resetOptimizer();
        nfield.train.Adam adam = new nfield.train.Adam(oc, f.params(), f.trainableOffset());
        nfield.train.Loss loss = new nfield.train.Loss("sdf", new nfield.config.LossConfig("l2", 0), b);
        Tensor x = b.alloc(rows, 3), y = b.alloc(rows, 1), pred = b.alloc(rows, 1), d = b.alloc(rows, 1);
        for (int step = 0; step < steps; step++) {
            b.write(x, uniform(rows * 3, seed + 100 + step));
            b.write(y, uniform(rows, seed + 200 + step));
            f.params().zeroGrads();
            Component.Context ctx = f.forward(x, pred);
            loss.apply(pred, y, d, false);
            f.backward(ctx, d, null);
            adam.step(step / (double) steps);
        }
        return f.params().readParams();
    }

    /**
     * One dense layer forward then backward on {@code b}, its parameters at offset {@code off} of
     * p: {dx, dz (what the backward leaves in dy), parameter gradients} for upstream gradient g.
     */
    public static double[][] denseBackward(nfield.compute.Backend b, int in, int out, double[] p, int off, double[] x, double[] g,
                                           nfield.compute.Activation act) {
        int rows = x.length / in;
        nfield.compute.Tensor pt = b.alloc(1, p.length), gt = b.alloc(1, p.length), xt = b.alloc(rows, in), yt = b.alloc(rows, out),
                zt = act.needsPre() ? b.alloc(rows, out) : null, dy = b.alloc(rows, out), dx = b.alloc(rows, in);
        b.write(pt, p);
        b.write(gt, new double[p.length]);
        b.write(xt, x);
        b.write(dy, g);
        b.denseForward(xt, pt, off, act, yt, zt);
        b.denseBackward(xt, pt, gt, off, act, yt, zt, dy, dx);
        return new double[][]{b.read(dx), b.read(dy), b.read(gt)};
    }
}
