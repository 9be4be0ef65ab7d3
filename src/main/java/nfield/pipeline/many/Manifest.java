package nfield.pipeline.many;

import com.fasterxml.jackson.databind.JsonNode;
import nfield.config.Json;
import nfield.data.mesh.MeshReader;
import nfield.pipeline.Durations;
import nfield.pipeline.FitError;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The shapes of {@code nfield fit-many MANIFEST...}. Each argument is one of:
 * <ul>
 * <li>a mesh file, {@code shape:NAME} or {@code analytic:NAME}: one shape;</li>
 * <li>a folder: every mesh file under it (.obj, .ply, .stl, .off; hidden folders and the output
 *     folder left out), in path order;</li>
 * <li>a glob such as {@code 'meshes/**.obj'} (quoted, so nfield expands it, not the shell);</li>
 * <li>a {@code .jsonl} file: one object a line, {@code {"data": "chair.obj", "name": "chair",
 *     "scene": "scenes/sdf-fast.json", "time": "30s", "steps": 2000, "seed": 7}}, only
 *     {@code data} required;</li>
 * <li>any other file: a list of paths (or folders, globs, shapes), one a line, {@code #} comments.</li>
 * </ul>
 * Paths inside a list are relative to the list's folder. A shape's name is its file's name
 * without the extension; where two shapes share one, the folders above them are prefixed
 * ({@code a_chair}, {@code b_chair}) until the names differ.
 */
public final class Manifest {
    private Manifest() {}

    static final Set<String> KEYS = Set.of("data", "name", "scene", "time", "steps", "seed");

    /** The shapes of {@code args}, names unique; {@code output} (the run's folder) is never searched. */
    public static List<ShapeJob> read(List<String> args, Path output) throws IOException {
        List<Found> jobs = new ArrayList<>();
        Path skip = output == null ? null : output.toAbsolutePath().normalize();
        for (String a : args) expand(a, Path.of(""), a, skip, jobs, 0);
        if (jobs.isEmpty()) {
            throw new FitError(String.join(" ", args) + ": no meshes found (looked for ." + String.join(", .", MeshReader.EXTENSIONS)
                    + " files); give mesh files, folders of them, a glob, a list of paths or a .jsonl manifest");
        }
        return unique(jobs);
    }

    /** The members {@code family:N} or {@code family:A..B} names. */
    static List<nfield.data.mesh.ShapeFamily.Member> family(String item, String where) {
        String s = item.substring(nfield.data.mesh.ShapeFamily.PREFIX.length());
        int dots = s.indexOf("..");
        try {
            if (dots < 0) return List.of(nfield.data.mesh.ShapeFamily.parse(item));
            int a = Integer.parseInt(s.substring(0, dots)), b = Integer.parseInt(s.substring(dots + 2));
            if (a < 0 || b < a || b - a >= 1_000_000) throw new NumberFormatException();
            return nfield.data.mesh.ShapeFamily.members(a, b - a + 1);
        } catch (IllegalArgumentException e) {
            throw new FitError(where + ": " + item + ": family members are family:N or family:A..B (0 <= A <= B, fewer than a million)");
        }
    }

    /** A shape as found, and whether the manifest named it. */
    record Found(ShapeJob job, boolean named) {}

    private static void expand(String item, Path base, String where, Path skip, List<Found> out, int depth) throws IOException {
        if (item.startsWith(nfield.data.mesh.ShapeFamily.PREFIX)) { // family:N or family:A..B (members A to B, both included)
            for (nfield.data.mesh.ShapeFamily.Member m : family(item, where)) {
                out.add(found(new ShapeJob(m.name(), m.data(), null, null, null, null, where)));
            }
            return;
        }
        if (item.startsWith("shape:") || item.startsWith("analytic:")) {
            out.add(found(new ShapeJob(item.replace(':', '-').replaceFirst("^shape-", ""), item, null, null, null, null, where)));
            return;
        }
        if (isGlob(item)) {
            glob(item, base, where, skip, out);
            return;
        }
        Path p = base.resolve(item);
        if (Files.isDirectory(p)) {
            walk(p, skip, where, out);
        } else if (!Files.exists(p)) {
            throw new FitError(where + ": " + p + ": no such file or folder");
        } else if (isMesh(p)) {
            out.add(found(new ShapeJob(stem(p), p.toString(), null, null, null, null, where)));
        } else if (depth > 0) {
            throw new FitError(where + ": " + p + " is not a mesh (." + String.join(", .", MeshReader.EXTENSIONS) + "); lists do not nest");
        } else if (p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".jsonl")) {
            jsonl(p, skip, out);
        } else {
            list(p, skip, out);
        }
    }

    static boolean isGlob(String s) {
        return s.indexOf('*') >= 0 || s.indexOf('?') >= 0 || s.indexOf('[') >= 0 || s.indexOf('{') >= 0;
    }

    static boolean isMesh(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        int dot = n.lastIndexOf('.');
        return dot > 0 && MeshReader.EXTENSIONS.contains(n.substring(dot + 1));
    }

    static String stem(Path p) {
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }

    private static void walk(Path dir, Path skip, String where, List<Found> out) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            s.filter(f -> Files.isRegularFile(f) && isMesh(f) && !hidden(dir, f) && !under(f, skip)).sorted()
                    .forEach(f -> out.add(found(new ShapeJob(stem(f), f.toString(), null, null, null, null, where))));
        }
    }

    private static boolean hidden(Path root, Path f) {
        for (Path part : root.relativize(f)) if (part.toString().startsWith(".")) return true;
        return false;
    }

    private static boolean under(Path f, Path skip) {
        return skip != null && f.toAbsolutePath().normalize().startsWith(skip);
    }

    private static void glob(String pattern, Path base, String where, Path skip, List<Found> out) throws IOException {
        // the folder the pattern starts from: its leading parts without wildcards
        String[] parts = pattern.split("/", -1);
        int fixed = 0;
        while (fixed < parts.length - 1 && !isGlob(parts[fixed])) fixed++;
        String root = String.join("/", java.util.Arrays.copyOfRange(parts, 0, fixed));
        Path dir = pattern.startsWith("/") && root.isEmpty() ? Path.of("/") : base.resolve(root.isEmpty() ? "." : root);
        String rest = String.join("/", java.util.Arrays.copyOfRange(parts, fixed, parts.length));
        PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + rest);
        if (!Files.isDirectory(dir)) throw new FitError(where + ": " + dir + ": no such folder");
        List<Path> hits = new ArrayList<>();
        try (Stream<Path> s = Files.walk(dir)) {
            s.filter(f -> Files.isRegularFile(f) && m.matches(dir.relativize(f)) && !under(f, skip)).sorted().forEach(hits::add);
        }
        for (Path f : hits) {
            if (!isMesh(f)) throw new FitError(where + ": " + f + " matches, but is not a mesh (." + String.join(", .", MeshReader.EXTENSIONS) + ")");
            out.add(found(new ShapeJob(stem(f), f.toString(), null, null, null, null, where)));
        }
    }

    private static void list(Path file, Path skip, List<Found> out) throws IOException {
        List<String> lines = lines(file);
        Path dir = parent(file);
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i).strip();
            if (l.isEmpty() || l.startsWith("#")) continue;
            expand(l, dir, file + ":" + (i + 1), skip, out, 1);
        }
    }

    private static void jsonl(Path file, Path skip, List<Found> out) throws IOException {
        List<String> lines = lines(file);
        Path dir = parent(file);
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i).strip();
            if (l.isEmpty() || l.startsWith("#")) continue;
            String where = file + ":" + (i + 1);
            JsonNode o;
            try {
                o = Json.MAPPER.readTree(l);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new FitError(where + ": not JSON (" + e.getOriginalMessage() + "); each line is one object such as "
                        + "{\"data\": \"chair.obj\", \"time\": \"30s\"}");
            }
            if (o == null || !o.isObject()) throw new FitError(where + ": expected a JSON object, such as {\"data\": \"chair.obj\"}");
            for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (!KEYS.contains(k)) throw new FitError(where + ": unknown key \"" + k + "\"; the keys are data, name, scene, time, steps, seed");
            }
            JsonNode data = o.get("data");
            if (data == null || !data.isTextual() || data.asText().isBlank()) throw new FitError(where + ": \"data\" (a mesh file or shape:NAME) is missing");
            String d = data.asText();
            if (isGlob(d) || Files.isDirectory(dir.resolve(d))) {
                throw new FitError(where + ": \"data\" " + d + ": one mesh file or shape:NAME a line (folders and globs go on the command line)");
            }
            List<Found> found = new ArrayList<>();
            expand(d, dir, where, skip, found, 1);
            ShapeJob j = found.get(0).job();
            String name = text(o, "name", where);
            if (name != null && !name.equals(clean(name))) {
                throw new FitError(where + ": \"name\" " + name + ": use letters, digits, '.', '_' and '-' (it names the output file)");
            }
            String scene = text(o, "scene", where);
            if (scene != null && scene.toLowerCase(Locale.ROOT).endsWith(".json")) scene = dir.resolve(scene).toString();
            Double seconds = null;
            JsonNode t = o.get("time");
            if (t != null) {
                if (t.isNumber() && t.asDouble() > 0) seconds = t.asDouble();
                else if (t.isTextual()) seconds = Durations.seconds(t.asText(), where + ": \"time\"");
                else throw new FitError(where + ": \"time\" must be a duration such as \"30s\" or seconds");
            }
            Integer steps = null;
            JsonNode s = o.get("steps");
            if (s != null) {
                if (!s.canConvertToInt() || !s.isIntegralNumber() || s.asInt() < 1) throw new FitError(where + ": \"steps\" must be a whole number of at least 1");
                steps = s.asInt();
            }
            Long seed = null;
            JsonNode sd = o.get("seed");
            if (sd != null) {
                if (!sd.isIntegralNumber() || !sd.canConvertToLong() || sd.asLong() < 0) throw new FitError(where + ": \"seed\" must be a whole number of at least 0");
                seed = sd.asLong();
            }
            out.add(new Found(new ShapeJob(name == null ? j.name() : name, j.data(), scene, seconds, steps, seed, where), name != null));
        }
    }

    private static String text(JsonNode o, String key, String where) {
        JsonNode v = o.get(key);
        if (v == null) return null;
        if (!v.isTextual() || v.asText().isBlank()) throw new FitError(where + ": \"" + key + "\" must be a non-empty string");
        return v.asText();
    }

    private static List<String> lines(Path file) throws IOException {
        if (!Files.isReadable(file)) throw new FitError(file + ": cannot be read");
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (java.nio.charset.MalformedInputException e) {
            throw new FitError(file + ": not a text file (a list of mesh paths, or .jsonl), and not a mesh by its extension");
        }
    }

    private static Path parent(Path f) {
        Path p = f.getParent();
        return p == null ? Path.of("") : p;
    }

    /** A name safe as a file name: letters, digits, '.', '_', '-'; anything else becomes '_'. */
    static String clean(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) b.append(Character.isLetterOrDigit(c) && c < 128 || c == '.' || c == '_' || c == '-' ? c : '_');
        if (b.length() == 0 || b.charAt(0) == '.') b.insert(0, '_');
        return b.toString();
    }

    private static Found found(ShapeJob j) {
        return new Found(j, false);
    }

    /**
     * Names made unique: a name the manifest gave is kept and must not repeat; a derived one takes the folders above its file until it differs
     * from the rest, then a number ({@code chair-2}) if even the paths are alike.
     */
    static List<ShapeJob> unique(List<Found> jobs) {
        int n = jobs.size();
        String[] names = new String[n];
        int[] level = new int[n];
        boolean[] given = new boolean[n];
        Set<String> fixed = new HashSet<>();
        List<ShapeJob> clean = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ShapeJob j = jobs.get(i).job();
            given[i] = jobs.get(i).named();
            clean.add(j);
            if (given[i]) {
                names[i] = j.name();
                if (!fixed.add(names[i])) throw new FitError(j.where() + ": the name " + names[i] + " is given to two shapes");
            }
        }
        for (int round = 0; ; round++) {
            Map<String, List<Integer>> byName = new LinkedHashMap<>();
            for (int i = 0; i < n; i++) {
                if (given[i]) continue;
                names[i] = derived(clean.get(i), level[i]);
                byName.computeIfAbsent(names[i], k -> new ArrayList<>()).add(i);
            }
            boolean grew = false;
            for (Map.Entry<String, List<Integer>> e : byName.entrySet()) {
                List<Integer> group = e.getValue();
                if (group.size() < 2 && !fixed.contains(e.getKey())) continue;
                for (int i : group) {
                    // a file listed twice gains nothing from its folders: it is numbered below
                    boolean differs = fixed.contains(e.getKey()) || group.stream().anyMatch(o -> !same(clean.get(o), clean.get(i)));
                    if (differs && level[i] < depth(clean.get(i))) {
                        level[i]++;
                        grew = true;
                    }
                }
            }
            if (!grew || round > 64) break;
        }
        Map<String, Integer> seen = new HashMap<>();
        Set<String> used = new HashSet<>(fixed);
        List<ShapeJob> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String name = names[i];
            if (!given[i] && !used.add(name)) {
                int k = seen.getOrDefault(name, 1);
                String c;
                do c = name + "-" + ++k; while (!used.add(c));
                seen.put(name, k);
                name = c;
            }
            out.add(clean.get(i).withName(name));
        }
        return out;
    }

    private static boolean same(ShapeJob a, ShapeJob b) {
        return sameData(a.data(), b.data());
    }

    /** Whether two data strings name the same shape: the same text, or paths to the same file. */
    static boolean sameData(String a, String b) {
        if (a.equals(b)) return true;
        if (a.contains(":") || b.contains(":")) return false;
        return Path.of(a).toAbsolutePath().normalize().equals(Path.of(b).toAbsolutePath().normalize());
    }

    private static int depth(ShapeJob j) {
        if (j.data().contains(":")) return 0;
        Path p = Path.of(j.data()).toAbsolutePath().normalize();
        return Math.max(0, p.getNameCount() - 1);
    }

    private static String derived(ShapeJob j, int level) {
        if (level == 0 || j.data().contains(":")) return clean(j.name());
        Path p = Path.of(j.data()).toAbsolutePath().normalize();
        int count = p.getNameCount();
        StringBuilder b = new StringBuilder();
        for (int k = Math.max(0, count - 1 - level); k < count - 1; k++) b.append(p.getName(k)).append('_');
        return clean(b + j.name());
    }
}
