package nfield.cli;

import com.fasterxml.jackson.databind.JsonNode;
import nfield.config.Json;
import nfield.pipeline.FitError;
import nfield.pipeline.TrainingLog;
import nfield.render.Plots;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "plot", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Draw a fit's training curve, or a fit-many run's per-shape metrics, as a PNG.",
                "",
                "FIELD.nfield (or its log, FIELD.train.jsonl, which every fit writes beside the field): the loss terms "
                        + "against the step on a log axis, and for a radiance fit its PSNR on the training batches below.",
                "A fit-many DIR (or its results.jsonl): histograms of the metrics that --eval recorded (Chamfer-L1, "
                        + "F-score, normal consistency, IoU) and of the training seconds, with their medians.",
                "",
                "Examples:",
                "  nfield plot knot.nfield -o knot-loss.png",
                "  nfield plot fields/ -o fields-metrics.png --bins 12"})
final class PlotCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FIELD|LOG|DIR", description = "A field file, its .train.jsonl, a fit-many folder or its results.jsonl.")
    Path input;

    @Option(names = {"-o", "--out"}, required = true, paramLabel = "OUT.png", description = "The PNG to write.")
    Path out;

    @Option(names = "--size", paramLabel = "WxH", description = "Image size (default: 900x560 for a curve, 1200x760 for histograms).")
    String size;

    @Option(names = "--bins", defaultValue = "10", paramLabel = "N", description = "Histogram bins (default: ${DEFAULT-VALUE}).")
    int bins;

    static final List<String> METRICS = List.of("chamfer_l1", "fscore", "normal_consistency", "iou");

    @Override
    public Integer call() throws IOException {
        if (bins < 1 || bins > 200) throw new UserError("--bins " + bins + ": use 1 .. 200");
        Path results = Files.isDirectory(input) ? input.resolve("results.jsonl") : input;
        String name = results.getFileName().toString();
        BufferedImage img;
        String what;
        if (name.equals("results.jsonl")) {
            if (!Files.exists(results)) throw new UserError(input + ": no results.jsonl (a folder that fit-many wrote holds one)");
            int[] wh = FieldInputs.parseSize(size == null ? "1200x760" : size);
            Metrics mm = metrics(results);
            Map<String, double[]> m = mm.values();
            int shapes = mm.shapes();
            if (m.isEmpty()) throw new UserError(results + ": no finished shapes to draw");
            img = Plots.histograms(shapes + " shapes fitted (" + results + ")", m, bins, wh[0], wh[1]);
            what = "histograms of " + String.join(", ", m.keySet()) + " over " + shapes + " shapes";
        } else {
            int[] wh = FieldInputs.parseSize(size == null ? "900x560" : size);
            Path log = name.endsWith(".train.jsonl") ? input : TrainingLog.of(input);
            List<TrainingLog.Entry> entries = TrainingLog.read(log);
            if (entries.isEmpty()) throw new FitError(log + ": the training log is empty (the fit stopped before its first report)");
            double[] x = new double[entries.size()];
            for (int i = 0; i < x.length; i++) x[i] = entries.get(i).step();
            List<Plots.Series> losses = new ArrayList<>();
            Plots.Series psnr = null;
            for (String t : TrainingLog.terms(entries)) {
                double[] y = new double[x.length];
                for (int i = 0; i < y.length; i++) y[i] = entries.get(i).figures().getOrDefault(t, Double.NaN);
                if (t.equals("psnr")) psnr = new Plots.Series("PSNR (training batch)", x, y);
                else losses.add(new Plots.Series(t, x, y));
            }
            img = Plots.trainingCurve(log.getFileName().toString().replace(".train.jsonl", "") + ": " + entries.size() + " reports, steps "
                    + entries.get(0).step() + " .. " + entries.get(entries.size() - 1).step(), losses, psnr, wh[0], wh[1]);
            what = "the training curve of " + log + " (" + String.join(", ", TrainingLog.terms(entries)) + ")";
        }
        Plots.writePng(out, img);
        System.err.printf(Locale.ROOT, "wrote %s: %dx%d, %s%n", out, img.getWidth(), img.getHeight(), what);
        return 0;
    }

    /** The "ok" records of a results.jsonl: how many, and each metric's per-shape values (and the training seconds). */
    record Metrics(int shapes, Map<String, double[]> values) {}

    static Metrics metrics(Path results) throws IOException {
        Map<String, List<Double>> v = new LinkedHashMap<>();
        int shapes = 0, line = 0;
        for (String l : Files.readAllLines(results, StandardCharsets.UTF_8)) {
            line++;
            if (l.isBlank()) continue;
            JsonNode r;
            try {
                r = Json.MAPPER.readTree(l);
            } catch (IOException e) {
                throw new UserError(results + ":" + line + ": not a JSON line");
            }
            if (!"ok".equals(r.path("status").asText())) continue;
            shapes++;
            for (String k : METRICS) if (r.path("metrics").path(k).isNumber()) v.computeIfAbsent(k, x -> new ArrayList<>()).add(r.get("metrics").get(k).asDouble());
            if (r.path("seconds").isNumber()) v.computeIfAbsent("training seconds", x -> new ArrayList<>()).add(r.get("seconds").asDouble());
        }
        Map<String, double[]> out = new LinkedHashMap<>();
        v.forEach((k, list) -> out.put(k, list.stream().mapToDouble(Double::doubleValue).toArray()));
        return new Metrics(shapes, out);
    }
}
