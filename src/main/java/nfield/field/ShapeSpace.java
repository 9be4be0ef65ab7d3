package nfield.field;

import nfield.compute.Backend;
import nfield.config.SceneConfig;
import nfield.geom.Normalization;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A learned shape space: one decoder for many shapes, a latent code per shape (DeepSDF, Park et
 * al. 2019, sec. 4), and per code the shape's name, where it came from and the normalisation that
 * took it into the decoder's box. What {@code nfield fit-space} writes and {@code complete} and
 * {@code interpolate} read. {@code scene}: the scene it was trained with (its field config is
 * the decoder's member config); {@code steps}: training steps taken; {@code samplesPerShape}: the K samples a shape was
 * trained on (the code prior's scale, which completion uses again).
 */
public record ShapeSpace(String name, SpaceNetwork decoder, List<Member> members, SceneConfig scene, long steps, int samplesPerShape) {
    /** One shape of the space: its name (unique), its data (a file, {@code family:N}, ...), its normalisation. */
    public record Member(String name, String data, Normalization normalization) {}

    public ShapeSpace {
        members = List.copyOf(members);
        if (members.size() != decoder.count()) {
            throw new IllegalArgumentException(name + ": " + members.size() + " members for " + decoder.count() + " codes");
        }
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (Member m : members) if (!seen.add(m.name())) throw new IllegalArgumentException(name + ": two members are named " + m.name());
    }

    /** The index of member {@code who} (a name); throws with the nearest names when there is none. */
    public int index(String who) {
        for (int i = 0; i < members.size(); i++) if (members.get(i).name().equals(who)) return i;
        List<String> near = new ArrayList<>();
        for (Member m : members) if (m.name().toLowerCase(Locale.ROOT).contains(who.toLowerCase(Locale.ROOT))) near.add(m.name());
        String list = (near.isEmpty() ? members.stream().map(Member::name).toList() : near).stream().limit(8)
                .reduce((a, b) -> a + ", " + b).orElse("");
        throw new IllegalArgumentException(name + ": no shape named \"" + who + "\" among its " + members.size() + " (e.g. " + list + ")");
    }

    /** The code (1 - t) a + t b (t outside [0, 1] extrapolates). */
    public static double[] blend(double[] a, double[] b, double t) {
        if (a.length != b.length) throw new IllegalArgumentException("codes of " + a.length + " and " + b.length + " values");
        double[] z = new double[a.length];
        for (int i = 0; i < z.length; i++) z[i] = (1 - t) * a[i] + t * b[i];
        return z;
    }

    /** An ordinary SDF field of the decoder with {@code code} folded in, in a new store on {@code backend}. */
    public FittedField field(String fieldName, double[] code, Normalization norm, FieldMeta.Provenance from, Backend backend) {
        Field f = decoder.bakeField(code, backend);
        return new FittedField(fieldName, f, new FieldMeta(f.config(), steps, norm, from, scene, null));
    }

    /** Member {@code i} as an ordinary field (its own normalisation: meshes come out in the member's coordinates). */
    public FittedField member(int i, Backend backend) {
        Member m = members.get(i);
        return field(m.name(), decoder.code(i), m.normalization(),
                new FieldMeta.Provenance(m.data(), scene == null ? null : scene.loss().type(), null, null, null, null, null), backend);
    }
}
