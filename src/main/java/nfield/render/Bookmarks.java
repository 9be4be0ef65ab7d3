package nfield.render;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import nfield.config.Json;
import nfield.io.AtomicFiles;
import org.joml.Vector3f;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The viewer's camera bookmarks, kept in a JSON file beside the field ({@code FIELD.views.json}:
 * an array of {@code {azimuth, elevation, distance, fov, target: [x, y, z]}}), written whole
 * (temp file + rename) on every change. A file that cannot be read is reported and left alone:
 * the viewer starts with none and writes no file until the user bookmarks a view.
 */
public final class Bookmarks {
    private final Path file;   // null: kept in memory only (an analytic field)
    private final List<Camera> views = new ArrayList<>();
    private String problem;

    /** The bookmarks file of {@code field}: FIELD.views.json beside it. */
    public static Path fileFor(Path field) {
        return field.resolveSibling(field.getFileName() + ".views.json");
    }

    public Bookmarks(Path file) {
        this.file = file;
        if (file == null || !Files.exists(file)) return;
        try {
            views.addAll(parse(file, Files.readString(file, StandardCharsets.UTF_8)));
        } catch (IOException | RuntimeException e) {
            problem = (e.getMessage() != null && e.getMessage().startsWith(file.toString()) ? e.getMessage() : file + ": " + e.getMessage())
                    + " (the bookmarks there are not shown; fix or remove the file)";
        }
    }

    /** The farthest a bookmarked camera may stand (field units; the field's box is [-1, 1]^3). */
    static final double MAX_DISTANCE = 1000;

    /** The views of a bookmarks file's text; an IOException naming {@code file} where it is not one. */
    static List<Camera> parse(Path file, String text) throws IOException {
        List<Camera> out = new ArrayList<>();
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IOException(file + ": not JSON (" + e.getOriginalMessage() + ")", e);
        }
        if (root == null || !root.isArray()) throw new IOException(file + ": not a JSON array of views");
        for (JsonNode v : root) {
            JsonNode t = v.path("target");
            float[] target = new float[3];
            if (t.isArray() && t.size() == 3) {
                for (int a = 0; a < 3; a++) {
                    target[a] = t.get(a).floatValue();
                    if (!t.get(a).isNumber() || !Float.isFinite(target[a])) throw new IOException(file + ": a view's target is not three finite numbers");
                }
            }
            double distance = need(file, v, "distance"), azimuth = need(file, v, "azimuth");
            if (distance > MAX_DISTANCE) throw new IOException(file + ": a view's distance " + distance + " is over " + MAX_DISTANCE);
            if (Math.abs(azimuth) > 1e6) throw new IOException(file + ": a view's azimuth " + azimuth + " is not an angle in degrees");
            for (float c : target) {
                if (Math.abs(c) > MAX_DISTANCE) throw new IOException(file + ": a view's target lies over " + MAX_DISTANCE + " from the field");
            }
            try {
                out.add(new Camera(azimuth, need(file, v, "elevation"), distance,
                        v.has("fov") ? need(file, v, "fov") : Camera.DEFAULT_FOV, new Vector3f(target[0], target[1], target[2])));
            } catch (IllegalArgumentException e) {
                throw new IOException(file + ": view " + (out.size() + 1) + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    private static double need(Path file, JsonNode v, String key) throws IOException {
        JsonNode n = v.get(key);
        if (n == null || !n.isNumber() || !Double.isFinite(n.doubleValue())) {
            throw new IOException(file + ": view has no finite '" + key + "'");
        }
        return n.doubleValue();
    }

    /** Why the file's bookmarks were not loaded, or null. */
    public String problem() { return problem; }

    public Path file() { return file; }

    public List<Camera> views() { return List.copyOf(views); }

    public void add(Camera c) throws IOException {
        views.add(c);
        save();
    }

    public void remove(int i) throws IOException {
        views.remove(i);
        save();
    }

    /** The short name of a view in the panel. */
    public static String label(int i, Camera c) {
        return String.format(Locale.ROOT, "%d: az %.0f el %.0f d %.2f", i + 1, c.azimuth(), c.elevation(), c.distance());
    }

    private void save() throws IOException {
        if (file == null || problem != null) return;
        ArrayNode a = Json.MAPPER.createArrayNode();
        for (Camera c : views) {
            ObjectNode o = a.addObject().put("azimuth", c.azimuth()).put("elevation", c.elevation()).put("distance", c.distance())
                    .put("fov", c.fovDegrees());
            o.putArray("target").add(c.target().x).add(c.target().y).add(c.target().z);
        }
        AtomicFiles.write(file, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(a));
    }
}
