package nfield.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import nfield.config.Json;
import nfield.train.Trainer;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The training curve beside a field: {@code NAME.train.jsonl} next to {@code NAME.nfield}, one
 * JSON line each time training reports ({@code train.log_every} steps): {@code step},
 * {@code elapsed_s} (of that run), {@code lr}, {@code points_per_s} and every loss term by name
 * (a radiance fit's {@code mse} and {@code psnr} among them). A fresh fit starts the file anew; a
 * fit resumed into the same file appends to it. Lines are appended as they come (a kill leaves at
 * most a torn last line, which {@link #read} skips); {@code nfield plot} draws it.
 */
public final class TrainingLog implements AutoCloseable {
    private final Writer out;

    private TrainingLog(Writer out) {
        this.out = out;
    }

    /** The log of field file {@code field}: its name with the extension replaced by {@code .train.jsonl}. */
    public static Path of(Path field) {
        String n = field.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return field.resolveSibling((dot > 0 ? n.substring(0, dot) : n) + ".train.jsonl");
    }

    /** Opens the log of {@code field}, appending when {@code append}, else truncating. */
    public static TrainingLog open(Path field, boolean append) throws IOException {
        Path log = of(field).toAbsolutePath();
        if (log.getParent() != null) Files.createDirectories(log.getParent());
        return new TrainingLog(Files.newBufferedWriter(log, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING));
    }

    public void add(Trainer.Progress p) throws IOException {
        ObjectNode o = Json.MAPPER.createObjectNode().put("step", p.step()).put("elapsed_s", round(p.elapsedS()))
                .put("lr", p.lr()).put("points_per_s", Math.round(p.pointsPerS()));
        p.terms().forEach((k, v) -> {
            if (!k.equals("step") && !k.equals("elapsed_s") && !k.equals("lr") && !k.equals("points_per_s")) o.put(k, v);
        });
        out.write(Json.write(o));
        out.write('\n');
        out.flush();
    }

    /**
     * {@code inner}, and every progress report also added to this log; a write that fails (a full
     * disk) is said once through {@code inner.info} and the log stops, the fit going on.
     */
    public FitListener tee(FitListener inner) {
        TrainingLog log = this;
        return new FitListener() {
            boolean broken;

            @Override public void info(String line) { inner.info(line); }

            @Override public void started(nfield.field.FittedField fitted) { inner.started(fitted); }

            @Override public void progress(Trainer.Progress p) {
                inner.progress(p);
                if (broken) return;
                try {
                    log.add(p);
                } catch (IOException e) {
                    broken = true;
                    inner.info("warning: the training log stopped: " + e.getMessage());
                }
            }

            @Override public void snapshot(Path file, double elapsedS, long step) { inner.snapshot(file, elapsedS, step); }

            @Override public void checkpoint(Path file, double elapsedS, long step) { inner.checkpoint(file, elapsedS, step); }
        };
    }

    /** Closes without a word: every line is flushed as it is written. */
    public void closeQuietly() {
        try {
            close();
        } catch (IOException ignored) {
            // nothing is lost
        }
    }

    private static double round(double s) {
        return Math.round(s * 1000) / 1000.0;
    }

    @Override
    public void close() throws IOException {
        out.close();
    }

    /** One line: the step, and every figure by name (lr, points_per_s, elapsed_s and the loss terms). */
    public record Entry(long step, Map<String, Double> figures) {}

    /**
     * The entries of a log, in order. A last line cut short (a killed fit) is skipped; any other
     * line that is not a JSON object with a numeric {@code step} is an error naming the file and line.
     */
    public static List<Entry> read(Path log) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new FitError(log + ": no training log (a fit writes NAME.train.jsonl beside NAME.nfield; "
                    + "a field fitted before fits kept one has none: refit it, or plot a fit-many results.jsonl)");
        }
        List<Entry> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) continue;
            JsonNode n;
            try {
                n = Json.MAPPER.readTree(line);
            } catch (IOException e) {
                if (i == lines.size() - 1) break; // torn by a kill
                throw new FitError(log + ":" + (i + 1) + ": not a JSON line: " + abbreviate(line));
            }
            if (n == null || !n.isObject() || !n.path("step").isNumber()) {
                throw new FitError(log + ":" + (i + 1) + ": expected an object with a numeric \"step\", got " + abbreviate(line));
            }
            Map<String, Double> f = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                var e = it.next();
                if (!e.getKey().equals("step") && e.getValue().isNumber()) f.put(e.getKey(), e.getValue().asDouble());
            }
            out.add(new Entry(n.get("step").asLong(), f));
        }
        return out;
    }

    private static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }

    /** Figures a line carries that are not loss terms: the schedule, the rate, the time, a radiance fit's occupied share. */
    public static final List<String> NOT_TERMS = List.of("lr", "points_per_s", "elapsed_s", "occupancy");

    /** The names of the loss terms (and a radiance fit's psnr) the entries carry, in first-seen order. */
    public static List<String> terms(List<Entry> entries) {
        List<String> names = new ArrayList<>();
        for (Entry e : entries) {
            for (String k : e.figures().keySet()) if (!NOT_TERMS.contains(k) && !names.contains(k)) names.add(k);
        }
        return names;
    }
}
