package nfield.config;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The step loop: points per step, when to stop (steps, seconds, target loss: whichever comes
 * first; 0 disables one), the sample pool and how often it is redrawn, the seed.
 */
public record TrainConfig(int batch, int steps, double seconds, double targetLoss, int poolSize, int refreshEvery,
                          int logEvery, long seed) {
    public static TrainConfig parse(ConfigNode n) {
        TrainConfig t = new TrainConfig(
                n.integer("batch", 1 << 14, 1, 1 << 24),
                n.integer("steps", 2000, 0, Integer.MAX_VALUE),
                n.real("seconds", 0, 0, 1e7, false),
                n.real("target_loss", 0, 0, 1e9, false),
                n.integer("pool_size", 1 << 20, 1, 1 << 28),
                n.integer("refresh_every", 0, 0, Integer.MAX_VALUE),
                n.integer("log_every", 50, 1, Integer.MAX_VALUE),
                n.longValue("seed", 1, 0, Long.MAX_VALUE));
        n.done();
        if (t.steps == 0 && t.seconds == 0 && t.targetLoss == 0) {
            throw n.error(n.path(), "no stopping rule: set steps, seconds or target_loss");
        }
        return t;
    }

    public TrainConfig withStops(int steps, double seconds) {
        return new TrainConfig(batch, steps, seconds, targetLoss, poolSize, refreshEvery, logEvery, seed);
    }

    public TrainConfig withBatch(int b) {
        return new TrainConfig(b, steps, seconds, targetLoss, poolSize, refreshEvery, logEvery, seed);
    }

    public ObjectNode toJson() {
        return ConfigNode.newObject().put("batch", batch).put("steps", steps).put("seconds", seconds)
                .put("target_loss", targetLoss).put("pool_size", poolSize).put("refresh_every", refreshEvery)
                .put("log_every", logEvery).put("seed", seed);
    }
}
