package nfield.pipeline.many;

import com.fasterxml.jackson.databind.node.ObjectNode;
import nfield.config.Json;
import nfield.pipeline.Durations;
import nfield.train.Trainer;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.nio.file.Path;

/**
 * A many-shape run as a console shows it: a line a finished shape (status, steps, loss, time,
 * Chamfer and IoU when scored, the run's ETA), a bar over the shapes with the running shape's
 * step and loss redrawn in place on a terminal, and a summary table at the end; with --json
 * one event a shape and a progress event a report on stdout.
 */
public final class ManyProgress implements FitMany.Listener {
    private final PrintStream err = System.err;
    private final boolean json, tty = System.console() != null;
    private int lastLen, total, index;
    private double eta = Double.NaN;
    private String width = "%-20s";

    public ManyProgress(boolean json) {
        this.json = json;
    }

    /** Sizes the name column for {@code jobs}. */
    public ManyProgress forJobs(List<ShapeJob> jobs) {
        int w = 5;
        for (ShapeJob j : jobs) w = Math.max(w, Math.min(40, j.name().length()));
        width = "%-" + w + "s";
        total = jobs.size();
        return this;
    }

    @Override
    public synchronized void info(String line) {
        end();
        err.println(line);
    }

    @Override
    public synchronized void started(int index, int total, ShapeJob job, double etaS) {
        this.total = total;
        this.index = index;
        eta = etaS;
    }

    @Override
    public synchronized void progress(ShapeJob job, Trainer.Progress p, double etaS) {
        eta = etaS;
        if (json) {
            ObjectNode o = Json.MAPPER.createObjectNode().put("event", "progress").put("shape", job.name()).put("step", p.step())
                    .put("elapsed_s", p.elapsedS());
            if (Double.isFinite(etaS)) o.put("eta_s", etaS);
            p.terms().forEach(o.putObject("loss")::put);
            System.out.println(Json.write(o));
        }
        if (!tty) return;
        StringBuilder b = new StringBuilder();
        int w = 20, fill = total == 0 ? 0 : (int) Math.round((double) index / total * w);
        b.append('[').append("#".repeat(fill)).append(".".repeat(w - fill)).append("] ");
        b.append(String.format(Locale.ROOT, "%d/%d %s  step %d", index + 1, total, job.name(), p.step()));
        Double loss = p.terms().get("loss");
        if (loss == null && !p.terms().isEmpty()) loss = p.terms().values().iterator().next();
        if (loss != null) b.append(String.format(Locale.ROOT, "  loss %.6f", loss));
        b.append("  ETA ").append(Durations.format(etaS));
        String s = b.toString();
        err.print("\r" + s + " ".repeat(Math.max(0, lastLen - s.length())));
        lastLen = s.length();
    }

    @Override
    public synchronized void finished(int done, int total, ObjectNode r) {
        end();
        err.println(String.format(Locale.ROOT, "[%" + digits(total) + "d/%d] ", done, total) + row(r)
                + (done < total && Double.isFinite(eta) ? "   ETA " + Durations.format(eta) : ""));
        if (json) System.out.println(Json.write(r.deepCopy().put("event", "shape")));
    }

    private String row(ObjectNode r) {
        String name = String.format(width, r.get("shape").asText());
        if (!"ok".equals(r.path("status").asText())) return name + "  FAILED  " + r.path("stage").asText() + ": " + r.path("error").asText();
        StringBuilder b = new StringBuilder(name).append(String.format(Locale.ROOT, "  ok      %7d", r.path("steps").asLong()));
        b.append(r.has("seconds") ? String.format(Locale.ROOT, "  %7.1f  %9.6f", r.get("seconds").asDouble(), r.path("loss").asDouble())
                : String.format("  %7s  %9s", "", ""));
        ObjectNode m = (ObjectNode) r.get("metrics");
        if (m != null) b.append(String.format(Locale.ROOT, "  %10.6f  %5.3f", m.get("chamfer_l1").asDouble(), m.get("iou").asDouble()));
        if (r.has("note")) b.append("  (").append(r.get("note").asText()).append(')');
        return b.toString();
    }

    private String header() {
        return String.format(width, "shape") + "  status    steps  train s       loss  chamfer_l1    IoU";
    }

    private static int digits(int n) {
        return Integer.toString(Math.max(1, n)).length();
    }

    /** The summary: every shape's row (the failed ones and aggregates only, past 40 shapes), counts, time against the budgets. */
    public synchronized void summary(FitMany.Summary s, Path dir) {
        end();
        List<ObjectNode> rows = s.records();
        err.println();
        err.println(header());
        List<Double> chamfer = new ArrayList<>(), iou = new ArrayList<>();
        int shown = 0;
        for (ObjectNode r : rows) {
            ObjectNode m = (ObjectNode) r.get("metrics");
            if (m != null) {
                chamfer.add(m.get("chamfer_l1").asDouble());
                iou.add(m.get("iou").asDouble());
            }
            boolean failed = !"ok".equals(r.path("status").asText());
            if (rows.size() <= 40 || failed) {
                err.println(row(r));
                shown++;
            }
        }
        if (shown < rows.size()) err.println("(" + (rows.size() - shown) + " more fitted shapes in " + dir.resolve(Results.FILE) + ")");
        if (!chamfer.isEmpty()) {
            err.println(String.format(Locale.ROOT, "chamfer_l1 median %.5f, mean %.5f; IoU median %.3f, mean %.3f (%d shapes scored)",
                    median(chamfer), mean(chamfer), median(iou), mean(iou), chamfer.size()));
        }
        String budget = s.budgetS() > 0 ? String.format(Locale.ROOT, " (%.2f x the %s of time budgets)", s.wallS() / s.budgetS(),
                Durations.format(s.budgetS())) : "";
        err.println(String.format(Locale.ROOT, "%d shapes: %d fitted, %d done already, %d failed, in %s%s%s; records in %s",
                rows.size(), s.fitted(), s.skipped(), s.failed(), Durations.format(s.wallS()), budget,
                s.stopped() ? "; stopped early (run it again to go on)" : "", dir.resolve(Results.FILE)));
        if (json) {
            System.out.println(Json.write(Json.MAPPER.createObjectNode().put("event", "done").put("shapes", rows.size())
                    .put("fitted", s.fitted()).put("skipped", s.skipped()).put("failed", s.failed()).put("stopped", s.stopped())
                    .put("wall_s", s.wallS()).put("budget_s", s.budgetS()).put("results", dir.resolve(Results.FILE).toString())));
        }
    }

    private static double mean(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    private static double median(List<Double> v) {
        double[] a = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return a.length == 0 ? Double.NaN : a.length % 2 == 1 ? a[a.length / 2] : 0.5 * (a[a.length / 2 - 1] + a[a.length / 2]);
    }

    private void end() {
        if (tty && lastLen > 0) err.println();
        lastLen = 0;
    }
}
