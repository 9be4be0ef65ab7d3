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
 */
final class ColorNetwork {
    final Encoding direction;
    final Mlp net;
    private final int features;
    private Backend backend;
    private Tensor dirEnc, dDirEnc, in, dIn;

    record Ctx(int rows, Component.Context dir, Component.Context net) implements Component.Context {}

    ColorNetwork(ColorConfig cc, int features) {
        this.features = features;
        direction = Encoding.create(cc.directionEncoding(), 3);
        int inputs = features + direction.outputWidth();
        // every input column counts as "raw": a softplus network's geometric init zeroes none of them
        net = new Mlp(inputs, 3, cc.network(), inputs);
    }

    int paramCount() {
        return net.paramCount();
    }

    void initParams(RandomGenerator rng, double[] dst, int offset) {
        net.initParams(rng, dst, offset);
    }

    void attach(ParamStore s, int offset, String prefix) {
        backend = s.backend();
        direction.attach(s, offset, prefix + "encoding.");
        net.attach(s, offset, prefix + "network.");
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
        return new Ctx(rows, cd, net.forward(ci, out));
    }

    /** dOut [B, 3] (clobbered) → parameter gradients, dFeatures [B, G] (overwritten), and dDirs [B, 3] unless null. */
    void backward(Ctx c, Tensor dOut, Tensor dFeatures, Tensor dDirs) {
        Tensor dci = dIn.view(c.rows());
        net.backward(c.net(), dOut, dci);
        backend.copyCols(dci, 0, dFeatures, 0, features, false);
        if (dDirs != null) {
            Tensor dde = dDirEnc.view(c.rows());
            backend.copyCols(dci, features, dde, 0, direction.outputWidth(), false);
            direction.backward(c.dir(), dde, dDirs);
        }
    }
}
