import nfield.data.mesh.Mesh;
import nfield.data.mesh.MeshReader;
import nfield.data.mesh.MeshShapes;
import nfield.io.MeshWriter;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The shape set that fit-many is measured on: the meshes of ../shared/data/meshes, the shapes
 * nfield generates, and transformed copies of each (a random rotation, an anisotropic scale, a
 * shift; written as PLY), listed in OUT/manifest.txt.
 *
 *   java -cp target/nfield.jar tools/ManyShapes.java OUT [COPIES] [SHARED_MESHES]
 */
public class ManyShapes {
    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "many-shapes");
        int copies = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        Path shared = Path.of(args.length > 2 ? args[2] : "../shared/data/meshes");
        Files.createDirectories(out);
        List<String> lines = new ArrayList<>();
        List<Mesh> bases = new ArrayList<>();
        List<String> names = new ArrayList<>();
        if (Files.isDirectory(shared)) {
            try (var s = Files.walk(shared)) {
                for (Path p : s.filter(f -> f.toString().endsWith(".obj")).sorted().toList()) {
                    lines.add(p.toAbsolutePath().normalize().toString());
                    bases.add(MeshReader.read(p));
                    names.add(p.getParent().getFileName() + "_" + p.getFileName().toString().replace(".obj", ""));
                }
            }
        } else {
            System.err.println(shared + ": not found; the set holds only generated shapes");
        }
        for (MeshShapes g : MeshShapes.values()) {
            lines.add(g.id());
            bases.add(g.mesh());
            names.add(g.id().replace("shape:", "gen_"));
        }
        Random rnd = new Random(2026);
        for (int c = 0; c < copies; c++) {
            for (int i = 0; i < bases.size(); i++) {
                Mesh m = bases.get(i);
                double[] r = rotation(rnd), v = m.vertices().clone();
                double sx = 0.6 + 0.8 * rnd.nextDouble(), sy = 0.6 + 0.8 * rnd.nextDouble(), sz = 0.6 + 0.8 * rnd.nextDouble();
                double tx = 4 * rnd.nextDouble() - 2, ty = 4 * rnd.nextDouble() - 2, tz = 4 * rnd.nextDouble() - 2;
                for (int k = 0; k < v.length; k += 3) {
                    double x = v[k] * sx, y = v[k + 1] * sy, z = v[k + 2] * sz;
                    v[k] = r[0] * x + r[1] * y + r[2] * z + tx;
                    v[k + 1] = r[3] * x + r[4] * y + r[5] * z + ty;
                    v[k + 2] = r[6] * x + r[7] * y + r[8] * z + tz;
                }
                Path f = out.resolve(names.get(i) + "_copy" + (c + 1) + ".ply");
                MeshWriter.write(f, new Mesh(f.getFileName().toString(), v, m.triangles()), null);
                lines.add(f.toAbsolutePath().normalize().toString());
            }
        }
        Files.write(out.resolve("manifest.txt"), lines);
        System.err.println(out.resolve("manifest.txt") + ": " + lines.size() + " shapes");
    }

    /** A uniformly random rotation (from a unit quaternion), row-major. */
    static double[] rotation(Random r) {
        double w = r.nextGaussian(), x = r.nextGaussian(), y = r.nextGaussian(), z = r.nextGaussian();
        double n = Math.sqrt(w * w + x * x + y * y + z * z);
        w /= n; x /= n; y /= n; z /= n;
        return new double[] {1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y),
                2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x),
                2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)};
    }
}
