package nfield.data.mesh;

import java.util.Locale;

/** How {@link MeshSdf} decides inside from outside. */
public enum SignMethod {
    /**
     * Generalized winding number ≥ 0.5 is inside (Jacobson et al. 2013). Robust to holes,
     * self-intersections and open scans; the default. Ambiguous: 0.3 &lt; w &lt; 0.7.
     */
    WINDING,
    /**
     * The angle-weighted pseudo-normal of the closest feature (Bærentzen and Aanæs 2005): exact
     * for closed manifold meshes, wrong near holes. Ambiguous: the closest feature is a
     * boundary edge or vertex of an open mesh.
     */
    PSEUDONORMAL,
    /**
     * Ray stabbing (Nooruddin and Turk 2003): the parity of crossings along
     * {@value MeshSdf#RAYS} fixed directions, by majority. Ambiguous: the rays disagree.
     */
    RAYSTAB;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static SignMethod parse(String s) {
        for (SignMethod m : values()) if (m.id().equals(s)) return m;
        throw new IllegalArgumentException("unknown sign method \"" + s + "\"; use winding, pseudonormal or raystab");
    }
}
