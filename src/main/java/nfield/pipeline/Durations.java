package nfield.pipeline;

/** Parses "90", "90s", "2m", "1.5h", "500ms" into seconds, and formats seconds as m:ss or h:mm:ss. */
public final class Durations {
    private Durations() {}

    /** Seconds, or a {@link FitError} naming {@code option} (e.g. "--time") and what is expected. */
    public static double seconds(String text, String option) {
        String s = text.trim().toLowerCase(java.util.Locale.ROOT);
        double mul = 1;
        if (s.endsWith("ms")) { mul = 1e-3; s = s.substring(0, s.length() - 2); }
        else if (s.endsWith("s")) { s = s.substring(0, s.length() - 1); }
        else if (s.endsWith("m")) { mul = 60; s = s.substring(0, s.length() - 1); }
        else if (s.endsWith("h")) { mul = 3600; s = s.substring(0, s.length() - 1); }
        try {
            double v = Double.parseDouble(s) * mul;
            if (!(v > 0) || Double.isInfinite(v)) throw new NumberFormatException();
            return v;
        } catch (NumberFormatException e) {
            throw new FitError(option + " " + text + ": expected a positive duration such as 60s, 2m, 1h");
        }
    }

    public static String format(double s) {
        if (!Double.isFinite(s)) return "--:--";
        long t = Math.round(s);
        return t >= 3600 ? String.format("%d:%02d:%02d", t / 3600, t / 60 % 60, t % 60) : String.format("%d:%02d", t / 60, t % 60);
    }
}
