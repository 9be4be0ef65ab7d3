package nfield.data.mesh;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A family of shapes nfield generates itself, for learning shape spaces ({@code nfield fit-space}
 * uses it when given no manifest): member {@code family:N} (N ≥ 0) is the same closed,
 * outward-oriented mesh on every machine, drawn from N alone. Members cycle through three kinds:
 * <ul>
 *   <li>tori: major radius 0.4–0.8, minor radius 0.1–0.3;</li>
 *   <li>superquadrics: semi-axes 0.3–0.8, exponents 0.4–1.5 (boxy to pinched);</li>
 *   <li>torus knots (2,3), (2,5) and (3,4): ring radius 0.45–0.6, winding radius 0.2–0.3, tube
 *       radius 0.05–0.09 (kept below half the closest approach of two strands);</li>
 * </ul>
 * each turned by a uniformly random rotation. Members from {@value #HELD_OUT} on are the
 * held-out part (its kinds cycle from a torus again): a space trained on the first members never
 * sees them.
 */
public final class ShapeFamily {
    public static final String PREFIX = "family:";
    /** The first held-out member. */
    public static final int HELD_OUT = 100_000;

    public enum Kind { TORUS, SUPERQUADRIC, KNOT }

    private static final int[][] KNOTS = {{2, 3}, {2, 5}, {3, 4}};

    /** One member: its index, kind, shape parameters (per kind, see {@link #describe}) and rotation (row-major 3×3). */
    public record Member(int index, Kind kind, double[] params, double[] rotation) {
        /** {@code family:N}. */
        public String data() {
            return PREFIX + index;
        }

        /** A file-safe name: the kind and the index ({@code torus-00017}, {@code knot-100002}). */
        public String name() {
            return String.format(Locale.ROOT, "%s-%05d", kind.name().toLowerCase(Locale.ROOT), index);
        }

        /** The parameters in words. */
        public String describe() {
            double[] p = params;
            return switch (kind) {
                case TORUS -> String.format(Locale.ROOT, "torus R %.3f r %.3f", p[0], p[1]);
                case SUPERQUADRIC -> String.format(Locale.ROOT, "superquadric axes %.3f %.3f %.3f exponents %.2f %.2f", p[0], p[1], p[2],
                        p[3], p[4]);
                case KNOT -> String.format(Locale.ROOT, "(%d,%d) torus knot R %.3f rho %.3f tube %.3f", (int) p[0], (int) p[1], p[2], p[3],
                        p[4]);
            };
        }

        /** The mesh, in the family's own coordinates (within [-1.2, 1.2]^3; fits normalise it). */
        public Mesh mesh() {
            Mesh m = switch (kind) {
                case TORUS -> MeshShapes.torus(params[0], params[1], 96, 32);
                case SUPERQUADRIC -> superquadric(params[0], params[1], params[2], params[3], params[4], 48, 64);
                case KNOT -> knot((int) params[0], (int) params[1], params[2], params[3], params[4]);
            };
            double[] v = m.vertices().clone(), r = rotation;
            for (int i = 0; i < v.length; i += 3) {
                double x = v[i], y = v[i + 1], z = v[i + 2];
                v[i] = r[0] * x + r[1] * y + r[2] * z;
                v[i + 1] = r[3] * x + r[4] * y + r[5] * z;
                v[i + 2] = r[6] * x + r[7] * y + r[8] * z;
            }
            return new Mesh(data(), v, m.triangles());
        }
    }

    private ShapeFamily() {}

    /** Member {@code index} (≥ 0). */
    public static Member member(int index) {
        if (index < 0) throw new IllegalArgumentException("family member " + index + ": the index must be at least 0");
        SplittableRandom rng = new SplittableRandom(0x5EED_F00DL ^ (index * 0x9E3779B97F4A7C15L));
        Kind kind = Kind.values()[(index % HELD_OUT) % 3]; // the held-out part cycles alike from its first member
        double[] p = switch (kind) {
            case TORUS -> new double[]{u(rng, 0.4, 0.8), u(rng, 0.1, 0.3)};
            case SUPERQUADRIC -> new double[]{u(rng, 0.3, 0.8), u(rng, 0.3, 0.8), u(rng, 0.3, 0.8), u(rng, 0.4, 1.5), u(rng, 0.4, 1.5)};
            case KNOT -> {
                int[] pq = KNOTS[rng.nextInt(KNOTS.length)];
                yield new double[]{pq[0], pq[1], u(rng, 0.45, 0.6), u(rng, 0.2, 0.3), u(rng, 0.05, 0.09)};
            }
        };
        double qw = rng.nextGaussian(), qx = rng.nextGaussian(), qy = rng.nextGaussian(), qz = rng.nextGaussian();
        double n = Math.sqrt(qw * qw + qx * qx + qy * qy + qz * qz);
        return new Member(index, kind, p, nfield.geom.Rotations.matrix(qw / n, qx / n, qy / n, qz / n));
    }

    /** Members {@code from} .. {@code from + count - 1}. */
    public static List<Member> members(int from, int count) {
        List<Member> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) out.add(member(from + i));
        return out;
    }

    /** {@code family:N} → member N; null when {@code data} does not start with {@value #PREFIX}. */
    public static Member parse(String data) {
        if (data == null || !data.startsWith(PREFIX)) return null;
        String s = data.substring(PREFIX.length());
        try {
            int i = Integer.parseInt(s);
            if (i >= 0) return member(i);
        } catch (NumberFormatException e) {
            // below
        }
        throw new IllegalArgumentException(data + ": a family member is family:N with N a whole number from 0 (held-out members from "
                + HELD_OUT + ")");
    }

    private static double u(SplittableRandom r, double lo, double hi) {
        return lo + (hi - lo) * r.nextDouble();
    }

    private static double sp(double c, double e) {
        return Math.signum(c) * Math.pow(Math.abs(c), e);
    }

    /**
     * The superquadric x = a C(η)C(ω), y = b C(η)S(ω), z = c S(η) with C(θ) = sgn(cos θ)|cos θ|^e1
     * (e2 for ω), η the latitude in (-π/2, π/2), ω the longitude: {@code rings} rings of
     * {@code seg} vertices and a vertex at each pole.
     */
    static Mesh superquadric(double a, double b, double c, double e1, double e2, int rings, int seg) {
        int nv = rings * seg + 2;
        double[] v = new double[nv * 3];
        for (int i = 0; i < rings; i++) {
            double eta = -Math.PI / 2 + Math.PI * (i + 1) / (rings + 1);
            double ce = sp(Math.cos(eta), e1), se = sp(Math.sin(eta), e1);
            for (int j = 0; j < seg; j++) {
                double w = -Math.PI + 2 * Math.PI * j / seg;
                int o = (i * seg + j) * 3;
                v[o] = a * ce * sp(Math.cos(w), e2);
                v[o + 1] = b * ce * sp(Math.sin(w), e2);
                v[o + 2] = c * se;
            }
        }
        int south = rings * seg, north = south + 1;
        v[south * 3 + 2] = -c;
        v[north * 3 + 2] = c;
        List<Integer> f = new ArrayList<>();
        for (int i = 0; i + 1 < rings; i++) {
            for (int j = 0; j < seg; j++) {
                int p = i * seg + j, q = i * seg + (j + 1) % seg, r = p + seg, s = q + seg;
                f.add(p); f.add(q); f.add(s);
                f.add(p); f.add(s); f.add(r);
            }
        }
        for (int j = 0; j < seg; j++) {
            int j1 = (j + 1) % seg;
            f.add(south); f.add(j1); f.add(j);
            f.add(north); f.add((rings - 1) * seg + j); f.add((rings - 1) * seg + j1);
        }
        Mesh m = new Mesh("superquadric", v, f.stream().mapToInt(Integer::intValue).toArray());
        return MeshShapes.signedVolume(m) >= 0 ? m : flipped(m);
    }

    private static Mesh flipped(Mesh m) {
        int[] t = m.triangles().clone();
        for (int i = 0; i < t.length; i += 3) {
            int x = t[i + 1];
            t[i + 1] = t[i + 2];
            t[i + 2] = x;
        }
        return new Mesh(m.name(), m.vertices(), t);
    }

    /** The (p, q) torus knot ((R + ρ cos qt) cos pt, (R + ρ cos qt) sin pt, ρ sin qt) as a tube. */
    static Mesh knot(int p, int q, double ringR, double rho, double tube) {
        MeshShapes.Curve curve = (u, c, d) -> {
            double t = 2 * Math.PI * u, rr = ringR + rho * Math.cos(q * t);
            c[0] = rr * Math.cos(p * t);
            c[1] = rr * Math.sin(p * t);
            c[2] = rho * Math.sin(q * t);
            double drr = -rho * q * Math.sin(q * t);
            d[0] = drr * Math.cos(p * t) - rr * p * Math.sin(p * t);
            d[1] = drr * Math.sin(p * t) + rr * p * Math.cos(p * t);
            d[2] = rho * q * Math.cos(q * t);
        };
        double r = Math.min(tube, 0.45 * closestApproach(curve, 4 * tube));
        return MeshShapes.tube("knot", 256 * Math.max(p, q) / 3, 16, r, curve, new double[]{0, 0, 1});
    }

    /** The least distance between two points of a closed curve more than {@code arc} apart along it. */
    static double closestApproach(MeshShapes.Curve curve, double arc) {
        int n = 720;
        double[][] pts = new double[n][3];
        double[] d = new double[3];
        for (int i = 0; i < n; i++) curve.at((double) i / n, pts[i], d);
        double[] s = new double[n + 1];
        for (int i = 0; i < n; i++) s[i + 1] = s[i] + dist(pts[i], pts[(i + 1) % n]);
        double len = s[n], best = Double.POSITIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                double along = Math.min(s[j] - s[i], len - (s[j] - s[i]));
                if (along > arc) best = Math.min(best, dist(pts[i], pts[j]));
            }
        }
        return best;
    }

    private static double dist(double[] a, double[] b) {
        double x = a[0] - b[0], y = a[1] - b[1], z = a[2] - b[2];
        return Math.sqrt(x * x + y * y + z * z);
    }
}
