package nfield.field;

import nfield.compute.Activation;
import nfield.compute.Backend;
import nfield.compute.ParamStore;
import nfield.compute.Tensor;
import nfield.config.NetworkConfig;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The network: in [B, E] → out [B, O] through {@code hiddenLayers} dense layers of
 * {@code width} with the hidden activation, then a linear output layer. A layer listed in
 * {@code skip} takes [previous output, network input] (concatenated) as its input.
 * Parameters: layer 0, 1, ... each W [in, out] then b [out], contiguous.
 */
public final class Mlp implements Component {
    private final int in, out;
    private final List<Dense> layers = new ArrayList<>();
    private final boolean[] skip;
    private ParamStore store;
    private int offset;
    // activations per layer (capacity rows), skip concatenations, gradient buffers
    private Tensor[] ys, xs, dys, dxs;

    private record Ctx(Tensor in, Tensor out, Component.Context[] layers, int rows) implements Context {}

    public Mlp(int in, int out, NetworkConfig cfg, int rawColumns) {
        this.in = in;
        this.out = out;
        int n = cfg.hiddenLayers();
        skip = new boolean[n + 1];
        for (int k : cfg.skip()) skip[k] = true;
        Activation hidden = Activation.of(cfg.activation().type(), cfg.activation().param());
        double radius = cfg.activation().radius();
        for (int k = 0; k <= n; k++) {
            int li = k == 0 ? in : cfg.width() + (skip[k] ? in : 0);
            int lo = k == n ? out : cfg.width();
            Activation.Role role = k == n ? Activation.Role.OUTPUT : k == 0 ? Activation.Role.FIRST : Activation.Role.HIDDEN;
            boolean[] zero = null;
            if (k == 0 || skip[k]) { // encoded features past the raw point start at zero under geometric init
                zero = new boolean[li];
                int base = k == 0 ? 0 : cfg.width();
                for (int i = base + rawColumns; i < base + in; i++) zero[i] = true;
            }
            layers.add(new Dense(li, lo, k == n ? Activation.NONE : hidden,
                    new Dense.Init(hidden, role, cfg.outputScale(), radius, zero, cfg.init().equals("uniform"))));
        }
    }

    public List<Dense> layers() {
        return List.copyOf(layers);
    }

    @Override public int inputWidth() { return in; }

    @Override public int outputWidth() { return out; }

    @Override
    public int paramCount() {
        return layers.stream().mapToInt(Dense::paramCount).sum();
    }

    @Override
    public void initParams(RandomGenerator rng, double[] dst, int off) {
        for (Dense d : layers) {
            d.initParams(rng, dst, off);
            off += d.paramCount();
        }
    }

    @Override
    public void attach(ParamStore s, int off, String prefix) {
        store = s;
        offset = off;
        for (int k = 0; k < layers.size(); k++) {
            layers.get(k).attach(s, off, prefix + "layers." + k + ".");
            off += layers.get(k).paramCount();
        }
    }

    private void ensure(int rows) {
        if (ys != null && ys[0] != null && ys[0].rows() >= rows) return;
        Backend b = store.backend();
        int n = layers.size();
        ys = new Tensor[n];
        xs = new Tensor[n];
        dys = new Tensor[n];
        dxs = new Tensor[n];
        for (int k = 0; k < n - 1; k++) {
            ys[k] = b.alloc(rows, layers.get(k).outputWidth());
            dys[k] = b.alloc(rows, layers.get(k).outputWidth());
        }
        for (int k = 1; k < n; k++) {
            if (skip[k]) {
                xs[k] = b.alloc(rows, layers.get(k).inputWidth());
                dxs[k] = b.alloc(rows, layers.get(k).inputWidth());
            }
        }
    }

    @Override
    public Context forward(Tensor x, Tensor y) {
        checkForward(x, y);
        int rows = x.rows();
        ensure(rows);
        Backend b = store.backend();
        int n = layers.size();
        Component.Context[] ctx = new Component.Context[n];
        Tensor cur = x;
        for (int k = 0; k < n; k++) {
            Tensor input = cur;
            if (skip[k]) {
                input = xs[k].view(rows);
                int w = cur.cols();
                b.copyCols(cur, 0, input, 0, w, false);
                b.copyCols(x, 0, input, w, in, false);
            }
            Tensor o = k == n - 1 ? y : ys[k].view(rows);
            ctx[k] = layers.get(k).forward(input, o);
            cur = o;
        }
        return new Ctx(x, y, ctx, rows);
    }

    @Override
    public void backward(Context context, Tensor dOut, Tensor dIn) {
        Ctx c = (Ctx) context;
        int rows = c.rows(), n = layers.size();
        Backend b = store.backend();
        Tensor d = dOut;
        for (int k = n - 1; k >= 0; k--) {
            Tensor dx;
            if (k == 0) dx = dIn;
            else if (skip[k]) dx = dxs[k].view(rows);
            else dx = dys[k - 1].view(rows);
            layers.get(k).backward(c.layers()[k], d, dx);
            if (k > 0 && skip[k]) b.copyCols(dx, 0, dys[k - 1].view(rows), 0, layers.get(k - 1).outputWidth(), false);
            if (k > 0) d = dys[k - 1].view(rows);
        }
        if (dIn != null) {
            for (int k = 1; k < n; k++) {
                if (skip[k]) b.copyCols(dxs[k].view(rows), layers.get(k - 1).outputWidth(), dIn, 0, in, true);
            }
        }
    }
}
