package nfield.field;

import nfield.compute.Backend;
import nfield.compute.ParamStore;
import nfield.compute.Tensor;

import java.util.random.RandomGenerator;

/**
 * encoding → network, by parameter offsets: points [B, d] → raw [B, out]. Backward goes into
 * the encoding only when it is needed: for the point gradient, or for a trainable encoding's
 * own parameters (hash tables). Holds the encoded features and their gradient for one batch.
 */
final class EncodedNetwork {
    final Encoding encoding;
    final Mlp network;
    private Backend backend;
    private Tensor encoded, dEncoded;

    record Ctx(int rows, Component.Context enc, Component.Context net) implements Component.Context {}

    EncodedNetwork(Encoding encoding, Mlp network) {
        this.encoding = encoding;
        this.network = network;
    }

    int paramCount() {
        return encoding.paramCount() + network.paramCount();
    }

    void initParams(RandomGenerator rng, double[] dst, int offset) {
        encoding.initParams(rng, dst, offset);
        network.initParams(rng, dst, offset + encoding.paramCount());
    }

    /** Slices {@code prefix}encoding.* then {@code prefix}network.* from {@code offset}. */
    void attach(ParamStore s, int offset, String prefix) {
        backend = s.backend();
        encoding.attach(s, offset, prefix + "encoding.");
        network.attach(s, offset + encoding.paramCount(), prefix + "network.");
    }

    /** points [B, d] → raw [B, network outputs]. */
    Ctx forward(Tensor points, Tensor raw) {
        int rows = points.rows();
        if (encoded == null || encoded.rows() < rows) {
            encoded = backend.alloc(rows, encoding.outputWidth());
            dEncoded = backend.alloc(rows, encoding.outputWidth());
        }
        Tensor e = encoded.view(rows);
        Component.Context ce = encoding.forward(points, e);
        return new Ctx(rows, ce, network.forward(e, raw));
    }

    /** dRaw [B, network outputs] (clobbered) → parameter gradients, and dPoints [B, d] unless null. */
    void backward(Ctx c, Tensor dRaw, Tensor dPoints) {
        boolean throughEncoding = dPoints != null || encoding.trainable();
        Tensor de = throughEncoding ? dEncoded.view(c.rows()) : null;
        network.backward(c.net(), dRaw, de);
        if (throughEncoding) encoding.backward(c.enc(), de, dPoints);
    }
}
