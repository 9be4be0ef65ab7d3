package nfield.config;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * Where SDF training points come from, in the field's box [-1, 1]³: a share {@code surface}
 * exactly on the surface (area-weighted), a share {@code near} on the surface plus Gaussian
 * noise (σ drawn in turn from {@code sigmas}, DeepSDF §5 uses two scales), the rest uniform
 * in the box. {@code sign} picks how inside is decided (auto | winding | pseudonormal |
 * raystab; auto: pseudo-normals on closed oriented meshes, where they are exact, else winding);
 * every {@code train.refresh_every} steps a share {@code refresh_fraction} of the pool is
 * redrawn in the background.
 */
public record SamplingConfig(double surface, double near, List<Double> sigmas, String sign, double refreshFraction) {
    public static final List<String> SIGNS = List.of("auto", "winding", "pseudonormal", "raystab");

    public static SamplingConfig parse(ConfigNode n) {
        double surface = n.real("surface", 0, 0, 1, false);
        double near = n.real("near", 0.8, 0, 1, false);
        List<Double> sigmas = n.realList("sigmas", List.of(0.01, 0.0025), 1e-6, 1);
        String sign = n.string("sign", "auto", SIGNS);
        double refresh = n.real("refresh_fraction", 0.25, 0, 1, false);
        n.done();
        if (surface + near > 1 + 1e-9) {
            throw n.error(n.path().isEmpty() ? "sampling" : n.path(), "surface + near = " + (surface + near)
                    + " exceeds 1 (the rest, 1 - surface - near, is the uniform share)");
        }
        return new SamplingConfig(surface, near, sigmas, sign, refresh);
    }

    public static SamplingConfig defaults() {
        return parse(ConfigNode.empty("(defaults)", "sampling"));
    }

    public double uniform() {
        return Math.max(0, 1 - surface - near);
    }

    public SamplingConfig withSign(String s) {
        if (!SIGNS.contains(s)) throw new ConfigException("--sign " + s + ": use one of " + String.join(", ", SIGNS));
        return new SamplingConfig(surface, near, sigmas, s, refreshFraction);
    }

    public ObjectNode toJson() {
        ObjectNode o = ConfigNode.newObject().put("surface", surface).put("near", near);
        ArrayNode a = o.putArray("sigmas");
        sigmas.forEach(a::add);
        return o.put("sign", sign).put("refresh_fraction", refreshFraction);
    }
}
