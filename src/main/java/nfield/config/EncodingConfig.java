package nfield.config;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The input encoding of a field. A config builds what it names: {@link #build} hands itself to
 * its own method of a {@link Builder} (the field package supplies the one that builds encodings;
 * config itself depends on nothing), so there is no type test and no fallback, and a new kind of
 * encoding does not compile until every builder knows it.
 */
public sealed interface EncodingConfig {
    String type();

    ObjectNode toJson();

    /** What {@code b} builds for this config, taking {@code inputs} coordinates. */
    <T> T build(Builder<T> b, int inputs);

    /** One method per kind of encoding config. */
    interface Builder<T> {
        T identity(Identity c, int inputs);

        T frequency(Frequency c, int inputs);

        T fourier(Fourier c, int inputs);

        T hash(Hash c, int inputs);

        T sphericalHarmonics(SphericalHarmonics c, int inputs);
    }

    /** Passes the coordinates through unchanged. */
    record Identity() implements EncodingConfig {
        public String type() { return "identity"; }

        public <T> T build(Builder<T> b, int inputs) { return b.identity(this, inputs); }

        public ObjectNode toJson() { return ConfigNode.newObject().put("type", type()); }
    }

    /** NeRF positional encoding with {@code octaves} octaves (Mildenhall et al. 2020, eq. 4). */
    record Frequency(int octaves, boolean includeInput) implements EncodingConfig {
        public String type() { return "frequency"; }

        public <T> T build(Builder<T> b, int inputs) { return b.frequency(this, inputs); }

        public ObjectNode toJson() {
            return ConfigNode.newObject().put("type", type()).put("octaves", octaves).put("include_input", includeInput);
        }
    }

    /** Gaussian Fourier features, B ~ N(0, sigma^2) of shape [features, 3] (Tancik et al. 2020, sec. 6). */
    record Fourier(int features, double sigma, boolean includeInput) implements EncodingConfig {
        public String type() { return "fourier"; }

        public <T> T build(Builder<T> b, int inputs) { return b.fourier(this, inputs); }

        public ObjectNode toJson() {
            return ConfigNode.newObject().put("type", type()).put("features", features).put("sigma", sigma)
                    .put("include_input", includeInput);
        }
    }

    /**
     * Multiresolution hash encoding (Müller et al. 2022, sec. 3): {@code levels} grids of
     * resolution N_l = floor(baseResolution · perLevelScale^l) over [-1, 1]^3, each with a
     * trainable table of min(2^log2Table, (N_l + 1)^3) entries of {@code features} values.
     */
    record Hash(int levels, int features, int log2Table, int baseResolution, double perLevelScale,
                boolean includeInput) implements EncodingConfig {
        /** Finest resolution allowed: cell coordinates are float32 (24-bit mantissa) on the device. */
        public static final int MAX_RESOLUTION = 1 << 24;

        public String type() { return "hash"; }

        public <T> T build(Builder<T> b, int inputs) { return b.hash(this, inputs); }

        /** N_l = floor(base · scale^l), in double with {@link StrictMath#pow} (the same on every JVM). */
        public long resolution(int level) {
            double n = Math.floor(baseResolution * StrictMath.pow(perLevelScale, level));
            return n >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) n;
        }

        /** N_l for every level, checked against {@link #MAX_RESOLUTION}. */
        public int[] resolutions() {
            int[] r = new int[levels];
            for (int l = 0; l < levels; l++) {
                long n = resolution(l);
                if (n > MAX_RESOLUTION) throw new IllegalArgumentException("hash level " + l + " resolution " + n + " > " + MAX_RESOLUTION);
                r[l] = (int) n;
            }
            return r;
        }

        /** Table entries of all levels: Σ_l min(2^log2Table, (N_l + 1)^3). */
        public long tableEntries() {
            long sum = 0;
            for (int l = 0; l < levels; l++) {
                long n1 = Math.min(resolution(l), MAX_RESOLUTION) + 1;
                sum += n1 > 1 << 10 ? 1L << log2Table : Math.min(1L << log2Table, n1 * n1 * n1);
            }
            return sum;
        }

        public ObjectNode toJson() {
            return ConfigNode.newObject().put("type", type()).put("levels", levels).put("features", features)
                    .put("log2_table", log2Table).put("base_resolution", baseResolution)
                    .put("per_level_scale", perLevelScale).put("include_input", includeInput);
        }

        static Hash parse(ConfigNode n) {
            Hash h = new Hash(n.integer("levels", 16, 1, 32), n.integer("features", 2, 1, 8),
                    n.integer("log2_table", 19, 8, 24), n.integer("base_resolution", 16, 2, 4096),
                    n.real("per_level_scale", 1.5, 1, 4, false), n.bool("include_input", true));
            long finest = h.resolution(h.levels - 1);
            if (finest > MAX_RESOLUTION) {
                throw n.error(n.path() + ".per_level_scale", "the finest level (" + (h.levels - 1) + ") would have resolution "
                        + h.baseResolution + "·" + h.perLevelScale + "^" + (h.levels - 1) + " = " + finest + " > "
                        + MAX_RESOLUTION + " (float32 cell coordinates); use fewer levels or a smaller scale");
            }
            long params = h.tableEntries() * h.features;
            if (params > Integer.MAX_VALUE) {
                throw n.error(n.path() + ".log2_table", "the tables would hold " + params + " parameters, more than "
                        + Integer.MAX_VALUE + "; use a smaller log2_table, fewer levels or fewer features");
            }
            return h;
        }
    }

    /**
     * Real spherical harmonics of a direction up to {@code degree} (1..4) bands: degree² outputs
     * (the view-direction encoding of Instant NGP and Plenoxels). See
     * {@link nfield.field.SphericalHarmonicsEncoding}.
     */
    record SphericalHarmonics(int degree) implements EncodingConfig {
        @Override public String type() { return "spherical_harmonics"; }

        @Override public <T> T build(Builder<T> b, int inputs) { return b.sphericalHarmonics(this, inputs); }

        @Override
        public ObjectNode toJson() { return ConfigNode.newObject().put("type", type()).put("degree", degree); }
    }

    Registry<EncodingConfig> REGISTRY = new Registry<EncodingConfig>("encoding", "frequency")
            .register("identity", n -> new Identity())
            .register("frequency", n -> new Frequency(n.integer("octaves", 6, 0, 24), n.bool("include_input", true)))
            .register("fourier", n -> new Fourier(n.integer("features", 64, 1, 4096),
                    n.real("sigma", 4, 0, 1e4, true), n.bool("include_input", false)))
            .register("hash", Hash::parse)
            .register("spherical_harmonics", n -> new SphericalHarmonics(n.integer("degree", 4, 1, 4)));
}
