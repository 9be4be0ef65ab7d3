package nfield.pipeline.many;

import com.fasterxml.jackson.databind.node.ObjectNode;
import nfield.compute.Backend;
import nfield.config.Json;
import nfield.pipeline.FitControl;
import nfield.pipeline.FitListener;
import nfield.pipeline.FitRequest;
import nfield.pipeline.SdfFit;
import nfield.train.Trainer;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaSparkContext;

import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * {@code fit-many --engine spark}: one Spark task a shape, each the same per-shape fit as the
 * local engine's (preparation, training on the executor JVM's one device, the field written
 * atomically into DIR, which every executor must see: a shared file system), its record sent
 * back to the driver, which writes {@code results.jsonl} as records arrive. What is done is set
 * aside on the driver before any task starts, so a rerun submits only the rest. A task that
 * throws is retried by Spark ({@code spark.task.maxFailures}); a shape that cannot be read or
 * fitted is a failed record, not a failed task. Loaded by name only when asked for, so
 * {@code nfield.jar} runs without Spark (its jars are {@code provided}: spark-submit brings them).
 */
public final class SparkEngine implements Engine {
    /** Set to a shape's name, a task fails on its first attempt (tests use it to see Spark retry). */
    public static final String FAIL_FIRST_ATTEMPT = "nfield.fit-many.fail-first-attempt";

    private final String master;
    private final BackendFactory backends;

    /** {@code master}: the Spark master when spark-submit sets none (e.g. {@code local[2]}). */
    public SparkEngine(String master, BackendFactory backends) {
        this.master = master;
        this.backends = backends;
    }

    /** A run's settings as a task carries them (paths as text). */
    record Spec(String dir, String scene, Double seconds, Integer steps, Long seed, boolean force, boolean mesh, boolean eval, int res,
                int evalPoints, String sign, Double eikonal, Integer batch) implements Serializable {
        static Spec of(FitMany.Options o) {
            return new Spec(o.dir().toString(), o.scene(), o.seconds(), o.steps(), o.seed(), o.force(), o.mesh(), o.eval(), o.res(),
                    o.evalPoints(), o.sdf().sign(), o.sdf().eikonalWeight(), o.sdf().batch());
        }

        FitMany.Options options() {
            return new FitMany.Options(java.nio.file.Path.of(dir), scene, seconds, steps, seed, force, mesh, eval, res, evalPoints,
                    new SdfFit.Options(sign, eikonal, batch));
        }
    }

    /** One shape's task. */
    record Task(int index, ShapeJob job, Spec spec, BackendFactory backends) implements Serializable {}

    @Override
    public FitMany.Summary run(List<ShapeJob> jobs, FitMany.Options opt, FitControl control, FitMany.Listener listener) throws IOException {
        FitMany.Plan plan = FitMany.plan(jobs, opt, listener);
        if (System.getProperty("log4j2.configurationFile") == null) {
            // Spark's default logging prints a wall of INFO lines; keep the driver's log to warnings
            System.setProperty("log4j2.configurationFile", "classpath:nfield/spark-log4j2.properties");
        }
        SparkConf conf = new SparkConf().setAppName("nfield fit-many").setIfMissing("spark.master", master)
                .setIfMissing("spark.ui.enabled", "false").setIfMissing("spark.ui.showConsoleProgress", "false");
        if (conf.get("spark.master").startsWith("local")) {
            conf.setIfMissing("spark.driver.host", "127.0.0.1").setIfMissing("spark.driver.bindAddress", "127.0.0.1");
        }
        Spec spec = Spec.of(opt);
        int fitted = 0, failed = 0;
        double budgetS = 0;
        boolean stopped = false;
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            sc.setLogLevel("WARN");
            listener.info("spark: " + sc.master() + ", " + plan.toFit() + " tasks (one a shape), " + attempts(sc.master(), conf));
            List<FitMany.Planned> todo = plan.todo;
            List<JavaFutureAction<List<String>>> futures = new ArrayList<>();
            for (FitMany.Planned p : todo) {
                futures.add(sc.parallelize(List.of(new Task(p.index(), p.job(), spec, backends)), 1).map(SparkEngine::fit).collectAsync());
                if (p.request().budget() != null) budgetS += p.request().budget().seconds();
            }
            boolean[] seen = new boolean[futures.size()];
            int left = futures.size();
            while (left > 0) {
                if (control.stopped()) {
                    sc.cancelAllJobs();
                    stopped = true;
                    break;
                }
                boolean any = false;
                for (int k = 0; k < futures.size(); k++) {
                    if (seen[k] || !futures.get(k).isDone()) continue;
                    seen[k] = true;
                    left--;
                    any = true;
                    ObjectNode rec;
                    try {
                        rec = (ObjectNode) Json.MAPPER.readTree(futures.get(k).get().get(0));
                    } catch (ExecutionException e) {
                        rec = FitMany.failure(todo.get(k).job(), "spark", "the task failed on every attempt: " + FitMany.message(root(e)));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        stopped = true;
                        break;
                    }
                    boolean ok = "ok".equals(rec.path("status").asText());
                    fitted += ok ? 1 : 0;
                    failed += ok ? 0 : 1;
                    plan.results.put(rec);
                    listener.finished(plan.results.all().size(), jobs.size(), rec);
                }
                if (stopped) break;
                if (!any) {
                    try {
                        Thread.sleep(50);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        stopped = true;
                        break;
                    }
                }
            }
        }
        return plan.summary(fitted, failed, stopped, budgetS);
    }

    /** How many times a task may run: local[N, F] says F, local and local[N] 1 (no retry), a cluster spark.task.maxFailures. */
    static String attempts(String master, SparkConf conf) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("local\\[[^,\\]]+,\\s*(\\d+)]").matcher(master);
        String n = m.matches() ? m.group(1) : master.startsWith("local") ? "1" : conf.get("spark.task.maxFailures", "4");
        return n.equals("1") ? "no retries (local[N, F] gives F attempts)" : "up to " + n + " attempts each";
    }

    private static Throwable root(Throwable e) {
        while (e.getCause() != null && e.getCause() != e) e = e.getCause();
        return e;
    }

    // ---------------------------------------------------------------- on the executors

    /** The executor JVM's one backend, opened by the first task, used by one task at a time. */
    private static Backend shared;
    private static final ReentrantLock DEVICE = new ReentrantLock();

    /**
     * A task: the shape prepared (beside another task's training, on a multi-slot executor), trained
     * with the device held, scored; its record as JSON, with the attempt and executor that made it.
     */
    static String fit(Task t) throws Exception {
        FitMany.Options opt = t.spec().options();
        FitRequest req = FitMany.request(t.job(), opt, new HashMap<>());
        FitMany.Planned p = new FitMany.Planned(t.index(), t.job(), req, opt.dir().resolve(t.job().name() + ".nfield"));
        TaskContext ctx = TaskContext.get();
        int attempt = ctx == null ? 0 : ctx.attemptNumber();
        String executor = SparkEnv.get() == null ? "?" : SparkEnv.get().executorId();
        ObjectNode rec;
        SdfFit.Prepared prepared = null;
        try {
            prepared = FitMany.prepare(p, opt, new FitMany.Listener() {});
        } catch (IOException | RuntimeException e) {
            rec = FitMany.failure(t.job(), "read", FitMany.message(e));
            return Json.write(rec.put("attempt", attempt).put("executor", executor));
        }
        boolean fault = attempt == 0 && t.job().name().equals(System.getProperty(FAIL_FIRST_ATTEMPT));
        FitListener fl = new FitListener() {
            @Override
            public void progress(Trainer.Progress pr) {
                if (fault) throw new FitMany.Abort("an injected fault (" + FAIL_FIRST_ATTEMPT + "), attempt " + attempt + " at step " + pr.step());
            }
        };
        FitMany.Trained tr;
        DEVICE.lock();
        try {
            if (shared == null) shared = t.backends().get();
            tr = FitMany.train(p, prepared, opt, shared, new FitControl(), fl);
        } finally {
            DEVICE.unlock();
        }
        rec = tr.record();
        FitMany.finish(rec, tr.surface(), prepared.mesh(), p, opt);
        return Json.write(rec.put("attempt", attempt).put("executor", executor));
    }
}
