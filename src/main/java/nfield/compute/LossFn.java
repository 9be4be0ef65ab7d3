package nfield.compute;

/**
 * Elementwise data losses and their derivatives in the prediction. The OpenCL twin is
 * {@code opencl/train/loss.cl}.
 * <ul>
 *   <li>l2: (p - t)^2</li>
 *   <li>l1: |p - t|</li>
 *   <li>clamped_l1: |clamp(p, -d, d) - clamp(t, -d, d)| (DeepSDF, Park et al. 2019, eq. 4)</li>
 *   <li>huber: r^2 / (2d) for |r| &lt; d, else |r| - d/2 (scaled so it is L1-like, slope 1)</li>
 * </ul>
 */
public record LossFn(Kind kind, double delta) {
    public enum Kind { L2, L1, CLAMPED_L1, HUBER }

    public static LossFn of(String name, double delta) {
        return new LossFn(Kind.valueOf(name.toUpperCase(java.util.Locale.ROOT)), delta);
    }

    public double value(double p, double t) {
        return switch (kind) {
            case L2 -> (p - t) * (p - t);
            case L1 -> Math.abs(p - t);
            case CLAMPED_L1 -> Math.abs(clamp(p) - clamp(t));
            case HUBER -> {
                double r = Math.abs(p - t);
                yield r < delta ? r * r / (2 * delta) : r - delta / 2;
            }
        };
    }

    public double grad(double p, double t) {
        if (Double.isNaN(p)) return p; // a NaN prediction is never a zero gradient: the trainer must see it
        return switch (kind) {
            case L2 -> 2 * (p - t);
            case L1 -> Math.signum(p - t);
            case CLAMPED_L1 -> Math.abs(p) < delta ? Math.signum(clamp(p) - clamp(t)) : 0;
            case HUBER -> {
                double r = p - t;
                yield Math.abs(r) < delta ? r / delta : Math.signum(r);
            }
        };
    }

    private double clamp(double x) {
        return Math.max(-delta, Math.min(delta, x));
    }

    public String clDefines() {
        return "-D LOSS=" + kind.ordinal() + " -D LOSS_DELTA=" + (float) delta + "f";
    }
}
