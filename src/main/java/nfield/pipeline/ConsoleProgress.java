package nfield.pipeline;

import com.fasterxml.jackson.databind.node.ObjectNode;
import nfield.config.Json;
import nfield.train.Trainer;

import java.io.PrintStream;
import java.util.Map;

/**
 * A fit as a console shows it (the command line's listener; any front end may use it): its
 * lines on stderr, and training progress as a bar with step, loss terms, points/s and ETA
 * (redrawn in place on a terminal, one line per report otherwise); with --json one event per
 * report on stdout.
 */
public final class ConsoleProgress implements FitListener {
    private final PrintStream err = System.err;
    private final boolean json;
    private final boolean tty = System.console() != null;
    private int lastLen;

    /** With {@code json}, also one JSON event per report on stdout. */
    public ConsoleProgress(boolean json) {
        this.json = json;
    }

    @Override
    public void progress(Trainer.Progress p) {
        double frac = p.totalSteps() > 0 ? (double) p.step() / p.totalSteps() : Double.NaN;
        if (Double.isFinite(p.etaS()) && p.elapsedS() > 0) frac = p.elapsedS() / (p.elapsedS() + p.etaS());
        StringBuilder line = new StringBuilder();
        if (Double.isFinite(frac)) {
            int w = 24, fill = (int) Math.round(Math.min(1, frac) * w);
            line.append('[').append("#".repeat(fill)).append(".".repeat(w - fill)).append("] ");
        }
        line.append("step ").append(p.step());
        if (p.totalSteps() > 0) line.append('/').append(p.totalSteps());
        for (Map.Entry<String, Double> t : p.terms().entrySet()) line.append(String.format("  %s %.5f", t.getKey(), t.getValue()));
        line.append(String.format("  %.2fM pts/s  lr %.2e  %s elapsed  ETA %s", p.pointsPerS() / 1e6, p.lr(),
                Durations.format(p.elapsedS()), Durations.format(p.etaS())));
        if (tty) {
            String s = line.toString();
            err.print("\r" + s + " ".repeat(Math.max(0, lastLen - s.length())));
            lastLen = s.length();
        } else {
            err.println(line);
        }
        if (json) {
            ObjectNode o = Json.MAPPER.createObjectNode().put("event", "progress").put("step", p.step())
                    .put("elapsed_s", p.elapsedS()).put("points_per_s", p.pointsPerS()).put("lr", p.lr());
            if (Double.isFinite(p.etaS())) o.put("eta_s", p.etaS());
            ObjectNode loss = o.putObject("loss");
            p.terms().forEach(loss::put);
            System.out.println(Json.write(o));
        }
    }

    @Override
    public void info(String line) {
        end();
        err.println(line);
    }

    @Override
    public void snapshot(java.nio.file.Path file, double elapsedS, long step) {
        end();
        err.printf(java.util.Locale.ROOT, "snapshot %s at %.0f s, step %d%n", file, elapsedS, step);
    }

    @Override
    public void checkpoint(java.nio.file.Path file, double elapsedS, long step) {
        end();
        err.printf(java.util.Locale.ROOT, "checkpoint %s at %s, step %d%n", file, Durations.format(elapsedS), step);
        if (json) {
            System.out.println(Json.write(Json.MAPPER.createObjectNode().put("event", "checkpoint").put("file", file.toString())
                    .put("elapsed_s", elapsedS).put("step", step)));
        }
    }

    /** Ends a bar drawn in place, so the next line starts on its own. */
    public void end() {
        if (tty && lastLen > 0) err.println();
        lastLen = 0;
    }
}
