package nfield.field;

import nfield.compute.Backend;
import nfield.compute.Tensor;
import nfield.compute.ref.RefBackend;
import nfield.config.ActivationConfig;
import nfield.config.EncodingConfig;
import nfield.config.FieldConfig;
import nfield.config.NetworkConfig;
import nfield.testing.Harness;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A shape space's decoder against the ordinary field a code bakes into: the same distances (the
 * code folded into the first and the skip layer's biases); the code prior's gradient.
 */
class SpaceNetworkTest {
    static final FieldConfig MEMBER = new FieldConfig("sdf", new EncodingConfig.Frequency(3, true),
            new NetworkConfig(16, 3, ActivationConfig.relu(), List.of(2), 1), "softplus");

    private static double[] decode(SpaceNetwork s, Backend b, double[] pts, int code) {
        int rows = pts.length / 3;
        Tensor p = b.alloc(rows, 3), idx = b.alloc(rows, 1), out = b.alloc(rows, 1);
        b.write(p, pts);
        double[] ix = new double[rows];
        java.util.Arrays.fill(ix, code);
        b.write(idx, ix);
        s.forward(p, idx, out);
        return b.read(out);
    }

    @Test
    void aBakedCodeIsTheDecoderWithThatCode() {
        for (EncodingConfig enc : List.of(new EncodingConfig.Frequency(3, true), new EncodingConfig.Hash(4, 2, 10, 4, 2.0, true))) {
            FieldConfig member = new FieldConfig("sdf", enc, MEMBER.network(), "softplus");
            Backend b = new RefBackend();
            SpaceNetwork s = SpaceNetwork.create(member, 7, 5, 0.3, b);
            s.init(11);
            double[] pts = Harness.uniform(300 * 3, 12);
            for (int code : new int[]{0, 3, 6}) {
                double[] want = decode(s, b, pts, code);
                Field f = s.bakeField(s.code(code), b);
                Tensor p = b.alloc(300, 3), out = b.alloc(300, 1);
                b.write(p, pts);
                f.forward(p, out);
                double[] got = b.read(out);
                double spread = 0;
                for (int i = 0; i < want.length; i++) {
                    assertEquals(want[i], got[i], 1e-9 * (1 + Math.abs(want[i])), enc.type() + " code " + code + " row " + i);
                    spread = Math.max(spread, Math.abs(want[i] - decode(s, b, pts, (code + 1) % 7)[i]));
                }
                assertTrue(spread > 1e-3, "another code decodes the same distances: the code does not reach the network");
            }
        }
    }

    @Test
    void thePriorPullsEveryUsedCodeOncePerRow() {
        Backend b = new RefBackend();
        SpaceNetwork s = SpaceNetwork.create(MEMBER, 4, 3, 0.5, b);
        s.init(3);
        s.decay(0.25);
        int rows = 10; // rows use codes 0, 1, 2, 0, 1, 2, ...: code 3 is unused
        Tensor p = b.alloc(rows, 3), idx = b.alloc(rows, 1), out = b.alloc(rows, 1), dOut = b.alloc(rows, 1);
        b.write(p, Harness.uniform(rows * 3, 4));
        double[] ix = new double[rows];
        for (int r = 0; r < rows; r++) ix[r] = r % 3;
        b.write(idx, ix);
        s.params().zeroGrads();
        var ctx = s.forward(p, idx, out);
        s.backward(ctx, dOut, null); // a zero loss gradient: only the prior's
        double[] g = s.params().readGrads(), params = s.params().readParams();
        int off = s.codesOffset();
        int[] uses = {4, 3, 3, 0};
        for (int c = 0; c < 4; c++) {
            for (int j = 0; j < 3; j++) {
                assertEquals(0.25 * uses[c] * params[off + c * 3 + j], g[off + c * 3 + j], 1e-12, "code " + c + "[" + j + "]");
            }
        }
    }
}
