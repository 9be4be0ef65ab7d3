package nfield.render;

import java.util.Locale;

/** What a render shows; the ordinal is the shader's {@code mode} uniform. */
public enum Mode {
    /** Blinn-Phong with one directional light and ambient occlusion from the distance field. */
    SHADED,
    /** Surface normals as colours (n · 0.5 + 0.5). */
    NORMALS,
    /** Distance along the ray, near = bright. */
    DEPTH,
    /** Sphere-tracing steps per pixel as a heat map (blue few, red many). */
    STEPS,
    /** The plane y = slice coloured by the signed distance (blue inside), contours every 0.05, the surface in white. */
    SLICE;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Mode parse(String s) {
        for (Mode m : values()) if (m.id().equals(s)) return m;
        throw new IllegalArgumentException("--mode " + s + ": use shaded, normals, depth, steps or slice");
    }
}
