package nfield.field;

import nfield.compute.Tensor;
import nfield.config.FieldConfig;

/** A signed distance field: points [B, 3] → encoding → network → distance [B, 1] (no output activation). */
public final class SdfField extends Field {
    SdfField(FieldConfig config) {
        super(config, core(config));
    }

    private static EncodedNetwork core(FieldConfig config) {
        Encoding encoding = Encoding.create(config.encoding(), INPUTS);
        return new EncodedNetwork(encoding, new Mlp(encoding.outputWidth(), 1, config.network(), encoding.rawColumns()));
    }

    private final class Distance extends Ctx {
        private final EncodedNetwork.Ctx core;

        Distance(EncodedNetwork.Ctx core) {
            this.core = core;
        }

        @Override
        void backward(Tensor dOut, Tensor dPoints, Tensor dDirs) {
            if (dDirs != null) backend().fill(dDirs, 0);
            SdfField.this.core.backward(core, dOut, dPoints);
        }
    }

    /** points [B, 3] → distance [B, 1]. */
    @Override
    public Context forward(Tensor points, Tensor out) {
        checkForward(points, out);
        return new Distance(core.forward(points, out));
    }

    /** The distance: the SDF's only output. */
    @Override
    public Context forwardDensity(Tensor points, Tensor out) {
        return forward(points, out);
    }
}
