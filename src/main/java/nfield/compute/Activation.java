package nfield.compute;

import java.util.random.RandomGenerator;

/**
 * An elementwise activation y = f(z), its derivative, and the weight initialisation that goes
 * with it when it is a network's hidden activation. The OpenCL twin is
 * {@code opencl/network/activation.cl} (selected by {@link #clDefines()}).
 *
 * <ul>
 *   <li>relu: He init, W ~ N(0, 2/in) (He et al. 2015, sec. 2.2).</li>
 *   <li>softplus(beta) = log(1 + e^(beta z)) / beta: geometric init (Atzmon and Lipman, SAL
 *       2020, sec. 4): hidden W ~ N(0, 2/out), output W ~ N(sqrt(pi/in), 1e-4^2), output bias
 *       -radius, so the network starts as the SDF of a sphere; beta = 100 as in IGR (Gropp et
 *       al. 2020, sec. 4).</li>
 *   <li>sine(omega0) = sin(omega0 z): SIREN init (Sitzmann et al. 2020, sec. 3.2): first layer
 *       W ~ U(-1/in, 1/in), later W ~ U(-sqrt(6/in)/omega0, +sqrt(6/in)/omega0); omega0 = 30.</li>
 *   <li>none, sigmoid, trunc_exp: output activations. trunc_exp is exp with its gradient's
 *       argument clamped to [-15, 15] (instant-ngp's density activation, Mueller et al. 2022).</li>
 * </ul>
 */
public record Activation(Kind kind, double param) {
    public enum Kind { NONE, RELU, SOFTPLUS, SINE, SIGMOID, TRUNC_EXP }

    public static final Activation NONE = new Activation(Kind.NONE, 0);
    public static final Activation RELU = new Activation(Kind.RELU, 0);
    public static final Activation SIGMOID = new Activation(Kind.SIGMOID, 0);
    public static final Activation TRUNC_EXP = new Activation(Kind.TRUNC_EXP, 0);
    static final double TRUNC_EXP_CLAMP = 15;

    public static Activation softplus(double beta) {
        return new Activation(Kind.SOFTPLUS, beta);
    }

    public static Activation sine(double omega0) {
        return new Activation(Kind.SINE, omega0);
    }

    public static Activation of(String name, double param) {
        return switch (name) {
            case "none" -> NONE;
            case "relu" -> RELU;
            case "softplus" -> softplus(param);
            case "sine" -> sine(param);
            case "sigmoid" -> SIGMOID;
            case "trunc_exp" -> TRUNC_EXP;
            default -> throw new IllegalArgumentException("unknown activation " + name);
        };
    }

    /** Whether the backward pass needs the pre-activation z (else y suffices). */
    public boolean needsPre() {
        return kind == Kind.SOFTPLUS || kind == Kind.SINE || kind == Kind.TRUNC_EXP;
    }

    public double apply(double z) {
        return switch (kind) {
            case NONE -> z;
            case RELU -> Math.max(z, 0);
            case SOFTPLUS -> Math.max(z, 0) + Math.log1p(Math.exp(-param * Math.abs(z))) / param;
            case SINE -> Math.sin(param * z);
            case SIGMOID -> 1 / (1 + Math.exp(-z));
            case TRUNC_EXP -> Math.exp(z);
        };
    }

    /** dy/dz from the pre-activation z and the output y. */
    public double derivative(double z, double y) {
        return switch (kind) {
            case NONE -> 1;
            case RELU -> z > 0 ? 1 : 0;
            case SOFTPLUS -> 1 / (1 + Math.exp(-param * z));
            case SINE -> param * Math.cos(param * z);
            case SIGMOID -> y * (1 - y);
            case TRUNC_EXP -> Math.exp(Math.max(-TRUNC_EXP_CLAMP, Math.min(TRUNC_EXP_CLAMP, z)));
        };
    }

    /** Build options for the OpenCL kernels. */
    public String clDefines() {
        return "-D ACT=" + kind.ordinal() + " -D ACT_PARAM=" + (float) param + "f";
    }

    /** Where a linear layer sits, for initialisation. */
    public enum Role { FIRST, HIDDEN, OUTPUT }

    /**
     * Initialises a linear layer W [in, out] (row i = weights from input i) and b [out] that
     * this activation follows ({@code role} != OUTPUT) or that ends a network whose hidden
     * activation this is ({@code role} == OUTPUT). {@code zeroRows} marks inputs whose weights
     * start at zero (geometric init: encoded features other than the raw point).
     */
    public void initLayer(RandomGenerator rng, double[] w, int wOff, double[] b, int bOff, int in, int out,
                          Role role, double outputScale, boolean uniform, double radius, boolean[] zeroRows) {
        for (int i = 0; i < in; i++) {
            for (int o = 0; o < out; o++) {
                double v = switch (kind) {
                    case SOFTPLUS -> role == Role.OUTPUT
                            ? Math.sqrt(Math.PI / in) + 1e-4 * rng.nextGaussian()
                            : rng.nextGaussian() * Math.sqrt(2.0 / out);
                    case SINE -> {
                        double bound = role == Role.FIRST ? 1.0 / in : Math.sqrt(6.0 / in) / param;
                        yield (2 * rng.nextDouble() - 1) * bound * (role == Role.OUTPUT ? outputScale : 1);
                    }
                    default -> uniform
                            ? (2 * rng.nextDouble() - 1) / Math.sqrt(in) * (role == Role.OUTPUT ? outputScale : 1)
                            : role == Role.OUTPUT
                            ? rng.nextGaussian() * Math.sqrt(1.0 / in) * outputScale
                            : rng.nextGaussian() * Math.sqrt(2.0 / in);
                };
                if (zeroRows != null && zeroRows[i] && kind == Kind.SOFTPLUS) v = 0;
                w[wOff + i * out + o] = v;
            }
        }
        for (int o = 0; o < out; o++) {
            double v = 0;
            if (kind == Kind.SOFTPLUS && role == Role.OUTPUT) v = -radius;
            if (kind == Kind.SINE) v = (2 * rng.nextDouble() - 1) / Math.sqrt(in);
            b[bOff + o] = v;
        }
    }
}
