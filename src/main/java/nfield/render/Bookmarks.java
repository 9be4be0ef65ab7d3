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
            JsonNode root = Json.MAPPER.readTree(Files.readString(file, StandardCharsets.UTF_8));
            if (root == null || !root.isArray()) throw new IOException("not a JSON array of views");
            for (JsonNode v : root) {
                JsonNode t = v.path("target");
                views.add(new Camera(need(v, "azimuth"), need(v, "elevation"), need(v, "distance"),
                        v.has("fov") ? need(v, "fov") : Camera.DEFAULT_FOV,
                        t.isArray() && t.size() == 3 ? new Vector3f(t.get(0).floatValue(), t.get(1).floatValue(), t.get(2).floatValue())
                                : new Vector3f()));
            }
        } catch (IOException | IllegalArgumentException e) {
            views.clear();
            problem = file + ": " + e.getMessage() + " (the bookmarks there are not shown; fix or remove the file)";
        }
    }

    private static double need(JsonNode v, String key) throws IOException {
        JsonNode n = v.get(key);
        if (n == null || !n.isNumber() || !Double.isFinite(n.doubleValue())) throw new IOException("a view has no finite '" + key + "'");
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
