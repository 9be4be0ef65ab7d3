package nfield.pipeline.many;

import com.fasterxml.jackson.databind.node.ObjectNode;
import nfield.compute.Backend;
import nfield.config.Json;
import nfield.config.SceneConfig;
import nfield.data.mesh.Mesh;
import nfield.data.mesh.MeshMetrics;
import nfield.field.FieldMeta;
import nfield.field.FittedField;
import nfield.io.FieldFile;
import nfield.io.FieldMesher;
import nfield.io.MeshWriter;
import nfield.pipeline.FitControl;
import nfield.pipeline.FitError;
import nfield.pipeline.FitListener;
import nfield.pipeline.TrainingLog;
import nfield.pipeline.FitRequest;
import nfield.pipeline.FitResult;
import nfield.pipeline.Fits;
import nfield.pipeline.SdfFit;
import nfield.train.Trainer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Many signed distance fields, one a shape, into one folder ({@code nfield fit-many}). The local
 * engine: shapes one after another on one backend (one OpenCL context, its programs compiled
 * once), the next shape's preparation (reading, BVH, sign, first pool) on a helper thread while
 * this one trains, and its Chamfer/IoU scored there while the next trains, every tensor of a
 * shape released when it is done. Each field is written atomically as {@code DIR/NAME.nfield}
 * (a checkpoint, the mesh's normalisation in it) and its record into {@link Results}; a shape
 * whose field is there is skipped unless {@code force}; a shape that cannot be read or fitted is
 * recorded as failed and the run goes on. Each shape's seed derives from its name (and the
 * scene's seed), so a rerun draws the same samples from the same start: under a step budget the
 * same field, bit for bit (the OpenCL backend's default hash scatter sums in a fixed order).
 */
public final class FitMany {
    private FitMany() {}

    /**
     * The run's settings: the output folder; the scene (a file, a built-in name, or null for
     * sdf-default); a time and/or step budget a shape (null: the scene's); the base seed (null:
     * the scene's); refit what is done; write each surface as {@code NAME.ply} ({@code mesh})
     * and score it against its own mesh ({@code eval}) on a {@code res}^3 grid with
     * {@code evalPoints} points; the SDF fit's own options.
     */
    public record Options(Path dir, String scene, Double seconds, Integer steps, Long seed, boolean force, boolean mesh, boolean eval,
                          int res, int evalPoints, SdfFit.Options sdf) {
        public Options {
            if (dir == null) throw new FitError("fit-many needs an output folder (-o DIR)");
            if (seconds != null && !(seconds > 0)) throw new FitError("--time must be positive");
            if (steps != null && steps < 1) throw new FitError("--steps " + steps + ": must be at least 1");
            if (res < 16 || res > 1024) throw new FitError("--res " + res + ": must be in [16, 1024]");
            if (evalPoints < 1000) throw new FitError("--eval-points " + evalPoints + ": must be at least 1000");
            if (sdf == null) sdf = SdfFit.Options.DEFAULT;
        }
    }

    /** What a run reports, on the fitting thread (records may come from the scoring thread). */
    public interface Listener {
        /** A line for a person: a warning, a skipped shape. */
        default void info(String line) {}

        /** Shape {@code index} (0-based, of {@code total}) starts training; {@code etaS}: the whole run's time left. */
        default void started(int index, int total, ShapeJob job, double etaS) {}

        /** The training progress of the shape that runs. */
        default void progress(ShapeJob job, Trainer.Progress p, double etaS) {}

        /** A shape's record is written ({@code done} shapes of {@code total} have one). */
        default void finished(int done, int total, ObjectNode record) {}
    }

    /** The run as it ended: every shape's record in manifest order, and counts; {@code budgetS}: the time budgets of the shapes fitted. */
    public record Summary(List<ObjectNode> records, int fitted, int skipped, int failed, boolean stopped, double wallS, double budgetS) {}

    static final Pattern TEMP = Pattern.compile("^\\..+\\.(\\d+)\\.tmp$");

    /** The seed of shape {@code name}: {@code base} mixed with a hash of the name (SplitMix64's finaliser over FNV-1a). */
    public static long seedOf(String name, long base) {
        long h = 0xcbf29ce484222325L;
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) h = (h ^ (b & 0xff)) * 0x100000001b3L;
        long z = h ^ (base * 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return (z ^ (z >>> 31)) >>> 1;
    }

    /** A shape as the run will fit it: its request (seed, budget; no output: the run writes it), where its field goes. */
    record Planned(int index, ShapeJob job, FitRequest request, Path output) {}

    /**
     * A run's shapes after the ones done are set aside, what every engine starts from: the
     * shapes to fit, the results file (with the records of those done, and of shapes whose scene
     * is wrong), the counts so far.
     */
    public static final class Plan {
        final List<ShapeJob> jobs;
        final Options opt;
        final Results results;
        final List<Planned> todo = new ArrayList<>();
        final long t0 = System.nanoTime();
        int skipped, failed;

        private Plan(List<ShapeJob> jobs, Options opt, Results results) {
            this.jobs = jobs;
            this.opt = opt;
            this.results = results;
        }

        /** How many shapes there are to fit. */
        public int toFit() { return todo.size(); }

        /** The run's summary once the engine is done. */
        Summary summary(int fitted, int failedHere, boolean stopped, double budgetS) {
            List<ObjectNode> records = new ArrayList<>();
            for (ShapeJob j : jobs) if (results.get(j.name()) != null) records.add(results.get(j.name()));
            return new Summary(records, fitted, skipped, failed + failedHere, stopped, (System.nanoTime() - t0) * 1e-9, budgetS);
        }
    }

    /** Plans a run: the folder made, a killed run's temp files removed, the shapes done set aside (unless {@code force}). */
    public static Plan plan(List<ShapeJob> jobs, Options opt, Listener listener) throws IOException {
        Files.createDirectories(opt.dir());
        removeStaleTemps(opt.dir(), listener);
        Plan plan = new Plan(jobs, opt, Results.load(opt.dir()));
        plan.results.warnings().forEach(listener::info);
        Map<String, SceneConfig> scenes = new HashMap<>();
        for (int i = 0; i < jobs.size(); i++) {
            ShapeJob j = jobs.get(i);
            Path out = opt.dir().resolve(j.name() + ".nfield");
            FitRequest req;
            try {
                req = request(j, opt, scenes);
            } catch (FitError e) {
                plan.results.put(failure(j, "scene", e.getMessage()));
                plan.failed++;
                listener.finished(plan.results.all().size(), jobs.size(), plan.results.get(j.name()));
                continue;
            }
            if (!opt.force() && done(j, out, plan.results, listener)) {
                plan.skipped++;
                continue;
            }
            plan.todo.add(new Planned(i, j, req, out));
        }
        if (plan.skipped > 0) {
            listener.info(plan.skipped + " of " + jobs.size() + " shapes are done already (their fields are in " + opt.dir()
                    + "; --force fits them again)");
        }
        return plan;
    }

    /**
     * A failure that is not the shape's fault (an engine's fault injection, a lost device): it
     * ends the attempt instead of becoming a failed record, so an engine that retries does.
     */
    public static final class Abort extends RuntimeException {
        public Abort(String message) {
            super(message);
        }
    }

    /** What {@link #train} gives: the shape's record (ok or failed), its surface for scoring (null when not asked), whether it was stopped. */
    record Trained(ObjectNode record, Mesh surface, FitResult result, boolean stopped) {}

    /**
     * Trains planned shape {@code p} on {@code backend} from its preparation, every buffer of it
     * released at the end: the field written (atomically) unless stopped, the surface extracted
     * on the device when it is to be written or scored.
     */
    static Trained train(Planned p, SdfFit.Prepared prepared, Options opt, Backend backend, FitControl control, FitListener fl) {
        FitResult r = null;
        TrainingLog log = null;
        try (Backend.Scope scope = backend.scope()) {
            try {
                log = TrainingLog.open(p.output(), false); // NAME.train.jsonl beside NAME.nfield
                fl = log.tee(fl);
            } catch (IOException e) {
                fl.info("warning: no training log for " + p.job().name() + ": " + e.getMessage());
            }
            r = SdfFit.train(prepared, p.request().withControl(control), opt.sdf(), backend, fl);
            // a stopped shape is not done: its field is not written, and a rerun fits it
            if (control.stopped()) return new Trained(null, null, r, true);
            long w0 = System.nanoTime();
            FieldFile.write(p.output(), r.fitted(), true);
            long w1 = System.nanoTime();
            Mesh surface = opt.mesh() || opt.eval() ? FieldMesher.surface(r.fitted(), opt.res(), false, p.job().name()).mesh() : null;
            ObjectNode rec = success(p, r, prepared).put("write_seconds", (w1 - w0) * 1e-9);
            if (surface != null) rec.put("surface_seconds", (System.nanoTime() - w1) * 1e-9);
            return new Trained(rec, surface, r, false);
        } catch (Abort e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            return new Trained(failure(p.job(), r == null ? "train" : "mesh", message(e)), null, r, false);
        } finally {
            if (log != null) log.closeQuietly();
        }
    }

    /** The local engine: shapes one after another on {@code backend}; see the class comment. */
    public static Summary run(List<ShapeJob> jobs, Options opt, Backend backend, FitControl control, Listener listener) throws IOException {
        Plan plan = plan(jobs, opt, listener);
        tightHeap();
        List<Planned> todo = plan.todo;
        Results results = plan.results;
        int fitted = 0, failed = 0;
        double budgetS = 0;
        Estimates est = new Estimates(todo);
        // one helper thread, first come first served, for the next shape's preparation and the last one's score: their
        // parallel loops run inside it, so they take one core and leave the rest to the device
        ForkJoinPool helper = new ForkJoinPool(1, ForkJoinPool.defaultForkJoinWorkerThreadFactory, null, true);
        List<Future<?>> scoring = new ArrayList<>();
        boolean stopped = false;
        try {
            Future<SdfFit.Prepared> next = todo.isEmpty() ? null : helper.submit(prepareTask(todo.get(0), opt, listener));
            for (int k = 0; k < todo.size(); k++) {
                Planned p = todo.get(k);
                Future<SdfFit.Prepared> cur = next;
                next = k + 1 < todo.size() ? helper.submit(prepareTask(todo.get(k + 1), opt, listener)) : null;
                long s0 = System.nanoTime();
                SdfFit.Prepared prepared;
                try {
                    prepared = cur.get();
                } catch (ExecutionException e) {
                    results.put(failure(p.job(), "read", message(e.getCause())));
                    failed++;
                    listener.finished(results.all().size(), jobs.size(), results.get(p.job().name()));
                    est.done(p, 0, (System.nanoTime() - s0) * 1e-9, 0);
                    continue;
                }
                if (control.stopped()) {
                    stopped = true;
                    break;
                }
                double waited = (System.nanoTime() - s0) * 1e-9; // for the preparation: zero when it was hidden
                listener.started(p.index(), jobs.size(), p.job(), est.left(p, 0));
                Trained t = train(p, prepared, opt, backend, control, fitListener(p, listener, est));
                if (t.record() != null) t.record().put("waited_seconds", waited);
                if (t.stopped()) {
                    stopped = true;
                    break;
                }
                boolean ok = t.record().get("status").asText().equals("ok");
                fitted += ok ? 1 : 0;
                failed += ok ? 0 : 1;
                if (p.request().budget() != null) budgetS += p.request().budget().seconds();
                est.done(p, t.result() == null ? 0 : t.result().steps(), (System.nanoTime() - s0) * 1e-9,
                        t.result() == null ? 0 : t.result().seconds());
                // the heap back to what is live (the shape in training, the next one's preparation): a collector left
                // alone grew it shape after shape, from 1.0 to 1.3 GB resident over 24 shapes
                long g0 = System.nanoTime();
                System.gc();
                if (t.record() != null) t.record().put("gc_seconds", (System.nanoTime() - g0) * 1e-9);
                Mesh reference = prepared.mesh();
                scoring.add(helper.submit(() -> {
                    finish(t.record(), t.surface(), reference, p, opt);
                    results.put(t.record());
                    listener.finished(results.all().size(), jobs.size(), t.record());
                    return null;
                }));
            }
            for (Future<?> f : scoring) f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopped = true;
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(message(e.getCause()), e.getCause());
        } finally {
            helper.shutdownNow();
        }
        return plan.summary(fitted, failed, stopped, budgetS);
    }

    /**
     * Keeps the heap near its live set: a collection gives back all but 30% free (the JVM's
     * default keeps up to 70% free, which let the heap grow to 2.5 GB committed over 24 shapes
     * whose live data stays under 0.4 GB). A JVM without these flags keeps its own sizing.
     */
    static void tightHeap() {
        try {
            var vm = java.lang.management.ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
            vm.setVMOption("MinHeapFreeRatio", "10");
            vm.setVMOption("MaxHeapFreeRatio", "30");
        } catch (RuntimeException | LinkageError e) {
            // not HotSpot, or the flags are not manageable here: the collector's own sizing stays
        }
    }

    /** The fit's own lines (warnings only) and progress, as the run's. */
    static FitListener fitListener(Planned p, Listener listener, Estimates est) {
        return new FitListener() {
            @Override
            public void info(String line) {
                if (line.contains("warning")) listener.info(p.job().name() + ": " + line);
            }

            @Override
            public void progress(Trainer.Progress pr) {
                listener.progress(p.job(), pr, est == null ? Double.NaN : est.left(p, pr.elapsedS()));
            }
        };
    }

    private static java.util.concurrent.Callable<SdfFit.Prepared> prepareTask(Planned p, Options opt, Listener listener) {
        return () -> prepare(p, opt, listener);
    }

    static SdfFit.Prepared prepare(Planned p, Options opt, Listener listener) throws IOException {
        return SdfFit.prepare(p.request(), opt.sdf(), fitListener(p, listener, null));
    }

    /** The request of shape {@code j}: its scene, seed and budget. */
    static FitRequest request(ShapeJob j, Options opt, Map<String, SceneConfig> scenes) {
        String name = j.scene() != null ? j.scene() : opt.scene();
        SceneConfig scene = scenes.computeIfAbsent(name == null ? "sdf-default" : name,
                SceneConfig::named);
        if (!scene.field().kind().equals("sdf")) {
            throw new FitError(j.where() + ": scene " + scene.name() + " is a " + scene.field().kind() + " scene; fit-many fits signed distance fields to meshes");
        }
        if (Fits.isPosedImages(j.data())) throw new FitError(j.where() + ": " + j.data() + " is a posed-image set; fit-many fits meshes (use nfield fit)");
        long seed = j.seed() != null ? j.seed() : seedOf(j.name(), opt.seed() != null ? opt.seed() : scene.train().seed());
        FitRequest req = FitRequest.of(j.data(), scene).withSeed(seed);
        Double seconds = j.seconds() != null || j.steps() != null ? j.seconds() : opt.seconds();
        Integer steps = j.seconds() != null || j.steps() != null ? j.steps() : opt.steps();
        if (seconds != null || steps != null) req = req.withBudget(new FitRequest.Budget(steps == null ? 0 : steps, seconds == null ? 0 : seconds));
        return req;
    }

    /**
     * Whether shape {@code j} is done: its field is there, readable and fitted to the same data.
     * A field without a record (the run was killed between the two writes) gets one from the
     * field's own metadata.
     */
    private static boolean done(ShapeJob j, Path out, Results results, Listener listener) throws IOException {
        if (!Files.isRegularFile(out)) return false;
        FieldMeta meta;
        try {
            meta = FieldFile.readMeta(out);
        } catch (IOException | RuntimeException e) {
            listener.info(out + ": unreadable (" + e.getMessage() + "); fitting " + j.name() + " again");
            return false;
        }
        String was = meta.fittedTo() == null ? null : meta.fittedTo().data();
        if (was == null || !Manifest.sameData(was, j.data())) {
            listener.info(out + ": fitted to " + was + ", not " + j.data() + "; fitting " + j.name() + " again");
            return false;
        }
        ObjectNode r = results.get(j.name());
        if (r == null || !"ok".equals(r.path("status").asText())) {
            ObjectNode o = Json.MAPPER.createObjectNode().put("shape", j.name()).put("data", j.data()).put("status", "ok")
                    .put("output", out.toString()).put("steps", meta.steps()).put("note", "recovered from the field file");
            results.put(o);
        }
        return true;
    }

    private static ObjectNode success(Planned p, FitResult r, SdfFit.Prepared prep) {
        ObjectNode o = Json.MAPPER.createObjectNode().put("shape", p.job().name()).put("data", p.job().data()).put("status", "ok")
                .put("output", p.output().toString()).put("seed", p.request().seed()).put("steps", r.steps()).put("seconds", r.seconds())
                .put("prepare_seconds", prep.seconds()).put("loss", r.loss());
        ObjectNode terms = o.putObject("terms");
        r.terms().forEach(terms::put);
        o.put("sign", prep.sign()).put("ambiguous_share", r.figures().get("ambiguous_share"));
        return o;
    }

    static ObjectNode failure(ShapeJob j, String stage, String message) {
        return Json.MAPPER.createObjectNode().put("shape", j.name()).put("data", j.data()).put("status", "failed")
                .put("stage", stage).put("error", message);
    }

    /** On the scoring thread: the surface written and scored against the shape's own mesh, into the record. */
    static void finish(ObjectNode rec, Mesh surface, Mesh reference, Planned p, Options opt) {
        if (surface == null || !"ok".equals(rec.get("status").asText())) return;
        try {
            if (opt.mesh()) {
                Path m = p.output().resolveSibling(p.job().name() + ".ply");
                MeshWriter.write(m, surface, null);
                rec.put("mesh", m.toString());
            }
            if (opt.eval() && reference != null) {
                long t = System.nanoTime();
                MeshMetrics.Result e = MeshMetrics.compute(surface, reference, opt.evalPoints(), opt.evalPoints(), 0.01, 0);
                rec.putObject("metrics").put("chamfer_l1", e.chamferL1()).put("chamfer_l2", e.chamferL2()).put("fscore", e.fscore())
                        .put("normal_consistency", e.normalConsistency()).put("iou", e.iou()).put("res", opt.res())
                        .put("points", opt.evalPoints()).put("seconds", (System.nanoTime() - t) * 1e-9);
            }
        } catch (IOException | RuntimeException e) {
            rec.put("status", "failed").put("stage", "score").put("error", message(e));
        }
    }

    static String message(Throwable e) {
        // a task's checked exception comes back from the helper pool wrapped, once or twice, in plain RuntimeExceptions
        while (e.getClass() == RuntimeException.class && e.getCause() != null) e = e.getCause();
        if (e instanceof FitError || e instanceof IOException) return e.getMessage();
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    /** Temp files that a killed run left (their process is gone). */
    private static void removeStaleTemps(Path dir, Listener listener) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            for (Path f : (Iterable<Path>) s::iterator) {
                Matcher m = TEMP.matcher(f.getFileName().toString());
                if (!m.matches()) continue;
                long pid;
                try {
                    pid = Long.parseLong(m.group(1));
                } catch (NumberFormatException e) {
                    continue;
                }
                if (pid != ProcessHandle.current().pid() && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) continue;
                Files.deleteIfExists(f);
                listener.info("removed " + f + ", left by a run that was stopped");
            }
        }
    }

    /**
     * Time left in the run, from the budgets: a shape's time budget, or its steps at the pace
     * measured so far; plus the time each shape has taken beyond its training (measured).
     */
    static final class Estimates {
        private final List<Planned> todo;
        private final boolean[] finished;
        private double stepS = Double.NaN, overheadS = 0;
        private long stepsSeen;
        private double trainSeen;
        private int seen;

        Estimates(List<Planned> todo) {
            this.todo = todo;
            this.finished = new boolean[todo.size()];
        }

        synchronized void done(Planned p, long steps, double wallS, double trainS) {
            finished[todo.indexOf(p)] = true;
            if (steps > 0) {
                stepsSeen += steps;
                trainSeen += trainS;
                stepS = trainSeen / stepsSeen;
            }
            overheadS = (overheadS * seen + Math.max(0, wallS - trainS)) / (seen + 1);
            seen++;
        }

        /** The run's time left while {@code current} has trained {@code elapsed} seconds. */
        synchronized double left(Planned current, double elapsed) {
            double sum = 0;
            for (int k = 0; k < todo.size(); k++) {
                if (finished[k]) continue;
                double t = estimate(todo.get(k)) + overheadS;
                if (todo.get(k) == current) t = Math.max(0, t - elapsed);
                sum += t;
            }
            return sum;
        }

        private double estimate(Planned p) {
            FitRequest.Budget b = p.request().budget();
            double bySteps = Double.NaN, bySeconds = Double.NaN;
            int steps = b != null ? b.steps() : p.request().scene().train().steps();
            double secs = b != null ? b.seconds() : p.request().scene().train().seconds();
            if (steps > 0) bySteps = steps * stepS;
            if (secs > 0) bySeconds = secs;
            if (Double.isNaN(bySteps)) return bySeconds;
            if (Double.isNaN(bySeconds)) return bySteps;
            return Math.min(bySteps, bySeconds);
        }
    }
}
