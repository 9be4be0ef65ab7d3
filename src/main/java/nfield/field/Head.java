package nfield.field;

import nfield.compute.Activation;
import nfield.compute.ParamStore;
import nfield.compute.Tensor;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Output activations by column range: raw [B, W] → out [B, W]. The SDF head is one identity
 * column; the radiance head is density (softplus or trunc_exp) then RGB through a sigmoid.
 */
public final class Head implements Component {
    public record Segment(int col0, int ncols, Activation act) {}

    private final int width;
    private final List<Segment> segments;
    private ParamStore store;

    private record Ctx(Tensor raw, Tensor out) implements Context {}

    public Head(int width, List<Segment> segments) {
        this.width = width;
        this.segments = List.copyOf(segments);
    }

    public static Head sdf() {
        return new Head(1, List.of(new Segment(0, 1, Activation.NONE)));
    }

    public static Head radiance(Activation density) {
        return new Head(4, List.of(new Segment(0, 1, density), new Segment(1, 3, Activation.SIGMOID)));
    }

    /** The same activation on every column (used to test activations on their own). */
    public static Head of(int width, Activation act) {
        return new Head(width, List.of(new Segment(0, width, act)));
    }

    public boolean isIdentity() {
        return segments.stream().allMatch(s -> s.act().kind() == Activation.Kind.NONE);
    }

    @Override public int inputWidth() { return width; }

    @Override public int outputWidth() { return width; }

    @Override public int paramCount() { return 0; }

    @Override public void initParams(RandomGenerator rng, double[] dst, int offset) { }

    @Override public void attach(ParamStore s, int offset, String prefix) { store = s; }

    @Override
    public Context forward(Tensor raw, Tensor out) {
        checkForward(raw, out);
        for (Segment s : segments) store.backend().activation(raw, out, s.col0(), s.ncols(), s.act());
        return new Ctx(raw, out);
    }

    @Override
    public void backward(Context ctx, Tensor dOut, Tensor dIn) {
        if (dIn == null) return;
        Ctx c = (Ctx) ctx;
        for (Segment s : segments) {
            store.backend().activationBackward(c.raw(), c.out(), dOut, dIn, s.col0(), s.ncols(), s.act());
        }
    }
}
