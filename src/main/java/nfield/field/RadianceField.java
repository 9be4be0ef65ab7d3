package nfield.field;

import nfield.compute.Activation;
import nfield.compute.Backend;
import nfield.compute.ParamStore;
import nfield.compute.Tensor;
import nfield.config.ColorConfig;
import nfield.config.FieldConfig;

import java.util.random.RandomGenerator;

/**
 * A radiance field: points [B, 3] → encoding → density network → raw → [density, r, g, b]
 * (the density activation on column 0, a sigmoid on the colour). Without a colour network the
 * density network's 4 outputs are all of it. A view-dependent field ({@link FieldConfig#viewDependent()})
 * splits the two: {@link #forwardDensity} is the density alone (column 0 of the density
 * network's 1 + F outputs; the colour network is not run), and the colour is a
 * {@link ColorNetwork} of all 1 + F outputs and the view direction.
 */
public final class RadianceField extends Field {
    private final Head head;
    private final ColorNetwork color;
    private final Head densityHead;
    private Tensor raw, dRaw, raw4, dRaw4, colorOut, dColorOut, density, dDensity;

    RadianceField(FieldConfig config) {
        super(config, core(config));
        Activation act = Activation.of(config.densityActivation(), 1);
        head = Head.radiance(act);
        ColorConfig cc = config.color();
        color = cc == null ? null : new ColorNetwork(cc, 1 + cc.geometryFeatures());
        densityHead = cc == null ? null : Head.of(1, act);
    }

    private static EncodedNetwork core(FieldConfig config) {
        Encoding encoding = Encoding.create(config.encoding(), INPUTS);
        ColorConfig cc = config.color();
        int outputs = cc == null ? config.outputs() : 1 + cc.geometryFeatures();
        return new EncodedNetwork(encoding, new Mlp(encoding.outputWidth(), outputs, config.network(), encoding.rawColumns()));
    }

    @Override public boolean viewDependent() { return color != null; }

    /** The appearance codes of its colour network (one per training image), or null without. */
    public ColorConfig.Appearance appearance() {
        return color == null ? null : color.appearance;
    }

    /**
     * The image of every row of the following forward passes, [>= B, 1] (training); null: every
     * row takes {@link #useCode}'s code, or the mean of the codes. A field without appearance codes ignores it.
     */
    public void useImages(Tensor index) {
        if (color != null) color.useImages(index);
    }

    /** The code rows take without images (null: the mean of the codes). */
    public void useCode(double[] code) {
        if (color == null || color.appearance == null) throw new IllegalStateException("this field has no appearance codes");
        color.useCode(code);
    }

    /** Image {@code k}'s appearance code, or the mean of all codes for k = -1. */
    public double[] appearanceCode(int k) {
        if (appearance() == null) throw new IllegalStateException("this field has no appearance codes");
        return k == -1 ? color.meanCode() : color.code(k);
    }

    /**
     * This field's parameters {@code p} as those of the same field without appearance codes,
     * {@code code} folded in: a colour layer that takes the code computes W_x x + W_z z + b, so it
     * becomes W_x and b + W_zᵀ z (the code rows are the last of the first layer's input and of every
     * skip layer's). The result is exact up to rounding.
     */
    public double[] bakeAppearance(double[] p, double[] code) {
        ColorConfig.Appearance a = appearance();
        if (a == null) throw new IllegalStateException("this field has no appearance codes");
        if (code.length != a.size()) throw new IllegalArgumentException("an appearance code of " + code.length + " values; this field's have " + a.size());
        RadianceField plain = new RadianceField(withoutAppearance(config()));
        double[] out = new double[plain.paramCount()];
        int base = core.paramCount();
        System.arraycopy(p, 0, out, 0, base);
        java.util.List<Integer> skip = config().color().network().skip();
        int src = base, dst = base;
        var layers = color.net.layers();
        for (int k = 0; k < layers.size(); k++) {
            Dense d = layers.get(k);
            int in = d.inputWidth(), o = d.outputWidth();
            boolean takesCode = k == 0 || skip.contains(k);
            int keep = takesCode ? in - a.size() : in;
            System.arraycopy(p, src, out, dst, keep * o);
            for (int j = 0; j < o; j++) {
                double bias = p[src + in * o + j];
                if (takesCode) for (int i = 0; i < a.size(); i++) bias += p[src + (keep + i) * o + j] * code[i];
                out[dst + keep * o + j] = bias;
            }
            src += d.paramCount();
            dst += keep * o + o;
        }
        if (dst != out.length) throw new IllegalStateException("baked " + dst + " parameters; the field without codes has " + out.length);
        return out;
    }

    /**
     * The parameters {@code p} of a field of config {@code fc} (with appearance codes) as those of
     * {@link #withoutAppearance}(fc), image {@code image}'s code folded in, or the mean of the codes
     * for {@code image} = -1: what rendering, evaluation and export use.
     */
    public static double[] bakedParams(FieldConfig fc, double[] p, int image) {
        RadianceField f = new RadianceField(fc);
        ColorConfig.Appearance a = f.appearance();
        if (a == null) throw new IllegalArgumentException("this field has no appearance codes");
        if (p.length != f.paramCount()) throw new IllegalArgumentException(p.length + " parameters for a field of " + f.paramCount());
        double[] code = ColorNetwork.code(p, f.core.paramCount() + f.color.net.paramCount(), a, image);
        return f.bakeAppearance(p, code);
    }

    /** Whether {@code fc} is a radiance field with appearance codes. */
    public static boolean hasAppearance(FieldConfig fc) {
        return fc.color() != null && fc.color().appearance() != null;
    }

    /** {@code fc} without appearance codes (itself when it has none). */
    public static FieldConfig withoutAppearance(FieldConfig fc) {
        if (fc.color() == null || fc.color().appearance() == null) return fc;
        return new FieldConfig(fc.kind(), fc.encoding(), fc.network(), fc.densityActivation(), fc.color().withAppearance(null));
    }

    @Override public Mlp colorNetwork() { return color == null ? null : color.net; }

    @Override public Encoding directionEncoding() { return color == null ? null : color.direction; }

    @Override
    public int paramCount() {
        return core.paramCount() + (color == null ? 0 : color.paramCount());
    }

    @Override
    public void initParams(RandomGenerator rng, double[] dst, int offset) {
        core.initParams(rng, dst, offset);
        if (color != null) color.initParams(rng, dst, offset + core.paramCount());
    }

    @Override
    public void attach(ParamStore s, int offset, String prefix) {
        core.attach(s, offset, prefix);
        head.attach(s, offset, prefix + "head.");
        if (color != null) {
            color.attach(s, offset + core.paramCount(), prefix + "color.");
            densityHead.attach(s, offset, prefix + "color.density.");
        }
    }

    private void ensure(int rows) {
        if (raw != null && raw.rows() >= rows) return;
        Backend b = backend();
        raw = b.alloc(rows, core.network.outputWidth());
        dRaw = b.alloc(rows, core.network.outputWidth());
        raw4 = b.alloc(rows, 4);
        dRaw4 = b.alloc(rows, 4);
        if (color != null) {
            colorOut = b.alloc(rows, 3);
            dColorOut = b.alloc(rows, 3);
            density = b.alloc(rows, 1);
            dDensity = b.alloc(rows, 1);
        }
    }

    /** points [B, 3] → [density, r, g, b] of a field whose colour ignores the view; a view-dependent one throws. */
    @Override
    public Context forward(Tensor points, Tensor out) {
        if (color != null) {
            throw new IllegalStateException("this radiance field's colour depends on the view direction (field.color): "
                    + "evaluate it with forward(points, directions, out), or its density alone with forwardDensity");
        }
        checkForward(points, out);
        ensure(points.rows());
        Tensor r = raw.view(points.rows());
        EncodedNetwork.Ctx c = core.forward(points, r);
        return new Plain(c, head.forward(r, out));
    }

    /** The density network's pass and a head's over its outputs. */
    private abstract static class Headed extends Ctx {
        final EncodedNetwork.Ctx core;
        final Context head;

        Headed(EncodedNetwork.Ctx core, Context head) {
            this.core = core;
            this.head = head;
        }
    }

    /** The density network's outputs through the head. */
    private final class Plain extends Headed {
        Plain(EncodedNetwork.Ctx core, Context head) {
            super(core, head);
        }

        @Override
        void backward(Tensor dOut, Tensor dPoints, Tensor dDirs) {
            Tensor dr = dRaw.view(core.rows());
            RadianceField.this.head.backward(head, dOut, dr);
            if (dDirs != null) backend().fill(dDirs, 0);
            RadianceField.this.core.backward(core, dr, dPoints);
        }
    }

    @Override
    public Context forward(Tensor points, Tensor dirs, Tensor out) {
        if (color == null) return forward(points, out);
        checkForward(points, out);
        if (dirs == null) throw new IllegalArgumentException("a view-dependent field needs directions [B, 3]");
        Tensor.checkShape("Field directions", dirs, points.rows(), 3);
        int rows = points.rows();
        ensure(rows);
        Backend b = backend();
        Tensor r = raw.view(rows), co = colorOut.view(rows), r4 = raw4.view(rows);
        EncodedNetwork.Ctx c = core.forward(points, r);
        ColorNetwork.Ctx cc = color.forward(r, dirs, co);
        b.copyCols(r, 0, r4, 0, 1, false);
        b.copyCols(co, 0, r4, 1, 3, false);
        return new Full(c, cc, head.forward(r4, out));
    }

    /** Density and view-dependent colour. */
    private final class Full extends Ctx {
        private final EncodedNetwork.Ctx core;
        private final ColorNetwork.Ctx color;
        private final Context head;

        Full(EncodedNetwork.Ctx core, ColorNetwork.Ctx color, Context head) {
            this.core = core;
            this.color = color;
            this.head = head;
        }

        @Override
        void backward(Tensor dOut, Tensor dPoints, Tensor dDirs) {
            int rows = core.rows();
            Backend b = backend();
            Tensor dr4 = dRaw4.view(rows), dco = dColorOut.view(rows), dr = dRaw.view(rows);
            RadianceField.this.head.backward(head, dOut, dr4);
            b.copyCols(dr4, 1, dco, 0, 3, false);
            RadianceField.this.color.backward(color, dco, dr, dDirs);
            b.copyCols(dr4, 0, dr, 0, 1, true);
            RadianceField.this.core.backward(core, dr, dPoints);
        }
    }

    /** points [B, 3] → density [B, 1]; a view-dependent field's without its colour network. */
    @Override
    public Context forwardDensity(Tensor points, Tensor out) {
        Tensor.checkCols("Field points", points, INPUTS);
        Tensor.checkShape("Field density output", out, points.rows(), 1);
        int rows = points.rows();
        ensure(rows);
        Backend b = backend();
        if (color == null) { // the density is column 0 of the whole output
            Tensor r4 = raw4.view(rows);
            Context c = forward(points, r4);
            b.copyCols(r4, 0, out, 0, 1, false);
            return new DensityOfPlain((Plain) c);
        }
        Tensor r = raw.view(rows), rd = density.view(rows);
        EncodedNetwork.Ctx c = core.forward(points, r);
        b.copyCols(r, 0, rd, 0, 1, false);
        return new Density(c, densityHead.forward(rd, out));
    }

    /** The density alone of a field without a colour network: column 0 of its whole forward. */
    private final class DensityOfPlain extends Ctx {
        private final Plain full;

        DensityOfPlain(Plain full) {
            this.full = full;
        }

        @Override
        void backward(Tensor dOut, Tensor dPoints, Tensor dDirs) {
            Tensor d4 = dRaw4.view(dOut.rows());
            backend().fill(d4, 0);
            backend().copyCols(dOut, 0, d4, 0, 1, false);
            full.backward(d4, dPoints, dDirs);
        }
    }

    /** A view-dependent field's density: column 0 of the density network through the density activation. */
    private final class Density extends Headed {
        Density(EncodedNetwork.Ctx core, Context head) {
            super(core, head);
        }

        @Override
        void backward(Tensor dOut, Tensor dPoints, Tensor dDirs) {
            Backend b = backend();
            Tensor dd = dDensity.view(core.rows()), dr = dRaw.view(core.rows());
            densityHead.backward(head, dOut, dd);
            b.fill(dr, 0);
            b.copyCols(dd, 0, dr, 0, 1, false);
            if (dDirs != null) b.fill(dDirs, 0);
            RadianceField.this.core.backward(core, dr, dPoints);
        }
    }
}
