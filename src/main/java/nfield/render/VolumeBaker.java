package nfield.render;

import nfield.field.FieldMeta;
import nfield.field.FieldQuery;
import nfield.field.FittedField;
import nfield.radiance.OccupancyGrid;

/**
 * A radiance field baked for the volume mode on demand: {@code res} points along the visible
 * box's longest side. A view-dependent field's colour is baked as seen along the given camera's
 * forward direction (every point alike), the one direction a bake can hold. Uses the field's
 * backend: one thread at a time.
 */
public final class VolumeBaker {
    /** Coarse density lattice that finds the box a radiance field's bake covers. */
    public static final int COARSE = 64;
    /** {@code res} meaning: pick it from the device's speed ({@link BakeResolution}). */
    public static final int AUTO = -1;

    private final FieldQuery query;
    private final FieldMeta.Radiance settings;
    private final boolean zUp;
    private final float threshold;
    private final boolean contracted;
    private final int res, coarse;

    /** {@code up}: "y" or "z", or null for the axis the fit recorded. */
    public VolumeBaker(FittedField fitted, int res, String up) {
        this(fitted, res, COARSE, up);
    }

    public VolumeBaker(FittedField fitted, int res, int coarse, String up) {
        if (fitted.isSdf()) throw new IllegalArgumentException(fitted.name() + ": an sdf field has no volume to bake");
        settings = fitted.radiance();
        zUp = up == null ? settings.zUp() : up.equals("z");
        // a contracted field's box of interest is the inner half of what it reads: the bake covers that
        contracted = settings.contracted();
        threshold = (float) OccupancyGrid.densityThreshold(fitted.meta().marching().step() * (contracted ? 2 : 1));
        query = new FieldQuery(fitted.field());
        this.coarse = coarse;
        // the coarse pass costs a fixed 64^3; the fine lattice covers a box usually well under the whole
        this.res = res == AUTO ? BakeResolution.auto(radiance(query, zUp, Camera.HOME, contracted),
                1 + (double) COARSE * COARSE * COARSE / (128 * 128 * 128), 128, 224) : res;
    }

    private nfield.field.CropBox crop = nfield.field.CropBox.FULL;

    /** Bakes only what lies inside {@code box} (field coordinates; a contracted field's box of interest): no density outside it. */
    public VolumeBaker crop(nfield.field.CropBox box) {
        crop = box;
        return this;
    }

    public boolean viewDependent() { return query.field().viewDependent(); }

    public float[] background() { return settings.background(); }

    /** The bake, a view-dependent field's colour as {@code view} sees it. */
    public VolumeGrid bake(Camera view) {
        VolumeGrid.Radiance field = radiance(query, zUp, view, contracted);
        if (!crop.full()) {
            VolumeGrid.Radiance whole = field;
            nfield.field.CropBox box = crop;
            field = (xyz, n) -> {
                float[] out = whole.eval(xyz, n);
                for (int i = 0; i < n; i++) if (!box.contains(xyz[3 * i], xyz[3 * i + 1], xyz[3 * i + 2])) out[4 * i] = 0;
                return out;
            };
        }
        return VolumeGrid.bake(field, res, coarse, threshold, zUp);
    }

    /**
     * A radiance field for the volume bake: density and colour; a view-dependent field's colour as
     * seen along {@code view}'s forward direction (viewer space, y up; the field's axes when zUp).
     */
    public static VolumeGrid.Radiance radiance(FieldQuery q, boolean zUp, Camera view) {
        return radiance(q, zUp, view, false);
    }

    /** As above; for a {@code contracted} field the box [-1, 1]^3 is its box of interest, which it reads at half scale. */
    public static VolumeGrid.Radiance radiance(FieldQuery q, boolean zUp, Camera view, boolean contracted) {
        float[] dir = Camera.toScene(view.forward(), zUp);
        if (!contracted) return (xyz, n) -> q.outputs(xyz, dir, n);
        return (xyz, n) -> {
            float[] half = new float[3 * n];
            for (int i = 0; i < 3 * n; i++) half[i] = 0.5f * xyz[i];
            return q.outputs(half, dir, n);
        };
    }
}
