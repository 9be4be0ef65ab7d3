package nfield.data.nerf;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import nfield.config.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

/**
 * Reads a NeRF / Blender {@code transforms*.json} and its images.
 *
 * <h2>What is read</h2>
 * <ul>
 * <li>{@code frames}: each with {@code file_path} (relative to the json's folder, or absolute;
 * with or without an extension: Blender's "./train/r_0" means "train/r_0.png", and .png then .jpg
 * are tried when the path as written is no file) and {@code transform_matrix}, the 4×4
 * camera-to-world matrix (see {@link PosedImages} for the convention).</li>
 * <li>Intrinsics, per frame or else at the top level (instant-ngp): {@code fl_x} (else
 * {@code camera_angle_x}: fx = 0.5 W / tan(0.5 angle)); {@code fl_y} (else {@code camera_angle_y},
 * else fy = fx); {@code cx}, {@code cy} (else the image centre); {@code w}, {@code h} when given
 * must match the image.</li>
 * <li>instant-ngp's {@code aabb_scale} (with its {@code scale}, default 0.33, and
 * {@code offset}, default 0.5 per axis): the scene box is the points x with
 * x · scale + offset in [0.5 − aabb_scale / 2, 0.5 + aabb_scale / 2]³; without one, aabb_scale 1.</li>
 * <li>Lens distortion ({@code k1 k2 k3 k4 p1 p2}) is not modelled: non-zero values give a warning.</li>
 * </ul>
 * Other keys are ignored.
 *
 * <h2>Order of checks</h2>
 * The json, then every frame's pose and focal length, then every image file's existence (frames
 * whose image is missing are dropped, all named in one warning; more than half missing is an
 * error that lists them), then the holdout ({@link LoadOptions#holdout()}), then every image's size from its header (all must agree), then
 * the memory the images need; only then are the images decoded, in parallel on all cores.
 */
public final class TransformsReader {
    private static final ObjectReader JSON = Json.MAPPER.reader().with(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS);
    private static final String[] EXTENSIONS = {".png", ".jpg", ".jpeg"};
    private static final String[] DISTORTION = {"k1", "k2", "k3", "k4", "p1", "p2"};

    private TransformsReader() {}

    /** The split a transforms file is by its name: "transforms_train.json" is "train", "transforms.json" "all". */
    public static String splitOf(Path json) {
        String base = json.getFileName().toString();
        String stem = base.toLowerCase(Locale.ROOT).endsWith(".json") ? base.substring(0, base.length() - 5) : base;
        if (stem.equals("transforms")) return "all";
        return stem.startsWith("transforms_") ? stem.substring("transforms_".length()) : stem;
    }

    /** Reads {@code json} as it is (its split is its own; {@link LoadOptions#split()} is not looked at). */
    public static PosedImages read(Path json, LoadOptions opt) throws IOException {
        String name = json.toString();
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(json);
        } catch (NoSuchFileException e) {
            throw new NerfFormatException(name + ": no such file");
        }
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (JsonProcessingException e) {
            var loc = e.getLocation();
            String where = loc == null ? "" : " (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")";
            throw new NerfFormatException(name + ": not valid JSON" + where + ": "
                    + e.getOriginalMessage().replaceAll("\\[Source: .*?; line: (\\d+), column: (\\d+)]", "line $1, column $2"));
        }
        if (root == null || !root.isObject()) {
            throw new NerfFormatException(name + ": expected a JSON object with 'frames', got " + (root == null ? "nothing" : root.getNodeType().toString().toLowerCase(Locale.ROOT)));
        }
        JsonNode frames = root.get("frames");
        if (frames == null || !frames.isArray()) {
            throw new NerfFormatException(name + ": no 'frames' array" + (frames == null ? "" : " ('frames' is " + frames.getNodeType().toString().toLowerCase(Locale.ROOT) + ")"));
        }
        String split = splitOf(json);
        int n = frames.size();
        if (n == 0) throw new NerfFormatException(name + ": the " + split + " split is empty: 'frames' has no entries");
        List<String> warnings = new ArrayList<>();

        // ---- frames: file path, pose, raw intrinsic fields
        String[] paths = new String[n];
        double[] poses = new double[16 * n];
        List<String> badPoses = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            JsonNode f = frames.get(k);
            if (!f.isObject()) throw new NerfFormatException(name + ": frame " + k + " is not a JSON object");
            JsonNode fp = f.get("file_path");
            if (fp == null || !fp.isTextual() || fp.asText().isEmpty()) {
                throw new NerfFormatException(name + ": frame " + k + " has no 'file_path' string");
            }
            paths[k] = fp.asText();
            String what = "frame " + k + " (" + paths[k] + ")";
            JsonNode m = f.get("transform_matrix");
            if (m == null) throw new NerfFormatException(name + ": " + what + " has no 'transform_matrix'");
            if (!m.isArray() || m.size() != 4) {
                throw new NerfFormatException(name + ": " + what + ": 'transform_matrix' must be 4 rows of 4 numbers, got " + shape(m));
            }
            for (int r = 0; r < 4; r++) {
                JsonNode row = m.get(r);
                if (!row.isArray() || row.size() != 4) {
                    throw new NerfFormatException(name + ": " + what + ": 'transform_matrix' row " + r + " must be 4 numbers, got " + shape(row));
                }
                for (int c = 0; c < 4; c++) {
                    JsonNode v = row.get(c);
                    if (!v.isNumber()) throw new NerfFormatException(name + ": " + what + ": 'transform_matrix'[" + r + "][" + c + "] is not a number: " + v);
                    poses[16 * k + 4 * r + c] = v.doubleValue();
                }
            }
            String p = Poses.problem(poses, 16 * k);
            if (p != null) badPoses.add(what + ": transform_matrix " + p);
        }
        if (!badPoses.isEmpty()) {
            throw new NerfFormatException(name + ": " + count(badPoses.size(), "bad pose") + ":\n  " + String.join("\n  ", badPoses));
        }
        double[] fx0 = new double[n], fy0 = new double[n], ax = new double[n], ay = new double[n];
        double[] cx0 = new double[n], cy0 = new double[n], w0 = new double[n], h0 = new double[n];
        List<String> noFocal = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            JsonNode f = frames.get(k);
            String what = "frame " + k + " (" + paths[k] + ")";
            fx0[k] = number(name, what, f, root, "fl_x");
            fy0[k] = number(name, what, f, root, "fl_y");
            ax[k] = number(name, what, f, root, "camera_angle_x");
            ay[k] = number(name, what, f, root, "camera_angle_y");
            cx0[k] = number(name, what, f, root, "cx");
            cy0[k] = number(name, what, f, root, "cy");
            w0[k] = number(name, what, f, root, "w");
            h0[k] = number(name, what, f, root, "h");
            if (Double.isNaN(fx0[k]) && Double.isNaN(ax[k])) noFocal.add(what);
            for (String d : DISTORTION) {
                double v = number(name, what, f, root, d);
                if (!Double.isNaN(v) && v != 0) {
                    String wline = "lens distortion is not modelled: ignored non-zero '" + d + "' (first in " + what + ")";
                    if (warnings.stream().noneMatch(x -> x.contains("'" + d + "'"))) warnings.add(wline);
                }
            }
        }
        if (!noFocal.isEmpty()) {
            throw new NerfFormatException(name + ": no focal length: give 'camera_angle_x' or 'fl_x', at the top level or in each frame; "
                    + (noFocal.size() == n ? "none of the " + n + " frames has one" : count(noFocal.size(), "frame") + " without: "
                    + String.join(", ", noFocal)));
        }

        // ---- files: frames whose image is missing are dropped (colmap2nerf lists frames whose blurry images were
        // removed; instant-ngp drops them too), all named in one warning; an error when more than half are missing
        Path dir = json.toAbsolutePath().getParent();
        Path shown = json.getParent() == null ? Path.of("") : json.getParent();
        Path[] files = new Path[n];
        List<String> missing = new ArrayList<>();
        List<Integer> kept = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            files[k] = resolve(dir, paths[k]);
            if (files[k] == null) missing.add(paths[k] + " (no " + shown.resolve(paths[k]).normalize() + ", nor with .png, .jpg, .jpeg)");
            else kept.add(k);
        }
        if (2 * missing.size() > n) {
            throw new NerfFormatException(name + ": " + missing.size() + " of " + n + " image files are missing: more than half of the "
                    + "frames, so none is dropped (is it the right folder?):\n  " + String.join("\n  ", missing));
        }
        if (!missing.isEmpty()) {
            warnings.add(count(missing.size(), "frame") + " of " + n + " dropped: " + (missing.size() == 1 ? "its image is" : "their images are")
                    + " missing: " + String.join(", ", missing.stream().map(m -> m.substring(0, m.indexOf(" (no "))).toList()));
        }
        LoadOptions.Holdout holdout = opt.holdout();
        if (holdout != null) {
            List<Integer> part = new ArrayList<>();
            for (int i = 0; i < kept.size(); i++) if (holdout.keeps(i)) part.add(kept.get(i));
            if (part.isEmpty()) {
                throw new NerfFormatException(name + ": --test-every " + holdout.every() + " leaves no " + (holdout.test() ? "test" : "training")
                        + " frames of " + kept.size());
            }
            kept = part;
            split = holdout.split();
        }
        if (kept.size() < n) {
            int[] idx = kept.stream().mapToInt(Integer::intValue).toArray();
            paths = pick(paths, idx);
            files = pick(files, idx);
            poses = pick(poses, idx, 16);
            fx0 = pick(fx0, idx, 1); fy0 = pick(fy0, idx, 1); ax = pick(ax, idx, 1); ay = pick(ay, idx, 1);
            cx0 = pick(cx0, idx, 1); cy0 = pick(cy0, idx, 1); w0 = pick(w0, idx, 1); h0 = pick(h0, idx, 1);
            n = idx.length;
        }
        Path[] imageFiles = files;
        List<String> fileNames = new ArrayList<>(n);
        for (Path f : files) fileNames.add(display(shown, dir, f));

        // ---- sizes from the headers: all alike, and as the json says
        int[][] sizes = new int[n][];
        String[] sizeErrors = new String[n];
        IntStream.range(0, n).parallel().forEach(k -> {
            try {
                sizes[k] = ImageFiles.size(imageFiles[k]);
            } catch (IOException e) {
                sizeErrors[k] = fileNames.get(k) + " " + e.getMessage();
            }
        });
        for (String e : sizeErrors) if (e != null) throw new NerfFormatException(name + ": " + e);
        int width = sizes[0][0], height = sizes[0][1];
        List<String> odd = new ArrayList<>();
        for (int k = 1; k < n; k++) {
            if (sizes[k][0] != width || sizes[k][1] != height) odd.add(fileNames.get(k) + " is " + sizes[k][0] + "x" + sizes[k][1]);
        }
        if (!odd.isEmpty()) {
            throw new NerfFormatException(name + ": image sizes differ: " + fileNames.get(0) + " is " + width + "x" + height + " but "
                    + (odd.size() == 1 ? odd.get(0) : count(odd.size(), "other") + " are not:\n  " + String.join("\n  ", odd)));
        }
        for (int k = 0; k < n; k++) {
            if ((!Double.isNaN(w0[k]) && w0[k] != width) || (!Double.isNaN(h0[k]) && h0[k] != height)) {
                throw new NerfFormatException(name + ": frame " + k + " (" + paths[k] + "): 'w' x 'h' say " + dim(w0[k]) + "x" + dim(h0[k])
                        + " but " + fileNames.get(k) + " is " + width + "x" + height);
            }
        }

        // ---- intrinsics, box, memory
        int f = opt.downscale();
        int w2 = width / f, h2 = height / f;
        if (w2 == 0 || h2 == 0) {
            throw new NerfFormatException(name + ": downscale " + f + " leaves nothing of " + width + "x" + height + " images");
        }
        if (w2 * f != width || h2 * f != height) {
            warnings.add("downscale " + f + ": " + width + "x" + height + " is not a multiple; the last " + (width - w2 * f)
                    + " columns and " + (height - h2 * f) + " rows are dropped");
        }
        List<Intrinsics> intrinsics = new ArrayList<>(n);
        for (int k = 0; k < n; k++) {
            double fx = !Double.isNaN(fx0[k]) ? fx0[k] : 0.5 * width / Math.tan(0.5 * ax[k]);
            double fy = !Double.isNaN(fy0[k]) ? fy0[k] : !Double.isNaN(ay[k]) ? 0.5 * height / Math.tan(0.5 * ay[k]) : fx;
            double cx = Double.isNaN(cx0[k]) ? 0.5 * width : cx0[k];
            double cy = Double.isNaN(cy0[k]) ? 0.5 * height : cy0[k];
            if (!(fx > 0 && fy > 0 && Double.isFinite(fx) && Double.isFinite(fy))) {
                throw new NerfFormatException(name + ": frame " + k + " (" + paths[k] + "): focal lengths must be positive and finite, got fx "
                        + fx + ", fy " + fy + " (camera_angle_x must be in (0, π))");
            }
            intrinsics.add(new Intrinsics(fx, fy, cx, cy).downscaled(f));
        }
        double[] box = box(name, root);
        boolean anyAlpha = false;
        for (int[] sz : sizes) anyAlpha |= sz[2] != 0;
        checkMemory(name, n, w2, h2, anyAlpha ? 4 : 3);

        // ---- decode, in parallel
        byte[][] rgb = new byte[n][], alpha = new byte[n][];
        String[] decodeErrors = new String[n];
        AtomicInteger done = new AtomicInteger();
        float[] background = opt.background();
        LoadOptions.Progress progress = opt.progress();
        IntStream.range(0, n).parallel().forEach(k -> {
            try {
                Compositor.Image im = ImageFiles.decode(imageFiles[k], background, f);
                rgb[k] = im.rgb();
                alpha[k] = im.alpha();
                if (rgb[k].length != 3 * w2 * h2) decodeErrors[k] = fileNames.get(k) + " decodes to a different size than its header says";
            } catch (IOException e) {
                decodeErrors[k] = fileNames.get(k) + " " + e.getMessage();
            } catch (UncheckedIOException e) {
                decodeErrors[k] = fileNames.get(k) + " " + e.getCause().getMessage();
            }
            synchronized (done) { // counted and reported together, so the counts arrive in order
                progress.update(done.incrementAndGet(), imageFiles.length);
            }
        });
        for (String e : decodeErrors) if (e != null) throw new NerfFormatException(name + ": " + e);
        return new PosedImages(name, split, w2, h2, List.of(rgb), java.util.Arrays.asList(alpha), intrinsics, poses, background, box,
                fileNames, warnings);
    }

    private static <T> T[] pick(T[] a, int[] idx) {
        T[] out = java.util.Arrays.copyOf(a, idx.length);
        for (int i = 0; i < idx.length; i++) out[i] = a[idx[i]];
        return out;
    }

    /** Rows {@code idx} of a [.., stride] array. */
    private static double[] pick(double[] a, int[] idx, int stride) {
        double[] out = new double[idx.length * stride];
        for (int i = 0; i < idx.length; i++) System.arraycopy(a, idx[i] * stride, out, i * stride, stride);
        return out;
    }

    /** The file {@code filePath} names, relative to {@code dir}: as written, else with .png, .jpg, .jpeg; null when none is a file. */
    static Path resolve(Path dir, String filePath) {
        Path p = dir.resolve(filePath).normalize();
        if (Files.isRegularFile(p)) return p;
        for (String ext : EXTENSIONS) {
            Path q = p.resolveSibling(p.getFileName() + ext);
            if (Files.isRegularFile(q)) return q;
        }
        return null;
    }

    /** The file as a path relative to where the user pointed (the json's folder as given). */
    private static String display(Path shown, Path dir, Path file) {
        return shown.resolve(dir.relativize(file)).normalize().toString();
    }

    /** Key {@code key} in the frame, else at the top level, as a number; NaN when neither has it. */
    private static double number(String name, String what, JsonNode frame, JsonNode root, String key) throws NerfFormatException {
        JsonNode v = frame.get(key);
        String where = what;
        if (v == null || v.isNull()) {
            v = root.get(key);
            where = "top level";
        }
        if (v == null || v.isNull()) return Double.NaN;
        if (!v.isNumber() || !Double.isFinite(v.doubleValue())) {
            throw new NerfFormatException(name + ": " + where + ": '" + key + "' must be a finite number, got " + v);
        }
        return v.doubleValue();
    }

    private static double[] box(String name, JsonNode root) throws NerfFormatException {
        double a = 1, s = PosedImages.NGP_DEFAULT_SCALE;
        double[] off = {0.5, 0.5, 0.5};
        JsonNode v = root.get("aabb_scale");
        if (v == null && root.get("scale") == null && root.get("offset") == null) return PosedImages.defaultBox();
        if (v != null) {
            if (!v.isNumber() || !(v.doubleValue() > 0) || !Double.isFinite(v.doubleValue())) {
                throw new NerfFormatException(name + ": 'aabb_scale' must be a positive number, got " + v);
            }
            a = v.doubleValue();
        }
        v = root.get("scale");
        if (v != null) {
            if (!v.isNumber() || !(v.doubleValue() > 0) || !Double.isFinite(v.doubleValue())) {
                throw new NerfFormatException(name + ": 'scale' must be a positive number, got " + v);
            }
            s = v.doubleValue();
        }
        v = root.get("offset");
        if (v != null) {
            if (!v.isArray() || v.size() != 3 || !v.get(0).isNumber() || !v.get(1).isNumber() || !v.get(2).isNumber()) {
                throw new NerfFormatException(name + ": 'offset' must be 3 numbers, got " + v);
            }
            for (int i = 0; i < 3; i++) off[i] = v.get(i).doubleValue();
        }
        double[] box = new double[6];
        for (int i = 0; i < 3; i++) {
            box[i] = (0.5 - 0.5 * a - off[i]) / s;
            box[i + 3] = (0.5 + 0.5 * a - off[i]) / s;
        }
        return box;
    }

    /**
     * Refuses before allocating when n · W · H · {@code bytesPerPixel} bytes (3: RGB, 4: RGB + alpha)
     * cannot fit in what the JVM may still take.
     */
    static void checkMemory(String name, int n, int w, int h, int bytesPerPixel) throws NerfFormatException {
        long need = (long) bytesPerPixel * n * w * h;
        Runtime rt = Runtime.getRuntime();
        long free = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
        if (need > free) {
            throw new NerfFormatException(name + ": " + n + " images of " + w + "x" + h + " need " + MemoryEstimate.bytes(need)
                    + (bytesPerPixel == 4 ? " as 8-bit RGB + alpha" : " as 8-bit RGB") + " but the JVM has " + MemoryEstimate.bytes(free) + " free (of -Xmx " + MemoryEstimate.bytes(rt.maxMemory())
                    + "): raise -Xmx or read at a lower resolution (--downscale)");
        }
    }

    private static String shape(JsonNode m) {
        if (m.isArray()) return "an array of " + m.size();
        return m.getNodeType().toString().toLowerCase(Locale.ROOT);
    }

    private static String dim(double v) {
        return Double.isNaN(v) ? "?" : v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    static String count(int n, String what) {
        return n + " " + what + (n == 1 ? "" : "s");
    }
}
