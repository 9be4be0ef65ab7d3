package nfield.testing;

import nfield.compute.Backend;
import nfield.compute.ParamStore;
import nfield.compute.Tensor;
import nfield.field.Component;
import nfield.field.Field;

import java.util.random.RandomGenerator;

/**
 * A field seen as one component for the gradient and parity harnesses. {@code DIRECTIONS}: in
 * [B, 6] = (point, view direction) → [B, 4] through {@link Field#forward(Tensor, Tensor, Tensor)},
 * the input gradient is (dPoints, dDirs). {@code DENSITY}: in [B, 3] → [B, 1] through
 * {@link Field#forwardDensity}.
 */
public final class ViewField implements Component {
    public enum Mode { DIRECTIONS, DENSITY }

    private final Field field;
    private final Mode mode;
    private Tensor points, dirs, dPoints, dDirs;

    private record Ctx(Context inner, int rows) implements Context {}

    public ViewField(Field field, Mode mode) {
        this.field = field;
        this.mode = mode;
    }

    public static Standalone of(Field f, Mode mode) {
        return new Standalone(new ViewField(f, mode), f.params());
    }

    @Override public int inputWidth() { return mode == Mode.DIRECTIONS ? 6 : 3; }

    @Override public int outputWidth() { return mode == Mode.DIRECTIONS ? field.outputWidth() : 1; }

    @Override public int paramCount() { return field.paramCount(); }

    @Override public void initParams(RandomGenerator rng, double[] dst, int offset) { field.initParams(rng, dst, offset); }

    @Override public void attach(ParamStore store, int offset, String prefix) { throw new UnsupportedOperationException("owns its store"); }

    @Override
    public Context forward(Tensor in, Tensor out) {
        checkForward(in, out);
        if (mode == Mode.DENSITY) return new Ctx(field.forwardDensity(in, out), in.rows());
        Backend b = field.backend();
        int rows = in.rows();
        if (points == null || points.rows() < rows) {
            points = b.alloc(rows, 3);
            dirs = b.alloc(rows, 3);
            dPoints = b.alloc(rows, 3);
            dDirs = b.alloc(rows, 3);
        }
        b.copyCols(in, 0, points.view(rows), 0, 3, false);
        b.copyCols(in, 3, dirs.view(rows), 0, 3, false);
        return new Ctx(field.forward(points.view(rows), dirs.view(rows), out), rows);
    }

    @Override
    public void backward(Context ctx, Tensor dOut, Tensor dIn) {
        Ctx c = (Ctx) ctx;
        if (mode == Mode.DENSITY) {
            field.backward(c.inner(), dOut, dIn);
            return;
        }
        Backend b = field.backend();
        int rows = c.rows();
        field.backward(c.inner(), dOut, dIn == null ? null : dPoints.view(rows), dIn == null ? null : dDirs.view(rows));
        if (dIn != null) {
            b.copyCols(dPoints.view(rows), 0, dIn, 0, 3, false);
            b.copyCols(dDirs.view(rows), 0, dIn, 3, 3, false);
        }
    }
}
