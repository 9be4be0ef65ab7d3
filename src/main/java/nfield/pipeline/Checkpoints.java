package nfield.pipeline;

import nfield.compute.Backend;
import nfield.config.Json;
import nfield.field.Field;
import nfield.field.FieldMeta;
import nfield.field.FittedField;
import nfield.io.FieldFile;
import nfield.train.Trainer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * Resume, snapshots and the final write, the same for every kind of fit: a field file is a
 * checkpoint (weights, Adam's moments, step count, scene), so a fit resumed from one continues
 * exactly; snapshots are plain fields written when training time passes each mark.
 */
final class Checkpoints {
    private Checkpoints() {}

    /** The metadata of checkpoint {@code resume}, checked to exist. */
    static FieldMeta meta(Path resume) throws IOException {
        if (!Files.isRegularFile(resume)) throw new FitError(resume + ": no such file");
        return FieldFile.readMeta(resume);
    }

    /** A started field: resumed from a checkpoint (its steps), or fresh from the seed (0 steps). */
    record Start(Field field, long steps) {}

    /**
     * The field to train: {@code req.resume()}'s, after checking that it was fitted with this
     * field config and to data normalised as {@code meta} is ({@code what}: "data" or "a scene
     * box"), else a fresh field initialised from {@code seed}.
     */
    static Start start(FitRequest req, FieldMeta meta, long seed, Backend backend, FitListener listener) throws IOException {
        if (req.resume() == null) {
            Field field = Field.of(meta.config(), backend);
            field.init(seed);
            return new Start(field, 0);
        }
        FieldMeta stored = meta(req.resume());
        if (!stored.config().equals(meta.config())) {
            throw new FitError(req.resume() + ": its field (" + Json.write(stored.config().toJson()) + ") differs from the scene's ("
                    + Json.write(meta.config().toJson()) + "); resume with the scene it was trained with, or without --config");
        }
        boolean was = stored.radiance() != null && stored.radiance().contracted(), is = meta.radiance() != null && meta.radiance().contracted();
        if (was != is) {
            throw new FitError(req.resume() + ": it was fitted " + (was ? "with" : "without") + " the space beyond its box of interest contracted, "
                    + "this fit would be " + (is ? "with" : "without") + "; resume with --contract " + (was ? "on" : "off"));
        }
        if (!stored.normalization().equals(meta.normalization())) {
            String what = meta.isSdf() ? "data normalised as " : "a scene box normalised as ";
            throw new FitError(req.resume() + ": it was fitted to " + what + json(stored) + ", but " + req.data() + " gives "
                    + json(meta) + "; resume on the same data");
        }
        FittedField f = FieldFile.loadForTraining(req.resume(), backend);
        boolean moments = FieldFile.loadOptimizer(req.resume(), f.field());
        listener.info(String.format(Locale.ROOT, "resuming %s at step %d%s", req.resume(), stored.steps(),
                moments ? "" : " (it holds no optimizer state: Adam's moments start from zero)"));
        return new Start(f.field(), stored.steps());
    }

    private static String json(FieldMeta m) {
        return Json.write(Json.MAPPER.valueToTree(m.normalization().toArray()));
    }

    /**
     * {@code listener}, and on each report past a snapshot's time the field written as
     * {@code FIELD-label.nfield} beside the output (no optimizer state).
     */
    private static Trainer.Listener withSnapshots(FitRequest req, FittedField fitted, FitListener listener) {
        if (req.snapshots().isEmpty()) return listener;
        if (req.output() == null) throw new FitError("snapshots are written beside the output: the request names no output");
        TreeMap<Double, String> due = new TreeMap<>();
        for (FitRequest.Snapshot s : req.snapshots()) due.put(s.seconds(), s.label());
        String base = req.output().getFileName().toString().replaceFirst("\\.[^.]*$", "");
        return p -> {
            listener.progress(p);
            while (!due.isEmpty() && p.elapsedS() >= due.firstKey()) {
                Path snap = req.output().resolveSibling(base + "-" + due.pollFirstEntry().getValue() + ".nfield");
                try {
                    FieldFile.write(snap, fitted.atStep(p.step()), false);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                listener.snapshot(snap, p.elapsedS(), p.step());
            }
        };
    }

    /** What {@link #train} returns: the field as trained (and written), the last named loss terms, the training time. */
    record Trained(FittedField fitted, Map<String, Double> terms, double seconds) {}

    /**
     * Tells the listener the field has started, runs {@code trainer} under the request's control
     * (a stop request or, on the command line, Ctrl-C ends it after the current step) with
     * snapshots, then writes {@code finish} of the field as trained (its step count set; a fit
     * may add what it learnt while training) to the output as a checkpoint if the request names
     * one, before a signal lets the JVM exit.
     */
    static Trained train(FitRequest req, Trainer trainer, FittedField initial, FitListener listener, UnaryOperator<FittedField> finish)
            throws IOException {
        TrainingLog log = null;
        if (req.output() != null) { // NAME.train.jsonl beside the field: appended when resumed into the same file
            boolean append = req.resume() != null && req.resume().toAbsolutePath().normalize().equals(req.output().toAbsolutePath().normalize());
            try {
                log = TrainingLog.open(req.output(), append);
                listener = log.tee(listener);
            } catch (IOException e) {
                listener.info("warning: no training log: " + e.getMessage());
            }
        }
        listener.started(initial);
        Map<String, Double> terms = new LinkedHashMap<>();
        Trainer.Listener progress = withSnapshots(req, initial, listener);
        long t0 = System.nanoTime();
        double every = req.output() == null ? 0 : req.checkpointEvery();
        double[] due = {every};
        FitListener events = listener;
        try (var scope = req.control().bind(trainer)) {
            trainer.run(p -> {
                terms.clear();
                terms.putAll(p.terms());
                progress.progress(p);
                if (every > 0 && p.elapsedS() >= due[0]) {
                    // the checkpoint as the end would write it, so that `fit --resume` after a kill continues from here
                    try {
                        FieldFile.write(req.output(), finish.apply(initial.atStep(p.step())), true);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    events.checkpoint(req.output(), p.elapsedS(), p.step());
                    while (due[0] <= p.elapsedS()) due[0] += every;
                }
            });
            FittedField f = finish.apply(initial.atStep(trainer.optimizer().steps()));
            if (req.output() != null) FieldFile.write(req.output(), f, true);
            return new Trained(f, terms, (System.nanoTime() - t0) * 1e-9);
        } finally {
            if (log != null) log.closeQuietly();
        }
    }
}
