package nfield.pipeline;

import nfield.compute.ref.RefBackend;
import nfield.config.SceneConfig;
import nfield.data.nerf.LoadOptions;
import nfield.data.nerf.NerfData;
import nfield.data.nerf.PosedImages;
import nfield.field.FieldMeta;
import nfield.io.FieldFile;
import nfield.testing.PosedSphere;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Radiance fits and their evaluation as library calls, on a tiny sphere rendered here (java backend). */
class RadianceFitTest {
    @TempDir
    Path dir;

    static final String TEXT = nfield.testing.PosedSphere.SCENE;
    static final SceneConfig SCENE = SceneConfig.parse("test scene", TEXT);

    @Test
    void aRadianceFitRecordsWhatRenderingItNeedsAndWritesSnapshots() throws IOException {
        PosedSphere.writeSplit(dir, "train", 6, 0, 0.69, 16);
        PosedSphere.writeSplit(dir, "test", 2, 0.4, 0.69, 16);
        Path out = dir.resolve("sphere.nfield");
        Recorder rec = new Recorder();
        FitRequest req = FitRequest.of(dir.resolve("transforms_train.json").toString(), SCENE).withOutput(out)
                .withSnapshots(List.of(new FitRequest.Snapshot(1e-6, "first")));
        FitResult r;
        try (RefBackend b = new RefBackend()) {
            r = RadianceFit.run(req, RadianceFit.Options.DEFAULT, b, rec);
            assertEquals(12, r.steps());
            assertEquals(List.of("huber", "mse", "psnr", "occupancy"), List.copyOf(r.terms().keySet()));
            assertTrue(r.figures().get("train_psnr") > 0, r.figures().toString());
            assertEquals(List.of("rays", "marching", "field_and_rendering", "occupancy_grid"), List.copyOf(r.timing().keySet()));

            FieldMeta m = r.fitted().meta();
            PosedImages train = NerfData.read(dir.resolve("transforms_train.json"), LoadOptions.DEFAULT);
            assertEquals("y", m.radiance().up(), "the cameras hold +y up");
            assertArrayEquals(new float[]{1, 1, 1}, m.radiance().background());
            assertEquals("random", m.radiance().trainBackground(), "RGBA images train on random backgrounds");
            assertArrayEquals(train.box(), m.radiance().box());
            assertEquals(RadianceFit.normalization(train.box()), m.normalization());
            assertEquals("huber", m.fittedTo().loss());
            assertEquals(0.05, m.fittedTo().lossDelta());
            assertEquals(m, FieldFile.readMeta(out), "the file holds what the fit returned");

            assertEquals(1, rec.snapshots.size(), rec.events.toString());
            Path snap = dir.resolve("sphere-first.nfield");
            assertEquals(snap, rec.snapshots.get(0));
            assertTrue(Files.isRegularFile(snap));
            assertEquals(4, FieldFile.readMeta(snap).steps(), "written at the first report past its time");

            PosedImages test = RadianceEval.testViews(r.fitted(), dir.resolve("transforms_test.json"), 1, 0, s -> {});
            List<RadianceEval.View> seen = new java.util.ArrayList<>();
            RadianceEval.Result e = RadianceEval.run(r.fitted(), test, dir.resolve("eval"), seen::add);
            assertEquals(2, e.views().size());
            assertEquals(e.views(), seen);
            assertEquals((e.views().get(0).psnr() + e.views().get(1).psnr()) / 2, e.meanPsnr(), 1e-12);
            assertTrue(Files.isRegularFile(dir.resolve("eval/view_001.png")));
        }
    }

    /** fit --test-every 3 on one set of frames: the fit trains on the rest, records 3, and eval scores the held-out ones by default. */
    @Test
    void aHoldoutTrainsOnTheRestAndEvalScoresTheHeldOutFrames() throws IOException {
        PosedSphere.writeSplit(dir, "train", 7, 0, 0.69, 8);
        Path data = dir.resolve("transforms_train.json");
        Recorder rec = new Recorder();
        FitResult r;
        try (RefBackend b = new RefBackend()) {
            r = RadianceFit.run(FitRequest.of(data.toString(), SCENE).withBudget(FitRequest.Budget.steps(2)),
                    new RadianceFit.Options(null, null, 2, 3, false), b, rec);
            assertEquals(3, r.fitted().meta().fittedTo().testEvery());
            assertTrue(rec.events.stream().anyMatch(e -> e.startsWith("info " + data + " (train (all but every 3rd)): 4 images 4x4")),
                    rec.events.toString());
            List<String> said = new java.util.ArrayList<>();
            PosedImages test = RadianceEval.testViews(r.fitted(), data, 2, 0, said::add);
            assertEquals(List.of("r_0.png", "r_3.png", "r_6.png"), test.files().stream().map(f -> Path.of(f).getFileName().toString()).toList());
            assertEquals("holding out every 3rd frame of " + data + ", as the fit did (--test-every 3)", said.get(0));
            // another set of views: its own test split, all of it
            PosedSphere.writeSplit(dir, "test", 2, 0.4, 0.69, 8);
            assertEquals(2, RadianceEval.testViews(r.fitted(), dir.resolve("transforms_test.json"), 2, 0, s -> {}).count());
        }
    }

    /** fit --no-distortion: every camera a pinhole, recorded in the field, and eval reads the cameras so again. */
    @Test
    void pinholeCamerasAreRecordedAndEvalFollows() throws IOException {
        PosedSphere.writeSplit(dir, "train", 4, 0, 0.69, 8);
        Path data = dir.resolve("transforms_train.json");
        Files.writeString(data, Files.readString(data).replaceFirst("\\{", "{\"k1\": 0.05, \"p2\": 0.001, "));
        assertEquals(nfield.data.nerf.Lens.opencv(0.05, 0, 0, 0.001, 0), NerfData.read(data, LoadOptions.DEFAULT).intrinsics(0).lens());
        Recorder rec = new Recorder();
        Path out = dir.resolve("pin.nfield");
        try (RefBackend b = new RefBackend()) {
            FitResult r = RadianceFit.run(FitRequest.of(data.toString(), SCENE).withBudget(FitRequest.Budget.steps(2)).withOutput(out),
                    new RadianceFit.Options(null, null, 2, 0, true), b, rec);
            assertTrue(r.fitted().meta().fittedTo().pinholeCameras());
            assertTrue(rec.events.stream().anyMatch(e -> e.contains("warning: lens distortion ignored (pinhole cameras asked for): "
                    + "radial-tangential k1 0.0500 p2 0.00100")), rec.events.toString());
            assertTrue(FieldFile.readMeta(out).fittedTo().pinholeCameras(), "the file records it");
            PosedImages views = RadianceEval.testViews(FieldFile.load(out, b), data, 2, 0, s -> {});
            assertEquals(nfield.data.nerf.Lens.PINHOLE, views.intrinsics(0).lens());
        }
    }

    /** Four 8x8 views of the sphere as an unbounded scene (instant-ngp's aabb_scale 4): their transforms file. */
    private Path unboundedSphere() throws IOException {
        PosedSphere.writeSplit(dir, "train", 4, 0, 0.69, 8);
        Path data = dir.resolve("transforms_train.json");
        Files.writeString(data, Files.readString(data).replaceFirst("\\{", "{\"aabb_scale\": 4, "));
        return data;
    }

    /** An unbounded scene (aabb_scale 4): contracted by default, normalised by the box of interest, recorded; --contract off is not. */
    @Test
    void unboundedScenesAreContractedAndRecordedSo() throws IOException {
        Path data = unboundedSphere();
        PosedImages train = NerfData.read(data, LoadOptions.DEFAULT);
        assertTrue(train.unbounded());
        Path out = dir.resolve("u.nfield");
        try (RefBackend b = new RefBackend()) {
            Recorder rec = new Recorder();
            FitResult r = RadianceFit.run(FitRequest.of(data.toString(), SCENE).withBudget(FitRequest.Budget.steps(3)).withOutput(out),
                    RadianceFit.Options.DEFAULT, b, rec);
            FieldMeta.Radiance rad = r.fitted().radiance();
            assertTrue(rad.contracted());
            assertArrayEquals(train.inner(), rad.inner());
            assertArrayEquals(train.box(), rad.box());
            assertEquals(RadianceFit.normalization(train.inner()), r.fitted().normalization(), "the box of interest fills the normalised cube");
            assertTrue(rec.events.stream().anyMatch(e -> e.startsWith("info unbounded scene: ")), rec.events.toString());
            assertEquals(rad, FieldFile.readMeta(out).radiance(), "the file records the box of interest");
            assertTrue(nfield.radiance.RadianceRenderer.of(FieldFile.load(out, b)).grid().occupancy() > 0);
            float[] img = RadianceEval.render(r.fitted(), train, 0);
            for (float v : img) assertTrue(v >= 0 && v <= 1, "a contracted render gives colours: " + v);

            FitResult off = RadianceFit.run(FitRequest.of(data.toString(), SCENE).withBudget(FitRequest.Budget.steps(1)),
                    new RadianceFit.Options(null, null, 1, 0, false, "off"), b, FitListener.NONE);
            assertTrue(!off.fitted().radiance().contracted());
            assertEquals(RadianceFit.normalization(train.box()), off.fitted().normalization());
            assertEquals("off", off.fitted().meta().marching().contract());
            // resuming the contracted field without contraction is refused, naming the flag
            FitError e = org.junit.jupiter.api.Assertions.assertThrows(FitError.class, () -> RadianceFit.run(FitRequest.of(data.toString(), SCENE)
                    .withBudget(FitRequest.Budget.steps(1)).withResume(out), new RadianceFit.Options(null, null, 1, 0, false, "off"), b, FitListener.NONE));
            assertTrue(e.getMessage().endsWith("it was fitted with the space beyond its box of interest contracted, this fit would be without; "
                    + "resume with --contract on"), e.getMessage());
        }
    }

    /**
     * The mesh of a contracted field covers its box of interest, read as training reads it: every
     * vertex lies in that box (original coordinates), the field there (through the same
     * contraction the marcher uses) has the density asked for, denser behind the vertex's normal
     * than in front, and the colours are colours. Meshing the contracted shell, or reading the box
     * of interest without its half scale, puts the vertices where the density is not the level.
     */
    @Test
    void aContractedFieldMeshesItsBoxOfInterest() throws IOException {
        Path data = unboundedSphere();
        PosedImages train = NerfData.read(data, LoadOptions.DEFAULT);
        Path out = dir.resolve("u.nfield");
        try (RefBackend b = new RefBackend()) {
            RadianceFit.run(FitRequest.of(data.toString(), SCENE).withBudget(FitRequest.Budget.steps(3)).withOutput(out),
                    RadianceFit.Options.DEFAULT, b, FitListener.NONE);
            nfield.export.ExportedField f = nfield.export.ExportedField.load(out, b);
            assertTrue(f.contracted());
            double s = f.normalization().scale();
            // a level the field crosses: the median density over the box of interest (field units)
            double[] in = train.inner();
            int k = 9;
            float[] grid = new float[3 * k * k * k];
            for (int i = 0; i < k * k * k; i++) {
                for (int a = 0; a < 3; a++) grid[3 * i + a] = (float) (in[a] + (in[a + 3] - in[a]) * ((i / (int) Math.pow(k, a)) % k + 0.5) / k);
            }
            float[] d = f.evaluate(grid, k * k * k);
            float[] dens = new float[k * k * k];
            for (int i = 0; i < dens.length; i++) dens[i] = d[4 * i];
            java.util.Arrays.sort(dens);
            double iso = dens[dens.length / 2] / s, spread = (dens[dens.length * 9 / 10] - dens[dens.length / 10]) / s;
            assertTrue(iso > 0 && spread > 0, "median density " + iso + ", spread " + spread);

            int res = 24;
            nfield.export.DensityMesh.Result m = nfield.export.DensityMesh.extract(f, res, iso);
            int nv = m.mesh().vertexCount();
            assertTrue(m.mesh().triangleCount() > 50, "triangles: " + m.mesh().triangleCount());
            double[] v = m.mesh().vertices();
            double cell = 2.0 / (res - 1) / s; // a grid cell, original units
            float[] pts = new float[v.length], ahead = new float[v.length], behind = new float[v.length];
            for (int i = 0; i < v.length; i++) {
                pts[i] = (float) v[i];
                ahead[i] = (float) (v[i] + 0.5 * cell * m.normals()[i]);
                behind[i] = (float) (v[i] - 0.5 * cell * m.normals()[i]);
            }
            for (int i = 0; i < nv; i++) {
                for (int a = 0; a < 3; a++) {
                    assertTrue(v[3 * i + a] >= in[a] - 1e-6 && v[3 * i + a] <= in[a + 3] + cell, "vertex " + i + " outside the box of interest");
                }
            }
            float[] at = f.evaluate(pts, nv), front = f.evaluate(ahead, nv), back = f.evaluate(behind, nv);
            int near = 0, ordered = 0, interior = 0;
            double[] c0 = {f.normalization().cx(), f.normalization().cy(), f.normalization().cz()};
            for (int i = 0; i < nv; i++) {
                boolean edge = false; // vertices on the caps where the grid's border closes the surface
                for (int a = 0; a < 3; a++) {
                    double lo = (v[3 * i + a] - c0[a]) * s;
                    edge |= Math.abs(lo) > 1 - 2.0 / (res - 1);
                }
                if (edge) continue;
                interior++;
                if (Math.abs(at[4 * i] / s - iso) <= 0.1 * spread) near++;
                if (back[4 * i] > front[4 * i]) ordered++;
                for (int c = 1; c < 4; c++) assertTrue(m.colors()[3 * i + c - 1] >= 0 && m.colors()[3 * i + c - 1] <= 1, "a colour");
            }
            System.out.printf(java.util.Locale.ROOT, "contracted mesh at --res %d: %d triangles, %d of %d interior vertices within a tenth of the density's spread of the level, %d with the density falling along the normal%n", res, m.mesh().triangleCount(), near, interior, ordered);
            assertTrue(interior > 20, "interior vertices: " + interior);
            assertTrue(near >= 0.9 * interior, near + " of " + interior + " vertices within a tenth of the spread (" + spread + ") of the level " + iso);
            assertTrue(ordered >= 0.9 * interior, ordered + " of " + interior + " vertices with the density falling along the normal");
        }
    }

    /**
     * view --camera: the orbit camera made from a data camera (level, centred, as these are) sends
     * every pixel's ray where the data camera does, from the same place, in the field's
     * normalised coordinates. Read as z-up (the cameras then held crooked, which an orbit cannot
     * show) it still stands at the centre and looks along the image centre's ray.
     */
    @Test
    void theViewerOpensAtADataCamera() throws IOException {
        PosedSphere.writeSplit(dir, "train", 5, 0.3, 0.69, 12);
        Path data = dir.resolve("transforms_train.json");
        try (RefBackend b = new RefBackend()) {
            FitResult r = RadianceFit.run(FitRequest.of(data.toString(), SCENE).withBudget(FitRequest.Budget.steps(1)),
                    RadianceFit.Options.DEFAULT, b, FitListener.NONE);
            PosedImages views = NerfData.read(data, LoadOptions.DEFAULT);
            nfield.geom.Normalization norm = r.fitted().normalization();
            int w = views.width(), h = views.height();
            double worst = 0;
            for (int k = 0; k < views.count(); k++) {
                for (boolean zUp : new boolean[] {false, true}) {
                    nfield.render.Camera c = RadianceEval.viewerCamera(r.fitted(), views, k, zUp);
                    double[] ray = new double[6];
                    views.pixelRay(k, 0, 0, ray, 0);
                    double[] eye = norm.apply(new double[] {ray[0], ray[1], ray[2]});
                    float[] e = nfield.render.Camera.toScene(c.eye(), zUp);
                    for (int a = 0; a < 3; a++) assertEquals(eye[a], e[a], 1e-5, "camera " + k + "'s centre, axis " + a);
                    org.joml.Vector3f fw = c.forward(), rt = c.right(), up = c.up();
                    float th = c.tanHalfFov(), aspect = (float) w / h;
                    if (zUp) {
                        double[] mid = new double[6];
                        PosedImages.ray(views.pose(k), 0, views.intrinsics(k), w / 2.0, h / 2.0, mid, 0);
                        float[] f = nfield.render.Camera.toScene(fw, true);
                        worst = Math.max(worst, angle(f, mid));
                        continue;
                    }
                    for (int y = 0; y < h; y += 3) {
                        for (int x = 0; x < w; x += 3) {
                            views.pixelRay(k, x, y, ray, 0);
                            double nx = (x + 0.5) / w * 2 - 1, ny = 1 - (y + 0.5) / h * 2; // viewer rows go up
                            org.joml.Vector3f d = new org.joml.Vector3f(fw).add(new org.joml.Vector3f(rt).mul((float) (nx * th * aspect)))
                                    .add(new org.joml.Vector3f(up).mul((float) (ny * th))).normalize();
                            float[] ds = nfield.render.Camera.toScene(d, zUp);
                            worst = Math.max(worst, angle(ds, ray));
                        }
                    }
                }
            }
            System.out.printf(java.util.Locale.ROOT, "viewer cameras from %d data cameras: worst ray angle %.2e rad%n", views.count(), worst);
            assertTrue(worst < 1e-5, "worst angle between a viewer ray and the data camera's: " + worst + " rad");
            FitError e = org.junit.jupiter.api.Assertions.assertThrows(FitError.class, () -> RadianceEval.viewerCamera(r.fitted(), views, 5, false));
            assertTrue(e.getMessage().endsWith("has cameras 0 .. 4"), e.getMessage());
        }
    }

    /** The angle between a and the direction b[3..6), both unit: atan2(|a x b|, a . b), which keeps its digits near 0. */
    private static double angle(float[] a, double[] b) {
        double cx = a[1] * b[5] - a[2] * b[4], cy = a[2] * b[3] - a[0] * b[5], cz = a[0] * b[4] - a[1] * b[3];
        return Math.atan2(Math.sqrt(cx * cx + cy * cy + cz * cz), a[0] * b[3] + a[1] * b[4] + a[2] * b[5]);
    }

    /** render --cameras-path: frames along the cameras, the ends at the first and last camera, orientations slerped between. */
    @Test
    void aPathThroughTheCameras() throws IOException {
        double c = Math.cos(0.3), s = Math.sin(0.3);
        double[] a = {1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 4, 0, 0, 0, 1};
        double[] b = {c, 0, s, 2, 0, 1, 0, 0, -s, 0, c, 4, 0, 0, 0, 1}; // turned 0.3 rad about y, moved 2 along x
        assertArrayEquals(a, RadianceEval.interpolate(a, b, 0), 1e-12);
        assertArrayEquals(b, RadianceEval.interpolate(a, b, 1), 1e-12);
        double c2 = Math.cos(0.15), s2 = Math.sin(0.15);
        assertArrayEquals(new double[] {c2, 0, s2, 1, 0, 1, 0, 0, -s2, 0, c2, 4, 0, 0, 0, 1}, RadianceEval.interpolate(a, b, 0.5), 1e-12);

        PosedSphere.writeSplit(dir, "train", 3, 0, 0.69, 8);
        Path data = dir.resolve("transforms_train.json");
        try (RefBackend bk = new RefBackend()) {
            FitResult r = RadianceFit.run(FitRequest.of(data.toString(), SCENE).withBudget(FitRequest.Budget.steps(2)),
                    RadianceFit.Options.DEFAULT, bk, FitListener.NONE);
            PosedImages views = NerfData.read(data, LoadOptions.DEFAULT);
            nfield.render.Turntable files = new nfield.render.Turntable(dir.resolve("fly.png"), 5);
            List<Integer> done = new java.util.ArrayList<>();
            RadianceEval.renderPath(r.fitted(), views, 5, files, done::add);
            assertEquals(List.of(0, 1, 2, 3, 4), done);
            for (int i = 0; i < 5; i++) {
                java.awt.image.BufferedImage im = javax.imageio.ImageIO.read(files.file(i).toFile());
                assertEquals(views.width(), im.getWidth());
            }
            // the first frame is camera 0's view through a pinhole: what render --camera 0 gives
            float[] cam0 = RadianceEval.render(r.fitted(), views, 0);
            java.awt.image.BufferedImage first = javax.imageio.ImageIO.read(files.file(0).toFile());
            int rgb = first.getRGB(3, 4);
            assertEquals(Math.round(255 * cam0[3 * (4 * views.width() + 3)]), (rgb >> 16) & 0xFF, 1);
            FitError e = org.junit.jupiter.api.Assertions.assertThrows(FitError.class, () -> RadianceEval.renderPath(r.fitted(), views, 1, files, i -> {}));
            assertTrue(e.getMessage().startsWith("--cameras-path 1: a path needs 2 frames"), e.getMessage());
        }
    }

    @Test
    void aLossARadianceFitCannotTakeIsRefused() throws IOException {
        PosedSphere.writeSplit(dir, "train", 3, 0, 0.69, 8);
        PosedImages train = NerfData.read(dir.resolve("transforms_train.json"), LoadOptions.DEFAULT);
        assertArrayEquals(new float[]{0, 0, 0}, RadianceFit.background(nfield.config.TrainBackground.parse("black"), train, "--background")
                .colour(), "images with alpha can be put on black");
        SceneConfig l1 = SceneConfig.parse("l1 scene", TEXT.replace("\"type\": \"huber\", \"delta\": 0.05", "\"type\": \"l1\""));
        try (RefBackend b = new RefBackend()) {
            FitError e = org.junit.jupiter.api.Assertions.assertThrows(FitError.class, () -> RadianceFit.run(
                    FitRequest.of(dir.resolve("transforms_train.json").toString(), l1), RadianceFit.Options.DEFAULT, train, b, FitListener.NONE));
            assertTrue(e.getMessage().startsWith("scene loss l1: radiance fits take l2 or huber"), e.getMessage());
        }
    }
}
