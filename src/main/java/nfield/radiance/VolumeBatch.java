package nfield.radiance;

import nfield.compute.Backend;
import nfield.compute.LossFn;
import nfield.compute.Tensor;
import nfield.field.Component;
import nfield.field.Field;

/**
 * A radiance field rendered along a batch of rays on its backend: the field at every sample
 * (a view-dependent field also sees the sample's ray direction), then {@link Backend#volumeRender}; for training also the photometric loss and the backward pass
 * into the field's parameter gradients. Buffers grow to the largest batch seen.
 */
public final class VolumeBatch {
    private final Field field;
    private final Backend b;
    private final double minTransmittance;
    private int sampleCap, rayCap;
    private Tensor points, dirs, deltas, values, dValues, rays, background, out, dOut, images, dPoints, dDirs;
    private float[] dOutHost = new float[0], dirsHost = new float[0], imagesHost = new float[0];
    private final nfield.field.RadianceField coded; // the field when it has appearance codes, else null
    private double lastMse = Double.NaN;

    public VolumeBatch(Field field, double minTransmittance) {
        if (!field.config().kind().equals("radiance")) throw new IllegalArgumentException("volume rendering needs a radiance field");
        this.field = field;
        this.b = field.backend();
        this.minTransmittance = minTransmittance;
        this.coded = field instanceof nfield.field.RadianceField rf && rf.appearance() != null ? rf : null;
    }

    private void ensure(int samples, int nrays) {
        if (samples > sampleCap) {
            sampleCap = Math.max(samples, sampleCap + sampleCap / 2);
            points = b.alloc(sampleCap, 3);
            if (field.viewDependent()) {
                dirs = b.alloc(sampleCap, 3);
                dirsHost = new float[3 * sampleCap];
            }
            deltas = b.alloc(sampleCap, 1);
            dPoints = null; // allocated at this size when asked for
            dDirs = null;
            values = b.alloc(sampleCap, 4);
            dValues = b.alloc(sampleCap, 4);
            if (coded != null) {
                images = b.alloc(sampleCap, 1);
                imagesHost = new float[sampleCap];
            }
        }
        if (nrays > rayCap) {
            rayCap = Math.max(nrays, rayCap + rayCap / 2);
            rays = b.alloc(rayCap, 2);
            background = b.alloc(rayCap, 3);
            out = b.alloc(rayCap, 4);
            dOut = b.alloc(rayCap, 4);
            dOutHost = new float[4 * rayCap];
        }
    }

    /**
     * The field at every sample and the volume rendering. {@code rayImages}: the training image of
     * every ray, for a field with appearance codes (each sample takes its image's code); null:
     * every sample takes the field's fixed or mean code.
     */
    private Component.Context forward(RayMarcher.Samples s, float[] bg, int[] rayImages) {
        ensure(Math.max(1, s.total()), s.rays());
        int n = Math.max(1, s.total());
        Tensor p = points.view(n), d = deltas.view(n), v = values.view(n), dir = dirs == null ? null : dirs.view(n);
        if (s.total() > 0) {
            b.write(p, s.points());
            b.write(d, s.deltas());
            if (dir != null) {
                s.directions(dirsHost);
                b.write(dir, dirsHost); // the first n·3 values are used
            }
        }
        if (coded != null) {
            if (rayImages != null && s.total() > 0) {
                int[] first = s.first(), count = s.count();
                for (int r = 0; r < s.rays(); r++) java.util.Arrays.fill(imagesHost, first[r], first[r] + count[r], rayImages[r]);
                b.write(images.view(n), java.util.Arrays.copyOf(imagesHost, n));
                coded.useImages(images.view(n));
            } else {
                coded.useImages(null);
            }
        }
        b.write(rays.view(s.rays()), s.rayTable());
        b.write(background.view(s.rays()), bg);
        Component.Context ctx = s.total() > 0 ? field.forward(p, dir, v) : null;
        b.volumeRender(v, d, rays.view(s.rays()), background.view(s.rays()), minTransmittance, out.view(s.rays()));
        return ctx;
    }

    /** Renders the rays: [R, 4] = (r, g, b, opacity), background [R, 3] behind them. */
    public double[] render(RayMarcher.Samples s, float[] bg) {
        if (s.rays() == 0) return new double[0];
        forward(s, bg, null);
        return b.read(out.view(s.rays()));
    }

    /**
     * One training pass: renders the rays, takes the mean squared error against {@code target}
     * [R, 3] over rays and channels, and accumulates its gradient into the field's parameter
     * gradients (the caller zeroes them and steps the optimizer). Returns the loss.
     */
    public double train(RayMarcher.Samples s, float[] bg, float[] target) {
        return train(s, bg, target, null);
    }

    /**
     * {@link #train(RayMarcher.Samples, float[], float[])} with the photometric loss {@code loss}
     * (null or l2: the mean squared error, as there) averaged over rays and channels; returns its
     * value. {@link #lastMse()} then has the mean squared error of the same pass.
     */
    public double train(RayMarcher.Samples s, float[] bg, float[] target, LossFn loss) {
        return train(s, bg, target, loss, null);
    }

    /**
     * {@link #train(RayMarcher.Samples, float[], float[], LossFn)} with the training image of every
     * ray ({@code rayImages} [R]; null: none), which a field with appearance codes needs: each
     * sample takes its image's code, and the gradient reaches that code.
     */
    public double train(RayMarcher.Samples s, float[] bg, float[] target, LossFn loss, int[] rayImages) {
        return train(s, bg, target, loss, rayImages, null);
    }

    /**
     * The loss's gradient at every sample of a {@link #train} pass, for what moves the samples
     * (the cameras' corrections): with respect to the field point [total, 3] and, for a field
     * that sees it, the view direction [total, 3] (else null).
     */
    public record SampleGradients(float[] points, float[] dirs) {}

    /**
     * {@link #train(RayMarcher.Samples, float[], float[], LossFn, int[])}; with {@code into}
     * non-null its one element is set to the gradients at the samples (null for no samples).
     */
    public double train(RayMarcher.Samples s, float[] bg, float[] target, LossFn loss, int[] rayImages, SampleGradients[] into) {
        int r = s.rays();
        if (into != null) into[0] = null;
        lastMse = Double.NaN;
        if (r == 0) return Double.NaN;
        if (coded != null && rayImages == null) {
            throw new IllegalArgumentException("a field with appearance codes trains on rays that name their image");
        }
        Component.Context ctx = forward(s, bg, rayImages);
        double[] o = b.read(out.view(r));
        double sum = 0, scale = 2.0 / (3.0 * r);
        double value = 0;
        if (loss == null || loss.kind() == LossFn.Kind.L2) {
            for (int i = 0; i < r; i++) {
                for (int c = 0; c < 3; c++) {
                    double e = o[4 * i + c] - target[3 * i + c];
                    sum += e * e;
                    dOutHost[4 * i + c] = (float) (scale * e);
                }
                dOutHost[4 * i + 3] = 0;
            }
            value = sum / (3.0 * r);
        } else {
            double inv = 1.0 / (3.0 * r);
            for (int i = 0; i < r; i++) {
                for (int c = 0; c < 3; c++) {
                    double p = o[4 * i + c], t = target[3 * i + c], e = p - t;
                    sum += e * e;
                    value += loss.value(p, t);
                    dOutHost[4 * i + c] = (float) (inv * loss.grad(p, t));
                }
                dOutHost[4 * i + 3] = 0;
            }
            value *= inv;
        }
        lastMse = sum / (3.0 * r);
        if (ctx != null) {
            Tensor dv = dValues.view(s.total());
            b.write(dOut.view(r), dOutHost);
            b.volumeRenderBackward(values.view(s.total()), deltas.view(s.total()), rays.view(r), background.view(r),
                    minTransmittance, out.view(r), dOut.view(r), dv);
            if (into == null) {
                field.backward(ctx, dv, null);
            } else {
                int n = s.total();
                if (dPoints == null) {
                    dPoints = b.alloc(sampleCap, 3);
                    if (field.viewDependent()) dDirs = b.alloc(sampleCap, 3);
                }
                Tensor dp = dPoints.view(n), dd = dDirs == null ? null : dDirs.view(n);
                field.backward(ctx, dv, dp, dd);
                into[0] = new SampleGradients(floats(b.read(dp)), dd == null ? null : floats(b.read(dd)));
            }
        }
        if (coded != null) coded.useImages(null); // what renders next names no image
        return value;
    }

    private static float[] floats(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) f[i] = (float) d[i];
        return f;
    }

    /** The mean squared colour error of the last {@link #train} pass (NaN before one, or for no rays). */
    public double lastMse() { return lastMse; }
}
