package nfield.compute;

import java.util.ArrayList;
import java.util.List;

/**
 * One flat vector of parameters with its gradients and Adam moments, all on one backend.
 * Components own named slices of it ({@link Slice}); the layout is the one export,
 * GLSL and the viewer read (see {@code FORMAT.md}).
 */
public final class ParamStore {
    /** A named tensor inside the flat vector; frozen slices (e.g. Fourier matrices) are not trained. */
    public record Slice(String name, int offset, int[] shape, boolean trainable) {
        public int length() {
            int n = 1;
            for (int s : shape) n *= s;
            return n;
        }
    }

    private final Backend backend;
    private final int size;
    private final Tensor params, grads, m, v;
    private final List<Slice> slices = new ArrayList<>();

    public ParamStore(Backend backend, int size) {
        this.backend = backend;
        this.size = size;
        int n = Math.max(size, 1);
        params = backend.alloc(1, n);
        grads = backend.alloc(1, n);
        m = backend.alloc(1, n);
        v = backend.alloc(1, n);
    }

    public Backend backend() { return backend; }

    public int size() { return size; }

    public Tensor params() { return params; }

    public Tensor grads() { return grads; }

    private boolean accumulate = true;

    /**
     * Where backward passes add parameter gradients: {@link #grads()}, or null while
     * {@link #pointGradientsOnly} is on (gradients with respect to the points only, e.g. normals).
     */
    public Tensor gradsTarget() { return accumulate ? grads : null; }

    /** Turns parameter gradients off (true) or back on (false) for the backward passes that follow. */
    public void pointGradientsOnly(boolean on) { accumulate = !on; }

    public Tensor m() { return m; }

    public Tensor v() { return v; }

    public void addSlice(Slice s) {
        if (s.offset() < 0 || s.offset() + s.length() > size) throw new IllegalArgumentException("slice " + s.name() + " out of range");
        slices.add(s);
    }

    /**
     * Offset of the first trainable parameter: frozen slices (e.g. a Fourier matrix) come first
     * in the layout, so the optimizer updates one contiguous tail; a frozen slice after a
     * trainable one is an error.
     */
    public int trainableOffset() {
        int first = size;
        for (Slice s : slices) if (s.trainable()) first = Math.min(first, s.offset());
        for (Slice s : slices) {
            if (!s.trainable() && s.offset() >= first) throw new IllegalStateException("frozen tensor " + s.name() + " lies among trainable ones");
        }
        return first;
    }

    public List<Slice> slices() {
        return List.copyOf(slices);
    }

    private boolean gradsZero; // the gradients are all 0: Adam cleared them as it read them, and nothing has written since

    /** Clears the gradients before a step's backward passes (nothing to do after an Adam step that cleared them). */
    public void zeroGrads() {
        if (!gradsZero) backend.fill(grads, 0);
        gradsZero = false; // the caller is about to write them
    }

    /** Says that an Adam step has just set every gradient to 0 ({@code Backend.adam(..., true)} over the whole store). */
    public void gradsCleared() {
        gradsZero = true;
    }

    public void resetOptimizer() {
        backend.fill(m, 0);
        backend.fill(v, 0);
    }

    public double[] readParams() {
        return trim(backend.read(params));
    }

    public double[] readGrads() {
        return trim(backend.read(grads));
    }

    private double[] trim(double[] a) {
        return a.length == size ? a : java.util.Arrays.copyOf(a, size);
    }

    public double[] readM() {
        return trim(backend.read(m));
    }

    public double[] readV() {
        return trim(backend.read(v));
    }

    /** Restores Adam's moment estimates (resuming from a checkpoint). */
    public void writeOptimizer(double[] mValues, double[] vValues) {
        if (mValues.length != size || vValues.length != size) {
            throw new IllegalArgumentException("expected " + size + " optimizer values, got " + mValues.length + " and " + vValues.length);
        }
        if (size == 0) return;
        backend.write(m, mValues);
        backend.write(v, vValues);
    }

    public void writeParams(double[] p) {
        if (p.length != size) throw new IllegalArgumentException("expected " + size + " parameters, got " + p.length);
        backend.write(params, size == 0 ? new double[1] : p);
    }
}
