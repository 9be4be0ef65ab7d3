package nfield.data.nerf;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import nfield.config.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

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
 * x · scale + offset in [0.5 − aabb_scale / 2, 0.5 + aabb_scale / 2]³; without one, aabb_scale 1. The
 * box of interest ({@link PosedImages#inner()}) is that box at aabb_scale 1, instant-ngp's unit cube.</li>
 * <li>Lens distortion, per frame or at the top level ({@link Lens}): {@code camera_model}
 * (nerfstudio: "OPENCV", the default, "OPENCV_FISHEYE" or "PINHOLE"; instant-ngp's
 * {@code is_fisheye: true} is the same as "OPENCV_FISHEYE") with {@code k1 k2 k3 k4 p1 p2}
 * (absent ones 0): the radial-tangential lens with k1 … k4 the r², r⁴, r⁶, r⁸ terms, or the
 * equidistant fisheye with k1 … k4 (then p1, p2 must be 0). {@link LoadOptions#pinhole()} reads
 * every camera as a pinhole, with a warning when that drops distortion.</li>
 * <li>nerfstudio's per-frame {@code mask_path}: an image as large as the frame's whose dark
 * pixels (below half intensity) leave the training loss ({@link PosedImages#kept}); and its
 * top-level {@code applied_transform} (what it did to COLMAP's poses, already in the frames'),
 * checked for shape and otherwise ignored.</li>
 * </ul>
 * Other keys (instant-ngp's {@code sharpness}, ...) are ignored.
 *
 * <h2>Order of checks</h2>
 * The json, then every frame's pose, focal length and lens, then the box; then (in
 * {@link FrameLoader}) every image file's existence (frames whose image is missing are dropped,
 * all named in one warning; more than half missing is an error that lists them), the holdout
 * ({@link LoadOptions#holdout()}), every image's size from its header (all must agree, and agree
 * with 'w' and 'h'), and the memory the images need; only then are the images decoded, in
 * parallel on all cores.
 */
public final class TransformsReader {
    private static final ObjectReader JSON = Json.MAPPER.reader().with(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS);
    private static final String[] DISTORTION = {"k1", "k2", "k3", "k4", "p1", "p2"};
    private static final List<String> CAMERA_MODELS = List.of("OPENCV", "OPENCV_FISHEYE", "PINHOLE");

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
        } catch (java.io.CharConversionException e) { // bytes that look like UTF-16/32 JSON but are not
            throw new NerfFormatException(name + ": not valid JSON: " + e.getMessage() + " (save it as UTF-8)");
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
        JsonNode applied = root.get("applied_transform");
        if (applied != null && !applied.isNull()) { // nerfstudio's record of what it did to COLMAP's poses; the frames' poses include it
            boolean ok = applied.isArray() && (applied.size() == 3 || applied.size() == 4);
            for (int r = 0; ok && r < applied.size(); r++) {
                JsonNode row = applied.get(r);
                ok = row.isArray() && row.size() == 4;
                for (int c = 0; ok && c < 4; c++) ok = row.get(c).isNumber() && Double.isFinite(row.get(c).doubleValue());
            }
            if (!ok) throw new NerfFormatException(name + ": 'applied_transform' must be 3 or 4 rows of 4 finite numbers, got " + applied);
        }
        String split = splitOf(json);
        int n = frames.size();
        if (n == 0) throw new NerfFormatException(name + ": the " + split + " split is empty: 'frames' has no entries");
        List<String> warnings = new ArrayList<>();

        // ---- frames: file path, pose, raw intrinsic fields
        String[] paths = new String[n], maskPaths = new String[n];
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
            JsonNode mp = f.get("mask_path");
            if (mp != null && !mp.isNull()) {
                if (!mp.isTextual() || mp.asText().isEmpty()) throw new NerfFormatException(name + ": " + what + ": 'mask_path' must be a file name, got " + mp);
                maskPaths[k] = mp.asText();
            }
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
        Lens[] lenses = new Lens[n];
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
            lenses[k] = lens(name, what, f, root);
        }
        if (!noFocal.isEmpty()) {
            throw new NerfFormatException(name + ": no focal length: give 'camera_angle_x' or 'fl_x', at the top level or in each frame; "
                    + (noFocal.size() == n ? "none of the " + n + " frames has one" : count(noFocal.size(), "frame") + " without: "
                    + String.join(", ", noFocal)));
        }

        double[] box = box(name, root, false), inner = box(name, root, true);
        Path dir = json.toAbsolutePath().getParent();
        Path shown = json.getParent() == null ? Path.of("") : json.getParent();
        List<FrameLoader.Frame> list = new ArrayList<>(n);
        for (int k = 0; k < n; k++) {
            String what = "frame " + k + " (" + paths[k] + ")";
            int[] stated = Double.isNaN(w0[k]) && Double.isNaN(h0[k]) ? null : new int[] {whole(name, what, "w", w0[k]), whole(name, what, "h", h0[k])};
            double fxk = fx0[k], fyk = fy0[k], axk = ax[k], ayk = ay[k], cxk = cx0[k], cyk = cy0[k];
            Lens lens = lenses[k];
            list.add(new FrameLoader.Frame(paths[k], what, Arrays.copyOfRange(poses, 16 * k, 16 * k + 16), stated, "'w' x 'h' say",
                    (width, height) -> {
                        double fx = !Double.isNaN(fxk) ? fxk : 0.5 * width / Math.tan(0.5 * axk);
                        double fy = !Double.isNaN(fyk) ? fyk : !Double.isNaN(ayk) ? 0.5 * height / Math.tan(0.5 * ayk) : fx;
                        double cx = Double.isNaN(cxk) ? 0.5 * width : cxk;
                        double cy = Double.isNaN(cyk) ? 0.5 * height : cyk;
                        if (!(fx > 0 && fy > 0 && Double.isFinite(fx) && Double.isFinite(fy))) {
                            throw new NerfFormatException(name + ": " + what + ": focal lengths must be positive and finite, got fx "
                                    + fx + ", fy " + fy + " (camera_angle_x must be in (0, π))");
                        }
                        return new Intrinsics(fx, fy, cx, cy, lens);
                    }, maskPaths[k]));
        }
        return FrameLoader.load(name, split, dir, shown, list, box, warnings, opt).withInner(inner);
    }

    /** A stated image size: a whole number, or -1 when not stated. */
    private static int whole(String name, String what, String key, double v) throws NerfFormatException {
        if (Double.isNaN(v)) return -1;
        if (v != Math.rint(v) || v < 1 || v > Integer.MAX_VALUE) {
            throw new NerfFormatException(name + ": " + what + ": '" + key + "' must be a whole number of pixels, got " + v);
        }
        return (int) v;
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

    /** The frame's lens: {@code camera_model} (or {@code is_fisheye}) and {@code k1 k2 k3 k4 p1 p2}, per frame or top level. */
    private static Lens lens(String name, String what, JsonNode frame, JsonNode root) throws NerfFormatException {
        JsonNode m = frame.has("camera_model") ? frame.get("camera_model") : root.get("camera_model");
        String where = frame.has("camera_model") ? what : "top level";
        String model = "OPENCV";
        if (m != null && !m.isNull()) {
            if (!m.isTextual() || !CAMERA_MODELS.contains(m.asText().toUpperCase(Locale.ROOT))) {
                throw new NerfFormatException(name + ": " + where + ": 'camera_model' " + m + " is not one nfield reads: "
                        + String.join(", ", CAMERA_MODELS) + " (COLMAP's other models: convert the model with COLMAP's "
                        + "image_undistorter, or give its sparse folder to nfield directly)");
            }
            model = m.asText().toUpperCase(Locale.ROOT);
        }
        JsonNode fe = frame.has("is_fisheye") ? frame.get("is_fisheye") : root.get("is_fisheye");
        if (fe != null && !fe.isNull()) {
            if (!fe.isBoolean()) throw new NerfFormatException(name + ": 'is_fisheye' must be true or false, got " + fe);
            if (fe.booleanValue()) {
                if (m != null && !m.isNull() && !model.equals("OPENCV_FISHEYE")) {
                    throw new NerfFormatException(name + ": " + where + ": 'is_fisheye' is true but 'camera_model' is " + m);
                }
                model = "OPENCV_FISHEYE";
            }
        }
        double[] c = new double[DISTORTION.length];
        for (int i = 0; i < c.length; i++) {
            double v = number(name, what, frame, root, DISTORTION[i]);
            c[i] = Double.isNaN(v) ? 0 : v;
        }
        return switch (model) {
            case "PINHOLE" -> {
                for (int i = 0; i < c.length; i++) {
                    if (c[i] != 0) throw new NerfFormatException(name + ": " + what + ": 'camera_model' is PINHOLE but '" + DISTORTION[i]
                            + "' is " + c[i] + ": remove it, or say OPENCV");
                }
                yield Lens.PINHOLE;
            }
            case "OPENCV_FISHEYE" -> {
                if (c[4] != 0 || c[5] != 0) {
                    throw new NerfFormatException(name + ": " + what + ": a fisheye lens has no tangential terms, but p1 " + c[4] + ", p2 " + c[5]);
                }
                yield Lens.fisheye(c[0], c[1], c[2], c[3]);
            }
            default -> Lens.radialTangential(c[0], c[1], c[2], c[3], 0, 0, 0, c[4], c[5]);
        };
    }

    /** The scene box; with {@code unit}, the box of interest: the same at aabb_scale 1 (instant-ngp's unit cube). */
    private static double[] box(String name, JsonNode root, boolean unit) throws NerfFormatException {
        double a = 1, s = PosedImages.NGP_DEFAULT_SCALE;
        double[] off = {0.5, 0.5, 0.5};
        JsonNode v = root.get("aabb_scale");
        if (v == null && root.get("scale") == null && root.get("offset") == null) return PosedImages.defaultBox();
        if (v != null) {
            if (!v.isNumber() || !(v.doubleValue() > 0) || !Double.isFinite(v.doubleValue())) {
                throw new NerfFormatException(name + ": 'aabb_scale' must be a positive number, got " + v);
            }
            a = unit ? Math.min(1, v.doubleValue()) : v.doubleValue();
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
            if (!v.isArray() || v.size() != 3) throw new NerfFormatException(name + ": 'offset' must be 3 numbers, got " + v);
            for (int i = 0; i < 3; i++) {
                if (!v.get(i).isNumber() || !Double.isFinite(v.get(i).doubleValue())) {
                    throw new NerfFormatException(name + ": 'offset' must be 3 finite numbers, got " + v);
                }
            }
            for (int i = 0; i < 3; i++) off[i] = v.get(i).doubleValue();
        }
        double[] box = new double[6];
        for (int i = 0; i < 3; i++) {
            box[i] = (0.5 - 0.5 * a - off[i]) / s;
            box[i + 3] = (0.5 + 0.5 * a - off[i]) / s;
            if (!(Double.isFinite(box[i]) && Double.isFinite(box[i + 3]) && box[i] < box[i + 3])) {
                throw new NerfFormatException(name + ": 'aabb_scale' " + a + ", 'scale' " + s + " and 'offset' " + Arrays.toString(off)
                        + " give no usable scene box (axis " + "xyz".charAt(i) + " from " + box[i] + " to " + box[i + 3]
                        + "); instant-ngp's box is ((0.5 - aabb_scale / 2 - offset) / scale, (0.5 + aabb_scale / 2 - offset) / scale)");
            }
        }
        return box;
    }

    private static String shape(JsonNode m) {
        if (m.isArray()) return "an array of " + m.size();
        return m.getNodeType().toString().toLowerCase(Locale.ROOT);
    }

    private static String count(int n, String what) {
        return FrameLoader.count(n, what);
    }
}
