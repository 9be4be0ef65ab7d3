package nfield.compute;

import nfield.compute.opencl.ClBackend;
import nfield.compute.opencl.ClDevices;
import nfield.compute.ref.RefBackend;
import nfield.config.ActivationConfig;
import nfield.config.EncodingConfig;
import nfield.config.FieldConfig;
import nfield.config.NetworkConfig;
import nfield.config.OptimizerConfig;
import nfield.config.ScheduleConfig;
import nfield.field.Component;
import nfield.testing.Components;
import nfield.testing.Harness;
import nfield.testing.Standalone;
import nfield.train.Adam;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Every OpenCL kernel of {@code opencl/} launched on small inputs on one device and checked
 * against the float64 reference (relative error 1e-4, as ParityTest): every registered component
 * forward and backward, the hash encoding with each table-gradient scatter, every loss, the row
 * sampler, the eikonal stencil, volume rendering, sums, column copies and two Adam steps of a
 * whole field. A program of its own, so that {@code OclgrindTest} can run it in a JVM whose
 * only OpenCL platform is Oclgrind. Prints one line {@code launched: k1 k2 ...} of the kernel
 * names run; exits 1 when any check fails.
 *
 *   java -cp ... nfield.compute.KernelSweep [PLATFORM-NAME-PART]
 */
public final class KernelSweep {
    static final double TOL = 1e-4;
    final List<String> failures = new ArrayList<>();
    final ClBackend cl;

    KernelSweep(ClBackend cl) {
        this.cl = cl;
    }

    public static void main(String[] args) {
        String want = args.length > 0 ? args[0] : "";
        ClDevices.Info info = ClDevices.list().stream().filter(d -> d.platform().contains(want)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no OpenCL platform named like \"" + want + "\""));
        try (ClBackend cl = new ClBackend(info)) {
            System.out.println("sweep on " + cl.device());
            KernelSweep s = new KernelSweep(cl);
            cl.profile(true); // records the name of every kernel launched
            s.run();
            TreeSet<String> names = new TreeSet<>();
            for (String k : cl.profileResults().keySet()) names.add(k.contains(" [") ? k.substring(0, k.indexOf(" [")) : k);
            System.out.println("launched: " + String.join(" ", names));
            s.failures.forEach(f -> System.out.println("FAILED: " + f));
            System.out.println(s.failures.isEmpty() ? "sweep: all agree" : "sweep: " + s.failures.size() + " failed");
            System.exit(s.failures.isEmpty() ? 0 : 1);
        }
    }

    void check(String what, double[] dev, double[] ref) {
        if (dev.length != ref.length) {
            failures.add(what + ": length " + dev.length + " != " + ref.length);
            return;
        }
        double e = Harness.relError(dev, ref);
        if (!(e <= TOL)) failures.add(what + ": relative error " + e + " > " + TOL);
    }

    void run() {
        int rows = 37; // not a multiple of any work-group size
        long seed = 20261201;
        for (Components.Case k : Components.all()) {
            Standalone ref = k.build().apply(new RefBackend()), dev = k.build().apply(cl);
            Component c = ref.component();
            double[] p = Harness.toFloat(Harness.params(c, seed));
            double[] x = Harness.uniform(rows * c.inputWidth(), seed + 1), g = Harness.uniform(rows * c.outputWidth(), seed + 2);
            Harness.Result a = Harness.run(ref, p, x, rows, g.clone()), b = Harness.run(dev, p, x, rows, g.clone());
            check(k + " output", b.out(), a.out());
            check(k + " input gradient", b.dIn(), a.dIn());
        }
        denseForwards(seed);
        denseBackwards(seed);
        hash(seed);
        losses(rows, seed);
        sampler();
        eikonal(seed);
        volume(seed);
        adamSteps(rows, seed);
    }

    /** A dense layer's forward by every variant (the device's default runs in the components above). */
    void denseForwards(long seed) {
        int rows = 37, in = 13, out = 64;
        double[] p = Harness.uniform(in * out + out, seed + 20), x = Harness.uniform(rows * in, seed + 21);
        double[] ref = denseOn(new RefBackend(), in, out, p, x);
        String before = cl.variant("dense-forward");
        for (String v : cl.variants().get("dense-forward")) {
            cl.variant("dense-forward", v);
            check("dense forward " + v, denseOn(cl, in, out, p, x), ref);
        }
        cl.variant("dense-forward", before);
    }

    /**
     * A dense layer's backward by every way of summing its input and weight gradients, and a
     * narrow layer's forward by every variant: 13 → 64 (the 32-output tiles), 13 → 3 (a head) and
     * 32 → 16 (inputs a multiple of 32: transposed2's two rows a work-item, an odd row count).
     */
    void denseBackwards(long seed) {
        int rows = 37;
        String backward = cl.variant("dense-backward"), weights = cl.variant("dense-weights"), narrow = cl.variant("dense-narrow");
        for (int[] shape : new int[][]{{13, 64}, {13, 3}, {32, 16}}) {
            int in = shape[0], out = shape[1];
            double[] p = Harness.uniform(in * out + out, seed + 30), x = Harness.uniform(rows * in, seed + 31),
                    g = Harness.uniform(rows * out, seed + 32);
            double[][] ref = Harness.denseBackward(new RefBackend(), in, out, p, 0, x, g, nfield.compute.Activation.RELU);
            for (String b : cl.variants().get("dense-backward")) {
                for (String w : cl.variants().get("dense-weights")) {
                    cl.variant("dense-backward", b);
                    cl.variant("dense-weights", w);
                    double[][] dev = Harness.denseBackward(cl, in, out, p, 0, x, g, nfield.compute.Activation.RELU);
                    String what = "dense backward " + b + ", weights " + w + ", " + in + "→" + out;
                    check(what + " dx", dev[0], ref[0]);
                    check(what + " parameter gradients", dev[2], ref[2]);
                }
            }
            if (out % 8 != 0) {
                double[] y = denseOn(new RefBackend(), in, out, p, x);
                for (String v : cl.variants().get("dense-narrow")) {
                    cl.variant("dense-narrow", v);
                    check("dense narrow " + v + " " + in + "→" + out, denseOn(cl, in, out, p, x), y);
                }
            }
        }
        cl.variant("dense-backward", backward);
        cl.variant("dense-weights", weights);
        cl.variant("dense-narrow", narrow);
    }

    static double[] denseOn(Backend b, int in, int out, double[] p, double[] x) {
        int rows = x.length / in;
        Tensor pt = b.alloc(1, p.length), xt = b.alloc(rows, in), yt = b.alloc(rows, out), zt = b.alloc(rows, out);
        b.write(pt, p);
        b.write(xt, x);
        b.denseForward(xt, pt, 0, nfield.compute.Activation.RELU, yt, zt);
        return b.read(yt);
    }

    /**
     * The hash encoding with every way of running its forward and every scatter of the table
     * gradient, points sharing entries (a small table); 150 rows, not a multiple of the lanes.
     */
    void hash(long seed) {
        HashSpec spec = HashSpec.of(4, 2, 6, new int[]{2, 5, 11, 23}, true);
        int rows = 150, w = spec.outputWidth();
        double[] p = Harness.uniform(1 + spec.paramCount(), seed + 10), x = Harness.uniform(rows * 3, seed + 11),
                g = Harness.uniform(rows * w, seed + 12);
        double[][] ref = hashOn(new RefBackend(), spec, p, x, g);
        String scatter = cl.variant("hash-scatter"), forward = cl.variant("hash-forward");
        for (String f : cl.variants().get("hash-forward")) {
            cl.variant("hash-forward", f);
            for (String v : cl.variants().get("hash-scatter")) {
                cl.variant("hash-scatter", v);
                double[][] dev = hashOn(cl, spec, p, x, g);
                check("hash " + f + " " + v + " output", dev[0], ref[0]);
                check("hash " + f + " " + v + " table gradient", dev[1], ref[1]);
                check("hash " + f + " " + v + " input gradient", dev[2], ref[2]);
            }
        }
        cl.variant("hash-scatter", scatter);
        cl.variant("hash-forward", forward);
    }

    static double[][] hashOn(Backend b, HashSpec spec, double[] p, double[] x, double[] g) {
        int rows = x.length / 3, w = spec.outputWidth();
        Tensor pt = b.alloc(1, p.length), gt = b.alloc(1, p.length), xt = b.alloc(rows, 3), yt = b.alloc(rows, w),
                dyt = b.alloc(rows, w), dxt = b.alloc(rows, 3);
        b.write(pt, p);
        b.fill(gt, 0);
        b.write(xt, x);
        b.write(dyt, g);
        b.hashEncode(xt, pt, 1, spec, yt);
        b.hashEncodeBackward(xt, pt, gt, 1, spec, dyt, dxt);
        return new double[][]{b.read(yt), b.read(gt), b.read(dxt)};
    }

    void losses(int rows, long seed) {
        Components.losses().forEach((type, fn) -> {
            double[] p = Harness.uniform(rows, seed + 20), t = Harness.uniform(rows, seed + 21);
            double[][] r = lossOn(new RefBackend(), fn, p, t), d = lossOn(cl, fn, p, t);
            check("loss " + type + " value", d[0], r[0]);
            check("loss " + type + " gradient", d[1], r[1]);
            check("loss " + type + " sum", d[2], r[2]);
        });
    }

    static double[][] lossOn(Backend b, LossFn fn, double[] p, double[] t) {
        int n = p.length;
        Tensor pt = b.alloc(n, 1), tt = b.alloc(n, 1), e = b.alloc(n, 1), d = b.alloc(n, 1);
        b.write(pt, p);
        b.write(tt, t);
        b.loss(pt, tt, fn, 1.0 / n, e, d);
        return new double[][]{b.read(e), b.read(d), {b.sum(e)}};
    }

    void sampler() {
        double[] pool = Harness.uniform(100 * 4, 41);
        double[][] got = new double[2][];
        Backend[] bs = {new RefBackend(), cl};
        for (int i = 0; i < 2; i++) {
            Tensor pt = bs[i].alloc(100, 4), out = bs[i].alloc(30, 4), cols = bs[i].alloc(30, 6);
            bs[i].write(pt, pool);
            bs[i].sampleRows(pt, 100, out, 0x1234_5678_9ABCL);
            bs[i].fill(cols, 0.25);
            bs[i].copyCols(out, 1, cols, 2, 3, true);
            got[i] = bs[i].read(cols);
        }
        check("sampled rows, copied columns", got[1], got[0]);
    }

    void eikonal(long seed) {
        int m = 13;
        double h = 0.01;
        double[] pts = Harness.uniform(m * 3, seed + 30), vals = Harness.uniform(6 * m, seed + 31);
        double[][][] got = new double[2][][];
        Backend[] bs = {new RefBackend(), cl};
        for (int i = 0; i < 2; i++) {
            Backend b = bs[i];
            Tensor p = b.alloc(m, 3), st = b.alloc(6 * m, 3), v = b.alloc(6 * m, 1), el = b.alloc(m, 1), dv = b.alloc(6 * m, 1);
            b.write(p, pts);
            b.stencilPoints(p, m, h, st);
            b.write(v, vals);
            b.eikonal(v, m, h, 0.5, el, dv);
            got[i] = new double[][]{b.read(st), b.read(el), b.read(dv)};
        }
        check("eikonal stencil", got[1][0], got[0][0]);
        check("eikonal penalty", got[1][1], got[0][1]);
        check("eikonal gradient", got[1][2], got[0][2]);
    }

    void volume(long seed) {
        VolumeRenderTest.Batch k = VolumeRenderTest.Batch.random(seed, 23);
        VolumeRenderTest.Result a, b;
        try (RefBackend ref = new RefBackend()) {
            a = VolumeRenderTest.run(ref, k, 1e-4);
        }
        b = VolumeRenderTest.run(cl, k, 1e-4);
        check("volume render", b.out(), a.out());
        check("volume render backward", b.dx(), a.dx());
    }

    /** Two Adam steps of a small field on an l2 loss: the parameters after them. */
    void adamSteps(int rows, long seed) {
        FieldConfig fc = new FieldConfig("sdf", new EncodingConfig.Frequency(2, true),
                new NetworkConfig(8, 2, ActivationConfig.relu(), List.of(), 1), "softplus");
        OptimizerConfig oc = new OptimizerConfig(1e-3, 0.9, 0.999, 1e-8, new ScheduleConfig("cosine", 0.1, 2));
        double[][] finals = {Harness.paramsAfterAdam(new RefBackend(), fc, oc, rows, 2, seed), Harness.paramsAfterAdam(cl, fc, oc, rows, 2, seed)};
        check("parameters after 2 Adam steps", finals[1], finals[0]);
    }
}
