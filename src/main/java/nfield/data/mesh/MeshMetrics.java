package nfield.data.mesh;

import nfield.geom.Normalization;

import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * How close a reconstructed mesh is to a reference mesh. Both are first moved by the
 * reference's normalisation (bounding box centred, longest side 2: the reference fits
 * [-1, 1]³), so the figures are comparable across meshes. With P points drawn uniformly on
 * the prediction's surface and G on the reference's, d(x, M) the exact distance from x to
 * the surface M:
 * <ul>
 *   <li>Chamfer-L1 = ½ (mean_P d(p, ref) + mean_G d(g, pred));</li>
 *   <li>Chamfer-L2 = ½ (mean_P d(p, ref)² + mean_G d(g, pred)²);</li>
 *   <li>F-score at τ = 2 · precision · recall / (precision + recall), precision = share of P
 *       within τ of ref, recall = share of G within τ of pred (Tatarchenko et al. 2019);</li>
 *   <li>normal consistency = ½ (mean_P |n(p) · n(closest on ref)| + mean_G |n(g) · n(closest on pred)|)
 *       with face normals (Mescheder et al. 2019);</li>
 *   <li>IoU = |in both| / |in either| over uniform points in the bounding box of both meshes
 *       grown by 0.05, inside decided per mesh by {@link MeshSdf#resolve}("auto").</li>
 * </ul>
 */
public final class MeshMetrics {
    public record Result(double chamferL1, double chamferL2, double fscore, double precision, double recall,
                         double normalConsistency, double iou, double tau, int surfacePoints, int volumePoints) {}

    private MeshMetrics() {}

    public static Result compute(Mesh pred, Mesh ref, int surfacePoints, int volumePoints, double tau, long seed) {
        Normalization n = ref.fitNormalization(1.0);
        Mesh p = pred.normalized(n), r = ref.normalized(n);
        MeshSdf ps = new MeshSdf(p), rs = new MeshSdf(r);
        double[] a = directed(ps, rs, surfacePoints, tau, seed);
        double[] b = directed(rs, ps, surfacePoints, tau, seed + 1);
        double precision = a[2], recall = b[2];
        double f = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0;
        double iou = iou(ps, rs, volumePoints, seed + 2);
        return new Result(0.5 * (a[0] + b[0]), 0.5 * (a[1] + b[1]), f, precision, recall, 0.5 * (a[3] + b[3]), iou, tau,
                surfacePoints, volumePoints);
    }

    /** Points on {@code from} against the surface of {@code to}: [mean d, mean d², share within tau, mean |n·n'|]. */
    private static double[] directed(MeshSdf from, MeshSdf to, int count, double tau, long seed) {
        SurfaceSampler s = new SurfaceSampler(from.mesh());
        double[] fromN = from.faceNormals(), toN = to.faceNormals();
        int chunk = 4096, chunks = (count + chunk - 1) / chunk;
        double[][] part = new double[chunks][4];
        IntStream.range(0, chunks).parallel().forEach(c -> {
            SplittableRandom rng = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + c);
            Bvh.Hit hit = new Bvh.Hit();
            double[] pt = new double[3];
            double[] acc = part[c];
            for (int i = c * chunk; i < Math.min(count, (c + 1) * chunk); i++) {
                int t = s.sample(rng, pt);
                to.bvh().closest(pt[0], pt[1], pt[2], hit);
                double d = Math.sqrt(hit.d2);
                acc[0] += d;
                acc[1] += d * d;
                if (d <= tau) acc[2]++;
                int u = hit.triangle;
                acc[3] += Math.abs(fromN[t * 3] * toN[u * 3] + fromN[t * 3 + 1] * toN[u * 3 + 1] + fromN[t * 3 + 2] * toN[u * 3 + 2]);
            }
        });
        double[] out = new double[4];
        for (double[] pa : part) for (int k = 0; k < 4; k++) out[k] += pa[k];
        for (int k = 0; k < 4; k++) out[k] /= count;
        return out;
    }

    private static double iou(MeshSdf a, MeshSdf b, int count, long seed) {
        double[] ba = a.mesh().bounds(), bb = b.mesh().bounds();
        double[] lo = new double[3], hi = new double[3];
        for (int k = 0; k < 3; k++) {
            lo[k] = Math.min(ba[k], bb[k]) - 0.05;
            hi[k] = Math.max(ba[k + 3], bb[k + 3]) + 0.05;
        }
        SignMethod sa = a.resolve("auto"), sb = b.resolve("auto");
        int chunk = 4096, chunks = (count + chunk - 1) / chunk;
        long[][] part = new long[chunks][2];
        IntStream.range(0, chunks).parallel().forEach(c -> {
            SplittableRandom rng = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + c);
            MeshSdf.Query q = new MeshSdf.Query();
            for (int i = c * chunk; i < Math.min(count, (c + 1) * chunk); i++) {
                double x = rng.nextDouble(lo[0], hi[0]), y = rng.nextDouble(lo[1], hi[1]), z = rng.nextDouble(lo[2], hi[2]);
                boolean ia = a.signedDistance(x, y, z, sa, q) < 0, ib = b.signedDistance(x, y, z, sb, q) < 0;
                if (ia && ib) part[c][0]++;
                if (ia || ib) part[c][1]++;
            }
        });
        long inter = 0, union = 0;
        for (long[] pa : part) {
            inter += pa[0];
            union += pa[1];
        }
        return union == 0 ? 0 : (double) inter / union;
    }
}
