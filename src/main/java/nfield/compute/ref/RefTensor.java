package nfield.compute.ref;

import nfield.compute.Tensor;

/** A reference tensor: doubles in a plain array (row-major). */
final class RefTensor implements Tensor {
    final double[] a;
    private final int rows, cols;

    RefTensor(double[] a, int rows, int cols) {
        this.a = a;
        this.rows = rows;
        this.cols = cols;
    }

    @Override public int rows() { return rows; }

    @Override public int cols() { return cols; }

    @Override
    public Tensor view(int r) {
        if (r < 0 || r > rows) throw new IllegalArgumentException("view of " + r + " rows from " + rows);
        return r == rows ? this : new RefTensor(a, r, cols);
    }
}
