package nfield.pipeline.many;

import java.io.Serializable;

/**
 * One shape of a many-shape fit: its name (unique in the run: the output is {@code NAME.nfield}),
 * the data as {@code nfield fit} takes it (a mesh file, {@code shape:NAME}, {@code analytic:NAME}),
 * and what the manifest set for it alone (null: the run's): a scene (a file or a built-in name),
 * a time budget in seconds, a step budget, a seed. {@code where} names the manifest line it came
 * from, for messages.
 */
public record ShapeJob(String name, String data, String scene, Double seconds, Integer steps, Long seed, String where)
        implements Serializable {
    public ShapeJob {
        if (name == null || name.isEmpty()) throw new IllegalArgumentException("a shape needs a name");
        if (data == null || data.isEmpty()) throw new IllegalArgumentException("a shape needs data");
    }

    /** A shape with nothing of its own. */
    public static ShapeJob of(String name, String data) {
        return new ShapeJob(name, data, null, null, null, null, data);
    }

    public ShapeJob withName(String n) {
        return new ShapeJob(n, data, scene, seconds, steps, seed, where);
    }
}
