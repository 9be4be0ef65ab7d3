// The hash encoding's kernels alone, each variant taken in turn in one process on the same points
// and gradients: the forward pass by each way of running it (ClBackend.HashForward: levels, lanes)
// and the backward pass by each way of gathering the table gradient (ClBackend.HashScatter), on
// the default scenes' grids (sdf-default: 12 levels, 2^15; nerf-default: 16 levels, 2^17) at
// their batch sizes, with points spread through the box and points on a thin shell (as marched
// samples and near-surface samples are). Medians of [rounds] rounds; ratios to the first variant.
//
//   mvn -q package -DskipTests && java -cp target/nfield.jar tools/HashBench.java [rounds]
import nfield.compute.HashSpec;
import nfield.compute.Tensor;
import nfield.compute.opencl.ClBackend;
import nfield.config.EncodingConfig;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

public class HashBench {
    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 9;
        try (ClBackend cl = ClBackend.open(-1)) {
            System.out.println("hash encoding kernels on " + cl.device() + ", lanes of " + cl.lanes());
            for (String family : args.length > 1 ? List.of(args[1]) : List.of("hash-forward", "hash-scatter")) {
                List<String> variants = cl.variants().get(family);
                String before = cl.variant(family);
                bench(cl, family, "sdf-default", new EncodingConfig.Hash(12, 2, 15, 16, 1.4, true), 16384, variants, rounds);
                bench(cl, family, "nerf-default", new EncodingConfig.Hash(16, 2, 17, 16, 1.3195, false), 65536, variants, rounds);
                cl.variant(family, before);
            }
        }
    }

    static void bench(ClBackend cl, String family, String name, EncodingConfig.Hash cfg, int n, List<String> variants, int rounds) {
        HashSpec spec = HashSpec.of(cfg.levels(), cfg.features(), cfg.log2Table(), cfg.resolutions(), cfg.includeInput());
        for (String layout : List.of("box", "shell")) {
            SplittableRandom rng = new SplittableRandom(7);
            float[] x = new float[n * 3];
            for (int r = 0; r < n; r++) {
                double a = rng.nextDouble() * 2 - 1, b = rng.nextDouble() * 2 - 1, c = rng.nextDouble() * 2 - 1;
                if (layout.equals("shell")) {
                    double len = Math.sqrt(a * a + b * b + c * c) + 1e-9, rad = 0.5 + 0.02 * rng.nextGaussian();
                    a *= rad / len; b *= rad / len; c *= rad / len;
                }
                x[3 * r] = (float) a; x[3 * r + 1] = (float) b; x[3 * r + 2] = (float) c;
            }
            float[] dy = new float[n * spec.outputWidth()];
            for (int i = 0; i < dy.length; i++) dy[i] = (float) (rng.nextGaussian() * 1e-4);
            Tensor xt = cl.alloc(n, 3), dyt = cl.alloc(n, spec.outputWidth()), p = cl.alloc(1, spec.paramCount()),
                    g = cl.alloc(1, spec.paramCount()), y = cl.alloc(n, spec.outputWidth());
            boolean forward = family.equals("hash-forward");
            Runnable pass = forward ? () -> cl.hashEncode(xt, p, 0, spec, y) : () -> cl.hashEncodeBackward(xt, p, g, 0, spec, dyt, null);
            cl.write(xt, x);
            cl.write(dyt, dy);
            cl.fill(p, 0.01);
            cl.fill(g, 0);
            Map<String, List<Double>> ms = new LinkedHashMap<>();
            for (String v : variants) { // warm-up: builds and first launches
                cl.variant(family, v);
                for (int i = 0; i < 3; i++) pass.run();
            }
            cl.finish();
            int reps = 10;
            for (int k = 0; k < rounds; k++) {
                for (String v : variants) {
                    cl.variant(family, v);
                    long t0 = System.nanoTime();
                    for (int i = 0; i < reps; i++) pass.run();
                    cl.finish();
                    ms.computeIfAbsent(v, z -> new ArrayList<>()).add((System.nanoTime() - t0) * 1e-6 / reps);
                }
            }
            double base = median(ms.get(variants.get(0)));
            StringBuilder line = new StringBuilder(String.format("%-8s %-12s %-5s n=%-6d", forward ? "forward" : "backward", name, layout, n));
            for (String v : variants) {
                double m = median(ms.get(v));
                line.append(String.format("  %s %6.2f ms (%.2fx)", v, m, base / m));
            }
            System.out.println(line);
        }
    }

    static double median(List<Double> v) {
        double[] a = v.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(a);
        return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }
}
