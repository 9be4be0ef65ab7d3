package nfield.config;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The optional eikonal term: {@code weight} · mean over {@code points} batch points of
 * (|∇f| − 1)², with ∇f taken by central differences of step {@code step} (numerical gradients,
 * as in Neuralangelo, Li et al. 2023, §3.1). Weight 0 (the default) turns it off.
 */
public record EikonalConfig(double weight, int points, double step) {
    public static EikonalConfig parse(ConfigNode n) {
        EikonalConfig c = new EikonalConfig(n.real("weight", 0, 0, 1e6, false), n.integer("points", 2048, 1, 1 << 20),
                n.real("step", 0.002, 0, 1, true));
        n.done();
        return c;
    }

    public boolean enabled() { return weight > 0; }

    public EikonalConfig withWeight(double w) {
        if (!(w >= 0) || !Double.isFinite(w)) throw new ConfigException("--eikonal " + w + ": must be a number >= 0");
        return new EikonalConfig(w, points, step);
    }

    public ObjectNode toJson() {
        return ConfigNode.newObject().put("weight", weight).put("points", points).put("step", step);
    }
}
