package nfield.data.mesh;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A partial scan: surface points, optionally with outward unit normals, and where known the
 * scanner's position. Read from a point file ({@code .xyz}/{@code .txt}: {@code x y z [nx ny nz]}
 * a line, # comments) or a partial mesh ({@code .ply .obj .off .stl}: its vertices, normals from
 * its faces, area-weighted); or made from a closed mesh as one view would see it ({@link #view}).
 */
public record PartialScan(String name, double[] points, double[] normals, double[] scanner) {
    public PartialScan {
        if (points.length == 0 || points.length % 3 != 0) throw new IllegalArgumentException(name + ": no points");
        if (normals != null && normals.length != points.length) throw new IllegalArgumentException(name + ": a normal for every point, or none");
    }

    public int size() {
        return points.length / 3;
    }

    public boolean hasNormals() {
        return normals != null;
    }

    /** The axis-aligned box [min xyz, max xyz] of the points. */
    public double[] bounds() {
        double[] b = {Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE, -Double.MAX_VALUE, -Double.MAX_VALUE, -Double.MAX_VALUE};
        for (int i = 0; i < points.length; i += 3) {
            for (int k = 0; k < 3; k++) {
                b[k] = Math.min(b[k], points[i + k]);
                b[k + 3] = Math.max(b[k + 3], points[i + k]);
            }
        }
        return b;
    }

    /** The scan moved by {@code n} (points and scanner; normals keep their direction under a uniform scale). */
    public PartialScan normalized(nfield.geom.Normalization n) {
        double[] p = points.clone();
        for (int i = 0; i < p.length; i += 3) {
            double[] q = n.apply(new double[]{p[i], p[i + 1], p[i + 2]});
            System.arraycopy(q, 0, p, i, 3);
        }
        return new PartialScan(name, p, normals, scanner == null ? null : n.apply(scanner));
    }

    /**
     * What a scanner at {@code eye} looking at the origin sees of a closed mesh: {@code samples}
     * points drawn uniformly by area, kept where the way to the eye is clear (no crossing of the
     * surface) and the surface faces the eye at less than {@code maxAngleDeg} from head-on (a
     * scanner loses grazing surfaces). The share kept is the share of the area seen.
     */
    public static PartialScan view(Mesh mesh, double[] eye, int samples, double maxAngleDeg, long seed) {
        MeshSdf sdf = new MeshSdf(mesh);
        SurfaceSampler surface = new SurfaceSampler(mesh);
        SplittableRandom rng = new SplittableRandom(seed);
        double cosMax = Math.cos(Math.toRadians(maxAngleDeg));
        double[] v = mesh.vertices();
        int[] t = mesh.triangles();
        double[] p = new double[3];
        int[] stack = new int[256];
        List<double[]> kept = new ArrayList<>();
        for (int s = 0; s < samples; s++) {
            int tri = surface.sample(rng, p);
            double[] n = triangleNormal(v, t, tri);
            double dx = eye[0] - p[0], dy = eye[1] - p[1], dz = eye[2] - p[2];
            double len = Math.sqrt(dx * dx + dy * dy + dz * dz);
            dx /= len;
            dy /= len;
            dz /= len;
            if (n[0] * dx + n[1] * dy + n[2] * dz < cosMax) continue;
            double e = 1e-6;
            int crossings = sdf.bvh().crossings(p[0] + e * dx, p[1] + e * dy, p[2] + e * dz, dx, dy, dz, stack);
            if (crossings != 0) continue;
            kept.add(new double[]{p[0], p[1], p[2], n[0], n[1], n[2]});
        }
        if (kept.isEmpty()) throw new IllegalArgumentException(mesh.name() + ": nothing of it is seen from " + java.util.Arrays.toString(eye));
        double[] pts = new double[kept.size() * 3], nrm = new double[kept.size() * 3];
        for (int i = 0; i < kept.size(); i++) {
            System.arraycopy(kept.get(i), 0, pts, i * 3, 3);
            System.arraycopy(kept.get(i), 3, nrm, i * 3, 3);
        }
        return new PartialScan(mesh.name() + " seen from " + java.util.Arrays.toString(eye), pts, nrm, eye.clone());
    }

    private static double[] triangleNormal(double[] v, int[] t, int tri) {
        int a = t[tri * 3] * 3, b = t[tri * 3 + 1] * 3, c = t[tri * 3 + 2] * 3;
        double ux = v[b] - v[a], uy = v[b + 1] - v[a + 1], uz = v[b + 2] - v[a + 2];
        double wx = v[c] - v[a], wy = v[c + 1] - v[a + 1], wz = v[c + 2] - v[a + 2];
        double nx = uy * wz - uz * wy, ny = uz * wx - ux * wz, nz = ux * wy - uy * wx;
        double l = Math.sqrt(nx * nx + ny * ny + nz * nz) + 1e-300;
        return new double[]{nx / l, ny / l, nz / l};
    }

    /** The comment line that says how a scan's box maps to its data's coordinates ({@link #statedNormalization}). */
    public static final String NORMALIZATION = "# normalization (cx cy cz scale):";

    /** The scan as a point file: {@code x y z nx ny nz} lines (written by {@code nfield.io.MeshWriter#writeScan}). */
    public String toXyz() {
        return toXyz(null);
    }

    /**
     * As {@link #toXyz()}, for points in a box that {@code n} made from the data's coordinates (null:
     * none): a comment line records it, so a field completed from the scan maps back to them.
     */
    public String toXyz(nfield.geom.Normalization n) {
        StringBuilder sb = new StringBuilder("# nfield partial scan: x y z nx ny nz\n");
        if (n != null) sb.append(String.format(Locale.ROOT, "%s %.17g %.17g %.17g %.17g%n", NORMALIZATION, n.cx(), n.cy(), n.cz(), n.scale()));
        for (int i = 0; i < points.length; i += 3) {
            sb.append(String.format(Locale.ROOT, "%.7g %.7g %.7g", points[i], points[i + 1], points[i + 2]));
            if (normals != null) sb.append(String.format(Locale.ROOT, " %.6f %.6f %.6f", normals[i], normals[i + 1], normals[i + 2]));
            sb.append('\n');
        }
        return sb.toString();
    }

    /**
     * The normalisation a point file states ({@link #NORMALIZATION}: its points lie in the box it
     * made), or null when it states none; a malformed statement is an error naming the line.
     */
    public static nfield.geom.Normalization statedNormalization(Path file) throws IOException {
        if (!isPointFile(file)) return null; // a partial mesh states none
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int ln = 0; ln < lines.size(); ln++) {
            String s = lines.get(ln).strip();
            if (!s.startsWith(NORMALIZATION)) continue;
            String[] w = s.substring(NORMALIZATION.length()).strip().split("\\s+");
            try {
                if (w.length != 4) throw new IllegalArgumentException("4 numbers expected");
                double[] v = new double[4];
                for (int k = 0; k < 4; k++) v[k] = Double.parseDouble(w[k]);
                return nfield.geom.Normalization.of(v);
            } catch (IllegalArgumentException e) {
                throw new IOException(file + ":" + (ln + 1) + ": the normalization line must hold cx cy cz scale (scale > 0): " + e.getMessage());
            }
        }
        return null;
    }

    /** Reads a point file or a partial mesh (see the class comment); errors name the file and the line. */
    public static PartialScan read(Path file) throws IOException {
        String f = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (!Files.exists(file)) throw new IOException(file + ": no such file");
        if (isPointFile(file)) return readXyz(file);
        for (String ext : MeshReader.EXTENSIONS) {
            if (f.endsWith("." + ext)) return fromMesh(file.toString(), MeshReader.read(file));
        }
        throw new IOException(file + ": not a scan nfield reads (.xyz or .txt points, or a partial mesh: ." + String.join(", .",
                MeshReader.EXTENSIONS) + ")");
    }

    /** Whether {@code file} is read as a point file ({@code .xyz}, {@code .txt}) rather than a partial mesh. */
    static boolean isPointFile(Path file) {
        String f = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return f.endsWith(".xyz") || f.endsWith(".txt");
    }

    static PartialScan readXyz(Path file) throws IOException {
        return parseXyz(file, Files.readAllLines(file, StandardCharsets.UTF_8));
    }

    /** Point-file lines as read from {@code file} (errors name it and the line). */
    public static PartialScan parseXyz(Path file, List<String> lines) throws IOException {
        double[] pts = new double[0], nrm = null;
        int n = 0, cols = -1;
        for (int ln = 0; ln < lines.size(); ln++) {
            String s = lines.get(ln).strip();
            if (s.isEmpty() || s.startsWith("#")) continue;
            String[] w = s.split("[\\s,]+");
            if (cols < 0) {
                if (w.length != 3 && w.length != 6) {
                    throw new IOException(file + ":" + (ln + 1) + ": " + w.length + " numbers; a line holds x y z or x y z nx ny nz");
                }
                cols = w.length;
                if (cols == 6) nrm = new double[0];
            } else if (w.length != cols) {
                throw new IOException(file + ":" + (ln + 1) + ": " + w.length + " numbers where the lines before hold " + cols);
            }
            if (n * 3 + 3 > pts.length) {
                pts = java.util.Arrays.copyOf(pts, Math.max(48, pts.length * 2));
                if (nrm != null) nrm = java.util.Arrays.copyOf(nrm, pts.length);
            }
            for (int k = 0; k < cols; k++) {
                double x;
                try {
                    x = Double.parseDouble(w[k]);
                } catch (NumberFormatException e) {
                    throw new IOException(file + ":" + (ln + 1) + ": \"" + w[k] + "\" is not a number");
                }
                if (!Double.isFinite(x) || Math.abs(x) > 1e9) throw new IOException(file + ":" + (ln + 1) + ": " + w[k] + " is not a finite coordinate");
                if (k < 3) pts[n * 3 + k] = x;
                else nrm[n * 3 + k - 3] = x;
            }
            if (nrm != null) {
                double l = Math.sqrt(nrm[n * 3] * nrm[n * 3] + nrm[n * 3 + 1] * nrm[n * 3 + 1] + nrm[n * 3 + 2] * nrm[n * 3 + 2]);
                if (!(l > 1e-12)) throw new IOException(file + ":" + (ln + 1) + ": the normal is zero");
                for (int k = 0; k < 3; k++) nrm[n * 3 + k] /= l;
            }
            n++;
        }
        if (n == 0) throw new IOException(file + ": no points (a line holds x y z or x y z nx ny nz)");
        return new PartialScan(file.toString(), java.util.Arrays.copyOf(pts, n * 3), nrm == null ? null : java.util.Arrays.copyOf(nrm, n * 3), null);
    }

    /** A partial mesh's vertices, with area-weighted vertex normals from its faces (none when it has no faces). */
    static PartialScan fromMesh(String name, Mesh m) {
        double[] v = m.vertices();
        int[] t = m.triangles();
        if (v.length == 0) throw new IllegalArgumentException(name + ": no vertices");
        if (t.length == 0) return new PartialScan(name, v.clone(), null, null);
        double[] nrm = new double[v.length];
        for (int i = 0; i < t.length; i += 3) {
            int a = t[i] * 3, b = t[i + 1] * 3, c = t[i + 2] * 3;
            double ux = v[b] - v[a], uy = v[b + 1] - v[a + 1], uz = v[b + 2] - v[a + 2];
            double wx = v[c] - v[a], wy = v[c + 1] - v[a + 1], wz = v[c + 2] - v[a + 2];
            double nx = uy * wz - uz * wy, ny = uz * wx - ux * wz, nz = ux * wy - uy * wx;
            for (int o : new int[]{a, b, c}) {
                nrm[o] += nx;
                nrm[o + 1] += ny;
                nrm[o + 2] += nz;
            }
        }
        // vertices on no face keep no normal: such a mesh is a point cloud with some faces, and its normals are not trusted
        for (int i = 0; i < nrm.length; i += 3) {
            double l = Math.sqrt(nrm[i] * nrm[i] + nrm[i + 1] * nrm[i + 1] + nrm[i + 2] * nrm[i + 2]);
            if (!(l > 0)) return new PartialScan(name, v.clone(), null, null);
            for (int k = 0; k < 3; k++) nrm[i + k] /= l;
        }
        return new PartialScan(name, v.clone(), nrm, null);
    }
}
