package nfield.pipeline.many;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import nfield.config.Json;
import nfield.io.AtomicFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code DIR/results.jsonl}: one record a shape (shape, data, status, steps, loss, seconds,
 * metrics, error), rewritten whole and atomically after every shape, so a killed run leaves
 * the records of every shape it finished and nothing half written. A rerun reads it back.
 */
public final class Results {
    public static final String FILE = "results.jsonl";

    private final Path file;
    private final Map<String, ObjectNode> records = new LinkedHashMap<>();
    private final List<String> warnings = new ArrayList<>();

    private Results(Path file) {
        this.file = file;
    }

    /** The records in {@code dir}'s results file (none when it has none); lines it cannot read are left out with a warning. */
    public static Results load(Path dir) throws IOException {
        Results r = new Results(dir.resolve(FILE));
        if (!Files.isRegularFile(r.file)) return r;
        List<String> lines = Files.readAllLines(r.file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i).strip();
            if (l.isEmpty()) continue;
            try {
                JsonNode n = Json.MAPPER.readTree(l);
                if (n instanceof ObjectNode o && o.path("shape").isTextual()) {
                    r.records.put(o.get("shape").asText(), o);
                    continue;
                }
            } catch (IOException ignored) {
                // fall through to the warning
            }
            r.warnings.add(r.file + ":" + (i + 1) + ": not a result record; left out (its shape is fitted again)");
        }
        return r;
    }

    public synchronized List<String> warnings() { return List.copyOf(warnings); }

    /** The record of {@code shape}, or null. */
    public synchronized ObjectNode get(String shape) {
        return records.get(shape);
    }

    /** Puts {@code record} (keyed by its "shape") and rewrites the file. */
    public synchronized void put(ObjectNode record) throws IOException {
        records.put(record.get("shape").asText(), record);
        StringBuilder b = new StringBuilder();
        for (ObjectNode o : records.values()) b.append(Json.write(o)).append('\n');
        AtomicFiles.write(file, b.toString().getBytes(StandardCharsets.UTF_8));
    }

    public synchronized List<ObjectNode> all() {
        return List.copyOf(records.values());
    }
}
