package nfield.config;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Learning-rate schedule over training progress p in [0, 1] (share of the steps or of the time
 * budget): constant; exponential lr * final^p; cosine from lr to lr * final; linear likewise.
 * {@code warmupSteps} ramps linearly from 0 first.
 */
public record ScheduleConfig(String type, double finalRatio, int warmupSteps) {
    public static final Registry<ScheduleConfig> REGISTRY = new Registry<ScheduleConfig>("schedule", "constant")
            .register("constant", n -> new ScheduleConfig("constant", 1, n.integer("warmup_steps", 0, 0, 1 << 30)))
            .register("exponential", n -> new ScheduleConfig("exponential",
                    n.real("final_ratio", 0.1, 0, 1, true), n.integer("warmup_steps", 0, 0, 1 << 30)))
            .register("cosine", n -> new ScheduleConfig("cosine",
                    n.real("final_ratio", 0.01, 0, 1, false), n.integer("warmup_steps", 0, 0, 1 << 30)))
            .register("linear", n -> new ScheduleConfig("linear",
                    n.real("final_ratio", 0.01, 0, 1, false), n.integer("warmup_steps", 0, 0, 1 << 30)));

    /** The multiplier of the base learning rate at progress p after {@code step} steps. */
    public double factor(double p, long step) {
        p = Math.min(1, Math.max(0, p));
        double f = switch (type) {
            case "exponential" -> Math.pow(finalRatio, p);
            case "cosine" -> finalRatio + (1 - finalRatio) * 0.5 * (1 + Math.cos(Math.PI * p));
            case "linear" -> 1 + (finalRatio - 1) * p;
            default -> 1;
        };
        if (warmupSteps > 0 && step < warmupSteps) f *= (step + 1) / (double) warmupSteps;
        return f;
    }

    public ObjectNode toJson() {
        ObjectNode o = ConfigNode.newObject().put("type", type);
        if (!type.equals("constant")) o.put("final_ratio", finalRatio);
        o.put("warmup_steps", warmupSteps);
        return o;
    }
}
