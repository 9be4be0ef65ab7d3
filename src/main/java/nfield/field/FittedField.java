package nfield.field;

import nfield.geom.Normalization;

/**
 * A trained field and everything needed to use it (its {@link FieldMeta}: normalisation,
 * provenance, scene, a radiance field's up axis, background and box): what a fit returns and
 * what a field file holds. {@code name} says where it came from (a file, for messages).
 */
public record FittedField(String name, Field field, FieldMeta meta) {
    public FittedField {
        if (!field.config().equals(meta.config())) {
            throw new IllegalArgumentException(name + ": the field's config differs from its metadata's");
        }
    }

    /** A field with no more metadata than its step count and normalisation (radiance: z up, white behind). */
    public static FittedField of(String name, Field field, long steps, Normalization normalization) {
        return new FittedField(name, field, new FieldMeta(field.config(), steps, normalization, null, null, null));
    }

    public Normalization normalization() { return meta.normalization(); }

    public boolean isSdf() { return meta.isSdf(); }

    /** A radiance field's rendering settings; null for an SDF. */
    public FieldMeta.Radiance radiance() { return meta.radiance(); }

    /** The same field with the step count now reached (what a checkpoint records). */
    public FittedField atStep(long steps) {
        return new FittedField(name, field, meta.withSteps(steps));
    }
}
