package nfield.config;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * How radiance fields are trained and rendered along rays (instant-ngp style, Müller et al.
 * 2022, appendix E). Samples lie {@code step} = 2√3 / {@code steps_across} apart in the field's
 * box [-1, 1]^3 (so the box's diagonal holds {@code steps_across} of them), at most
 * {@code max_samples_per_ray} on a ray, only in cells an occupancy grid of {@code grid}³ marks as
 * holding density; the grid refreshes every {@code grid_every} steps ({@code grid_share} of its
 * cells at random points; a cell is empty below a density of 0.01 / step, the optical thickness
 * 0.01 over one step). Each training step draws as many random rays from all training images as
 * fill about {@code samples_per_step} samples. Compositing stops where the transmittance falls
 * below {@code min_transmittance}. {@code train_background} is what lies behind the training rays
 * (see {@link TrainBackground}: auto, random, white, black or R,G,B; default auto).
 * {@code contract} is how space beyond the scene's box of interest is handled (unbounded scenes):
 * "auto" (default) contracts it when the data's box is larger than its box of interest (an
 * instant-ngp {@code aabb_scale} above 1, a COLMAP model's far points), "on", or "off" (the
 * whole box sampled evenly); see {@code nfield.radiance.RayMarcher}.
 */
public record MarchingConfig(int samplesPerStep, int maxSamplesPerRay, int stepsAcross, int grid, int gridEvery,
                             double gridShare, double minTransmittance, TrainBackground trainBackground, String contract) {
    public static final java.util.List<String> CONTRACT = java.util.List.of("auto", "on", "off");

    public static MarchingConfig parse(ConfigNode n) {
        MarchingConfig c = new MarchingConfig(
                n.integer("samples_per_step", 1 << 16, 256, 1 << 23),
                n.integer("max_samples_per_ray", 512, 1, 4096),
                n.integer("steps_across", 512, 8, 8192),
                n.integer("grid", 64, 4, 256),
                n.integer("grid_every", 16, 1, 1 << 20),
                n.real("grid_share", 0.25, 0, 1, true),
                n.real("min_transmittance", 1e-4, 0, 0.5, false),
                background(n),
                n.string("contract", "auto", CONTRACT));
        n.done();
        return c;
    }

    private static TrainBackground background(ConfigNode n) {
        String s = n.string("train_background", "auto", java.util.List.of());
        try {
            return TrainBackground.parse(s);
        } catch (IllegalArgumentException e) {
            throw n.error(n.path() + ".train_background", "unknown value \"" + s + "\"; allowed: " + TrainBackground.SPELLINGS);
        }
    }

    public MarchingConfig withTrainBackground(TrainBackground b) {
        return new MarchingConfig(samplesPerStep, maxSamplesPerRay, stepsAcross, grid, gridEvery, gridShare, minTransmittance, b, contract);
    }

    public MarchingConfig withContract(String c) {
        if (!CONTRACT.contains(c)) throw new IllegalArgumentException("contract " + c + ": one of " + CONTRACT);
        return new MarchingConfig(samplesPerStep, maxSamplesPerRay, stepsAcross, grid, gridEvery, gridShare, minTransmittance, trainBackground, c);
    }

    public static MarchingConfig defaults() {
        return parse(ConfigNode.empty("(defaults)", "marching"));
    }

    /** The distance between samples, field units. */
    public double step() {
        return 2 * Math.sqrt(3) / stepsAcross;
    }

    public ObjectNode toJson() {
        return ConfigNode.newObject().put("samples_per_step", samplesPerStep).put("max_samples_per_ray", maxSamplesPerRay)
                .put("steps_across", stepsAcross).put("grid", grid).put("grid_every", gridEvery).put("grid_share", gridShare)
                .put("min_transmittance", minTransmittance).put("train_background", trainBackground.toString()).put("contract", contract);
    }
}
