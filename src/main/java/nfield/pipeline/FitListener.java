package nfield.pipeline;

import nfield.field.FittedField;
import nfield.train.Trainer;

import java.nio.file.Path;

/**
 * What a fit reports while it runs, on the fitting thread: lines for a person ({@link #info}),
 * the field once it exists (before the first step: a live view bakes it from here), progress
 * every {@code train.log_every} steps, and snapshots written. The command line's progress bar
 * and its {@code --json} events are listeners; so is a test.
 */
public interface FitListener extends Trainer.Listener {
    FitListener NONE = new FitListener() {};

    /** A line such as "sampled 1,048,576 points in 2.1 s". */
    default void info(String line) {}

    /** The field about to be trained (weights initialised or resumed). */
    default void started(FittedField fitted) {}

    @Override
    default void progress(Trainer.Progress p) {}

    /** A snapshot was written. */
    default void snapshot(Path file, double elapsedS, long step) {}

    /** A periodic checkpoint was written to the output (see {@link FitRequest#withCheckpointEvery}). */
    default void checkpoint(Path file, double elapsedS, long step) {}
}
