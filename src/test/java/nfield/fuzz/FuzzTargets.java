package nfield.fuzz;

import java.util.List;

/**
 * Every fuzz target: a name, the class whose {@code fuzzerTestOneInput(byte[])} Jazzer drives,
 * the system property that selects within it (or none), and where its seeds are. The seeds of a
 * target are the files under {@code src/test/resources/fuzz/NAME/} (small inputs the project's
 * writers made, and every finding once fixed), plus for scenes the presets in {@code scenes/}.
 * {@code tools/fuzz.sh} and {@link FuzzSmokeTest} read this list; its main prints it, a line each.
 */
public final class FuzzTargets {
    private FuzzTargets() {}

    public record Target(String name, String className, String property, List<String> seedDirs, String instrument) {
        /** Coverage from nfield's own classes only. */
        Target(String name, String className, String property, List<String> seedDirs) {
            this(name, className, property, seedDirs, "nfield.**");
        }

        /** Runs one input through the target in this JVM, as Jazzer would. */
        public void run(byte[] data) throws ReflectiveOperationException {
            String before = property == null ? null : System.getProperty(key());
            if (property != null) System.setProperty(key(), value());
            try {
                Class.forName(className).getMethod("fuzzerTestOneInput", byte[].class).invoke(null, (Object) data);
            } finally {
                if (property != null) {
                    if (before == null) System.clearProperty(key());
                    else System.setProperty(key(), before);
                }
            }
        }

        String key() { return property.substring(0, property.indexOf('=')); }

        String value() { return property.substring(property.indexOf('=') + 1); }
    }

    static Target mesh(String format) {
        return new Target(format, "nfield.data.mesh.MeshFuzz", "nfield.fuzz.format=" + format, List.of("src/test/resources/fuzz/" + format));
    }

    public static final List<Target> ALL = List.of(mesh("obj"), mesh("ply"), mesh("stl"), mesh("off"),
            new Target("field", "nfield.io.FieldFileFuzz", null, List.of("src/test/resources/fuzz/field")),
            new Target("scene", "nfield.config.SceneFuzz", null, List.of("src/test/resources/fuzz/scene", "scenes")),
            new Target("views", "nfield.render.BookmarksFuzz", null, List.of("src/test/resources/fuzz/views")),
            new Target("space", "nfield.io.SpaceFileFuzz", null, List.of("src/test/resources/fuzz/space")),
            new Target("scan", "nfield.data.mesh.ScanFuzz", null, List.of("src/test/resources/fuzz/scan")),
            new Target("npy", "nfield.data.nerf.NpyFuzz", null, List.of("src/test/resources/fuzz/npy")),
            new Target("npz", "nfield.data.nerf.NpzFuzz", null, List.of("src/test/resources/fuzz/npz")),
            new Target("transforms", "nfield.data.nerf.TransformsFuzz", null, List.of("src/test/resources/fuzz/transforms")),
            new Target("colmap-bin", "nfield.data.nerf.ColmapFuzz", "nfield.fuzz.format=bin", List.of("src/test/resources/fuzz/colmap-bin")),
            new Target("colmap-txt", "nfield.data.nerf.ColmapFuzz", "nfield.fuzz.format=txt", List.of("src/test/resources/fuzz/colmap-txt")),
            new Target("image", "nfield.data.nerf.ImageFuzz", null, List.of("src/test/resources/fuzz/image"),
                    "nfield.**:com.sun.imageio.**")); // the decoders are the JDK's: their branches are the coverage that matters

    /** NAME CLASS PROPERTY|- SEED_DIR[:SEED_DIR...] INSTRUMENTATION_INCLUDES a line, for tools/fuzz.sh. */
    public static void main(String[] args) {
        for (Target t : ALL) {
            System.out.println(t.name() + " " + t.className() + " " + (t.property() == null ? "-" : t.property()) + " "
                    + String.join(":", t.seedDirs()) + " " + t.instrument());
        }
    }
}
