package nfield.train;

import nfield.compute.Tensor;

/** Fills one training batch on the device: points [B, 3] and targets [B, C]. */
public interface SampleSource {
    void next(Tensor points, Tensor targets, long step);

    /** Target columns. */
    int targetWidth();

    /** A one-line description for progress output. */
    String describe();
}
