package nfield.data.nerf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

/**
 * What the readers of posed images (a {@code transforms.json}, a COLMAP model) share once they
 * know each frame's image path, pose and camera: the images on disk are found (missing ones
 * dropped), the holdout taken, the sizes checked from the headers, the memory checked, and only
 * then are the images decoded, in parallel.
 */
final class FrameLoader {
    private static final String[] EXTENSIONS = {".png", ".jpg", ".jpeg"};

    private FrameLoader() {}

    /** The camera of a frame, given the size of its image (before any downscale). */
    @FunctionalInterface
    interface Camera {
        Intrinsics at(int width, int height) throws NerfFormatException;
    }

    /**
     * One frame: its image as the file names it ({@code path}, relative to the images' folder,
     * or absolute), its camera-to-world pose [16] (NeRF convention), the size the file states
     * for its image (null when none) with the words that state it ("'w' x 'h' say"), and its
     * camera; {@code what} names the frame in messages ("frame 3 (images/0004.jpg)").
     */
    record Frame(String path, String what, double[] pose, int[] statedSize, String statedBy, Camera camera, String mask) {
        Frame(String path, String what, double[] pose, int[] statedSize, String statedBy, Camera camera) {
            this(path, what, pose, statedSize, statedBy, camera, null);
        }
    }

    /**
     * Loads {@code frames}: images resolved against {@code dir} (shown to the user as
     * {@code shown}); {@code source} names the file for messages; warnings go to {@code warnings}.
     */
    static PosedImages load(String source, String split, Path dir, Path shown, List<Frame> frames, double[] box, List<String> warnings,
                            LoadOptions opt) throws NerfFormatException {
        int n = frames.size();
        // ---- files: frames whose image is missing are dropped (colmap2nerf lists frames whose blurry images were
        // removed; instant-ngp drops them too), all named in one warning; an error when more than half are missing
        Path[] all = new Path[n];
        List<String> missing = new ArrayList<>();
        List<Integer> kept = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            String p = frames.get(k).path();
            try {
                shown.resolve(p);
                dir.resolve(p);
            } catch (java.nio.file.InvalidPathException e) {
                throw new NerfFormatException(source + ": " + frames.get(k).what().replace('\0', '?') + ": its file name is not a valid path here ("
                        + e.getReason() + ")");
            }
            all[k] = resolve(dir, p);
            if (all[k] == null) missing.add(p + " (no " + shown.resolve(p).normalize() + ", nor with .png, .jpg, .jpeg)");
            else kept.add(k);
        }
        if (2 * missing.size() > n) {
            throw new NerfFormatException(source + ": " + missing.size() + " of " + n + " image files are missing: more than half of the "
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
                throw new NerfFormatException(source + ": --test-every " + holdout.every() + " leaves no " + (holdout.test() ? "test" : "training")
                        + " frames of " + kept.size());
            }
            kept = part;
            split = holdout.split();
        }
        int m = kept.size();
        List<Frame> use = new ArrayList<>(m);
        Path[] files = new Path[m];
        for (int i = 0; i < m; i++) {
            use.add(frames.get(kept.get(i)));
            files[i] = all[kept.get(i)];
        }
        List<String> fileNames = new ArrayList<>(m);
        for (Path f : files) fileNames.add(shown.resolve(dir.relativize(f)).normalize().toString());

        // ---- sizes from the headers: all alike, and as the file says
        int[][] sizes = new int[m][];
        String[] sizeErrors = new String[m];
        IntStream.range(0, m).parallel().forEach(k -> {
            try {
                sizes[k] = ImageFiles.size(files[k]);
            } catch (IOException e) {
                sizeErrors[k] = fileNames.get(k) + " " + e.getMessage();
            }
        });
        for (String e : sizeErrors) if (e != null) throw new NerfFormatException(source + ": " + e);
        int width = sizes[0][0], height = sizes[0][1];
        List<String> odd = new ArrayList<>();
        for (int k = 1; k < m; k++) {
            if (sizes[k][0] != width || sizes[k][1] != height) odd.add(fileNames.get(k) + " is " + sizes[k][0] + "x" + sizes[k][1]);
        }
        if (!odd.isEmpty()) {
            throw new NerfFormatException(source + ": image sizes differ: " + fileNames.get(0) + " is " + width + "x" + height + " but "
                    + (odd.size() == 1 ? odd.get(0) : count(odd.size(), "other") + " are not:\n  " + String.join("\n  ", odd)));
        }
        for (int k = 0; k < m; k++) {
            int[] s = use.get(k).statedSize();
            if (s != null && ((s[0] >= 0 && s[0] != width) || (s[1] >= 0 && s[1] != height))) {
                throw new NerfFormatException(source + ": " + use.get(k).what() + ": " + use.get(k).statedBy() + " " + dim(s[0]) + "x" + dim(s[1])
                        + " but " + fileNames.get(k) + " is " + width + "x" + height);
            }
        }

        // ---- intrinsics, memory
        int f = opt.downscale();
        int w2 = width / f, h2 = height / f;
        if (w2 == 0 || h2 == 0) {
            throw new NerfFormatException(source + ": downscale " + f + " leaves nothing of " + width + "x" + height + " images");
        }
        if (w2 * f != width || h2 * f != height) {
            warnings.add("downscale " + f + ": " + width + "x" + height + " is not a multiple; the last " + (width - w2 * f)
                    + " columns and " + (height - h2 * f) + " rows are dropped");
        }
        List<Intrinsics> intrinsics = new ArrayList<>(m);
        double[] poses = new double[16 * m];
        for (int k = 0; k < m; k++) {
            Intrinsics in = use.get(k).camera().at(width, height);
            if (opt.pinhole() && !in.lens().isPinhole()) {
                if (warnings.stream().noneMatch(x -> x.startsWith("lens distortion ignored"))) {
                    warnings.add("lens distortion ignored (pinhole cameras asked for): " + in.lens().describe() + " (first in " + use.get(k).what() + ")");
                }
                in = in.pinhole();
            }
            String bad = rayProblem(use.get(k).pose(), in, width, height);
            if (bad != null) {
                throw new NerfFormatException(source + ": " + use.get(k).what() + ": " + bad + " (fx " + in.fx() + ", fy " + in.fy() + ", cx "
                        + in.cx() + ", cy " + in.cy() + ", " + in.lens().describe() + "): the camera's parameters are out of range");
            }
            intrinsics.add(in.downscaled(f));
            System.arraycopy(use.get(k).pose(), 0, poses, 16 * k, 16);
        }
        boolean anyAlpha = false;
        for (int[] sz : sizes) anyAlpha |= sz[2] != 0;
        checkMemory(source, m, w2, h2, anyAlpha ? 4 : 3);

        // ---- nerfstudio's images_2/4/8: the same photos already at 1/f beside the originals, read instead when all are there
        Path[] smaller = new Path[m];
        boolean pre = f > 1 && use.stream().noneMatch(fr -> fr.mask() != null);
        for (int k = 0; pre && k < m; k++) {
            Path folder = files[k].getParent();
            smaller[k] = folder == null || folder.getFileName() == null ? null
                    : folder.resolveSibling(folder.getFileName() + "_" + f).resolve(files[k].getFileName());
            pre = smaller[k] != null && Files.isRegularFile(smaller[k]);
        }
        if (pre) warnings.add("read the images at 1/" + f + " from " + shown.resolve(dir.relativize(smaller[0].getParent())).normalize()
                + " (nerfstudio's images_" + f + ")");
        boolean usePre = pre;

        // ---- decode, in parallel
        byte[][] rgb = new byte[m][], alpha = new byte[m][];
        String[] decodeErrors = new String[m];
        AtomicInteger done = new AtomicInteger();
        float[] background = opt.background();
        LoadOptions.Progress progress = opt.progress();
        IntStream.range(0, m).parallel().forEach(k -> {
            try {
                Compositor.Image im = usePre ? ImageFiles.decode(smaller[k], background, 1) : null;
                if (im == null || im.rgb().length != 3 * w2 * h2) im = ImageFiles.decode(files[k], background, f); // not the size it should be
                rgb[k] = im.rgb();
                alpha[k] = im.alpha();
                if (rgb[k].length != 3 * w2 * h2) decodeErrors[k] = fileNames.get(k) + " decodes to a different size than its header says";
            } catch (IOException e) {
                decodeErrors[k] = fileNames.get(k) + " " + e.getMessage();
            } catch (UncheckedIOException e) {
                decodeErrors[k] = fileNames.get(k) + " " + e.getCause().getMessage();
            }
            synchronized (done) { // counted and reported together, so the counts arrive in order
                progress.update(done.incrementAndGet(), m);
            }
        });
        for (String e : decodeErrors) if (e != null) throw new NerfFormatException(source + ": " + e);
        PosedImages out = new PosedImages(source, split, w2, h2, List.of(rgb), Arrays.asList(alpha), intrinsics, poses, background, box,
                fileNames, warnings);
        return use.stream().anyMatch(fr -> fr.mask() != null) ? out.withMasks(masks(source, dir, shown, use, width, height, f)) : out;
    }

    /**
     * nerfstudio's masks: per frame, an image as large as the frame's whose dark pixels (below
     * half intensity; after a downscale, blocks mostly dark) leave the loss. [H, W] bytes, 0 for a
     * pixel left out, 1 for one kept; null for a frame without a mask.
     */
    private static byte[][] masks(String source, Path dir, Path shown, List<Frame> use, int width, int height, int f) throws NerfFormatException {
        int m = use.size();
        byte[][] out = new byte[m][];
        String[] errors = new String[m];
        IntStream.range(0, m).parallel().forEach(k -> {
            String p = use.get(k).mask();
            if (p == null) return;
            Path file = resolve(dir, p);
            String name;
            try {
                name = shown.resolve(p).normalize().toString();
            } catch (java.nio.file.InvalidPathException e) {
                errors[k] = "mask " + p.replace('\0', '?') + " of " + use.get(k).what() + ": not a valid path here (" + e.getReason() + ")";
                return;
            }
            try {
                if (file == null) throw new IOException("is missing (the mask_path of " + use.get(k).what() + ")");
                int[] size = ImageFiles.size(file);
                if (size[0] != width || size[1] != height) {
                    throw new IOException("is " + size[0] + "x" + size[1] + " but its image is " + width + "x" + height + " (a mask is as large as its image)");
                }
                byte[] rgb = ImageFiles.decode(file, new float[] {0, 0, 0}, f).rgb();
                byte[] keep = new byte[rgb.length / 3];
                int kept = 0;
                for (int i = 0; i < keep.length; i++) {
                    keep[i] = (byte) ((rgb[3 * i] & 0xFF) >= 128 ? 1 : 0);
                    kept += keep[i];
                }
                if (kept == 0) throw new IOException("masks out every pixel of " + use.get(k).what());
                out[k] = keep;
            } catch (IOException e) {
                errors[k] = "mask " + name + " " + e.getMessage();
            } catch (UncheckedIOException e) {
                errors[k] = "mask " + name + " " + e.getCause().getMessage();
            }
        });
        for (String e : errors) if (e != null) throw new NerfFormatException(source + ": " + e);
        return out;
    }

    /** Null when the rays through the image's corners and centre are finite unit vectors, else which is not. */
    static String rayProblem(double[] pose, Intrinsics in, int width, int height) {
        double[] r = new double[6];
        double[][] at = {{0.5 * width, 0.5 * height}, {0, 0}, {width, 0}, {0, height}, {width, height}};
        for (double[] uv : at) {
            PosedImages.ray(pose, 0, in, uv[0], uv[1], r, 0);
            boolean ok = true;
            for (double v : r) ok &= Double.isFinite(v);
            if (!ok || Math.abs(r[3] * r[3] + r[4] * r[4] + r[5] * r[5] - 1) > 1e-6) {
                return "the ray through pixel (" + uv[0] + ", " + uv[1] + ") is not a finite direction";
            }
        }
        return null;
    }

    /** The file {@code filePath} names, relative to {@code dir}: as written, else with .png, .jpg, .jpeg; null when none is a file. */
    static Path resolve(Path dir, String filePath) {
        Path p;
        try {
            p = dir.resolve(filePath).normalize();
        } catch (java.nio.file.InvalidPathException e) { // a NUL in a mask's name: no file can have it
            return null;
        }
        if (Files.isRegularFile(p)) return p;
        for (String ext : EXTENSIONS) {
            Path q = p.resolveSibling(p.getFileName() + ext);
            if (Files.isRegularFile(q)) return q;
        }
        return null;
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

    private static String dim(int v) {
        return v < 0 ? "?" : Integer.toString(v);
    }

    static String count(int n, String what) {
        return n + " " + what + (n == 1 ? "" : "s");
    }
}
