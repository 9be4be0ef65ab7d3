package nfield.field;

import nfield.compute.Backend;
import nfield.compute.ParamStore;
import nfield.compute.Tensor;
import nfield.config.ColorConfig;

import java.util.random.RandomGenerator;

/**
 * A view-dependent colour (Instant NGP style): geometry features [B, G] (the density network's
 * raw outputs) and unit view directions [B, 3] → raw colour [B, 3] = MLP(concat(features,
 * enc(d))), the sigmoid applied by the field's head. Parameters: {@code color.network.*} (the
 * direction encodings have none).
 *
 * <p>With appearance codes ({@link ColorConfig#appearance()}) the network's input ends with the
 * row's image code: concat(features, enc(d), code[image]), the codes [images, size] in
 * {@code color.appearance} after the network. The rows' image indices come from {@link #useImages};
 * without them every row takes {@link #useCode}'s code, or else the mean of the codes.
 */
final class ColorNetwork {
    final Encoding direction;
    final Mlp net;
    private final int features;
    final ColorConfig.Appearance appearance; // null: none
    private Backend backend;
    private ParamStore store;
    private int codesOffset;
    private Tensor dirEnc, dDirEnc, in, dIn;
    private Tensor images;          // per-row image index [>= B, 1], or null
    private double[] fixedCode;     // the code every row takes without images (null: the mean)
    private Tensor codeTable, zeros; // [1, size]: the code rows take without images; [>= B, 1] of 0
    private long codeRead;          // when codeTable was last filled (ns), for the mean of codes that train

    /** {@code images}: the rows' image indices, or null (no codes, or a fixed code that takes no gradient). */
    record Ctx(int rows, Component.Context dir, Component.Context net, Tensor images) implements Component.Context {}

    ColorNetwork(ColorConfig cc, int features) {
        this.features = features;
        this.appearance = cc.appearance();
        if (appearance != null && appearance.images() < 1) {
            throw new IllegalArgumentException("appearance codes need the number of training images (field.color.appearance.images)");
        }
        direction = Encoding.create(cc.directionEncoding(), 3);
        int inputs = features + direction.outputWidth() + (appearance == null ? 0 : appearance.size());
        // every input column counts as "raw": a softplus network's geometric init zeroes none of them
        net = new Mlp(inputs, 3, cc.network(), inputs);
    }

    /** The standard deviation of the initial appearance codes (small: the images start alike). */
    static final double CODE_SIGMA = 0.1;

    int paramCount() {
        return net.paramCount() + codeCount();
    }

    private int codeCount() {
        return appearance == null ? 0 : appearance.images() * appearance.size();
    }

    void initParams(RandomGenerator rng, double[] dst, int offset) {
        net.initParams(rng, dst, offset);
        for (int i = 0, c = offset + net.paramCount(); i < codeCount(); i++) dst[c + i] = CODE_SIGMA * rng.nextGaussian();
    }

    void attach(ParamStore s, int offset, String prefix) {
        backend = s.backend();
        store = s;
        direction.attach(s, offset, prefix + "encoding.");
        net.attach(s, offset, prefix + "network.");
        codesOffset = offset + net.paramCount();
        if (appearance != null) {
            s.addSlice(new ParamStore.Slice(prefix + "appearance", codesOffset, new int[]{appearance.images(), appearance.size()}, true));
        }
    }

    /** The offset of image 0's code in the store. */
    int codesOffset() {
        return codesOffset;
    }

    /** Per-row image indices [>= B, 1] (exact integers in [0, images)) for the next forward passes; null: none. */
    void useImages(Tensor index) {
        this.images = index;
    }

    /** The code rows take without image indices: {@code code}, or null for the mean of the codes. */
    void useCode(double[] code) {
        if (code != null && (appearance == null || code.length != appearance.size())) {
            throw new IllegalArgumentException("an appearance code of " + code.length + " values; this field's have "
                    + (appearance == null ? "none" : appearance.size()));
        }
        fixedCode = code == null ? null : code.clone();
        codeRead = 0;
    }

    /** The mean of the codes (read from the device), or null without appearance codes. */
    double[] meanCode() {
        return appearance == null ? null : code(store.readParams(), codesOffset, appearance, -1);
    }

    /** The code of image {@code k}, read from the device. */
    double[] code(int k) {
        if (appearance == null) throw new IllegalStateException("this field has no appearance codes");
        return code(store.readParams(), codesOffset, appearance, k);
    }

    /** Image {@code k}'s code in parameters {@code p} whose codes start at {@code off}, or the mean of all codes for k = -1. */
    static double[] code(double[] p, int off, ColorConfig.Appearance a, int k) {
        if (k < -1 || k >= a.images()) {
            throw new IllegalArgumentException("appearance code " + k + ": this field has codes for images 0.." + (a.images() - 1) + " (or mean)");
        }
        double[] code = new double[a.size()];
        for (int i = k == -1 ? 0 : k; i < (k == -1 ? a.images() : k + 1); i++) {
            for (int j = 0; j < code.length; j++) code[j] += p[off + i * code.length + j];
        }
        if (k == -1) for (int j = 0; j < code.length; j++) code[j] /= a.images();
        return code;
    }

    /** The code columns of rows without image indices: the fixed code, or the mean of the codes (re-read at most once a second). */
    private void fixedCodes(Tensor ci, int rows, int col) {
        if (codeTable == null) codeTable = backend.alloc(1, appearance.size());
        if (zeros == null || zeros.rows() < rows) {
            zeros = backend.alloc(Math.max(rows, zeros == null ? 0 : zeros.rows() * 3 / 2), 1);
            backend.fill(zeros, 0);
        }
        long now = System.nanoTime();
        if (codeRead == 0 || (fixedCode == null && now - codeRead > 1_000_000_000L)) {
            backend.write(codeTable, fixedCode != null ? fixedCode : meanCode());
            codeRead = now;
        }
        backend.gatherCodes(codeTable, 0, 1, appearance.size(), zeros.view(rows), ci, col);
    }

    /** features [B, G], dirs [B, 3] → raw colour [B, 3]. */
    Ctx forward(Tensor feats, Tensor dirs, Tensor out) {
        int rows = feats.rows(), d = direction.outputWidth();
        if (in == null || in.rows() < rows) {
            dirEnc = backend.alloc(rows, d);
            dDirEnc = backend.alloc(rows, d);
            in = backend.alloc(rows, net.inputWidth());
            dIn = backend.alloc(rows, net.inputWidth());
        }
        Tensor de = dirEnc.view(rows), ci = in.view(rows);
        Component.Context cd = direction.forward(dirs, de);
        backend.copyCols(feats, 0, ci, 0, features, false);
        backend.copyCols(de, 0, ci, features, d, false);
        Tensor ix = null;
        if (appearance != null) {
            if (images != null) {
                ix = images.view(rows);
                backend.gatherCodes(store.params(), codesOffset, appearance.images(), appearance.size(), ix, ci, features + d);
            } else {
                fixedCodes(ci, rows, features + d);
            }
        }
        return new Ctx(rows, cd, net.forward(ci, out), ix);
    }

    /** dOut [B, 3] (clobbered) → parameter gradients, dFeatures [B, G] (overwritten), and dDirs [B, 3] unless null. */
    void backward(Ctx c, Tensor dOut, Tensor dFeatures, Tensor dDirs) {
        Tensor dci = dIn.view(c.rows());
        net.backward(c.net(), dOut, dci);
        if (c.images() != null && store.gradsTarget() != null) {
            backend.gatherCodesBackward(store.params(), store.grads(), codesOffset, appearance.images(), appearance.size(), c.images(), dci,
                    features + direction.outputWidth(), 0);
        }
        backend.copyCols(dci, 0, dFeatures, 0, features, false);
        if (dDirs != null) {
            Tensor dde = dDirEnc.view(c.rows());
            backend.copyCols(dci, features, dde, 0, direction.outputWidth(), false);
            direction.backward(c.dir(), dde, dDirs);
        }
    }
}
