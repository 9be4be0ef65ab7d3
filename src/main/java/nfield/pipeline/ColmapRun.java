package nfield.pipeline;

import nfield.data.nerf.ColmapModel;
import nfield.data.nerf.ColmapReader;
import nfield.data.nerf.TransformsWriter;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Poses for photos that have none: COLMAP (the {@code colmap} program, CPU SIFT) run stage by
 * stage on a folder of photos or on frames {@code ffmpeg} takes from a video, into a scene folder
 * that {@code nfield fit} reads:
 * <pre>
 *   SCENE/images/          the photos (copied) or the video's frames
 *   SCENE/colmap/database.db, SCENE/colmap/sparse/N/   COLMAP's own files
 *   SCENE/transforms.json  the largest model, in nfield's world ({@link TransformsWriter})
 *   SCENE/colmap.log       what COLMAP printed
 * </pre>
 */
public final class ColmapRun {
    /** Image files taken from a photo folder. */
    public static final List<String> IMAGE_EXTENSIONS = List.of(".jpg", ".jpeg", ".png");
    /** Video files, whose frames ffmpeg extracts. */
    public static final List<String> VIDEO_EXTENSIONS = List.of(".mp4", ".mov", ".m4v", ".avi", ".mkv", ".webm");

    private ColmapRun() {}

    /**
     * @param matcher     "exhaustive" (every pair: best for up to a few hundred photos) or "sequential" (neighbours in name order: video)
     * @param cameraModel COLMAP's camera model for the photos (OPENCV for phones, SIMPLE_RADIAL, PINHOLE, OPENCV_FISHEYE, ...)
     * @param fps         frames a second taken from a video
     * @param minShare    the least share of the images that must register
     */
    public record Options(String matcher, String cameraModel, boolean singleCamera, double fps, double minShare) {
        public static final Options DEFAULT = new Options("exhaustive", "OPENCV", true, 2, 0.5);

        public Options {
            if (!matcher.equals("exhaustive") && !matcher.equals("sequential")) {
                throw new FitError("--matcher " + matcher + ": exhaustive (every pair of photos) or sequential (neighbours, for video)");
            }
            if (ColmapModel.Model.ofName(cameraModel) == null || !ColmapModel.Model.ofName(cameraModel).supported()) {
                throw new FitError("--camera-model " + cameraModel + ": one of SIMPLE_PINHOLE, PINHOLE, SIMPLE_RADIAL, RADIAL, OPENCV, "
                        + "OPENCV_FISHEYE, FULL_OPENCV, SIMPLE_RADIAL_FISHEYE, RADIAL_FISHEYE");
            }
            if (!(fps > 0)) throw new FitError("--fps " + fps + ": frames a second must be positive");
        }
    }

    /** What came out: the images, how many registered, the points and their mean reprojection error, where the files are. */
    public record Result(int images, int registered, int points, double meanError, Path transforms, Path model) {
        public String describe() {
            return String.format(Locale.ROOT, "%d of %d images registered, %,d points, mean reprojection error %.3f px; wrote %s (model %s)",
                    registered, images, points, meanError, transforms, model);
        }
    }

    /** Runs the stages on {@code photos} (a folder of images, or a video) into {@code scene}; each stage announced to {@code stage}. */
    public static Result run(Path photos, Path scene, Options opt, Consumer<String> stage) throws IOException, InterruptedException {
        require("colmap", "nfield poses needs COLMAP: apt-get install colmap (Debian, Ubuntu), or see colmap.github.io for others");
        Path images = scene.resolve("images"), work = scene.resolve("colmap"), log = scene.resolve("colmap.log");
        Files.createDirectories(images);
        Files.createDirectories(work);
        int count;
        String name = photos.getFileName() == null ? "" : photos.getFileName().toString().toLowerCase(Locale.ROOT);
        if (Files.isRegularFile(photos) && VIDEO_EXTENSIONS.stream().anyMatch(name::endsWith)) {
            require("ffmpeg", "frames from a video need ffmpeg: apt-get install ffmpeg");
            stage.accept("[1/4] frames: " + photos + " at " + opt.fps() + " a second");
            exec(log, List.of("ffmpeg", "-nostdin", "-loglevel", "error", "-i", photos.toString(), "-vf", "fps=" + opt.fps(), "-qscale:v", "1", "-qmin", "1",
                    images.resolve("frame_%05d.jpg").toString()));
            count = list(images).size();
        } else if (Files.isDirectory(photos)) {
            List<Path> in = list(photos);
            stage.accept("[1/4] photos: " + in.size() + " in " + photos);
            if (!photos.toAbsolutePath().normalize().equals(images.toAbsolutePath().normalize())) {
                for (Path p : in) Files.copy(p, images.resolve(p.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
            count = in.size();
        } else {
            throw new FitError(photos + ": neither a folder of photos (" + String.join(" ", IMAGE_EXTENSIONS) + ") nor a video ("
                    + String.join(" ", VIDEO_EXTENSIONS) + ")");
        }
        if (count < 3) throw new FitError(photos + ": " + count + " images; poses need at least 3 overlapping photos (20 or more is better)");
        Path db = work.resolve("database.db");
        Files.deleteIfExists(db);
        stage.accept("[2/4] features: SIFT on " + count + " images (CPU)");
        exec(log, List.of("colmap", "feature_extractor", "--database_path", db.toString(), "--image_path", images.toString(),
                "--ImageReader.camera_model", opt.cameraModel(), "--ImageReader.single_camera", opt.singleCamera() ? "1" : "0",
                "--SiftExtraction.use_gpu", "0"));
        stage.accept("[3/4] matching: " + opt.matcher());
        exec(log, List.of("colmap", opt.matcher() + "_matcher", "--database_path", db.toString(), "--SiftMatching.use_gpu", "0"));
        Path sparse = work.resolve("sparse");
        if (Files.isDirectory(sparse)) deleteTree(sparse);
        Files.createDirectories(sparse);
        stage.accept("[4/4] mapping: incremental reconstruction");
        try {
            exec(log, List.of("colmap", "mapper", "--database_path", db.toString(), "--image_path", images.toString(), "--output_path", sparse.toString()));
        } catch (FitError e) {
            // no model came out (no starting pair, or every model too small): refused below with the advice for it
            String said = Files.readString(log, StandardCharsets.UTF_8);
            if (!said.contains("No good initial image pair found") && !said.contains("failed to create sparse model")) throw e;
        }

        // the largest model the mapper made
        ColmapReader.Scene best = null;
        Path bestDir = null;
        for (Path m : list(sparse, Files::isDirectory)) {
            ColmapReader.Location at = new ColmapReader.Location(m, images, Files.isRegularFile(m.resolve("cameras.bin")));
            if (!Files.isRegularFile(m.resolve(at.binary() ? "images.bin" : "images.txt"))) continue;
            ColmapReader.Scene s;
            try {
                s = ColmapReader.scene(at);
            } catch (IOException e) {
                continue; // an empty model
            }
            if (best == null || s.model().images().size() > best.model().images().size()) {
                best = s;
                bestDir = m;
            }
        }
        int registered = best == null ? 0 : best.model().images().size();
        if (registered < Math.max(3, Math.ceil(opt.minShare() * count))) {
            throw new FitError(photos + ": only " + registered + " of " + count + " images registered (need " + Math.max(3, (int) Math.ceil(opt.minShare() * count))
                    + "): the photos need more overlap (each scene point in three or more photos), sharper frames, and texture; "
                    + (opt.matcher().equals("exhaustive") ? "" : "try --matcher exhaustive; ") + "COLMAP's output is in " + log);
        }
        double sum = 0;
        for (double e : best.model().errors()) sum += e;
        double meanError = best.model().pointCount() == 0 ? Double.NaN : sum / best.model().pointCount();
        Path transforms = scene.resolve("transforms.json");
        TransformsWriter.write(transforms, best, "images/");
        return new Result(count, registered, best.model().pointCount(), meanError, transforms, bestDir);
    }

    private static void require(String program, String message) {
        if (!onPath(program)) throw new FitError(message);
    }

    /** Whether {@code program} is an executable on the PATH. */
    public static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) return true;
        }
        return false;
    }

    /** Runs {@code cmd}, its output appended to {@code log}; a non-zero exit is an error quoting the log's last lines. */
    private static void exec(Path log, List<String> cmd) throws IOException, InterruptedException {
        Files.writeString(log, "$ " + String.join(" ", cmd) + "\n", StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().putIfAbsent("QT_QPA_PLATFORM", "offscreen"); // COLMAP links Qt; no display is needed
        Process p = pb.start();
        try (InputStream ignored = p.getInputStream()) {
            if (!p.waitFor(24, TimeUnit.HOURS)) p.destroyForcibly();
        } catch (InterruptedException e) {
            p.destroyForcibly();
            throw e;
        }
        if (p.exitValue() != 0) {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            List<String> tail = lines.subList(Math.max(0, lines.size() - 8), lines.size());
            throw new FitError(cmd.get(0) + " " + cmd.get(1) + " failed (exit " + p.exitValue() + "); the end of " + log + ":\n  "
                    + String.join("\n  ", tail));
        }
    }

    private static List<Path> list(Path dir) throws IOException {
        return list(dir, p -> {
            String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
            return Files.isRegularFile(p) && IMAGE_EXTENSIONS.stream().anyMatch(n::endsWith);
        });
    }

    private static List<Path> list(Path dir, java.util.function.Predicate<Path> keep) throws IOException {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) if (keep.test(p)) out.add(p);
        }
        out.sort(null);
        return out;
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }
}
