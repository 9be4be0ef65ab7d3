package nfield.compute;

/** A row-major float matrix [rows, cols] held by a backend. Views share storage. */
public interface Tensor {
    int rows();

    int cols();

    /** The first {@code rows} rows, sharing storage (for batches smaller than the capacity). */
    Tensor view(int rows);

    default long size() {
        return (long) rows() * cols();
    }

    static void checkShape(String what, Tensor t, int rows, int cols) {
        if (t.rows() != rows || t.cols() != cols) {
            throw new IllegalArgumentException(what + ": expected [" + rows + ", " + cols + "], got [" + t.rows() + ", " + t.cols() + "]");
        }
    }

    static void checkCols(String what, Tensor t, int cols) {
        if (t.cols() != cols) {
            throw new IllegalArgumentException(what + ": expected " + cols + " columns, got [" + t.rows() + ", " + t.cols() + "]");
        }
    }
}
