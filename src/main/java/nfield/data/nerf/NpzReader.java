package nfield.data.nerf;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Reads the tiny-NeRF {@code .npz} layout (a zip of {@code .npy} arrays, see {@link Npy}):
 * <ul>
 * <li>{@code images} [N, H, W, 3] or [N, H, W, 4], float32/float64 in [0, 1] or uint8; three
 * channels are taken as already composited (tiny-NeRF's are, on white, which becomes the set's
 * background), four are composited on the chosen background;</li>
 * <li>{@code poses} [N, 4, 4] (or [N, 3, 4], the last row 0 0 0 1 implied), camera-to-world in the
 * NeRF / Blender convention, float32/float64;</li>
 * <li>{@code focal}: a scalar (or [1]) for every image, or [N], in pixels; the principal point is
 * the image centre.</li>
 * </ul>
 * The file has no split of its own. The tiny-NeRF convention, used here: the first 100 images
 * are training and the rest test (tiny_lego_100.npz: 100 + 6); a file of 100 or fewer keeps its
 * last image for test. {@link LoadOptions#trainCount()} sets another count; the split is
 * "train", "test" or "all". Every header is checked against its zip entry's size before any
 * array is allocated.
 */
public final class NpzReader {
    /** The tiny-NeRF notebook's training count: its file holds 106 images, 100 train and 6 test. */
    public static final int TINY_NERF_TRAIN_COUNT = 100;

    private NpzReader() {}

    /** The training count for {@code n} images when none is given: 100 when there are more, else n − 1. */
    public static int defaultTrainCount(int n) {
        return n > TINY_NERF_TRAIN_COUNT ? TINY_NERF_TRAIN_COUNT : n - 1;
    }

    public static PosedImages read(Path npz, LoadOptions opt) throws IOException {
        String name = npz.toString();
        if (!Files.isRegularFile(npz)) throw new NerfFormatException(name + ": no such file");
        if (opt.holdout() != null) {
            throw new NerfFormatException(name + ": an .npz has its own test split (its last images); --test-every is for a transforms.json");
        }
        try (ZipFile zip = open(name, npz)) {
            return read(name, zip, opt);
        } catch (ZipException | EOFException e) { // deflated data that does not inflate, or an entry shorter than its header says
            throw new NerfFormatException(name + ": the archive is corrupt (" + e.getMessage() + "); write it again with numpy.savez");
        }
    }

    private static PosedImages read(String name, ZipFile zip, LoadOptions opt) throws IOException {
        Map<String, ZipEntry> entries = new LinkedHashMap<>();
        try {
            for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
                ZipEntry z = e.nextElement();
                String key = z.getName().endsWith(".npy") ? z.getName().substring(0, z.getName().length() - 4) : z.getName();
                entries.put(key, z);
            }
        } catch (IllegalArgumentException e) { // the JDK's verdict on an entry name that is not UTF-8
            throw new NerfFormatException(name + ": the archive is corrupt: an entry's name is not UTF-8 (" + e.getMessage()
                    + "); write it again with numpy.savez");
        }
        List<String> missing = new ArrayList<>();
        for (String k : List.of("images", "poses", "focal")) if (!entries.containsKey(k)) missing.add("'" + k + "'");
        if (!missing.isEmpty()) {
            throw new NerfFormatException(name + ": no " + String.join(", ", missing) + " array" + (missing.size() == 1 ? "" : "s")
                    + " (it has " + (entries.isEmpty() ? "none" : String.join(", ", entries.keySet()))
                    + "); a tiny-NeRF .npz holds images [N, H, W, 3], poses [N, 4, 4] and focal []");
        }
        Npy.Header hi = header(name, zip, entries.get("images"));
        Npy.Header hp = header(name, zip, entries.get("poses"));
        Npy.Header hf = header(name, zip, entries.get("focal"));

        // ---- shapes and dtypes, before anything is allocated
        long[] si = hi.shape();
        if (si.length != 4 || (si[3] != 3 && si[3] != 4) || si[0] == 0 || si[1] == 0 || si[2] == 0) {
            throw new NerfFormatException(name + ": images.npy has shape " + hi.shapeText() + "; expected (N, H, W, 3) or (N, H, W, 4)");
        }
        long[] sp = hp.shape();
        if (hp.kind() != 'f') throw new NerfFormatException(name + ": poses.npy has dtype '" + hp.descr() + "'; expected float32 or float64");
        if (hf.kind() != 'f') throw new NerfFormatException(name + ": focal.npy has dtype '" + hf.descr() + "'; expected float32 or float64");
        if (sp.length != 3 || sp[0] != si[0] || (sp[1] != 4 && sp[1] != 3) || sp[2] != 4) {
            throw new NerfFormatException(name + ": poses.npy has shape " + hp.shapeText() + "; expected (" + si[0] + ", 4, 4) for "
                    + si[0] + " images");
        }
        long nf = hf.count();
        if (hf.shape().length > 1 || (nf != 1 && nf != si[0])) {
            throw new NerfFormatException(name + ": focal.npy has shape " + hf.shapeText() + "; expected () or (" + si[0] + ",)");
        }
        if (si[1] > Integer.MAX_VALUE / 16 || si[2] > Integer.MAX_VALUE / 16 || si[0] > Integer.MAX_VALUE / 16
                || si[1] * si[2] * si[3] * hi.itemSize() > Integer.MAX_VALUE - 16) {
            throw new NerfFormatException(name + ": images.npy has shape " + hi.shapeText() + ", too large an image");
        }
        int n = (int) si[0], height = (int) si[1], width = (int) si[2], channels = (int) si[3];

        // ---- the split
        int train = opt.trainCount() >= 0 ? opt.trainCount() : defaultTrainCount(n);
        if (train > n) throw new NerfFormatException(name + ": a train count of " + train + " is more than its " + n + " images");
        String split = opt.split() == null ? "train" : opt.split();
        int from, to;
        switch (split) {
            case "train" -> { from = 0; to = train; }
            case "test" -> { from = train; to = n; }
            case "all" -> { from = 0; to = n; }
            default -> throw new NerfFormatException(name + ": no split '" + split + "' in an .npz: train (the first " + train
                    + " images), test (the other " + (n - train) + ") or all");
        }
        if (from == to) {
            throw new NerfFormatException(name + ": the " + split + " split is empty: of " + n + " images the first " + train
                    + " are train and the other " + (n - train) + " test");
        }
        int f = opt.downscale();
        int w2 = width / f, h2 = height / f;
        if (w2 == 0 || h2 == 0) throw new NerfFormatException(name + ": downscale " + f + " leaves nothing of " + width + "x" + height + " images");
        List<String> warnings = new ArrayList<>();
        if (w2 * f != width || h2 * f != height) {
            warnings.add("downscale " + f + ": " + width + "x" + height + " is not a multiple; the last " + (width - w2 * f)
                    + " columns and " + (height - h2 * f) + " rows are dropped");
        }
        int count = to - from;
        FrameLoader.checkMemory(name, count, w2, h2, channels == 4 ? 4 : 3);

        // ---- poses and focal
        double[] poses = new double[16 * count];
        List<String> fileNames = new ArrayList<>(count);
        for (int k = from; k < to; k++) fileNames.add(name + ":images[" + k + "]");
        try (InputStream in = data(zip, entries.get("poses"), hp)) {
            int rows = (int) sp[1];
            ByteBuffer b = ByteBuffer.wrap(Npy.readFully(name + ": poses.npy", in, (int) hp.dataBytes(), "its data")).order(hp.order());
            List<String> bad = new ArrayList<>();
            for (int k = from; k < to; k++) {
                int o = 16 * (k - from);
                for (int i = 0; i < 4 * rows; i++) poses[o + i] = hp.get(b, 4 * rows * k + i);
                if (rows == 3) poses[o + 15] = 1;
                String p = Poses.problem(poses, o);
                if (p != null) bad.add("poses[" + k + "] " + p);
            }
            if (!bad.isEmpty()) {
                throw new NerfFormatException(name + ": " + FrameLoader.count(bad.size(), "bad pose") + ":\n  " + String.join("\n  ", bad));
            }
        }
        List<Intrinsics> intrinsics = new ArrayList<>(count);
        try (InputStream in = data(zip, entries.get("focal"), hf)) {
            ByteBuffer b = ByteBuffer.wrap(Npy.readFully(name + ": focal.npy", in, (int) hf.dataBytes(), "its data")).order(hf.order());
            for (int k = from; k < to; k++) {
                double focal = hf.get(b, nf == 1 ? 0 : k);
                if (!(focal > 0) || !Double.isFinite(focal)) {
                    throw new NerfFormatException(name + ": focal.npy: the focal length" + (nf == 1 ? "" : " of image " + k) + " is " + focal
                            + "; it must be a positive number of pixels");
                }
                intrinsics.add(Intrinsics.centred(focal, width, height).downscaled(f));
            }
        }

        // ---- images, streamed: only the split's are kept
        float[] background = channels == 3 ? new float[] {1, 1, 1} : opt.background();
        float[] asked = opt.background();
        if (channels == 3 && (asked[0] != 1 || asked[1] != 1 || asked[2] != 1)) {
            warnings.add("images.npy has no alpha channel: its images are used as they are, composited on white as tiny-NeRF's are;"
                    + " the background " + asked[0] + " " + asked[1] + " " + asked[2] + " has no effect");
        }
        List<byte[]> rgb = new ArrayList<>(count), alpha = new ArrayList<>(count);
        int imageBytes = width * height * channels * hi.itemSize();
        int rowValues = width * channels;
        LoadOptions.Progress progress = opt.progress();
        try (InputStream in = data(zip, entries.get("images"), hi)) {
            for (int k = 0; k < to; k++) {
                if (k < from) {
                    in.skipNBytes(imageBytes);
                    continue;
                }
                ByteBuffer b = ByteBuffer.wrap(Npy.readFully(name + ": images.npy", in, imageBytes, "image " + k)).order(hi.order());
                final int image = k;
                float scale = hi.kind() == 'u' ? 1f / 255f : 1f;
                Compositor.Image im = Compositor.composite(width, height, channels, false, (y, dest) -> {
                    int base = y * rowValues;
                    for (int i = 0; i < rowValues; i++) {
                        float v = (float) hi.get(b, base + i) * scale;
                        if (!Float.isFinite(v)) {
                            throw new NerfFormatException(name + ": images.npy: image " + image + " has " + v + " at row " + y + ", column "
                                    + i / channels + ", channel " + i % channels);
                        }
                        dest[i] = v;
                    }
                }, background, f);
                rgb.add(im.rgb());
                alpha.add(im.alpha());
                progress.update(k - from + 1, count);
            }
        }
        return new PosedImages(name, split, w2, h2, rgb, alpha, intrinsics, poses, background, PosedImages.defaultBox(), fileNames,
                warnings);
    }

    private static ZipFile open(String name, Path npz) throws IOException {
        try {
            return new ZipFile(npz.toFile());
        } catch (ZipException e) {
            throw new NerfFormatException(name + ": not an .npz (zip) archive: " + e.getMessage());
        }
    }

    /** The entry's header, checked against the entry's size: the header must account for every byte. */
    private static Npy.Header header(String name, ZipFile zip, ZipEntry e) throws IOException {
        String where = name + ": " + e.getName();
        Npy.Header h;
        try (InputStream in = zip.getInputStream(e)) {
            h = Npy.readHeader(where, in);
        } catch (ZipException z) {
            throw new NerfFormatException(where + ": the zip entry is corrupt: " + z.getMessage());
        }
        long size = e.getSize();
        if (size >= 0 && size != h.dataOffset() + h.dataBytes()) {
            throw new NerfFormatException(where + ": the header says shape " + h.shapeText() + " of '" + h.descr() + "', " + h.dataBytes()
                    + " bytes of data, but the entry has " + (size - h.dataOffset()) + " after its " + h.dataOffset() + "-byte header");
        }
        return h;
    }

    /** The entry's data, past its header. */
    private static InputStream data(ZipFile zip, ZipEntry e, Npy.Header h) throws IOException {
        InputStream in = new BufferedInputStream(zip.getInputStream(e), 1 << 16);
        in.skipNBytes(h.dataOffset());
        return in;
    }
}
