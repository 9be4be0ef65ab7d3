package nfield.data.nerf;

import java.util.Arrays;

/**
 * How to read a posed-image set.
 *
 * @param background the colour RGBA images are composited on, RGB in [0, 1]; white for the
 *                   synthetic scenes, as the NeRF paper trains and scores them
 * @param downscale  keep every image at 1/{@code downscale} of its resolution, each output pixel
 *                   the mean of a downscale × downscale block (composited first); 1 keeps it
 * @param split      null for the split the file is (a {@code transforms_train.json} is "train", a
 *                   {@code transforms.json} "all", an {@code .npz} or a folder "train"); a name
 *                   ("train", "val", "test", "all") to pick one: for a {@code transforms_*.json}
 *                   that is the sibling {@code transforms_<split>.json}, for an {@code .npz} a range
 *                   of its images (see {@code trainCount})
 * @param trainCount for an {@code .npz}: how many of its images, from the first, are training
 *                   (the rest are test); negative for the tiny-NeRF convention, 100 when the file
 *                   has more, all but the last otherwise
 * @param progress   told how many images are decoded, from any thread, one call at a time
 * @param holdout    null for every frame of the split; else the LLFF convention on one set of
 *                   frames (those whose images exist, in the file's order): every
 *                   {@code every}-th from the first is held out for testing, and {@code test}
 *                   picks those (true) or the others (false)
 * @param pinhole    read every camera as a pinhole, dropping the lens distortion a file gives
 *                   (to measure what modelling it brings)
 */
public record LoadOptions(float[] background, int downscale, String split, int trainCount, Progress progress, Holdout holdout,
                          boolean pinhole) {
    /** White background, full resolution, the file's own split, tiny-NeRF's train count, no progress, no holdout, lenses as given. */
    public static final LoadOptions DEFAULT = new LoadOptions(new float[] {1, 1, 1}, 1, null, -1, Progress.NONE, null, false);

    /** Frames 0, every, 2·every, ... are test views; the rest train. */
    public record Holdout(int every, boolean test) {
        public Holdout {
            if (every < 2) throw new IllegalArgumentException("--test-every " + every + ": hold out every N-th frame with N of 2 or more");
        }

        /** Whether the frame at {@code position} (among the frames kept) belongs to the part asked for. */
        public boolean keeps(int position) {
            return (position % every == 0) == test;
        }

        /** "test (every 8th)" or "train (all but every 8th)": the split these frames are. */
        public String split() {
            return test ? "test (every " + ordinal(every) + ")" : "train (all but every " + ordinal(every) + ")";
        }

        /** 2nd, 3rd, 8th, 11th, 22nd, ... */
        public static String ordinal(int n) {
            int t = n % 100, u = n % 10;
            return n + (t >= 11 && t <= 13 ? "th" : u == 1 ? "st" : u == 2 ? "nd" : u == 3 ? "rd" : "th");
        }
    }

    public LoadOptions {
        if (background.length != 3) throw new IllegalArgumentException("background needs 3 values (RGB), got " + background.length);
        for (float c : background) {
            if (!(c >= 0 && c <= 1)) throw new IllegalArgumentException("background values must be in [0, 1]: " + Arrays.toString(background));
        }
        background = background.clone();
        if (downscale < 1) throw new IllegalArgumentException("downscale must be 1 or more, got " + downscale);
        if (progress == null) progress = Progress.NONE;
    }

    @Override
    public float[] background() { return background.clone(); }

    public LoadOptions withBackground(float r, float g, float b) {
        return new LoadOptions(new float[] {r, g, b}, downscale, split, trainCount, progress, holdout, pinhole);
    }

    public LoadOptions withDownscale(int factor) {
        return new LoadOptions(background, factor, split, trainCount, progress, holdout, pinhole);
    }

    public LoadOptions withSplit(String name) {
        return new LoadOptions(background, downscale, name, trainCount, progress, holdout, pinhole);
    }

    public LoadOptions withTrainCount(int count) {
        return new LoadOptions(background, downscale, split, count, progress, holdout, pinhole);
    }

    public LoadOptions withProgress(Progress p) {
        return new LoadOptions(background, downscale, split, trainCount, p, holdout, pinhole);
    }

    /** Holds out every {@code every}-th frame (0: none) and keeps the test frames ({@code test}) or the training ones. */
    public LoadOptions withHoldout(int every, boolean test) {
        return new LoadOptions(background, downscale, split, trainCount, progress, every == 0 ? null : new Holdout(every, test), pinhole);
    }

    /** Every camera a pinhole ({@code true}), or lenses as the files give them. */
    public LoadOptions withPinhole(boolean p) {
        return new LoadOptions(background, downscale, split, trainCount, progress, holdout, p);
    }

    /** Decoding progress: {@code done} of {@code total} images. */
    @FunctionalInterface
    public interface Progress {
        Progress NONE = (done, total) -> {};

        void update(int done, int total);

        /** One line on stderr redrawn in place, "{label} 37/100", ended when done == total. */
        static Progress stderr(String label) {
            return (done, total) -> {
                System.err.print("\r" + label + " " + done + "/" + total);
                if (done == total) System.err.println();
                System.err.flush();
            };
        }
    }
}
