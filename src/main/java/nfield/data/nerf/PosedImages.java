package nfield.data.nerf;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A set of n posed images, all W×H, the training data of a radiance field.
 *
 * <h2>Storage</h2>
 * Each image is 8-bit RGB, row-major from the top-left pixel, 3 bytes per pixel
 * ([H, W, 3], byte {@code 3 * (y * W + x) + c}), already composited on {@link #background()} (an
 * RGBA source pixel becomes {@code rgb · a + background · (1 − a)}, rounded to 8 bits once).
 * When the sources have transparent pixels the set also keeps their alpha, 8-bit, [H, W] per
 * image (so 4 bytes a pixel in all; {@link #hasAlpha()}): the composite on any other background
 * bg' is then {@code C + (bg' − background) · (1 − a)}, which is {@code rgb · a + bg' · (1 − a)}
 * up to the 8-bit rounding of C and a (for random-background training). A set whose sources have
 * no alpha channel, or only opaque pixels, keeps none (3 bytes a pixel), and its images are
 * opaque: their colour is the same on any background.
 *
 * <h2>Cameras: the NeRF / Blender convention</h2>
 * Each image has its own {@link Intrinsics} (fx, fy, cx, cy in pixels) and a 4×4 camera-to-world
 * pose, float64, row-major ({@code pose[4 * r + c]}), rigid (rotation orthonormal with determinant
 * +1, last row 0 0 0 1). In camera space the camera looks down −z, +y is up and +x is right;
 * image row 0 is the top and column 0 the left. Continuous pixel coordinates (u, v) have (0, 0)
 * at the top-left corner of the image, so pixel (x, y) (column x, row y) has its centre at
 * (x + 0.5, y + 0.5). The ray through (u, v) has, in camera space, direction
 * {@code ((u − cx) / fx, −(v − cy) / fy, −1)} for a pinhole camera, bent by the camera's
 * {@link Lens} otherwise ({@link Intrinsics#direction}); in world space its origin is the pose's
 * translation column and its direction is the pose's rotation times that, normalised.
 * (The original NeRF code uses pixel corners, u = x; we use centres, which is where a renderer
 * such as Blender samples, a half-pixel difference.)
 *
 * <h2>Scene box</h2>
 * An axis-aligned box [minX, minY, minZ, maxX, maxY, maxZ] in world units that holds the scene,
 * for ray clipping and the field's normalisation: from instant-ngp's {@code aabb_scale} when the
 * file gives one, otherwise instant-ngp's default (the unit cube at its default scale 0.33:
 * ±{@link #DEFAULT_HALF_EXTENT} around the origin, which holds the Blender synthetic scenes).
 */
public final class PosedImages {
    /** instant-ngp's default world-to-unit-cube scale, {@code scale} in its transforms.json. */
    public static final double NGP_DEFAULT_SCALE = 0.33;
    /** Half the edge of the default scene box: instant-ngp's unit cube at its default scale, 0.5 / 0.33. */
    public static final double DEFAULT_HALF_EXTENT = 0.5 / NGP_DEFAULT_SCALE;

    private final String source;
    private final String split;
    private final int width;
    private final int height;
    private final byte[][] rgb;
    private final byte[][] alpha; // null: every pixel opaque
    private final Intrinsics[] intrinsics;
    private final double[] poses;
    private final float[] background;
    private final double[] box;
    private double[] inner; // the box of interest, within box; set by the reader right after construction
    private byte[][] masks; // null, or per image null or [H, W] (0: out of the loss); set by the reader right after construction
    private final List<String> files;
    private final List<String> warnings;

    /**
     * @param source     the file the set was read from, as the user gave it
     * @param split      "train", "val", "test", "all", ...
     * @param rgb        n images [H, W, 3], kept (not copied)
     * @param intrinsics n cameras
     * @param poses      [n, 4, 4] camera-to-world, row-major, each rigid
     * @param background the colour the images are composited on, RGB in [0, 1]
     * @param box        [minX, minY, minZ, maxX, maxY, maxZ], min < max on each axis
     * @param files      n names, one per image, for messages
     * @param warnings   what the reader ignored or assumed, one line each
     */
    public PosedImages(String source, String split, int width, int height, List<byte[]> rgb, List<Intrinsics> intrinsics, double[] poses,
                       float[] background, double[] box, List<String> files, List<String> warnings) {
        this(source, split, width, height, rgb, null, intrinsics, poses, background, box, files, warnings);
    }

    /**
     * As above, with the alpha channels: {@code alpha} null, or n entries, each [H, W] bytes or null
     * (an image without alpha: opaque). Kept only when some pixel is not opaque; then images
     * without an alpha channel get an opaque one.
     */
    public PosedImages(String source, String split, int width, int height, List<byte[]> rgb, List<byte[]> alpha,
                       List<Intrinsics> intrinsics, double[] poses, float[] background, double[] box, List<String> files,
                       List<String> warnings) {
        int n = rgb.size();
        if (n == 0) throw new IllegalArgumentException(source + ": no images in split '" + split + "'");
        if (width <= 0 || height <= 0) throw new IllegalArgumentException(source + ": image size " + width + "x" + height);
        if (intrinsics.size() != n || files.size() != n || poses.length != 16 * n) {
            throw new IllegalArgumentException(source + ": " + n + " images but " + intrinsics.size() + " intrinsics, "
                    + poses.length + " pose values (need " + 16 * n + ") and " + files.size() + " file names");
        }
        for (int k = 0; k < n; k++) {
            if (rgb.get(k).length != 3L * width * height) {
                throw new IllegalArgumentException(source + ": image " + k + " (" + files.get(k) + ") has " + rgb.get(k).length
                        + " bytes, not 3 * " + width + " * " + height);
            }
            String p = Poses.problem(poses, 16 * k);
            if (p != null) throw new IllegalArgumentException(source + ": pose " + k + " (" + files.get(k) + ") " + p);
        }
        if (alpha != null && alpha.size() != n) {
            throw new IllegalArgumentException(source + ": " + n + " images but " + alpha.size() + " alpha channels");
        }
        boolean transparent = false;
        for (int k = 0; alpha != null && k < n; k++) {
            byte[] a = alpha.get(k);
            if (a == null) continue;
            if (a.length != (long) width * height) {
                throw new IllegalArgumentException(source + ": image " + k + " (" + files.get(k) + ") has " + a.length
                        + " alpha bytes, not " + width + " * " + height);
            }
            for (byte v : a) {
                if (v != (byte) 0xFF) {
                    transparent = true;
                    break;
                }
            }
        }
        if (background.length != 3) throw new IllegalArgumentException(source + ": background needs 3 values, got " + background.length);
        if (box.length != 6 || !(box[0] < box[3] && box[1] < box[4] && box[2] < box[5])) {
            throw new IllegalArgumentException(source + ": scene box must be [min xyz, max xyz] with min < max: " + Arrays.toString(box));
        }
        this.source = source;
        this.split = split;
        this.width = width;
        this.height = height;
        this.rgb = rgb.toArray(new byte[0][]);
        if (transparent) {
            this.alpha = new byte[n][];
            for (int k = 0; k < n; k++) {
                byte[] a = alpha.get(k);
                if (a == null) {
                    a = new byte[width * height];
                    Arrays.fill(a, (byte) 0xFF);
                }
                this.alpha[k] = a;
            }
        } else {
            this.alpha = null;
        }
        this.intrinsics = intrinsics.toArray(new Intrinsics[0]);
        this.poses = poses.clone();
        this.background = background.clone();
        this.box = box.clone();
        this.inner = box.clone();
        this.files = List.copyOf(files);
        this.warnings = List.copyOf(warnings);
    }

    /** The default scene box, ±{@link #DEFAULT_HALF_EXTENT} on each axis. */
    public static double[] defaultBox() {
        double h = DEFAULT_HALF_EXTENT;
        return new double[] {-h, -h, -h, h, h, h};
    }

    public String source() { return source; }

    public String split() { return split; }

    public int count() { return rgb.length; }

    public int width() { return width; }

    public int height() { return height; }

    /** Image {@code k}, [H, W, 3] bytes, the stored array itself: read it, do not change it. */
    public byte[] rgb(int k) { return rgb[k]; }

    /** Whether the set keeps an alpha channel (some source pixel is not opaque); see the class doc. */
    public boolean hasAlpha() { return alpha != null; }

    /** Image {@code k}'s alpha, [H, W] bytes, the stored array itself, or null when the set has none (all opaque). */
    public byte[] alpha(int k) { return alpha == null ? null : alpha[k]; }

    /** Copies every image in order, [n, H, W, 3] bytes, into {@code dest} at its position (for a device upload). */
    public void putRgb(ByteBuffer dest) {
        for (byte[] im : rgb) dest.put(im);
    }

    public Intrinsics intrinsics(int k) { return intrinsics[k]; }

    /** Image {@code k}'s camera-to-world matrix, a copy, row-major. */
    public double[] pose(int k) {
        double[] m = new double[16];
        System.arraycopy(poses, 16 * k, m, 0, 16);
        return m;
    }

    /** Camera {@code k}'s centre in world space (the pose's translation column) into {@code dest[0..3)}. */
    public void cameraCentre(int k, double[] dest) {
        int o = 16 * k;
        dest[0] = poses[o + 3];
        dest[1] = poses[o + 7];
        dest[2] = poses[o + 11];
    }

    /** The colour the images are composited on, RGB in [0, 1], a copy. */
    public float[] background() { return background.clone(); }

    /** The scene box [minX, minY, minZ, maxX, maxY, maxZ], a copy. */
    public double[] box() { return box.clone(); }

    /**
     * The box of interest, within {@link #box()}: where the scene's subject is (instant-ngp's unit
     * cube when the file's {@code aabb_scale} is above 1; the bulk of a COLMAP model's sparse
     * points), a copy; the scene box itself when the data says nothing more.
     */
    public double[] inner() { return inner.clone(); }

    /** Whether the scene box is larger than the box of interest: space beyond the subject (an unbounded scene). */
    public boolean unbounded() { return !Arrays.equals(inner, box); }

    /** Whether any image has a mask ({@link #kept}). */
    public boolean hasMasks() { return masks != null; }

    /** Whether pixel (x, y) of image {@code k} counts in the loss: true unless the image's mask leaves it out. */
    public boolean kept(int k, int x, int y) {
        return masks == null || masks[k] == null || masks[k][y * width + x] != 0;
    }

    /** Sets the masks (readers, right after construction): per image null, or [H, W] bytes, 0 for a pixel out of the loss. */
    PosedImages withMasks(byte[][] m) {
        if (m.length != rgb.length) throw new IllegalArgumentException(source + ": " + rgb.length + " images but " + m.length + " masks");
        for (byte[] a : m) if (a != null && a.length != width * height) throw new IllegalArgumentException(source + ": a mask is not " + width + "x" + height);
        masks = m.clone();
        return this;
    }

    /** Sets the box of interest (readers, right after construction); it must lie within the scene box. */
    PosedImages withInner(double[] in) {
        if (in.length != 6 || !(in[0] < in[3] && in[1] < in[4] && in[2] < in[5])) {
            throw new IllegalArgumentException(source + ": box of interest must be [min xyz, max xyz] with min < max: " + Arrays.toString(in));
        }
        double[] b = box.clone();
        for (int a = 0; a < 3; a++) {
            b[a] = Math.min(b[a], in[a]);
            b[a + 3] = Math.max(b[a + 3], in[a + 3]);
        }
        if (!Arrays.equals(b, box)) throw new IllegalArgumentException(source + ": box of interest " + Arrays.toString(in) + " is not within the scene box " + Arrays.toString(box));
        inner = in.clone();
        return this;
    }

    /** The image files (or array entries) the images came from, one per image. */
    public List<String> files() { return files; }

    /** What the reader ignored or assumed, one line each, for the caller to print. */
    public List<String> warnings() { return warnings; }

    /** Bytes a pixel takes: 3 (RGB), or 4 with alpha. */
    public int bytesPerPixel() { return alpha == null ? 3 : 4; }

    /** Bytes the images take: n · W · H · 3, or · 4 with alpha. */
    public long imageBytes() { return (long) rgb.length * width * height * bytesPerPixel(); }

    /** The memory a fit on this set needs; see {@link MemoryEstimate} for what is counted. */
    public MemoryEstimate memoryEstimate(int raysPerBatch, int samplesPerRay, int activationFloats) {
        return new MemoryEstimate(rgb.length, width, height, bytesPerPixel(), raysPerBatch, samplesPerRay, activationFloats);
    }

    /** Pixel (x, y) of image {@code k} as RGB floats in [0, 1] into {@code dest[off..off+3)}. */
    public void color(int k, int x, int y, float[] dest, int off) {
        int p = 3 * (y * width + x);
        byte[] im = rgb[k];
        dest[off] = (im[p] & 0xFF) * (1f / 255f);
        dest[off + 1] = (im[p + 1] & 0xFF) * (1f / 255f);
        dest[off + 2] = (im[p + 2] & 0xFF) * (1f / 255f);
    }

    /**
     * Pixel (x, y) of image {@code k} composited on {@code bg} (RGB in [0, 1]) instead of
     * {@link #background()}: {@code C + (bg − background) · (1 − a)} with C the stored composite and
     * a the pixel's alpha, that is {@code rgb · a + bg · (1 − a)} up to 8-bit rounding; the stored
     * colour itself where the pixel is opaque or the set has no alpha.
     */
    public void color(int k, int x, int y, float[] bg, float[] dest, int off) {
        color(k, x, y, dest, off);
        if (alpha == null) return;
        int a = alpha[k][y * width + x] & 0xFF;
        if (a == 255) return;
        float rest = 1 - a * (1f / 255f);
        for (int c = 0; c < 3; c++) dest[off + c] += (bg[c] - background[c]) * rest;
    }

    /**
     * The ray of image {@code k} through continuous pixel coordinates (u, v) (see the class doc):
     * origin then unit direction, world space, into {@code dest[off..off+6)}.
     */
    public void ray(int k, double u, double v, double[] dest, int off) {
        ray(poses, 16 * k, intrinsics[k], u, v, dest, off);
    }

    /**
     * The ray through (u, v) of the camera {@code in} at the camera-to-world pose
     * {@code poses[o..o+16)} (the class doc's convention): origin, unit direction, world space.
     */
    public static void ray(double[] poses, int o, Intrinsics in, double u, double v, double[] dest, int off) {
        double[] c = new double[3];
        in.direction(u, v, c);
        double dx = c[0], dy = c[1], dz = c[2];
        double wx = poses[o] * dx + poses[o + 1] * dy + poses[o + 2] * dz;
        double wy = poses[o + 4] * dx + poses[o + 5] * dy + poses[o + 6] * dz;
        double wz = poses[o + 8] * dx + poses[o + 9] * dy + poses[o + 10] * dz;
        double inv = 1 / Math.sqrt(wx * wx + wy * wy + wz * wz);
        dest[off] = poses[o + 3];
        dest[off + 1] = poses[o + 7];
        dest[off + 2] = poses[o + 11];
        dest[off + 3] = wx * inv;
        dest[off + 4] = wy * inv;
        dest[off + 5] = wz * inv;
    }

    /** {@link #ray(int, double, double, double[], int)} as floats. */
    public void ray(int k, double u, double v, float[] dest, int off) {
        double[] r = new double[6];
        ray(k, u, v, r, 0);
        for (int i = 0; i < 6; i++) dest[off + i] = (float) r[i];
    }

    /** The ray through the centre of pixel (x, y) (column x, row y) of image {@code k}: origin, unit direction. */
    public void pixelRay(int k, int x, int y, double[] dest, int off) {
        ray(k, x + 0.5, y + 0.5, dest, off);
    }

    /**
     * Clips the ray at {@code ray[off..off+6)} (origin, direction) to the scene box: the
     * parameters [tNear, tFar] with tNear ≥ 0 go to {@code t[0..2)}. Returns false (and leaves
     * {@code t} unspecified) when the ray misses the box or the box is behind it.
     */
    public boolean clipToBox(double[] ray, int off, double[] t) {
        return clip(box, ray[off], ray[off + 1], ray[off + 2], ray[off + 3], ray[off + 4], ray[off + 5], t);
    }

    /**
     * Clips the ray o + t·d to {@code box} [min xyz, max xyz] (the slab method): [tNear, tFar]
     * with tNear ≥ 0 into {@code t[0..2)}; false when the ray misses the box or it lies behind.
     */
    public static boolean clip(double[] box, double ox, double oy, double oz, double dx, double dy, double dz, double[] t) {
        double near = 0, far = Double.POSITIVE_INFINITY;
        double[] o = {ox, oy, oz}, d = {dx, dy, dz};
        for (int a = 0; a < 3; a++) {
            if (d[a] == 0) {
                if (o[a] < box[a] || o[a] > box[a + 3]) return false;
                continue;
            }
            double t0 = (box[a] - o[a]) / d[a], t1 = (box[a + 3] - o[a]) / d[a];
            near = Math.max(near, Math.min(t0, t1));
            far = Math.min(far, Math.max(t0, t1));
        }
        if (!(near < far)) return false;
        t[0] = near;
        t[1] = far;
        return true;
    }

    /** One line: "…/transforms_train.json (train): 100 images 400x400, fx 555.6, background 1 1 1, box [-1.52, …]..[1.52, …]". */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        sb.append(source).append(" (").append(split).append("): ").append(count()).append(count() == 1 ? " image " : " images ")
                .append(width).append('x').append(height);
        sb.append(String.format(Locale.ROOT, ", fx %.1f", intrinsics[0].fx()));
        if (!intrinsics[0].lens().isPinhole()) sb.append(", lens ").append(intrinsics[0].lens().describe());
        sb.append(String.format(Locale.ROOT, ", background %.3g %.3g %.3g", background[0], background[1], background[2]));
        if (alpha != null) sb.append(", with alpha");
        if (masks != null) sb.append(", masked (").append(java.util.Arrays.stream(masks).filter(java.util.Objects::nonNull).count()).append(" of ").append(count()).append(" images)");
        sb.append(String.format(Locale.ROOT, ", box [%.3g, %.3g, %.3g]..[%.3g, %.3g, %.3g]", box[0], box[1], box[2], box[3], box[4], box[5]));
        if (unbounded()) {
            sb.append(String.format(Locale.ROOT, ", subject in [%.3g, %.3g, %.3g]..[%.3g, %.3g, %.3g]", inner[0], inner[1], inner[2], inner[3],
                    inner[4], inner[5]));
        }
        return sb.toString();
    }
}
