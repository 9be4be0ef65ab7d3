package nfield.compute.opencl;

import nfield.compute.Tensor;
import org.jocl.cl_mem;

/** A device buffer viewed as [rows, cols] floats. Views share the buffer. */
final class ClTensor implements Tensor {
    final cl_mem mem;
    private final int rows, cols;

    ClTensor(cl_mem mem, int rows, int cols) {
        this.mem = mem;
        this.rows = rows;
        this.cols = cols;
    }

    @Override public int rows() { return rows; }

    @Override public int cols() { return cols; }

    @Override
    public Tensor view(int r) {
        if (r < 0 || r > rows) throw new IllegalArgumentException("view of " + r + " rows from " + rows);
        return r == rows ? this : new ClTensor(mem, r, cols);
    }
}
