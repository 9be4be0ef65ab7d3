package nfield.pipeline;

import nfield.field.FittedField;
import nfield.train.Trainer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A third listener (beside the progress bar and --json): records what a fit reports, in order. */
class Recorder implements FitListener {
    final List<String> events = new ArrayList<>();
    final List<Trainer.Progress> progress = new ArrayList<>();
    final List<Path> snapshots = new ArrayList<>();
    FittedField started;

    @Override
    public void info(String line) {
        events.add("info " + line);
    }

    @Override
    public void started(FittedField f) {
        events.add("started");
        started = f;
    }

    @Override
    public void progress(Trainer.Progress p) {
        events.add("progress " + p.step());
        progress.add(p);
    }

    @Override
    public void snapshot(Path file, double elapsedS, long step) {
        events.add("snapshot " + file.getFileName());
        snapshots.add(file);
    }
}
