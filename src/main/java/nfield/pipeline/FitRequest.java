package nfield.pipeline;

import nfield.config.SceneConfig;
import nfield.config.TrainConfig;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What to fit and how: the data (a mesh file, {@code shape:NAME}, {@code analytic:NAME}, or a
 * posed-image set), the scene, the budget (null: the scene's own stopping rules), the seed
 * (null: the scene's), a checkpoint to resume from (null: a fresh field), where to write the
 * field (null: only returned; checkpoints on stop then need a file), snapshots along the way,
 * the control that stops it, and how often to checkpoint while it runs (seconds, 0: at the end). The compute device is the {@link nfield.compute.Backend} the
 * fit is called with.
 */
public record FitRequest(String data, SceneConfig scene, Budget budget, Long seed, Path resume, Path output,
                         List<Snapshot> snapshots, FitControl control, double checkpointEvery) {
    public FitRequest {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(scene, "scene");
        if (!(checkpointEvery >= 0) || Double.isInfinite(checkpointEvery)) {
            throw new FitError("--checkpoint-every " + checkpointEvery + ": a duration such as 5m, or 0 for none");
        }
        snapshots = snapshots == null ? List.of() : List.copyOf(snapshots);
        if (control == null) control = new FitControl();
    }

    /** A fresh fit of {@code data} with {@code scene}'s own budget and seed, returned and not written. */
    public static FitRequest of(String data, SceneConfig scene) {
        return new FitRequest(data, scene, null, null, null, null, List.of(), null, 0);
    }

    public FitRequest withBudget(Budget b) { return new FitRequest(data, scene, b, seed, resume, output, snapshots, control, checkpointEvery); }

    public FitRequest withSeed(long s) { return new FitRequest(data, scene, budget, s, resume, output, snapshots, control, checkpointEvery); }

    public FitRequest withResume(Path r) { return new FitRequest(data, scene, budget, seed, r, output, snapshots, control, checkpointEvery); }

    public FitRequest withOutput(Path o) { return new FitRequest(data, scene, budget, seed, resume, o, snapshots, control, checkpointEvery); }

    public FitRequest withSnapshots(List<Snapshot> s) { return new FitRequest(data, scene, budget, seed, resume, output, s, control, checkpointEvery); }

    public FitRequest withControl(FitControl c) { return new FitRequest(data, scene, budget, seed, resume, output, snapshots, c, checkpointEvery); }

    /**
     * Also write the checkpoint to the output every {@code seconds} of training (0: only at the
     * end), atomically as always, so a killed fit loses at most that much.
     */
    public FitRequest withCheckpointEvery(double seconds) {
        return new FitRequest(data, scene, budget, seed, resume, output, snapshots, control, seconds);
    }

    /** When to stop: after {@code steps} steps and/or {@code seconds} of training (0: no such limit; not both 0). */
    public record Budget(int steps, double seconds) {
        public Budget {
            if (steps < 0 || seconds < 0 || (steps == 0 && seconds == 0)) {
                throw new FitError("a budget needs a positive step count or time, got " + steps + " steps and " + seconds + " s");
            }
        }

        public static Budget steps(int n) { return new Budget(n, 0); }

        public static Budget seconds(double s) { return new Budget(0, s); }
    }

    /** Also write the field as {@code FIELD-label.nfield} once training has run {@code seconds}. */
    public record Snapshot(double seconds, String label) {}

    /** The training settings this request runs: the scene's, its stops replaced by the budget. */
    TrainConfig train() {
        TrainConfig t = scene.train();
        return budget == null ? t : t.withStops(budget.steps(), budget.seconds());
    }

    long seedOrScene() {
        return seed == null ? scene.train().seed() : seed;
    }

    /** "N steps or T or loss <= L": the stopping rules of {@code t}. */
    static String stops(TrainConfig t) {
        StringBuilder b = new StringBuilder();
        if (t.steps() > 0) b.append(t.steps()).append(" steps");
        if (t.seconds() > 0) b.append(b.length() > 0 ? " or " : "").append(Durations.format(t.seconds()));
        if (t.targetLoss() > 0) b.append(b.length() > 0 ? " or " : "").append("loss <= ").append(t.targetLoss());
        return b.toString();
    }
}
