package nfield.data.nerf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads a COLMAP sparse model ({@code cameras}, {@code images}, {@code points3D}, all {@code .bin}
 * or all {@code .txt}) with its images, as posed images.
 *
 * <h2>Where things are</h2>
 * {@link #find} takes a folder as COLMAP and the tools around it lay one out: the model in
 * {@code sparse/0/}, {@code sparse/}, {@code colmap/sparse/0/} or the folder itself, the images in
 * an {@code images/} folder beside the model or up to three levels above it.
 *
 * <h2>The world nfield makes of it</h2>
 * COLMAP's world has an arbitrary orientation, origin and scale. As instant-ngp's
 * {@code colmap2nerf} does, the reader turns it so that the cameras' mean up vector is +z, moves
 * the origin to the cameras' focus (the point nearest to all their optical axes, in the least
 * squares sense; the sparse points' median when the axes are near parallel), and scales it so the
 * cameras are on average {@link #CAMERA_DISTANCE} from there. The box of interest holds the
 * sparse points (each axis from their 1st to their 99th percentile, grown by a tenth), since those
 * are what the photos show; the scene box holds that and the cameras (grown by a tenth where they
 * lie beyond), so what lies around the subject is the unbounded rest. Camera poses follow the NeRF convention ({@link PosedImages}).
 *
 * <h2>Errors</h2>
 * Every malformed file is a {@link NerfFormatException} naming the file, the record and what is
 * wrong: counts that the file's size cannot hold, records cut off, bytes after the last record,
 * unknown camera model ids, parameters or coordinates that are not finite, non-positive focal
 * lengths or sizes, a zero quaternion, repeated ids, images whose camera is not in the model.
 */
public final class ColmapReader {
    /** The cameras' mean distance from the focus after scaling, as colmap2nerf makes it. */
    public static final double CAMERA_DISTANCE = 4;
    private static final List<String> MODEL_DIRS = List.of("sparse/0", "sparse", "colmap/sparse/0", "");
    private static final int MAX_SIZE = 1 << 20;

    private ColmapReader() {}

    /** Where a model's three files are and which form they have. */
    public record Location(Path model, Path images, boolean binary) {}

    /** The model folder under {@code dir} (see the class doc), or null when there is none. */
    public static Location find(Path dir) {
        if (!Files.isDirectory(dir)) return null;
        for (String sub : MODEL_DIRS) {
            Path m = sub.isEmpty() ? dir : dir.resolve(sub);
            for (boolean bin : new boolean[] {true, false}) {
                String ext = bin ? ".bin" : ".txt";
                if (Files.isRegularFile(m.resolve("cameras" + ext)) && Files.isRegularFile(m.resolve("images" + ext))) {
                    return new Location(m, imagesFolder(m, dir), bin);
                }
            }
        }
        return null;
    }

    private static Path imagesFolder(Path model, Path dir) {
        Path p = model;
        for (int up = 0; up <= 3 && p != null; up++, p = p.getParent()) {
            if (Files.isDirectory(p.resolve("images"))) return p.resolve("images");
        }
        return dir.resolve("images");
    }

    /** Whether {@code dir} holds a COLMAP model that {@link #find} finds. */
    public static boolean isModel(Path dir) {
        return find(dir) != null;
    }

    /** Reads the model that {@link #find} finds in {@code dir} as posed images (all frames: COLMAP has no splits). */
    public static PosedImages read(Path dir, LoadOptions opt) throws IOException {
        Location at = find(dir);
        if (at == null) {
            throw new NerfFormatException(dir + ": no COLMAP model: no cameras.bin and images.bin (or .txt) in " + String.join(", ",
                    MODEL_DIRS.stream().map(s -> s.isEmpty() ? dir.toString() : dir.resolve(s).toString()).toList()));
        }
        if (opt.split() != null && !opt.split().equals("train") && !opt.split().equals("all")) {
            throw new NerfFormatException(dir + ": a COLMAP model has no " + opt.split() + " split: hold frames out with --test-every N");
        }
        String name = dir.toString();
        Scene scene = scene(at);
        ColmapModel model = scene.model();
        double[] poses = scene.poses(), box = scene.box();
        List<String> warnings = new ArrayList<>();
        int n = model.images().size();
        if (model.pointCount() < 8) {
            warnings.add("only " + model.pointCount() + " sparse points: the scene box is the cameras' bounding cube");
        }
        List<FrameLoader.Frame> frames = new ArrayList<>(n);
        for (int k = 0; k < n; k++) {
            ColmapModel.Image im = model.images().get(k);
            ColmapModel.Camera cam = model.cameras().get(im.cameraId());
            Intrinsics in = cam.intrinsics();
            frames.add(new FrameLoader.Frame(im.name(), "image " + im.id() + " (" + im.name() + ")", Arrays.copyOfRange(poses, 16 * k, 16 * k + 16),
                    new int[] {cam.width(), cam.height()}, "camera " + cam.id() + " (" + cam.model() + ") says", (width, height) -> in));
        }
        Path shown = at.images();
        return FrameLoader.load(name, "all", at.images().toAbsolutePath().normalize(), shown, frames, box, warnings, opt).withInner(scene.inner());
    }

    /**
     * A model in nfield's world (see the class doc): the model as read, its images' camera-to-world
     * poses [n, 16] (NeRF convention, in the order of {@code model.images()}), the scene box and
     * the transform that made the world.
     */
    public record Scene(ColmapModel model, double[] poses, double[] box, double[] inner, World world) {}

    /** Reads the model at {@code at} and makes nfield's world of it; refuses a model without registered images. */
    public static Scene scene(Location at) throws IOException {
        ColmapModel model = readModel(at);
        if (model.images().isEmpty()) throw new NerfFormatException(at.model().resolve(file("images", at)) + ": no registered images");
        int n = model.images().size();
        double[] poses = new double[16 * n];
        for (int k = 0; k < n; k++) System.arraycopy(model.images().get(k).nerfPose(), 0, poses, 16 * k, 16);
        double[] pts = model.points().clone();
        World w = normalise(poses, pts);
        double[] inner = box(pts, poses), box = inner.clone();
        for (int k = 0; k < n; k++) {
            for (int a = 0; a < 3; a++) {
                box[a] = Math.min(box[a], poses[16 * k + 4 * a + 3]);
                box[a + 3] = Math.max(box[a + 3], poses[16 * k + 4 * a + 3]);
            }
        }
        for (int a = 0; a < 3; a++) { // the cameras too, with a margin, when they lie beyond the subject
            double grow = 0.1 * (box[a + 3] - box[a]);
            if (box[a] < inner[a]) box[a] -= grow;
            if (box[a + 3] > inner[a + 3]) box[a + 3] += grow;
        }
        for (int a = 0; a < 3; a++) {
            if (!(Double.isFinite(box[a]) && Double.isFinite(box[a + 3]) && box[a] < box[a + 3])) {
                throw new NerfFormatException(at.model() + ": the model's points and cameras give no usable scene box (axis " + "xyz".charAt(a)
                        + " from " + box[a] + " to " + box[a + 3] + "): their coordinates are out of range");
            }
        }
        for (double v : poses) {
            if (!Double.isFinite(v)) throw new NerfFormatException(at.model() + ": the cameras' poses are out of range once centred and scaled (" + v + ")");
        }
        return new Scene(model, poses, box, inner, w);
    }

    /** The file name of {@code stem} in the form at {@code at}: "cameras.bin". */
    private static String file(String stem, Location at) {
        return stem + (at.binary() ? ".bin" : ".txt");
    }

    /** Reads the three files at {@code at} (a missing points3D is no points). */
    public static ColmapModel readModel(Location at) throws IOException {
        Path cams = at.model().resolve(file("cameras", at)), ims = at.model().resolve(file("images", at)), pts = at.model().resolve(file("points3D", at));
        Map<Integer, ColmapModel.Camera> cameras = at.binary() ? camerasBin(cams) : camerasTxt(cams);
        List<ColmapModel.Image> images = at.binary() ? imagesBin(ims, cameras) : imagesTxt(ims, cameras);
        List<double[]> points = Files.isRegularFile(pts) ? (at.binary() ? pointsBin(pts) : pointsTxt(pts)) : List.of();
        double[] xyz = new double[3 * points.size()], err = new double[points.size()];
        for (int i = 0; i < points.size(); i++) {
            System.arraycopy(points.get(i), 0, xyz, 3 * i, 3);
            err[i] = points.get(i)[3];
        }
        images.sort(Comparator.comparing(ColmapModel.Image::name, ColmapReader::naturalOrder).thenComparingInt(ColmapModel.Image::id));
        return new ColmapModel(cameras, images, xyz, err);
    }

    /**
     * File names in the order a person reads them: runs of digits compared as numbers, so r_2
     * comes before r_10 (the order of a capture, whatever ids COLMAP gave the images).
     */
    static int naturalOrder(String a, String b) {
        int i = 0, j = 0;
        while (i < a.length() && j < b.length()) {
            char x = a.charAt(i), y = b.charAt(j);
            if (Character.isDigit(x) && Character.isDigit(y)) {
                int i2 = i, j2 = j;
                while (i2 < a.length() && Character.isDigit(a.charAt(i2))) i2++;
                while (j2 < b.length() && Character.isDigit(b.charAt(j2))) j2++;
                String p = a.substring(i, i2).replaceFirst("^0+(?=.)", ""), q = b.substring(j, j2).replaceFirst("^0+(?=.)", "");
                int c = p.length() != q.length() ? Integer.compare(p.length(), q.length()) : p.compareTo(q);
                if (c != 0) return c;
                i = i2;
                j = j2;
            } else {
                if (x != y) return Character.compare(x, y);
                i++;
                j++;
            }
        }
        int c = Integer.compare(a.length() - i, b.length() - j);
        return c != 0 ? c : a.compareTo(b); // r_02 and r_2 tie as numbers: the plain order decides
    }

    // ---- binary

    /** A little-endian reader over a whole file that names the file, the record and the byte on any shortfall. */
    private static final class Cursor {
        final String file;
        final ByteBuffer b;
        String record = "the header";

        Cursor(Path p) throws IOException {
            file = p.toString();
            byte[] bytes;
            try {
                long size = Files.size(p);
                if (size > Integer.MAX_VALUE - 16) throw new NerfFormatException(file + ": " + size + " bytes: larger than nfield reads (2 GiB)");
                bytes = Files.readAllBytes(p);
            } catch (NoSuchFileException e) {
                throw new NerfFormatException(file + ": no such file");
            }
            b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        }

        private void need(int n) throws NerfFormatException {
            if (b.remaining() < n) {
                throw new NerfFormatException(file + ": " + record + " is cut off: it needs " + n + " more bytes at byte " + b.position()
                        + " but the file ends at byte " + b.limit() + " (a truncated or damaged file: export the model again)");
            }
        }

        int i32() throws NerfFormatException { need(4); return b.getInt(); }
        long u64() throws NerfFormatException { need(8); return b.getLong(); }
        double f64() throws NerfFormatException { need(8); return b.getDouble(); }
        void skip(long n) throws NerfFormatException {
            if (n < 0 || n > b.remaining()) need((int) Math.min(Integer.MAX_VALUE, n < 0 ? Integer.MAX_VALUE : n));
            b.position(b.position() + (int) n);
        }

        /** A count from the header, checked against the room the rest of the file has for records of at least {@code minBytes}. */
        long count(String what, int minBytes) throws NerfFormatException {
            long n = u64();
            long room = b.remaining() / minBytes;
            if (n < 0 || n > room) {
                throw new NerfFormatException(file + ": the header counts " + Long.toUnsignedString(n) + " " + what + " but the file's "
                        + b.remaining() + " remaining bytes hold at most " + room + " (each at least " + minBytes + " bytes): a damaged file");
            }
            return n;
        }

        String cstring() throws NerfFormatException {
            int start = b.position();
            for (int i = start; i < b.limit(); i++) {
                if (b.get(i) == 0) {
                    String s = new String(b.array(), start, i - start, StandardCharsets.UTF_8);
                    b.position(i + 1);
                    return s;
                }
            }
            throw new NerfFormatException(file + ": " + record + ": its name has no terminating NUL before the file ends at byte " + b.limit());
        }

        void end(long count, String what) throws NerfFormatException {
            if (b.hasRemaining()) {
                throw new NerfFormatException(file + ": " + b.remaining() + " bytes after the last of the " + count + " " + what
                        + " the header counts: the count or a record is wrong");
            }
        }
    }

    private static Map<Integer, ColmapModel.Camera> camerasBin(Path p) throws IOException {
        Cursor c = new Cursor(p);
        long n = c.count("cameras", 24);
        Map<Integer, ColmapModel.Camera> out = new LinkedHashMap<>();
        for (long i = 0; i < n; i++) {
            c.record = "camera record " + (i + 1) + " of " + n;
            int id = c.i32();
            int modelId = c.i32();
            long w = c.u64(), h = c.u64();
            c.record = "camera " + id;
            ColmapModel.Model m = ColmapModel.Model.ofId(modelId);
            if (m == null) {
                throw new NerfFormatException(p + ": camera " + id + ": unknown camera model id " + modelId + " (COLMAP's are 0 .. 10: "
                        + Arrays.stream(ColmapModel.Model.values()).map(x -> x.id + " " + x).reduce((a, b) -> a + ", " + b).orElse("") + ")");
            }
            double[] params = new double[m.params];
            for (int k = 0; k < params.length; k++) params[k] = c.f64();
            put(p.toString(), out, camera(p.toString(), id, m, w, h, params));
        }
        c.end(n, "cameras");
        return out;
    }

    private static List<ColmapModel.Image> imagesBin(Path p, Map<Integer, ColmapModel.Camera> cameras) throws IOException {
        Cursor c = new Cursor(p);
        long n = c.count("images", 4 + 56 + 4 + 1 + 8);
        List<ColmapModel.Image> out = new ArrayList<>();
        Set<Integer> ids = new HashSet<>();
        for (long i = 0; i < n; i++) {
            c.record = "image record " + (i + 1) + " of " + n;
            int id = c.i32();
            c.record = "image " + id;
            double[] q = {c.f64(), c.f64(), c.f64(), c.f64()};
            double[] t = {c.f64(), c.f64(), c.f64()};
            int cam = c.i32();
            String name = c.cstring();
            c.record = "image " + id + " (" + name + ")";
            long np = c.u64();
            if (np < 0 || np > c.b.remaining() / 24) {
                throw new NerfFormatException(p + ": " + c.record + " counts " + Long.toUnsignedString(np) + " 2D points but only "
                        + c.b.remaining() + " bytes remain (24 a point): a damaged file");
            }
            c.skip(24 * np);
            out.add(image(p.toString(), id, q, t, cam, name, cameras, ids));
        }
        c.end(n, "images");
        return out;
    }

    private static List<double[]> pointsBin(Path p) throws IOException {
        Cursor c = new Cursor(p);
        long n = c.count("points", 8 + 24 + 3 + 8 + 8);
        List<double[]> out = new ArrayList<>();
        for (long i = 0; i < n; i++) {
            c.record = "point record " + (i + 1) + " of " + n;
            long id = c.u64();
            c.record = "point " + id;
            double x = c.f64(), y = c.f64(), z = c.f64();
            c.skip(3);
            double err = c.f64();
            long track = c.u64();
            if (track < 0 || track > c.b.remaining() / 8) {
                throw new NerfFormatException(p + ": point " + id + " has a track of " + Long.toUnsignedString(track) + " but only "
                        + c.b.remaining() + " bytes remain (8 an entry): a damaged file");
            }
            c.skip(8 * track);
            out.add(point(p.toString(), Long.toUnsignedString(id), x, y, z, err));
        }
        c.end(n, "points");
        return out;
    }

    // ---- text

    /** The lines of {@code p} with their 1-based numbers, comments (#) dropped, blank lines kept. */
    private static List<String[]> lines(Path p) throws IOException {
        List<String> all;
        try {
            all = Files.readAllLines(p, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new NerfFormatException(p + ": no such file");
        } catch (java.nio.charset.MalformedInputException e) {
            throw new NerfFormatException(p + ": not a text file (not UTF-8): is it a .bin renamed?");
        }
        List<String[]> out = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            String s = all.get(i).strip();
            if (s.startsWith("#")) continue;
            out.add(new String[] {Integer.toString(i + 1), s});
        }
        return out;
    }

    /** A number as C++ streams write them: also "nan", "inf", "-inf" (any case). */
    private static double num(String file, String line, String field, String s) throws NerfFormatException {
        switch (s.toLowerCase(Locale.ROOT)) {
            case "nan", "-nan" -> { return Double.NaN; }
            case "inf", "+inf", "infinity" -> { return Double.POSITIVE_INFINITY; }
            case "-inf", "-infinity" -> { return Double.NEGATIVE_INFINITY; }
            default -> { }
        }
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw new NerfFormatException(file + " line " + line + ": " + field + " is not a number: '" + s + "'");
        }
    }

    private static long integer(String file, String line, String field, String s) throws NerfFormatException {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new NerfFormatException(file + " line " + line + ": " + field + " is not a whole number: '" + s + "'");
        }
    }

    private static Map<Integer, ColmapModel.Camera> camerasTxt(Path p) throws IOException {
        String file = p.toString();
        Map<Integer, ColmapModel.Camera> out = new LinkedHashMap<>();
        for (String[] l : lines(p)) {
            if (l[1].isEmpty()) continue;
            String[] f = l[1].split("\\s+");
            if (f.length < 4) {
                throw new NerfFormatException(file + " line " + l[0] + ": expected CAMERA_ID MODEL WIDTH HEIGHT PARAMS[], got '" + l[1] + "'");
            }
            long id = integer(file, l[0], "CAMERA_ID", f[0]);
            ColmapModel.Model m = ColmapModel.Model.ofName(f[1]);
            if (m == null) {
                throw new NerfFormatException(file + " line " + l[0] + ": unknown camera model '" + f[1] + "' (COLMAP's are "
                        + Arrays.stream(ColmapModel.Model.values()).map(Enum::name).reduce((a, b) -> a + ", " + b).orElse("") + ")");
            }
            if (f.length != 4 + m.params) {
                throw new NerfFormatException(file + " line " + l[0] + ": a " + m + " camera has " + m.params + " parameters, this line gives "
                        + (f.length - 4));
            }
            double[] params = new double[m.params];
            for (int k = 0; k < params.length; k++) params[k] = num(file, l[0], "parameter " + (k + 1), f[4 + k]);
            if (id != (int) id) throw new NerfFormatException(file + " line " + l[0] + ": CAMERA_ID " + id + " is out of range");
            put(file + " line " + l[0], out, camera(file + " line " + l[0], (int) id, m, integer(file, l[0], "WIDTH", f[2]), integer(file, l[0], "HEIGHT", f[3]), params));
        }
        return out;
    }

    private static List<ColmapModel.Image> imagesTxt(Path p, Map<Integer, ColmapModel.Camera> cameras) throws IOException {
        String file = p.toString();
        List<String[]> ls = lines(p);
        List<ColmapModel.Image> out = new ArrayList<>();
        Set<Integer> ids = new HashSet<>();
        for (int i = 0; i < ls.size(); i++) {
            String[] l = ls.get(i);
            if (l[1].isEmpty()) continue;
            String[] f = l[1].split("\\s+", 10);
            if (f.length < 10) {
                throw new NerfFormatException(file + " line " + l[0] + ": expected IMAGE_ID QW QX QY QZ TX TY TZ CAMERA_ID NAME, got '" + l[1] + "'");
            }
            long id = integer(file, l[0], "IMAGE_ID", f[0]);
            double[] q = new double[4], t = new double[3];
            for (int k = 0; k < 4; k++) q[k] = num(file, l[0], "Q" + "WXYZ".charAt(k), f[1 + k]);
            for (int k = 0; k < 3; k++) t[k] = num(file, l[0], "T" + "XYZ".charAt(k), f[5 + k]);
            long cam = integer(file, l[0], "CAMERA_ID", f[8]);
            if (id != (int) id || cam != (int) cam) throw new NerfFormatException(file + " line " + l[0] + ": an id is out of range");
            out.add(image(file + " line " + l[0], (int) id, q, t, (int) cam, f[9].strip(), cameras, ids));
            i++; // the POINTS2D line that follows (possibly empty)
            if (i < ls.size()) {
                String pts = ls.get(i)[1];
                if (!pts.isEmpty() && pts.split("\\s+").length % 3 != 0) {
                    throw new NerfFormatException(file + " line " + ls.get(i)[0] + ": the 2D points of image " + id
                            + " must be X Y POINT3D_ID triples, got " + pts.split("\\s+").length + " numbers");
                }
            }
        }
        return out;
    }

    private static List<double[]> pointsTxt(Path p) throws IOException {
        String file = p.toString();
        List<double[]> out = new ArrayList<>();
        for (String[] l : lines(p)) {
            if (l[1].isEmpty()) continue;
            String[] f = l[1].split("\\s+");
            if (f.length < 8 || (f.length - 8) % 2 != 0) {
                throw new NerfFormatException(file + " line " + l[0] + ": expected POINT3D_ID X Y Z R G B ERROR TRACK[] (image id, point "
                        + "index pairs), got " + f.length + " fields");
            }
            String id = f[0];
            integer(file, l[0], "POINT3D_ID", id);
            out.add(point(file + " line " + l[0], id, num(file, l[0], "X", f[1]), num(file, l[0], "Y", f[2]), num(file, l[0], "Z", f[3]),
                    num(file, l[0], "ERROR", f[7])));
        }
        return out;
    }

    // ---- checks shared by both forms

    private static ColmapModel.Camera camera(String where, int id, ColmapModel.Model m, long w, long h, double[] params)
            throws NerfFormatException {
        String at = where + ": camera " + id + " (" + m + ")";
        if (!m.supported()) {
            throw new NerfFormatException(at + ": nfield does not model this lens; undistort the images with COLMAP's image_undistorter "
                    + "and give its output folder");
        }
        if (w < 1 || h < 1 || w > MAX_SIZE || h > MAX_SIZE) {
            throw new NerfFormatException(at + ": image size " + w + "x" + h + " (must be 1 .. " + MAX_SIZE + " pixels a side)");
        }
        for (int k = 0; k < params.length; k++) {
            if (!Double.isFinite(params[k])) throw new NerfFormatException(at + ": parameter " + (k + 1) + " is " + params[k] + " (must be finite)");
        }
        int focals = m == ColmapModel.Model.SIMPLE_PINHOLE || m == ColmapModel.Model.SIMPLE_RADIAL || m == ColmapModel.Model.RADIAL
                || m == ColmapModel.Model.SIMPLE_RADIAL_FISHEYE || m == ColmapModel.Model.RADIAL_FISHEYE ? 1 : 2;
        for (int k = 0; k < focals; k++) {
            if (!(params[k] > 0)) throw new NerfFormatException(at + ": focal length " + params[k] + " (must be positive)");
        }
        return new ColmapModel.Camera(id, m, (int) w, (int) h, params);
    }

    private static void put(String where, Map<Integer, ColmapModel.Camera> cameras, ColmapModel.Camera c) throws NerfFormatException {
        if (cameras.putIfAbsent(c.id(), c) != null) throw new NerfFormatException(where + ": camera id " + c.id() + " appears twice");
    }

    private static ColmapModel.Image image(String where, int id, double[] q, double[] t, int cam, String name,
                                           Map<Integer, ColmapModel.Camera> cameras, Set<Integer> ids) throws NerfFormatException {
        String at = where + ": image " + id + " (" + name + ")";
        if (!ids.add(id)) throw new NerfFormatException(at + ": image id " + id + " appears twice");
        if (name.isEmpty()) throw new NerfFormatException(where + ": image " + id + " has no file name");
        for (double v : q) if (!Double.isFinite(v)) throw new NerfFormatException(at + ": quaternion " + Arrays.toString(q) + " is not finite");
        for (double v : t) if (!Double.isFinite(v)) throw new NerfFormatException(at + ": translation " + Arrays.toString(t) + " is not finite");
        double norm = Math.sqrt(q[0] * q[0] + q[1] * q[1] + q[2] * q[2] + q[3] * q[3]);
        if (Math.abs(norm - 1) > 1e-3) {
            throw new NerfFormatException(at + ": quaternion " + Arrays.toString(q) + " has length " + norm + ", not 1: not a rotation");
        }
        for (int k = 0; k < 4; k++) q[k] /= norm;
        if (!cameras.containsKey(cam)) {
            throw new NerfFormatException(at + ": camera " + cam + " is not in the model's cameras (" + cameras.keySet() + ")");
        }
        return new ColmapModel.Image(id, q, t, cam, name);
    }

    private static double[] point(String where, String id, double x, double y, double z, double err) throws NerfFormatException {
        if (!Double.isFinite(x) || !Double.isFinite(y) || !Double.isFinite(z)) {
            throw new NerfFormatException(where + ": point " + id + " is at " + x + " " + y + " " + z + " (must be finite)");
        }
        return new double[] {x, y, z, err};
    }

    // ---- the world

    /** What {@link #normalise} did: the rotation (row-major [9]), the focus it moved to the origin, the scale. */
    public record World(double[] rotation, double[] focus, double scale, boolean fromAxes) {
        public String describe() {
            return String.format(Locale.ROOT, "COLMAP world turned to z up, focus %s (%.3g, %.3g, %.3g) moved to the origin, scaled by %.4g",
                    fromAxes ? "of the optical axes" : "(the sparse points' median)", focus[0], focus[1], focus[2], scale);
        }
    }

    /**
     * Turns, centres and scales {@code poses} ([n, 16], NeRF convention) and {@code points}
     * ([m, 3]) in place, as the class doc says.
     */
    static World normalise(double[] poses, double[] points) {
        int n = poses.length / 16;
        double[] up = new double[3];
        for (int k = 0; k < n; k++) for (int a = 0; a < 3; a++) up[a] += poses[16 * k + 4 * a + 1];
        double[] r = rotationTo(up, new double[] {0, 0, 1});
        for (int k = 0; k < n; k++) rotatePose(r, poses, 16 * k);
        for (int i = 0; i < points.length; i += 3) rotate(r, points, i);

        // the point nearest all optical axes: sum (I - d dT) p = sum (I - d dT) o
        double[] a = new double[9], b = new double[3];
        for (int k = 0; k < n; k++) {
            int o = 16 * k;
            double[] d = {-poses[o + 2], -poses[o + 6], -poses[o + 10]};
            double[] c = {poses[o + 3], poses[o + 7], poses[o + 11]};
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 3; j++) {
                    double m = (i == j ? 1 : 0) - d[i] * d[j];
                    a[3 * i + j] += m;
                    b[i] += m * c[j];
                }
            }
        }
        double[] focus = solve3(a, b);
        double spread = 0;
        double[] mean = new double[3];
        for (int k = 0; k < n; k++) for (int i = 0; i < 3; i++) mean[i] += poses[16 * k + 4 * i + 3] / n;
        for (int k = 0; k < n; k++) spread += dist(poses, 16 * k, mean) / n;
        boolean fromAxes = focus != null && n >= 2;
        if (fromAxes) {
            // near-parallel axes (a forward-facing capture) put the "focus" far off: then the points' median
            double off = Math.sqrt(sq(focus[0] - mean[0]) + sq(focus[1] - mean[1]) + sq(focus[2] - mean[2]));
            if (off > 10 * Math.max(spread, 1e-9)) fromAxes = false;
        }
        if (!fromAxes) focus = points.length >= 3 ? median(points) : mean;
        for (int k = 0; k < n; k++) for (int i = 0; i < 3; i++) poses[16 * k + 4 * i + 3] -= focus[i];
        for (int i = 0; i < points.length; i++) points[i] -= focus[i % 3];
        double meanDist = 0;
        for (int k = 0; k < n; k++) meanDist += dist(poses, 16 * k, new double[3]) / n;
        double scale = meanDist > 0 ? CAMERA_DISTANCE / meanDist : 1;
        for (int k = 0; k < n; k++) for (int i = 0; i < 3; i++) poses[16 * k + 4 * i + 3] *= scale;
        for (int i = 0; i < points.length; i++) points[i] *= scale;
        return new World(r, focus, scale, fromAxes);
    }

    /**
     * The scene box: each axis from the points' 1st to 99th percentile, grown by a tenth of its
     * extent each side; the cameras' bounding cube when there are fewer than 8 points.
     */
    static double[] box(double[] points, double[] poses) {
        int m = points.length / 3;
        double[] box = new double[6];
        if (m < 8) {
            double h = 0;
            for (int k = 0; k < poses.length / 16; k++) h = Math.max(h, dist(poses, 16 * k, new double[3]));
            h = Math.max(h, 1e-6);
            return new double[] {-h, -h, -h, h, h, h};
        }
        for (int a = 0; a < 3; a++) {
            double[] v = new double[m];
            for (int i = 0; i < m; i++) v[i] = points[3 * i + a];
            Arrays.sort(v);
            double lo = v[(int) Math.floor(0.01 * (m - 1))], hi = v[(int) Math.ceil(0.99 * (m - 1))];
            double grow = Math.max(0.1 * (hi - lo), 1e-6);
            box[a] = lo - grow;
            box[a + 3] = hi + grow;
        }
        return box;
    }

    private static double[] median(double[] points) {
        int m = points.length / 3;
        double[] out = new double[3];
        for (int a = 0; a < 3; a++) {
            double[] v = new double[m];
            for (int i = 0; i < m; i++) v[i] = points[3 * i + a];
            Arrays.sort(v);
            out[a] = v[m / 2];
        }
        return out;
    }

    private static double sq(double v) { return v * v; }

    private static double dist(double[] poses, int o, double[] p) {
        return Math.sqrt(sq(poses[o + 3] - p[0]) + sq(poses[o + 7] - p[1]) + sq(poses[o + 11] - p[2]));
    }

    /** The rotation (row-major [9]) taking the direction of {@code from} to {@code to} (unit); the identity for a zero {@code from}. */
    static double[] rotationTo(double[] from, double[] to) {
        double len = Math.sqrt(from[0] * from[0] + from[1] * from[1] + from[2] * from[2]);
        if (!(len > 0)) return new double[] {1, 0, 0, 0, 1, 0, 0, 0, 1};
        double[] f = {from[0] / len, from[1] / len, from[2] / len};
        double[] v = {f[1] * to[2] - f[2] * to[1], f[2] * to[0] - f[0] * to[2], f[0] * to[1] - f[1] * to[0]};
        double c = f[0] * to[0] + f[1] * to[1] + f[2] * to[2];
        if (c < -1 + 1e-12) { // opposite: half a turn about any axis perpendicular to f
            double[] axis = Math.abs(f[0]) < 0.9 ? new double[] {1, 0, 0} : new double[] {0, 1, 0};
            double[] p = {f[1] * axis[2] - f[2] * axis[1], f[2] * axis[0] - f[0] * axis[2], f[0] * axis[1] - f[1] * axis[0]};
            double pl = Math.sqrt(p[0] * p[0] + p[1] * p[1] + p[2] * p[2]);
            for (int i = 0; i < 3; i++) p[i] /= pl;
            double[] r = new double[9];
            for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) r[3 * i + j] = 2 * p[i] * p[j] - (i == j ? 1 : 0);
            return r;
        }
        // Rodrigues: R = I + [v]x + [v]x^2 / (1 + c)
        double[] k = {0, -v[2], v[1], v[2], 0, -v[0], -v[1], v[0], 0};
        double[] r = new double[9];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                double kk = 0;
                for (int l = 0; l < 3; l++) kk += k[3 * i + l] * k[3 * l + j];
                r[3 * i + j] = (i == j ? 1 : 0) + k[3 * i + j] + kk / (1 + c);
            }
        }
        return r;
    }

    private static void rotate(double[] r, double[] p, int o) {
        double x = p[o], y = p[o + 1], z = p[o + 2];
        p[o] = r[0] * x + r[1] * y + r[2] * z;
        p[o + 1] = r[3] * x + r[4] * y + r[5] * z;
        p[o + 2] = r[6] * x + r[7] * y + r[8] * z;
    }

    /** pose ← [r 0; 0 1] · pose, for the row-major 4×4 at {@code o}. */
    private static void rotatePose(double[] r, double[] m, int o) {
        for (int c = 0; c < 4; c++) {
            double x = m[o + c], y = m[o + 4 + c], z = m[o + 8 + c];
            m[o + c] = r[0] * x + r[1] * y + r[2] * z;
            m[o + 4 + c] = r[3] * x + r[4] * y + r[5] * z;
            m[o + 8 + c] = r[6] * x + r[7] * y + r[8] * z;
        }
    }

    /** x with a x = b for the row-major 3×3 {@code a}; null when it is near singular. */
    private static double[] solve3(double[] a, double[] b) {
        double det = a[0] * (a[4] * a[8] - a[5] * a[7]) - a[1] * (a[3] * a[8] - a[5] * a[6]) + a[2] * (a[3] * a[7] - a[4] * a[6]);
        double scale = 0;
        for (double v : a) scale = Math.max(scale, Math.abs(v));
        if (!(Math.abs(det) > 1e-9 * scale * scale * scale)) return null;
        double[] x = new double[3];
        for (int col = 0; col < 3; col++) {
            double[] m = a.clone();
            for (int row = 0; row < 3; row++) m[3 * row + col] = b[row];
            x[col] = (m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) + m[2] * (m[3] * m[7] - m[4] * m[6])) / det;
        }
        return x;
    }
}
