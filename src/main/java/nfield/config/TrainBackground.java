package nfield.config;

import java.util.Arrays;
import java.util.Locale;

/**
 * What a radiance fit puts behind its training rays (scene key {@code marching.train_background},
 * {@code nfield fit --background}). The colour is both the volume renderer's background for the
 * ray and the background the ray's target pixel is composited on ({@code rgb · a + bg · (1 − a)}).
 * <ul>
 *   <li>{@code auto} (default): {@code random} when the images have alpha (transparent pixels),
 *   else the images as stored (composited on the data's background when read);</li>
 *   <li>{@code random}: a fresh uniform random RGB colour per ray and step (instant-ngp's way with
 *   RGBA scenes: the field cannot explain the background with floaters, since no fixed colour
 *   behind it is right); needs images with alpha;</li>
 *   <li>{@code white}, {@code black}, or {@code R,G,B} (three numbers in [0, 1]): that colour;
 *   with images without alpha only the colour they are composited on already.</li>
 * </ul>
 * Evaluation and rendering always use the data's background (stored in the field file).
 */
public final class TrainBackground {
    public static final String SPELLINGS = "auto, random, white, black or R,G,B (three numbers in [0, 1])";
    public static final TrainBackground AUTO = new TrainBackground("auto", null);
    public static final TrainBackground RANDOM = new TrainBackground("random", null);

    private final String spec;
    private final float[] colour;

    private TrainBackground(String spec, float[] colour) {
        this.spec = spec;
        this.colour = colour;
    }

    /** A fixed colour, RGB in [0, 1]. */
    public static TrainBackground colour(float r, float g, float b) {
        float[] c = {r, g, b};
        for (float v : c) {
            if (!(v >= 0 && v <= 1)) throw new IllegalArgumentException("background colour values must be in [0, 1]: " + r + "," + g + "," + b);
        }
        String spec = r == 1 && g == 1 && b == 1 ? "white" : r == 0 && g == 0 && b == 0 ? "black" : num(r) + "," + num(g) + "," + num(b);
        return new TrainBackground(spec, c);
    }

    /** Parses one of {@link #SPELLINGS}; an {@link IllegalArgumentException} says what is allowed. */
    public static TrainBackground parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        switch (t) {
            case "auto": return AUTO;
            case "random": return RANDOM;
            case "white": return colour(1, 1, 1);
            case "black": return colour(0, 0, 0);
            default: break;
        }
        String[] parts = t.split(",", -1);
        if (parts.length == 3) {
            float[] c = new float[3];
            try {
                for (int i = 0; i < 3; i++) c[i] = Float.parseFloat(parts[i].trim());
            } catch (NumberFormatException e) {
                c = null;
            }
            if (c != null && valid(c)) return colour(c[0], c[1], c[2]);
        }
        throw new IllegalArgumentException("background \"" + text + "\": expected " + SPELLINGS);
    }

    private static boolean valid(float[] c) {
        for (float v : c) if (!(v >= 0 && v <= 1)) return false;
        return true;
    }

    private static String num(float v) {
        return v == Math.rint(v) ? Integer.toString((int) v) : Float.toString(v);
    }

    public boolean isAuto() { return this == AUTO || spec.equals("auto"); }

    public boolean isRandom() { return spec.equals("random"); }

    /** The fixed colour, a copy; null for auto and random. */
    public float[] fixedColour() { return colour == null ? null : colour.clone(); }

    /** The spelling, canonical: "auto", "random", "white", "black" or "r,g,b". */
    @Override public String toString() { return spec; }

    @Override public boolean equals(Object o) {
        return o instanceof TrainBackground t && t.spec.equals(spec) && Arrays.equals(t.colour, colour);
    }

    @Override public int hashCode() { return spec.hashCode(); }
}
