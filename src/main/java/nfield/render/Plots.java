package nfield.render;

import nfield.io.AtomicFiles;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.Histogram;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Charts as PNG (XChart, drawn by Java2D; no display needed): a training curve (the loss terms on
 * a log axis against the step, and below it a radiance fit's PSNR), and histograms of per-shape
 * metrics side by side. Written atomically.
 */
public final class Plots {
    private Plots() {}

    /** A named series of y values over x. */
    public record Series(String name, double[] x, double[] y) {}

    /**
     * The training curve: {@code losses} on a log axis over steps (values ≤ 0 left out: a log axis
     * has no place for them), and where {@code psnr} is not null a second panel below with it.
     */
    public static BufferedImage trainingCurve(String title, List<Series> losses, Series psnr, int w, int h) {
        int top = psnr == null ? h : (int) Math.round(h * 0.6);
        XYChart c = new XYChartBuilder().width(w).height(top).title(title).xAxisTitle("step").yAxisTitle("loss").build();
        style(c);
        c.getStyler().setYAxisLogarithmic(true);
        for (Series s : losses) {
            Series pos = positive(s);
            if (pos.x().length == 0) continue;
            XYSeries x = c.addSeries(s.name(), pos.x(), pos.y());
            x.setMarker(SeriesMarkers.NONE);
        }
        BufferedImage a = BitmapEncoder.getBufferedImage(c);
        if (psnr == null) return a;
        XYChart p = new XYChartBuilder().width(w).height(h - top).xAxisTitle("step").yAxisTitle("PSNR (dB)").build();
        style(p);
        p.addSeries(psnr.name(), psnr.x(), psnr.y()).setMarker(SeriesMarkers.NONE);
        p.getStyler().setSeriesColors(new Color[]{new Color(0xC0392B)});
        return stack(List.of(a, BitmapEncoder.getBufferedImage(p)), false);
    }

    /**
     * One histogram of each metric (name → per-shape values), {@code bins} bins each, in a grid of
     * up to three columns under a title line; w×h is the whole image.
     */
    public static BufferedImage histograms(String title, Map<String, double[]> metrics, int bins, int w, int h) {
        List<Map.Entry<String, double[]>> shown = new ArrayList<>();
        for (var e : metrics.entrySet()) if (e.getValue().length > 0) shown.add(e);
        if (shown.isEmpty()) throw new IllegalArgumentException("no values to draw");
        int cols = Math.min(3, shown.size()), rows = (shown.size() + cols - 1) / cols, head = 36;
        int pw = Math.max(160, w / cols), ph = Math.max(140, (h - head) / rows);
        BufferedImage out = new BufferedImage(pw * cols, head + ph * rows, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, out.getWidth(), out.getHeight());
        g.setRenderingHint(java.awt.RenderingHints.KEY_TEXT_ANTIALIASING, java.awt.RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.DARK_GRAY);
        g.setFont(new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.BOLD, 16));
        g.drawString(title, 12, 24);
        for (int k = 0; k < shown.size(); k++) {
            String name = shown.get(k).getKey();
            double[] v = shown.get(k).getValue();
            double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
            List<Double> data = new ArrayList<>();
            for (double x : v) {
                min = Math.min(min, x);
                max = Math.max(max, x);
                data.add(x);
            }
            if (max <= min) max = min + Math.max(1e-9, Math.abs(min) * 1e-3);
            Histogram hist = new Histogram(data, bins, min, max);
            CategoryChart c = new CategoryChartBuilder().width(pw).height(ph)
                    .title(String.format(Locale.ROOT, "%s: median %s", name, fmt(median(v)))).yAxisTitle("shapes").build();
            style(c);
            c.getStyler().setLegendVisible(false);
            c.getStyler().setAvailableSpaceFill(0.96);
            c.getStyler().setOverlapped(true);
            c.getStyler().setXAxisLabelRotation(60);
            int decimals = (int) Math.max(0, Math.min(8, Math.ceil(-Math.log10((max - min) / bins))));
            c.getStyler().setXAxisDecimalPattern(max < 0.01 ? "0.0E0" : decimals == 0 ? "0" : "0." + "0".repeat(decimals));
            c.getStyler().setYAxisDecimalPattern("0");
            c.addSeries(name, hist.getxAxisData(), hist.getyAxisData());
            g.drawImage(BitmapEncoder.getBufferedImage(c), (k % cols) * pw, head + (k / cols) * ph, null);
        }
        g.dispose();
        return out;
    }

    public static void writePng(Path file, BufferedImage img) throws IOException {
        AtomicFiles.write(file, out -> ImageIO.write(img, "png", out));
    }

    private static void style(org.knowm.xchart.internal.chartpart.Chart<?, ?> c) {
        Styler s = c.getStyler();
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotBackgroundColor(Color.WHITE);
        if (s instanceof org.knowm.xchart.style.AxesChartStyler a) a.setPlotGridLinesColor(new Color(0xDDDDDD));
        s.setLegendPosition(Styler.LegendPosition.InsideNE);
        s.setChartTitleBoxVisible(false);
        s.setPlotBorderVisible(false);
    }

    private static Series positive(Series s) {
        int n = 0;
        for (double y : s.y()) if (y > 0 && Double.isFinite(y)) n++;
        double[] x = new double[n], y = new double[n];
        for (int i = 0, k = 0; i < s.y().length; i++) {
            if (s.y()[i] > 0 && Double.isFinite(s.y()[i])) { x[k] = s.x()[i]; y[k++] = s.y()[i]; }
        }
        return new Series(s.name(), x, y);
    }

    private static BufferedImage stack(List<BufferedImage> parts, boolean sideBySide) {
        int w = 0, h = 0;
        for (BufferedImage p : parts) {
            w = sideBySide ? w + p.getWidth() : Math.max(w, p.getWidth());
            h = sideBySide ? Math.max(h, p.getHeight()) : h + p.getHeight();
        }
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        int at = 0;
        for (BufferedImage p : parts) {
            g.drawImage(p, sideBySide ? at : 0, sideBySide ? 0 : at, null);
            at += sideBySide ? p.getWidth() : p.getHeight();
        }
        g.dispose();
        return out;
    }

    static double median(double[] v) {
        double[] s = v.clone();
        java.util.Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static String fmt(double v) {
        return Math.abs(v) < 0.01 && v != 0 ? String.format(Locale.ROOT, "%.2e", v) : String.format(Locale.ROOT, "%.4f", v);
    }
}
