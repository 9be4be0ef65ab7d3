import nfield.cli.Backends;
import nfield.compute.Backend;
import nfield.config.SceneConfig;
import nfield.data.mesh.Mesh;
import nfield.data.mesh.MeshMetrics;
import nfield.data.mesh.MeshSdf;
import nfield.data.mesh.PartialScan;
import nfield.data.mesh.ShapeFamily;
import nfield.data.mesh.SignMethod;
import nfield.field.FieldMeta;
import nfield.field.FittedField;
import nfield.field.ShapeSpace;
import nfield.geom.Normalization;
import nfield.io.FieldMesher;
import nfield.io.MeshWriter;
import nfield.io.SpaceFile;
import nfield.pipeline.Completion;
import nfield.pipeline.FitListener;
import nfield.render.BakedGrid;
import nfield.render.Camera;
import nfield.render.CpuTracer;
import nfield.render.Images;
import nfield.render.Mode;
import org.joml.Vector3f;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Shape completion measured as issue 18 asks: held-out members of the generated family (the
 * space never saw them), each scanned from one random view (visible points with normals, grazing
 * surfaces lost; the share of the surface seen is reported), completed in SPACE, and beside it
 * an ordinary field (sdf-default) fitted to the same samples for the same time. Chamfer-L1 and
 * IoU against the full shape (MeshMetrics, as fit-many --eval), at --res 128. Then codes
 * interpolated between the first two completions at t = 0.25, 0.5, 0.75, each checked closed.
 * Writes OUT/results.jsonl, OUT/summary.json and pictures OUT/completion.png, OUT/interpolation.png (of the
 * marching-cubes meshes that were scored, drawn from their exact distances).
 *
 *   java -cp target/nfield.jar tools/SpaceBench.java SPACE OUT [HELD_OUT=20] [ROWS_IN_PICTURE=4]
 */
public class SpaceBench {
    static final int RES = 128, POINTS = 30000, SCAN_SAMPLES = 60000, TILE = 200;

    public static void main(String[] args) throws Exception {
        Path spaceFile = Path.of(args[0]), out = Path.of(args[1]);
        int held = args.length > 2 ? Integer.parseInt(args[2]) : 20, rows = args.length > 3 ? Integer.parseInt(args[3]) : 4;
        Files.createDirectories(out);
        FitListener quiet = new FitListener() {};
        List<String> lines = new ArrayList<>();
        double[] sumC = new double[2], sumI = new double[2], times = new double[held], cover = new double[held];
        List<BufferedImage[]> picture = new ArrayList<>();
        List<double[]> codes = new ArrayList<>();
        List<Normalization> norms = new ArrayList<>();
        try (Backend backend = Backends.create("opencl", 0)) {
            ShapeSpace space = SpaceFile.load(spaceFile, backend);
            SceneConfig single = SceneConfig.preset("sdf-default");
            for (int h = 0; h < held; h++) {
                try (var scope = backend.scope()) { // each shape's device memory released when it is done
                ShapeFamily.Member member = ShapeFamily.member(ShapeFamily.HELD_OUT + h);
                Mesh full = member.mesh();
                Mesh ref = full.normalized(full.fitNormalization(Normalization.DEFAULT_EXTENT));
                java.util.SplittableRandom rng = new java.util.SplittableRandom(1000 + h);
                Camera scanner = new Camera(rng.nextDouble() * 360, rng.nextDouble() * 120 - 60, 2.5);
                Vector3f e = scanner.eye();
                PartialScan scan = PartialScan.view(ref, new double[]{e.x, e.y, e.z}, SCAN_SAMPLES, 60, h);
                cover[h] = (double) scan.size() / SCAN_SAMPLES;
                nfield.io.MeshWriter.writeScan(out.resolve(member.name() + "-scan.xyz"), scan);
                Completion.Result r = Completion.run(space, scan, Completion.Options.DEFAULT, backend, quiet);
                times[h] = r.seconds();
                FittedField done = space.field(member.name(), r.code(), Normalization.IDENTITY, FieldMeta.Provenance.UNKNOWN, backend);
                codes.add(r.code());
                norms.add(Normalization.IDENTITY);
                FittedField alone = Completion.fitSingle(Completion.samples(scan, Completion.Options.DEFAULT.maxPoints(), 1), single,
                        r.seconds(), 1, backend, quiet);
                Mesh mc = FieldMesher.surface(done, RES, false, "completed").mesh();
                Mesh ms = FieldMesher.surface(alone, RES, false, "single").mesh();
                MeshMetrics.Result qc = score(mc, ref), qs = score(ms, ref);
                if (h < 3) {
                    MeshWriter.write(out.resolve(member.name() + "-completed.ply"), mc, null);
                    MeshWriter.write(out.resolve(member.name() + "-single.ply"), ms, null);
                }
                sumC[0] += qc.chamferL1();
                sumI[0] += qc.iou();
                sumC[1] += qs.chamferL1();
                sumI[1] += qs.iou();
                String line = String.format(Locale.ROOT, "{\"shape\": \"%s\", \"kind\": \"%s\", \"seen_share\": %.4f, \"scan_points\": %d, "
                                + "\"completion_seconds\": %.2f, \"completed\": {\"chamfer_l1\": %.5f, \"iou\": %.4f}, \"single_field\": "
                                + "{\"chamfer_l1\": %.5f, \"iou\": %.4f}, \"best_start\": \"%s\"}", member.name(), member.describe(), cover[h],
                        scan.size(), r.seconds(), qc.chamferL1(), qc.iou(), qs.chamferL1(), qs.iou(), r.starts().get(argmin(r.restartLosses())));
                lines.add(line);
                System.out.println(line);
                if (h < rows) {
                    Camera cam = new Camera(scanner.azimuth() + 110, 20, 3.0);
                    picture.add(new BufferedImage[]{points(scan, cam), draw(truthOrEmpty(ms), cam), draw(truthOrEmpty(mc), cam), draw(truth(ref), cam)}); // the meshes scored
                }
                }
            }
            // interpolation between the first two completions
            List<String> closed = new ArrayList<>();
            BufferedImage[] walk = new BufferedImage[5];
            Camera cam = new Camera(30, 25, 3.0);
            for (int k = 0; k <= 4; k++) {
                double t = k / 4.0;
                double[] z = ShapeSpace.blend(codes.get(0), codes.get(1), t);
                FittedField f = space.field("t" + t, z, Normalization.IDENTITY, FieldMeta.Provenance.UNKNOWN, backend);
                Mesh m = FieldMesher.surface(f, RES, false, "t" + t).mesh();
                int boundary = m.triangleCount() == 0 ? -1 : new MeshSdf(m).boundaryEdges();
                if (k > 0 && k < 4) closed.add(String.format(Locale.ROOT, "{\"t\": %.2f, \"triangles\": %d, \"boundary_edges\": %d}", t, m.triangleCount(), boundary));
                walk[k] = draw(truthOrEmpty(m), cam);
            }
            double[] st = times.clone();
            Arrays.sort(st);
            String summary = String.format(Locale.ROOT, "{\"space\": \"%s\", \"held_out\": %d, \"res\": %d, \"seen_share_mean\": %.4f, "
                            + "\"seen_share_max\": %.4f, \"completed\": {\"chamfer_l1\": %.5f, \"iou\": %.4f}, \"single_field\": {\"chamfer_l1\": %.5f, "
                            + "\"iou\": %.4f}, \"completion_seconds_median\": %.2f, \"interpolation\": [%s]}", spaceFile, held, RES,
                    Arrays.stream(cover).average().orElse(0), Arrays.stream(cover).max().orElse(0), sumC[0] / held, sumI[0] / held,
                    sumC[1] / held, sumI[1] / held, st[held / 2], String.join(", ", closed));
            System.out.println(summary);
            Files.write(out.resolve("results.jsonl"), lines);
            Files.writeString(out.resolve("summary.json"), summary + "\n");
            ImageIO.write(sheet(picture, new String[]{"partial scan", "single field on it", "completed in the space", "the full shape"}),
                    "png", out.resolve("completion.png").toFile());
            ImageIO.write(sheet(List.<BufferedImage[]>of(walk), new String[]{"t = 0", "t = 0.25", "t = 0.5", "t = 0.75", "t = 1"}),
                    "png", out.resolve("interpolation.png").toFile());
        }
    }

    static int argmin(double[] a) {
        int b = 0;
        for (int i = 1; i < a.length; i++) if (a[i] < a[b]) b = i;
        return b;
    }

    static MeshMetrics.Result score(Mesh m, Mesh ref) {
        if (m.triangleCount() == 0) return new MeshMetrics.Result(Double.NaN, Double.NaN, 0, 0, 0, 0, 0, 0.01, 0, 0);
        return MeshMetrics.compute(m, ref, POINTS, POINTS, 0.01, 0);
    }

    static BakedGrid grid(FittedField f) {
        return BakedGrid.bake(new nfield.field.FieldQuery(f.field()), 128);
    }

    static BakedGrid truth(Mesh ref) {
        MeshSdf sdf = new MeshSdf(ref);
        SignMethod sign = sdf.resolve("auto");
        ThreadLocal<MeshSdf.Query> q = ThreadLocal.withInitial(MeshSdf.Query::new);
        return BakedGrid.of((x, y, z) -> sdf.signedDistance(x, y, z, sign, q.get()), 128);
    }

    /** An empty mesh draws as nothing (an empty grid). */
    static BakedGrid truthOrEmpty(Mesh m) {
        return m.triangleCount() == 0 ? BakedGrid.of((x, y, z) -> 1, 8) : truth(m);
    }

    static BufferedImage draw(BakedGrid g, Camera cam) {
        return Images.toImage(CpuTracer.render(g, cam, Mode.SHADED, TILE, TILE, 0), TILE, TILE);
    }

    /** The scan's points splatted from the camera, shaded by their normals (nearest first). */
    static BufferedImage points(PartialScan s, Camera cam) {
        BufferedImage img = new BufferedImage(TILE, TILE, BufferedImage.TYPE_INT_RGB);
        float[] depth = new float[TILE * TILE];
        Arrays.fill(depth, Float.MAX_VALUE);
        Vector3f eye = cam.eye(), f = cam.forward(), r = cam.right(), u = cam.up(), l = cam.light();
        float th = cam.tanHalfFov();
        double[] p = s.points(), n = s.normals();
        for (int y = 0; y < TILE; y++) for (int x = 0; x < TILE; x++) img.setRGB(x, y, 0x202020);
        for (int i = 0; i < p.length; i += 3) {
            float dx = (float) p[i] - eye.x, dy = (float) p[i + 1] - eye.y, dz = (float) p[i + 2] - eye.z;
            float zf = dx * f.x + dy * f.y + dz * f.z;
            if (zf <= 0) continue;
            float px = (dx * r.x + dy * r.y + dz * r.z) / (zf * th), py = (dx * u.x + dy * u.y + dz * u.z) / (zf * th);
            int cx = Math.round((px + 1) / 2 * TILE), cy = Math.round((1 - py) / 2 * TILE);
            float shade = n == null ? 0.8f : Math.max(0.15f, (float) (n[i] * l.x + n[i + 1] * l.y + n[i + 2] * l.z));
            int g = Math.min(255, Math.round(60 + 195 * shade));
            for (int oy = 0; oy < 2; oy++) {
                for (int ox = 0; ox < 2; ox++) {
                    int xx = cx + ox, yy = cy + oy;
                    if (xx < 0 || yy < 0 || xx >= TILE || yy >= TILE || depth[yy * TILE + xx] < zf) continue;
                    depth[yy * TILE + xx] = zf;
                    img.setRGB(xx, yy, (g << 16) | (Math.min(255, g * 9 / 10) << 8) | (g * 6 / 10));
                }
            }
        }
        return img;
    }

    static BufferedImage sheet(List<BufferedImage[]> rows, String[] titles) {
        int cols = titles.length, head = 24;
        BufferedImage img = new BufferedImage(cols * TILE, head + rows.size() * TILE, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), head);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        for (int c = 0; c < cols; c++) g.drawString(titles[c], c * TILE + 8, 16);
        for (int r = 0; r < rows.size(); r++) for (int c = 0; c < cols; c++) g.drawImage(rows.get(r)[c], c * TILE, head + r * TILE, null);
        g.dispose();
        return img;
    }
}
