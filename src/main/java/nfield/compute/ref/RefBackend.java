package nfield.compute.ref;

import nfield.compute.Activation;
import nfield.compute.Backend;
import nfield.compute.HashSpec;
import nfield.compute.LossFn;
import nfield.compute.ParamStore;
import nfield.compute.Tensor;

import java.util.stream.IntStream;

/**
 * The reference backend: plain loops in double precision, the oracle the OpenCL kernels are
 * tested against. Rows are split into fixed blocks run in parallel; reductions add the blocks
 * in order, so results do not depend on the thread count.
 */
public final class RefBackend implements Backend {
    private static final int BLOCK = 256;

    @Override public String name() { return "java"; }

    @Override public String device() {
        return "reference Java backend (float64), " + Runtime.getRuntime().availableProcessors() + " threads";
    }

    private static RefTensor t(Tensor t) {
        if (!(t instanceof RefTensor r)) throw new IllegalArgumentException("tensor from another backend: " + t);
        return r;
    }

    private static double[] a(Tensor t) {
        return t(t).a;
    }

    @Override
    public Tensor alloc(int rows, int cols) {
        return new RefTensor(new double[Math.multiplyExact(rows, cols)], rows, cols);
    }

    @Override
    public void write(Tensor t, double[] src) {
        System.arraycopy(src, 0, a(t), 0, (int) t.size());
    }

    @Override
    public void write(Tensor t, float[] src) {
        double[] d = a(t);
        for (int i = 0; i < t.size(); i++) d[i] = src[i];
    }

    @Override
    public double[] read(Tensor t) {
        return java.util.Arrays.copyOf(a(t), (int) t.size());
    }

    @Override
    public void fill(Tensor t, double value) {
        java.util.Arrays.fill(a(t), 0, (int) t.size(), value);
    }

    private static void rows(int n, java.util.function.IntConsumer body) {
        int blocks = (n + BLOCK - 1) / BLOCK;
        IntStream.range(0, blocks).parallel().forEach(bk -> {
            int end = Math.min(n, (bk + 1) * BLOCK);
            for (int r = bk * BLOCK; r < end; r++) body.accept(r);
        });
    }

    @Override
    public void copyCols(Tensor src, int srcCol, Tensor dst, int dstCol, int ncols, boolean accumulate) {
        double[] s = a(src), d = a(dst);
        int sc = src.cols(), dc = dst.cols();
        for (int r = 0; r < src.rows(); r++) {
            for (int j = 0; j < ncols; j++) {
                double v = s[r * sc + srcCol + j];
                d[r * dc + dstCol + j] = accumulate ? d[r * dc + dstCol + j] + v : v;
            }
        }
    }

    @Override
    public void frequencyEncode(Tensor x, Tensor y, int octaves, boolean inc) {
        double[] xa = a(x), ya = a(y);
        int d = x.cols(), yc = y.cols();
        rows(x.rows(), r -> {
            int o = r * yc;
            for (int i = 0; i < d; i++) if (inc) ya[o++] = xa[r * d + i];
            for (int k = 0; k < octaves; k++) {
                double f = Math.scalb(Math.PI, k);
                for (int i = 0; i < d; i++) ya[o + i] = Math.sin(f * xa[r * d + i]);
                for (int i = 0; i < d; i++) ya[o + d + i] = Math.cos(f * xa[r * d + i]);
                o += 2 * d;
            }
        });
    }

    @Override
    public void frequencyEncodeBackward(Tensor x, Tensor dy, Tensor dx, int octaves, boolean inc) {
        double[] xa = a(x), g = a(dy), out = a(dx);
        int d = x.cols(), yc = dy.cols();
        rows(x.rows(), r -> {
            for (int i = 0; i < d; i++) {
                double xi = xa[r * d + i];
                double s = inc ? g[r * yc + i] : 0;
                int o = r * yc + (inc ? d : 0);
                for (int k = 0; k < octaves; k++) {
                    double f = Math.scalb(Math.PI, k);
                    s += f * (Math.cos(f * xi) * g[o + i] - Math.sin(f * xi) * g[o + d + i]);
                    o += 2 * d;
                }
                out[r * d + i] = s;
            }
        });
    }

    @Override
    public void fourierEncode(Tensor x, Tensor params, int off, int features, boolean inc, Tensor y) {
        double[] xa = a(x), p = a(params), ya = a(y);
        int d = x.cols(), yc = y.cols(), base = inc ? d : 0;
        rows(x.rows(), r -> {
            for (int i = 0; i < d && inc; i++) ya[r * yc + i] = xa[r * d + i];
            for (int j = 0; j < features; j++) {
                double t = 0;
                for (int i = 0; i < d; i++) t += xa[r * d + i] * p[off + j * d + i];
                t *= 2 * Math.PI;
                ya[r * yc + base + j] = Math.cos(t);
                ya[r * yc + base + features + j] = Math.sin(t);
            }
        });
    }

    @Override
    public void fourierEncodeBackward(Tensor x, Tensor params, int off, int features, boolean inc, Tensor dy, Tensor dx) {
        double[] xa = a(x), p = a(params), g = a(dy), out = a(dx);
        int d = x.cols(), yc = dy.cols(), base = inc ? d : 0;
        rows(x.rows(), r -> {
            for (int i = 0; i < d; i++) out[r * d + i] = inc ? g[r * yc + i] : 0;
            for (int j = 0; j < features; j++) {
                double t = 0;
                for (int i = 0; i < d; i++) t += xa[r * d + i] * p[off + j * d + i];
                t *= 2 * Math.PI;
                double c = -Math.sin(t) * g[r * yc + base + j] + Math.cos(t) * g[r * yc + base + features + j];
                for (int i = 0; i < d; i++) out[r * d + i] += 2 * Math.PI * p[off + j * d + i] * c;
            }
        });
    }

    /**
     * One axis of a point in level l's grid of resolution n: the cell c[d] = floor(p) of
     * p = (x + 1)/2 · n, found in float32 exactly as the kernels find it (so both backends pick the
     * same cell, and with it the same piece of the piecewise derivative), t[d] = p - c in double,
     * and s[d] = dp/dx = n/2, or 0 where x lies outside [-1, 1] (clamped).
     */
    private static void hashCell(double x, int n, int d, int[] c, double[] t, double[] s) {
        if (!(x >= -1)) {
            c[d] = 0;
            t[d] = 0;
            s[d] = 0;
        } else if (x > 1) {
            c[d] = n - 1;
            t[d] = 1;
            s[d] = 0;
        } else {
            float xf = (float) x, h = 0.5f * n;
            int ci = (int) Math.floor(Math.fma(xf, h, h));
            if (Math.fma(xf, h, h - ci) < 0) ci--; // fma rounded p up to the integer ci
            ci = Math.max(0, Math.min(ci, n - 1));
            c[d] = ci;
            t[d] = x * (0.5 * n) + 0.5 * n - ci;
            s[d] = 0.5 * n;
        }
    }

    /** The trilinear weight of corner {@code k} (bit d set: the upper vertex on axis d). */
    private static double hashWeight(int k, double[] t) {
        double w = 1;
        for (int d = 0; d < 3; d++) w *= (k >> d & 1) != 0 ? t[d] : 1 - t[d];
        return w;
    }

    @Override
    public void hashEncode(Tensor x, Tensor params, int off, HashSpec spec, Tensor y) {
        double[] xa = a(x), p = a(params), ya = a(y);
        int yc = y.cols(), nf = spec.features(), raw = spec.rawColumns();
        rows(x.rows(), r -> {
            int[] c = new int[3];
            double[] t = new double[3], s = new double[3];
            for (int d = 0; d < raw; d++) ya[r * yc + d] = xa[r * 3 + d];
            for (int l = 0; l < spec.levels(); l++) {
                for (int d = 0; d < 3; d++) hashCell(xa[r * 3 + d], spec.resolution(l), d, c, t, s);
                int base = off + spec.tableOffset(l), o = r * yc + raw + l * nf;
                for (int f = 0; f < nf; f++) ya[o + f] = 0;
                for (int k = 0; k < 8; k++) {
                    double w = hashWeight(k, t);
                    int e = base + nf * spec.index(l, c[0] + (k & 1), c[1] + (k >> 1 & 1), c[2] + (k >> 2 & 1));
                    for (int f = 0; f < nf; f++) ya[o + f] += w * p[e + f];
                }
            }
        });
    }

    @Override
    public void hashEncodeBackward(Tensor x, Tensor params, Tensor grads, int off, HashSpec spec, Tensor dy, Tensor dx) {
        double[] xa = a(x), p = a(params), gr = grads == null ? null : a(grads), g = a(dy);
        int n = x.rows(), yc = dy.cols(), nf = spec.features(), raw = spec.rawColumns();
        // table gradients: levels own disjoint slices, so they run in parallel; rows in order within one
        if (gr != null) IntStream.range(0, spec.levels()).parallel().forEach(l -> {
            int[] c = new int[3];
            double[] t = new double[3], s = new double[3];
            int base = off + spec.tableOffset(l);
            for (int r = 0; r < n; r++) {
                for (int d = 0; d < 3; d++) hashCell(xa[r * 3 + d], spec.resolution(l), d, c, t, s);
                int o = r * yc + raw + l * nf;
                for (int k = 0; k < 8; k++) {
                    double w = hashWeight(k, t);
                    int e = base + nf * spec.index(l, c[0] + (k & 1), c[1] + (k >> 1 & 1), c[2] + (k >> 2 & 1));
                    for (int f = 0; f < nf; f++) gr[e + f] += w * g[o + f];
                }
            }
        });
        if (dx == null) return;
        double[] out = a(dx);
        rows(n, r -> {
            int[] c = new int[3];
            double[] t = new double[3], s = new double[3], acc = new double[3];
            for (int d = 0; d < 3; d++) out[r * 3 + d] = raw > 0 ? g[r * yc + d] : 0;
            for (int l = 0; l < spec.levels(); l++) {
                for (int d = 0; d < 3; d++) hashCell(xa[r * 3 + d], spec.resolution(l), d, c, t, s);
                int base = off + spec.tableOffset(l), o = r * yc + raw + l * nf;
                java.util.Arrays.fill(acc, 0);
                for (int k = 0; k < 8; k++) {
                    int e = base + nf * spec.index(l, c[0] + (k & 1), c[1] + (k >> 1 & 1), c[2] + (k >> 2 & 1));
                    double v = 0; // table entry · dy of this level
                    for (int f = 0; f < nf; f++) v += p[e + f] * g[o + f];
                    for (int d = 0; d < 3; d++) { // ∂w/∂t_d: the other two axes' factors, signed by this one's bit
                        double dw = (k >> d & 1) != 0 ? 1 : -1;
                        for (int q = 0; q < 3; q++) if (q != d) dw *= (k >> q & 1) != 0 ? t[q] : 1 - t[q];
                        acc[d] += dw * v;
                    }
                }
                for (int d = 0; d < 3; d++) out[r * 3 + d] += s[d] * acc[d];
            }
        });
    }

    @Override
    public void denseForward(Tensor x, Tensor params, int off, Activation act, Tensor y, Tensor z) {
        double[] xa = a(x), p = a(params), ya = a(y), za = z == null ? null : a(z);
        int in = x.cols(), out = y.cols(), bOff = off + in * out;
        rows(x.rows(), r -> {
            for (int o = 0; o < out; o++) {
                double s = p[bOff + o];
                for (int i = 0; i < in; i++) s += xa[r * in + i] * p[off + i * out + o];
                if (za != null) za[r * out + o] = s;
                ya[r * out + o] = act.apply(s);
            }
        });
    }

    @Override
    public void denseBackward(Tensor x, Tensor params, Tensor grads, int off, Activation act, Tensor y, Tensor z,
                              Tensor dy, Tensor dx) {
        double[] xa = a(x), p = a(params), ya = a(y), g = a(dy), gr = grads == null ? null : a(grads);
        double[] za = z == null ? ya : a(z);
        if (z == null && act.needsPre()) throw new IllegalArgumentException(act + " needs the pre-activation z");
        double[] dxa = dx == null ? null : a(dx);
        int n = x.rows(), in = x.cols(), out = y.cols(), bOff = off + in * out;
        rows(n, r -> {
            for (int o = 0; o < out; o++) {
                int k = r * out + o;
                g[k] *= act.derivative(za[k], ya[k]);
            }
            if (dxa != null) {
                for (int i = 0; i < in; i++) {
                    double s = 0;
                    for (int o = 0; o < out; o++) s += g[r * out + o] * p[off + i * out + o];
                    dxa[r * in + i] = s;
                }
            }
        });
        if (gr == null) return;
        // parameter gradients: per-block partial sums, added in block order
        int blocks = (n + BLOCK - 1) / BLOCK, len = (in + 1) * out;
        double[][] part = new double[blocks][];
        IntStream.range(0, blocks).parallel().forEach(bk -> {
            double[] acc = new double[len];
            int end = Math.min(n, (bk + 1) * BLOCK);
            for (int r = bk * BLOCK; r < end; r++) {
                for (int i = 0; i < in; i++) {
                    double xi = xa[r * in + i];
                    for (int o = 0; o < out; o++) acc[i * out + o] += xi * g[r * out + o];
                }
                for (int o = 0; o < out; o++) acc[in * out + o] += g[r * out + o];
            }
            part[bk] = acc;
        });
        for (double[] acc : part) for (int j = 0; j < len; j++) gr[off + j] += acc[j];
        assert bOff == off + in * out;
    }

    @Override
    public void activation(Tensor z, Tensor y, int col0, int ncols, Activation act) {
        double[] za = a(z), ya = a(y);
        int c = z.cols();
        for (int r = 0; r < z.rows(); r++) {
            for (int j = col0; j < col0 + ncols; j++) ya[r * c + j] = act.apply(za[r * c + j]);
        }
    }

    @Override
    public void activationBackward(Tensor z, Tensor y, Tensor dy, Tensor dz, int col0, int ncols, Activation act) {
        double[] za = a(z), ya = a(y), g = a(dy), out = a(dz);
        int c = z.cols();
        for (int r = 0; r < z.rows(); r++) {
            for (int j = col0; j < col0 + ncols; j++) {
                int k = r * c + j;
                out[k] = g[k] * act.derivative(za[k], ya[k]);
            }
        }
    }

    @Override
    public void loss(Tensor pred, Tensor target, LossFn fn, double scale, Tensor elem, Tensor dPred) {
        double[] p = a(pred), t = a(target), e = a(elem), d = a(dPred);
        for (int i = 0; i < pred.size(); i++) {
            e[i] = fn.value(p[i], t[i]);
            d[i] = scale * fn.grad(p[i], t[i]);
        }
    }

    @Override
    public void stencilPoints(Tensor points, int m, double h, Tensor out) {
        double[] p = a(points), o = a(out);
        for (int r = 0; r < m; r++) {
            for (int k = 0; k < 3; k++) {
                for (int s = 0; s < 2; s++) {
                    int row = 6 * r + 2 * k + s;
                    System.arraycopy(p, r * 3, o, row * 3, 3);
                    o[row * 3 + k] += s == 0 ? h : -h;
                }
            }
        }
    }

    @Override
    public void eikonal(Tensor values, int m, double h, double scale, Tensor elem, Tensor dValues) {
        double[] v = a(values), e = a(elem), d = a(dValues);
        for (int r = 0; r < m; r++) {
            double[] g = new double[3];
            double n2 = 0;
            for (int k = 0; k < 3; k++) {
                g[k] = (v[6 * r + 2 * k] - v[6 * r + 2 * k + 1]) / (2 * h);
                n2 += g[k] * g[k];
            }
            double n = Math.sqrt(n2);
            e[r] = (n - 1) * (n - 1);
            for (int k = 0; k < 3; k++) {
                double dg = n > 0 ? scale * 2 * (n - 1) * g[k] / n / (2 * h) : 0;
                d[6 * r + 2 * k] = dg;
                d[6 * r + 2 * k + 1] = -dg;
            }
        }
    }

    @Override
    public void volumeRender(Tensor samples, Tensor deltas, Tensor rays, Tensor background, double minT, Tensor out) {
        Backend.checkVolume(samples, deltas, rays, background, out);
        double[] x = a(samples), dt = a(deltas), ry = a(rays), bg = a(background), o = a(out);
        for (int r = 0; r < rays.rows(); r++) {
            int first = (int) ry[2 * r], count = (int) ry[2 * r + 1];
            double t = 1, cr = 0, cg = 0, cb = 0;
            for (int i = first; i < first + count; i++) {
                double alpha = 1 - Math.exp(-x[4 * i] * dt[i]);
                double w = t * alpha;
                cr += w * x[4 * i + 1];
                cg += w * x[4 * i + 2];
                cb += w * x[4 * i + 3];
                t *= 1 - alpha;
                if (t < minT) break;
            }
            o[4 * r] = cr + t * bg[3 * r];
            o[4 * r + 1] = cg + t * bg[3 * r + 1];
            o[4 * r + 2] = cb + t * bg[3 * r + 2];
            o[4 * r + 3] = 1 - t;
        }
    }

    @Override
    public void volumeRenderBackward(Tensor samples, Tensor deltas, Tensor rays, Tensor background, double minT,
                                     Tensor out, Tensor dOut, Tensor dSamples) {
        Backend.checkVolume(samples, deltas, rays, background, out, dOut, dSamples);
        double[] x = a(samples), dt = a(deltas), ry = a(rays), o = a(out), d = a(dOut), ds = a(dSamples);
        for (int r = 0; r < rays.rows(); r++) {
            int first = (int) ry[2 * r], count = (int) ry[2 * r + 1];
            // the transmittance left where marching stopped
            double tEnd = 1;
            int end = first + count;
            for (int i = first; i < first + count; i++) {
                tEnd *= 1 - (1 - Math.exp(-x[4 * i] * dt[i])); // the forward pass's operations, so both stop alike
                if (tEnd < minT) {
                    end = i + 1;
                    break;
                }
            }
            double t = 1, pr = 0, pg = 0, pb = 0;
            double gr = d[4 * r], gg = d[4 * r + 1], gb = d[4 * r + 2], go = d[4 * r + 3];
            for (int i = first; i < first + count; i++) {
                if (i >= end) {
                    ds[4 * i] = ds[4 * i + 1] = ds[4 * i + 2] = ds[4 * i + 3] = 0;
                    continue;
                }
                double alpha = 1 - Math.exp(-x[4 * i] * dt[i]);
                double w = t * alpha, tNext = t * (1 - alpha);
                pr += w * x[4 * i + 1];
                pg += w * x[4 * i + 2];
                pb += w * x[4 * i + 3];
                double s = gr * (tNext * x[4 * i + 1] - (o[4 * r] - pr))
                        + gg * (tNext * x[4 * i + 2] - (o[4 * r + 1] - pg))
                        + gb * (tNext * x[4 * i + 3] - (o[4 * r + 2] - pb))
                        + go * tEnd;
                ds[4 * i] = dt[i] * s;
                ds[4 * i + 1] = w * gr;
                ds[4 * i + 2] = w * gg;
                ds[4 * i + 3] = w * gb;
                t = tNext;
            }
        }
    }

    @Override
    public void shEncode(Tensor x, int degree, Tensor y) {
        double[] a = a(x), o = a(y);
        int w = degree * degree;
        java.util.Arrays.fill(o, 0, x.rows() * w, 0);
        for (int r = 0; r < x.rows(); r++) {
            for (var t : nfield.compute.SphericalHarmonics.TERMS) {
                if (t.column() >= w) continue;
                o[r * w + t.column()] += t.coef() * Math.pow(a[3 * r], t.px()) * Math.pow(a[3 * r + 1], t.py()) * Math.pow(a[3 * r + 2], t.pz());
            }
        }
    }

    @Override
    public void shEncodeBackward(Tensor x, int degree, Tensor dy, Tensor dx) {
        double[] a = a(x), g = a(dy), d = a(dx);
        int w = degree * degree;
        for (int r = 0; r < x.rows(); r++) {
            double px = a[3 * r], py = a[3 * r + 1], pz = a[3 * r + 2];
            double gx = 0, gy = 0, gz = 0;
            for (var t : nfield.compute.SphericalHarmonics.TERMS) {
                if (t.column() >= w) continue;
                double c = t.coef() * g[r * w + t.column()];
                if (t.px() > 0) gx += c * t.px() * Math.pow(px, t.px() - 1) * Math.pow(py, t.py()) * Math.pow(pz, t.pz());
                if (t.py() > 0) gy += c * t.py() * Math.pow(px, t.px()) * Math.pow(py, t.py() - 1) * Math.pow(pz, t.pz());
                if (t.pz() > 0) gz += c * t.pz() * Math.pow(px, t.px()) * Math.pow(py, t.py()) * Math.pow(pz, t.pz() - 1);
            }
            d[3 * r] = gx;
            d[3 * r + 1] = gy;
            d[3 * r + 2] = gz;
        }
    }

    @Override
    public double sum(Tensor t) {
        double s = 0;
        double[] x = a(t);
        for (int i = 0; i < t.size(); i++) s += x[i];
        return s;
    }

    @Override
    public void adam(ParamStore store, int off, int count, double lr, double b1, double b2, double eps, long t, boolean zeroGrads) {
        double[] p = a(store.params()), g = a(store.grads()), m = a(store.m()), v = a(store.v());
        double c1 = 1 - Math.pow(b1, t), c2 = 1 - Math.pow(b2, t);
        for (int i = off; i < off + count; i++) {
            m[i] = b1 * m[i] + (1 - b1) * g[i];
            v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
            p[i] -= lr / c1 * m[i] / (Math.sqrt(v[i] / c2) + eps);
            if (zeroGrads) g[i] = 0;
        }
    }

    private static int codeIndex(double v, int count, int r) {
        int i = (int) v;
        if (i != v || i < 0 || i >= count) {
            throw new IllegalArgumentException("code index " + v + " of row " + r + " is not an integer in [0, " + count + ")");
        }
        return i;
    }

    @Override
    public void gatherCodes(Tensor params, int off, int count, int codeSize, Tensor index, Tensor y, int col) {
        Tensor.checkShape("code index", index, y.rows(), 1);
        double[] p = a(params), ix = a(index), ya = a(y);
        int yc = y.cols();
        for (int r = 0; r < y.rows(); r++) {
            int i = codeIndex(ix[r], count, r);
            System.arraycopy(p, off + i * codeSize, ya, r * yc + col, codeSize);
        }
    }

    @Override
    public void gatherCodesBackward(Tensor params, Tensor grads, int off, int count, int codeSize, Tensor index, Tensor dy, int col, double decay) {
        Tensor.checkShape("code index", index, dy.rows(), 1);
        double[] p = a(params), g = a(grads), ix = a(index), d = a(dy);
        int dc = dy.cols();
        for (int r = 0; r < dy.rows(); r++) {
            int i = codeIndex(ix[r], count, r);
            for (int j = 0; j < codeSize; j++) g[off + i * codeSize + j] += d[r * dc + col + j] + decay * p[off + i * codeSize + j];
        }
    }

    @Override
    public void sampleRows(Tensor pool, int poolRows, Tensor out, long seed) {
        double[] s = a(pool), d = a(out);
        int c = out.cols(), folded = Backend.foldSeed(seed);
        rows(out.rows(), r -> System.arraycopy(s, Backend.sampleIndex(folded, r, poolRows) * c, d, r * c, c));
    }

    @Override public void finish() { }

    @Override public void close() { }
}
