package nfield.field;

import nfield.config.FieldConfig;
import nfield.config.MarchingConfig;
import nfield.config.SceneConfig;
import nfield.geom.Normalization;

import java.util.Arrays;
import java.util.Objects;

/**
 * Everything a trained field carries besides its weights (a field file's metadata, FORMAT.md):
 * its config, the steps it was trained for, the transform from the data's coordinates into the
 * field's box, what it was fitted to, the scene it was trained with (null in files older than
 * the scene key) and, for radiance fields, what rendering it needs ({@link Radiance}; null for SDFs).
 */
public record FieldMeta(FieldConfig config, long steps, Normalization normalization, Provenance fittedTo, SceneConfig scene,
                        Radiance radiance) {
    public FieldMeta {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(normalization, "normalization");
        if (fittedTo == null) fittedTo = Provenance.UNKNOWN;
        if (config.kind().equals("radiance") && radiance == null) radiance = Radiance.DEFAULT;
        if (!config.kind().equals("radiance")) radiance = null;
    }

    /**
     * What a field was fitted to and how: the data as named on the command line (a file, or
     * shape:NAME / analytic:NAME), the loss type (with Huber's delta, else null), how training
     * signs were decided (SDF fits on meshes: pseudonormal, winding, raystab; exact for analytic
     * shapes; null otherwise), the share of samples whose sign was ambiguous (null where none was
     * decided) and, for a radiance fit that held out every N-th frame of its data for testing, N
     * (null otherwise: eval holds out the same frames of the same data), and whether it read
     * every camera as a pinhole, ignoring the lens distortion its data gives (true; null: the
     * lenses as given; eval and render then do the same).
     */
    public record Provenance(String data, String loss, Double lossDelta, String sign, Double ambiguousShare, Integer testEvery,
                             Boolean pinhole) {
        public static final Provenance UNKNOWN = new Provenance(null, null, null, null, null, null, null);

        public Provenance withAmbiguousShare(double share) {
            return new Provenance(data, loss, lossDelta, sign, share, testEvery, pinhole);
        }

        /** Whether the fit read its cameras as pinholes. */
        public boolean pinholeCameras() {
            return Boolean.TRUE.equals(pinhole);
        }
    }

    /**
     * What rendering and evaluating a radiance field needs: the scene's vertical ({@code "y"} or
     * {@code "z"}, as its cameras hold it), the background put behind rendered rays (the colour the
     * data's images are composited on), what lay behind the training rays ({@code random},
     * {@code data}, or a colour {@code r,g,b}; null when not recorded) and the scene box
     * [min xyz, max xyz] in the data's coordinates (null when not recorded), and for a contracted
     * field (an unbounded scene: {@code nfield.radiance.RayMarcher}) the box of interest that its
     * normalisation maps to [-1, 1]^3 (null: a bounded field, normalised by the scene box).
     */
    public record Radiance(String up, float[] background, String trainBackground, double[] box, double[] inner) {
        /** What files without these keys mean: z up (the Blender convention of NeRF's scenes), white behind. */
        public static final Radiance DEFAULT = new Radiance("z", new float[]{1, 1, 1}, null, null, null);

        public Radiance {
            if (!"y".equals(up) && !"z".equals(up)) throw new IllegalArgumentException("radiance up axis must be y or z, got " + up);
            if (background == null || background.length != 3) throw new IllegalArgumentException("radiance background needs 3 values");
            if (box != null && box.length != 6) throw new IllegalArgumentException("radiance box needs 6 values [min xyz, max xyz]");
            background = background.clone();
            box = box == null ? null : box.clone();
            if (inner != null && (inner.length != 6 || box == null)) throw new IllegalArgumentException("a contracted field needs a box and a box of interest of 6 values");
            inner = inner == null ? null : inner.clone();
        }

        public boolean zUp() { return up.equals("z"); }

        /** Whether the field is contracted (an unbounded scene). */
        public boolean contracted() { return inner != null; }

        @Override public double[] inner() { return inner == null ? null : inner.clone(); }

        @Override public float[] background() { return background.clone(); }

        @Override public double[] box() { return box == null ? null : box.clone(); }

        @Override
        public boolean equals(Object o) {
            return o instanceof Radiance r && up.equals(r.up) && Arrays.equals(background, r.background)
                    && Objects.equals(trainBackground, r.trainBackground) && Arrays.equals(box, r.box) && Arrays.equals(inner, r.inner);
        }

        @Override
        public int hashCode() { return Objects.hash(up, Arrays.hashCode(background), trainBackground, Arrays.hashCode(box), Arrays.hashCode(inner)); }

        @Override
        public String toString() {
            return "Radiance[up=" + up + ", background=" + Arrays.toString(background) + ", trainBackground=" + trainBackground
                    + ", box=" + Arrays.toString(box) + (inner == null ? "" : ", inner=" + Arrays.toString(inner)) + "]";
        }
    }

    public String kind() { return config.kind(); }

    public boolean isSdf() { return config.kind().equals("sdf"); }

    /** The ray-marching settings the field was trained with (its scene's), else the defaults. */
    public MarchingConfig marching() {
        return scene == null ? MarchingConfig.defaults() : scene.marching();
    }

    public FieldMeta withSteps(long n) {
        return new FieldMeta(config, n, normalization, fittedTo, scene, radiance);
    }

    /** The same metadata for a field of config {@code c} (e.g. with its appearance codes folded in). */
    public FieldMeta withConfig(FieldConfig c) {
        return new FieldMeta(c, steps, normalization, fittedTo, scene, radiance);
    }

    public FieldMeta withFittedTo(Provenance p) {
        return new FieldMeta(config, steps, normalization, p, scene, radiance);
    }
}
