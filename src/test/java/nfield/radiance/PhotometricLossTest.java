package nfield.radiance;

import nfield.compute.LossFn;
import nfield.compute.ref.RefBackend;
import nfield.config.ConfigNode;
import nfield.config.FieldConfig;
import nfield.config.Json;
import nfield.field.Field;
import org.junit.jupiter.api.Test;

import java.util.Locale;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The photometric loss of {@link VolumeBatch#train}: Huber's value and its gradient in the
 * field's parameters against float64 central differences of the rendered colours on the
 * reference backend; l2 stays the mean squared error.
 */
public class PhotometricLossTest {
    static final double DELTA = 0.1;

    /** A small smooth radiance field (softplus everywhere, so central differences see no kinks). */
    public static Field field(RefBackend b) {
        FieldConfig fc = FieldConfig.parse(new ConfigNode("test", "field", Json.parse("test", """
                {"kind": "radiance", "density_activation": "softplus",
                 "encoding": {"type": "frequency", "octaves": 2, "include_input": true},
                 "network": {"width": 8, "hidden_layers": 2, "activation": {"type": "softplus"}}}
                """)));
        Field f = Field.of(fc, b);
        f.init(3);
        return f;
    }

    /** 7 rays with 2 to 9 samples each, 0.08 apart, at random points of [-0.8, 0.8]^3. */
    static RayMarcher.Samples samples() {
        SplittableRandom rng = new SplittableRandom(11);
        int rays = 7;
        int[] first = new int[rays], count = new int[rays];
        int total = 0;
        for (int r = 0; r < rays; r++) {
            first[r] = total;
            count[r] = 2 + rng.nextInt(8);
            total += count[r];
        }
        float[] pts = new float[3 * total], dt = new float[total];
        for (int i = 0; i < 3 * total; i++) pts[i] = (float) (1.6 * rng.nextDouble() - 0.8);
        java.util.Arrays.fill(dt, 0.08f);
        float[] rayData = new float[6 * rays]; // origins and unit directions (the field here is not view dependent)
        for (int r = 0; r < rays; r++) rayData[6 * r + 5] = 1;
        return new RayMarcher.Samples(rays, total, pts, dt, first, count, rayData);
    }

    /** Huber, written out here: r² / (2δ) below δ, |r| − δ/2 above. */
    static double huber(double r) {
        double a = Math.abs(r);
        return a < DELTA ? r * r / (2 * DELTA) : a - DELTA / 2;
    }

    /** The mean Huber loss of the field's rendering against target, over rays and channels. */
    static double loss(VolumeBatch batch, RayMarcher.Samples s, float[] bg, float[] target) {
        double[] out = batch.render(s, bg);
        double sum = 0;
        for (int r = 0; r < s.rays(); r++) for (int c = 0; c < 3; c++) sum += huber(out[4 * r + c] - target[3 * r + c]);
        return sum / (3.0 * s.rays());
    }

    @Test
    void huberValueAndGradientMatchFloat64FiniteDifferences() {
        try (RefBackend b = new RefBackend()) {
            Field field = field(b);
            VolumeBatch batch = new VolumeBatch(field, 0);
            RayMarcher.Samples s = samples();
            int rays = s.rays();
            float[] bg = new float[3 * rays];
            SplittableRandom rng = new SplittableRandom(5);
            for (int i = 0; i < bg.length; i++) bg[i] = (float) rng.nextDouble();
            // targets at residuals on both sides of delta, away from the kink at |r| = delta
            double[] out = batch.render(s, bg);
            float[] target = new float[3 * rays];
            int small = 0;
            for (int r = 0; r < rays; r++) {
                for (int c = 0; c < 3; c++) {
                    int i = 3 * r + c;
                    double off = (i % 2 == 0 ? 0.03 + 0.05 * rng.nextDouble() : 0.15 + 0.3 * rng.nextDouble()) * (i % 3 == 0 ? -1 : 1);
                    if (Math.abs(off) < DELTA) small++;
                    target[i] = (float) (out[4 * r + c] + off);
                }
            }
            assertTrue(small > 3 && small < 3 * rays - 3, "both branches of Huber are exercised");

            LossFn fn = LossFn.of("huber", DELTA);
            field.params().zeroGrads();
            double value = batch.train(s, bg, target, fn);
            double[] grad = field.params().readGrads();
            assertEquals(loss(batch, s, bg, target), value, 1e-12, "Huber value");
            double mse = 0;
            for (int r = 0; r < rays; r++) for (int c = 0; c < 3; c++) mse += Math.pow(out[4 * r + c] - target[3 * r + c], 2);
            assertEquals(mse / (3 * rays), batch.lastMse(), 1e-12, "the mean squared error alongside");

            double[] p0 = field.params().readParams();
            double h = 1e-6, err = 0, scale = 0;
            for (int i = 0; i < p0.length; i++) {
                double[] p = p0.clone();
                p[i] = p0[i] + h;
                field.params().writeParams(p);
                double up = loss(batch, s, bg, target);
                p[i] = p0[i] - h;
                field.params().writeParams(p);
                double down = loss(batch, s, bg, target);
                double fd = (up - down) / (2 * h);
                err = Math.max(err, Math.abs(fd - grad[i]));
                scale = Math.max(scale, Math.abs(grad[i]));
            }
            field.params().writeParams(p0);
            System.out.printf(Locale.ROOT, "radiance Huber loss (delta %.2f), %d rays, %d samples, %d parameters: value %.6f, "
                    + "max |fd - grad| %.2e of max |grad| %.2e%n", DELTA, rays, s.total(), p0.length, value, err, scale);
            assertTrue(scale > 1e-3, "gradients too small to test: " + scale);
            // dL/dout passes through float32 on its way to the device: relative error about 1e-7
            assertTrue(err <= 1e-5 * scale, "finite differences differ by " + err + " (scale " + scale + ")");
        }
    }

    @Test
    void l2IsTheMeanSquaredErrorWithOrWithoutALossFn() {
        try (RefBackend b = new RefBackend()) {
            Field field = field(b);
            VolumeBatch batch = new VolumeBatch(field, 0);
            RayMarcher.Samples s = samples();
            float[] bg = new float[3 * s.rays()], target = new float[3 * s.rays()];
            SplittableRandom rng = new SplittableRandom(8);
            for (int i = 0; i < bg.length; i++) {
                bg[i] = (float) rng.nextDouble();
                target[i] = (float) rng.nextDouble();
            }
            double[] out = batch.render(s, bg);
            double mse = 0;
            for (int r = 0; r < s.rays(); r++) for (int c = 0; c < 3; c++) mse += Math.pow(out[4 * r + c] - target[3 * r + c], 2);
            mse /= 3 * s.rays();
            field.params().zeroGrads();
            double plain = batch.train(s, bg, target);
            double[] g1 = field.params().readGrads();
            field.params().zeroGrads();
            double named = batch.train(s, bg, target, LossFn.of("l2", 0));
            double[] g2 = field.params().readGrads();
            assertEquals(mse, plain, 1e-12);
            assertEquals(plain, named, 0.0);
            assertEquals(plain, batch.lastMse(), 0.0);
            org.junit.jupiter.api.Assertions.assertArrayEquals(g1, g2, 0.0, "the same pass, bit for bit");
        }
    }
}
