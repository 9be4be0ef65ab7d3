package nfield.render;

import nfield.data.analytic.AnalyticShape;
import nfield.field.FieldQuery;
import nfield.field.FittedField;
import nfield.field.glsl.FieldGlsl;

/** What render and view draw of an SDF: its baked grid, and for the direct path its network as GLSL with the weights texture. */
public record SdfDrawable(BakedGrid grid, String glsl, float[] params) {
    /** {@code bake} {@link VolumeBaker#AUTO}: as fine as the device bakes within {@link BakeResolution#BAKE_SECONDS}. */
    public static SdfDrawable of(FittedField f, int bake, boolean direct) {
        FieldQuery q = new FieldQuery(f.field());
        BakedGrid grid = BakedGrid.bake(q, bake == VolumeBaker.AUTO ? BakeResolution.auto(q::values, 1, 128, 256) : bake);
        return direct ? new SdfDrawable(grid, FieldGlsl.sdfFunction(f.field()), FieldGlsl.texture(f.field())) : new SdfDrawable(grid, null, null);
    }

    /** An analytic shape has no network: its grid alone (auto: 192³). */
    public static SdfDrawable of(AnalyticShape shape, int bake) {
        return new SdfDrawable(BakedGrid.of(shape::sdf, bake == VolumeBaker.AUTO ? 192 : bake), null, null);
    }
}
