package nfield.data.nerf;

import nfield.data.nerf.ColmapFiles.Cam;
import nfield.data.nerf.ColmapFiles.Img;
import nfield.data.nerf.ColmapFiles.Pt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static nfield.data.nerf.NerfFiles.flatPng;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * COLMAP models written here in both forms, read back: the conventions checked by projecting
 * points the COLMAP way and intersecting nfield's rays through those pixels; the world turned,
 * centred and scaled; and every malformed file an error naming the file, the record and the fault.
 */
class ColmapReaderTest {
    @TempDir
    Path dir;

    static final double[] FOCUS = {1, 2, 3};
    static final int W = 40, H = 30;
    /** OPENCV: fx fy cx cy k1 k2 p1 p2. */
    static final Cam OPENCV = new Cam(1, ColmapModel.Model.OPENCV, W, H, 30, 31, 19.5, 15.2, -0.12, 0.03, 0.002, -0.001);
    static final Cam FISHEYE = new Cam(2, ColmapModel.Model.OPENCV_FISHEYE, W, H, 20, 20, 20, 15, 0.05, -0.01, 0.002, 0);

    /** Cameras around FOCUS at distance 3 (a tilted ring), alternating the two cameras; world-to-camera as COLMAP keeps them. */
    static List<Img> ring(int n) {
        List<Img> out = new ArrayList<>();
        double[] up = norm(new double[] {0.2, -1, 0.3}); // COLMAP's world has no up of its own
        for (int k = 0; k < n; k++) {
            double a = 2 * Math.PI * k / n;
            double[] side = norm(cross(up, new double[] {1, 0, 0}));
            double[] other = cross(up, side);
            double[] c = new double[3];
            for (int i = 0; i < 3; i++) c[i] = FOCUS[i] + 3 * (Math.cos(a) * side[i] + Math.sin(a) * other[i]) + 0.8 * up[i];
            double[] z = norm(sub(FOCUS, c));
            double[] x = norm(cross(z, up)); // OpenCV: x right, y down, z forward
            double[] y = cross(z, x);
            double[] r = {x[0], x[1], x[2], y[0], y[1], y[2], z[0], z[1], z[2]};
            double[] t = {-(r[0] * c[0] + r[1] * c[1] + r[2] * c[2]), -(r[3] * c[0] + r[4] * c[1] + r[5] * c[2]),
                    -(r[6] * c[0] + r[7] * c[1] + r[8] * c[2])};
            out.add(new Img(10 + k, ColmapFiles.quaternion(r), t, k % 2 == 0 ? 1 : 2, String.format("frame_%02d.png", k)));
        }
        return out;
    }

    static List<Pt> points(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<Pt> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new Pt(100 + i, FOCUS[0] + rng.nextDouble(-0.5, 0.5), FOCUS[1] + rng.nextDouble(-0.5, 0.5),
                    FOCUS[2] + rng.nextDouble(-0.5, 0.5), 0.7));
        }
        return out;
    }

    private Path scene(String name, boolean binary, List<Img> ims) {
        Path root = dir.resolve(name);
        for (Img m : ims) flatPng(root.resolve("images").resolve(m.name()), W, H, 0x808080FF);
        ColmapFiles.write(root.resolve("sparse/0"), binary, List.of(OPENCV, FISHEYE), ims, points(40, 3));
        return root;
    }

    /** COLMAP's projection: X_cam = R X + t, then the camera's lens and intrinsics: continuous pixel coordinates. */
    private static double[] colmapPixel(Img m, Cam cam, double[] p) {
        ColmapModel.Image im = new ColmapModel.Image(m.id(), m.q(), m.t(), m.camera(), m.name());
        double[] r = im.rotation();
        double[] xc = new double[3];
        for (int i = 0; i < 3; i++) xc[i] = r[3 * i] * p[0] + r[3 * i + 1] * p[1] + r[3 * i + 2] * p[2] + m.t()[i];
        Intrinsics in = new ColmapModel.Camera(cam.id(), cam.model(), (int) cam.width(), (int) cam.height(), cam.params()).intrinsics();
        double[] d = new double[2];
        in.lens().project(xc[0], xc[1], xc[2], d);
        return new double[] {in.fx() * d[0] + in.cx(), in.fy() * d[1] + in.cy()};
    }

    @Test
    void raysThroughTheProjectedPixelsMeetAtThePoint() throws IOException {
        List<Img> ims = ring(8);
        for (boolean binary : new boolean[] {true, false}) {
            Path root = scene(binary ? "bin" : "txt", binary, ims);
            PosedImages d = NerfData.read(root, LoadOptions.DEFAULT);
            assertEquals(8, d.count());
            assertEquals("all", d.split());
            assertEquals(Lens.opencv(-0.12, 0.03, 0.002, -0.001, 0), d.intrinsics(0).lens());
            assertEquals(Lens.fisheye(0.05, -0.01, 0.002, 0), d.intrinsics(1).lens());
            assertEquals(19.5, d.intrinsics(0).cx());
            for (Pt p : points(40, 3)) {
                double[] world = {p.x(), p.y(), p.z()};
                // the rays of every camera through where it sees the point: all pass through one point
                double[] a = new double[9], b = new double[3];
                double[][] rays = new double[ims.size()][6];
                for (int k = 0; k < ims.size(); k++) {
                    double[] uv = colmapPixel(ims.get(k), k % 2 == 0 ? OPENCV : FISHEYE, world);
                    d.ray(k, uv[0], uv[1], rays[k], 0);
                    for (int i = 0; i < 3; i++) {
                        for (int j = 0; j < 3; j++) {
                            double m = (i == j ? 1 : 0) - rays[k][3 + i] * rays[k][3 + j];
                            a[3 * i + j] += m;
                            b[i] += m * rays[k][j];
                        }
                    }
                }
                double[] x = solve(a, b);
                for (double[] ray : rays) {
                    assertTrue(distanceToRay(x, ray) < 1e-9, (binary ? "bin" : "txt") + ": point " + p.id() + " is " + distanceToRay(x, ray)
                            + " off a ray through its pixel");
                }
                assertTrue(inside(d.box(), x), "point " + p.id() + " at " + Arrays.toString(x) + " outside the box " + Arrays.toString(d.box()));
            }
        }
        PosedImages bin = NerfData.read(dir.resolve("bin"), LoadOptions.DEFAULT), txt = NerfData.read(dir.resolve("txt"), LoadOptions.DEFAULT);
        for (int k = 0; k < 8; k++) assertArrayEquals(bin.pose(k), txt.pose(k), 1e-12);
        assertArrayEquals(bin.box(), txt.box(), 1e-12);
    }

    @Test
    void theWorldIsTurnedZUpCentredOnTheFocusAndScaled() throws IOException {
        PosedImages d = NerfData.read(scene("w", true, ring(8)), LoadOptions.DEFAULT);
        double[] up = new double[3];
        double dist = 0;
        for (int k = 0; k < d.count(); k++) {
            double[] m = d.pose(k);
            for (int a = 0; a < 3; a++) up[a] += m[4 * a + 1];
            double[] c = {m[3], m[7], m[11]};
            dist += Math.sqrt(c[0] * c[0] + c[1] * c[1] + c[2] * c[2]) / d.count();
            // every camera looks at the focus, now the origin: its optical axis passes through it
            double[] axis = {-m[2], -m[6], -m[10]};
            assertTrue(distanceToRay(new double[3], new double[] {c[0], c[1], c[2], axis[0], axis[1], axis[2]}) < 1e-9);
        }
        double len = Math.sqrt(up[0] * up[0] + up[1] * up[1] + up[2] * up[2]);
        assertEquals(1, up[2] / len, 1e-12, "the mean up is +z: " + Arrays.toString(up));
        assertEquals(ColmapReader.CAMERA_DISTANCE, dist, 1e-9);
        // the points lie within 0.5 · √3 of the focus, at scale 4/3: the box of interest from their percentiles holds about that
        double[] box = d.inner();
        for (int a = 0; a < 3; a++) {
            assertTrue(box[a] > -1.5 && box[a] < -0.3, Arrays.toString(box));
            assertTrue(box[a + 3] < 1.5 && box[a + 3] > 0.3, Arrays.toString(box));
        }
        // and the scene box holds the cameras too: the rest of the scene, around the subject
        assertTrue(d.unbounded());
        for (int k = 0; k < d.count(); k++) {
            double[] c = new double[3];
            d.cameraCentre(k, c);
            assertTrue(ColmapReaderTest.inside(d.box(), c), "camera " + k + " at " + Arrays.toString(c) + " outside " + Arrays.toString(d.box()));
        }
    }

    @Test
    void imagesComeInTheirNamesNaturalOrder() {
        List<String> names = new ArrayList<>(List.of("r_10.png", "r_2.png", "r_1.png", "img007.jpg", "img7b.jpg", "r_02.png", "a.png"));
        names.sort(ColmapReader::naturalOrder);
        assertEquals(List.of("a.png", "img007.jpg", "img7b.jpg", "r_1.png", "r_02.png", "r_2.png", "r_10.png"), names);
    }

    @Test
    void modelFolderLayouts() throws IOException {
        scene("a", true, ring(4));
        ColmapReader.Location at = ColmapReader.find(dir.resolve("a"));
        assertNotNull(at);
        assertEquals(dir.resolve("a/sparse/0"), at.model());
        assertEquals(dir.resolve("a/images"), at.images());
        assertTrue(at.binary());
        // the model folder itself, images three levels up (nerfstudio's colmap/sparse/0)
        ColmapFiles.write(dir.resolve("b/colmap/sparse/0"), false, List.of(OPENCV, FISHEYE), ring(4), points(10, 1));
        Files.createDirectories(dir.resolve("b/images"));
        at = ColmapReader.find(dir.resolve("b/colmap/sparse/0"));
        assertEquals(dir.resolve("b/images"), at.images());
        assertTrue(NerfData.isPosedImages(dir.resolve("b")));
        assertNull(ColmapReader.find(dir.resolve("nothing")));
        // a folder with a transforms.json is read by it, even with a model beside it
        Path t = scene("c", true, ring(4));
        NerfFiles.text(t.resolve("transforms.json"), NerfFiles.transforms("\"fl_x\": 30", NerfFiles.frame("images/frame_00.png", NerfFiles.AT_Z4)));
        assertEquals(1, NerfData.read(t, LoadOptions.DEFAULT).count());
    }

    @Test
    void aTransformsJsonWrittenFromTheModelReadsBackToTheSameCameras() throws IOException {
        Path root = scene("tw", true, ring(6));
        ColmapReader.Scene s = ColmapReader.scene(ColmapReader.find(root));
        Path json = root.resolve("transforms.json");
        TransformsWriter.write(json, s, "images/");
        PosedImages fromJson = NerfData.read(json, LoadOptions.DEFAULT);
        Files.delete(json);
        PosedImages fromModel = NerfData.read(root, LoadOptions.DEFAULT);
        assertEquals(fromModel.count(), fromJson.count());
        for (int k = 0; k < fromModel.count(); k++) {
            assertArrayEquals(fromModel.pose(k), fromJson.pose(k), 1e-12);
            assertEquals(fromModel.intrinsics(k), fromJson.intrinsics(k));
        }
        // the box of interest becomes the cube around it, sharing its centre and longest side; the scene box holds the model's
        double[] a = fromModel.inner(), b = fromJson.inner();
        double edge = 0;
        for (int i = 0; i < 3; i++) edge = Math.max(edge, a[i + 3] - a[i]);
        for (int i = 0; i < 3; i++) {
            assertEquals(0.5 * (a[i] + a[i + 3]), 0.5 * (b[i] + b[i + 3]), 1e-9);
            assertEquals(edge, b[i + 3] - b[i], 1e-9);
            assertTrue(fromJson.box()[i] <= fromModel.box()[i] && fromJson.box()[i + 3] >= fromModel.box()[i + 3]);
        }
        // COLMAP's rational terms have no place in a transforms.json
        ColmapFiles.write(root.resolve("sparse/0"), true, List.of(new Cam(1, ColmapModel.Model.FULL_OPENCV, W, H, 30, 31, 19.5, 15.2, -0.1, 0.01,
                0, 0, 0.001, 0.02, 0, 0), FISHEYE), ring(6), points(10, 1));
        NerfFormatException e = assertThrows(NerfFormatException.class,
                () -> TransformsWriter.write(json, ColmapReader.scene(ColmapReader.find(root)), "images/"));
        assertTrue(e.getMessage().contains("camera 1 (FULL_OPENCV) has rational distortion terms that a transforms.json cannot hold"), e.getMessage());
    }

    @Test
    void missingImagesAreDroppedAndHoldoutApplies() throws IOException {
        Path root = scene("m", true, ring(8));
        Files.delete(root.resolve("images/frame_03.png"));
        PosedImages d = NerfData.read(root, LoadOptions.DEFAULT);
        assertEquals(7, d.count());
        assertEquals(List.of("1 frame of 8 dropped: its image is missing: frame_03.png"), d.warnings());
        PosedImages test = NerfData.read(root, LoadOptions.DEFAULT.withHoldout(4, true));
        assertEquals(List.of(root.resolve("images/frame_00.png").toString(), root.resolve("images/frame_05.png").toString()), test.files());
        NerfFormatException e = assertThrows(NerfFormatException.class, () -> NerfData.read(root, LoadOptions.DEFAULT.withSplit("test")));
        assertEquals(root + ": a COLMAP model has no test split: hold frames out with --test-every N", e.getMessage());
    }

    // ---- malformed models: each an error with its message

    private Path model(String name) {
        Path root = dir.resolve(name);
        for (Img m : ring(4)) flatPng(root.resolve("images").resolve(m.name()), W, H, 0x808080FF);
        return root;
    }

    private static String error(Path root, String... parts) {
        String m = assertThrows(NerfFormatException.class, () -> NerfData.read(root, LoadOptions.DEFAULT)).getMessage();
        for (String part : parts) assertTrue(m.contains(part), "'" + part + "' missing in: " + m);
        return m;
    }

    private Path bin(String name, byte[] cams, byte[] ims, byte[] pts) throws IOException {
        Path root = model(name), m = root.resolve("sparse/0");
        Files.createDirectories(m);
        Files.write(m.resolve("cameras.bin"), cams);
        Files.write(m.resolve("images.bin"), ims);
        if (pts != null) Files.write(m.resolve("points3D.bin"), pts);
        return root;
    }

    private Path txt(String name, String cams, String ims, String pts) throws IOException {
        Path root = model(name), m = root.resolve("sparse/0");
        Files.createDirectories(m);
        Files.writeString(m.resolve("cameras.txt"), cams);
        Files.writeString(m.resolve("images.txt"), ims);
        if (pts != null) Files.writeString(m.resolve("points3D.txt"), pts);
        return root;
    }

    private static byte[] cut(byte[] b, int drop) {
        return Arrays.copyOf(b, b.length - drop);
    }

    @Test
    void binaryCountsThatLieAndRecordsCutOff() throws IOException {
        byte[] cams = ColmapFiles.camerasBin(List.of(OPENCV, FISHEYE)), ims = ColmapFiles.imagesBin(ring(4));
        byte[] pts = ColmapFiles.pointsBin(points(5, 1));
        Path ok = bin("ok", cams, ims, pts);
        assertEquals(4, NerfData.read(ok, LoadOptions.DEFAULT).count());

        byte[] lying = cams.clone();
        lying[0] = 3; // three cameras, two in the file
        error(bin("c3", lying, ims, pts), "sparse/0/cameras.bin: camera record 3 of 3 is cut off: it needs 4 more bytes at byte "
                + cams.length + " but the file ends at byte " + cams.length);
        lying[0] = (byte) 0xFF;
        lying[7] = 0x7F; // 2^63 − 1 + ... : more than the file could ever hold
        error(bin("cbig", lying, ims, pts), "cameras.bin: the header counts", "but the file's " + (cams.length - 8) + " remaining bytes hold at most");
        error(bin("ccut", cut(cams, 5), ims, pts), "cameras.bin: camera 2 is cut off: it needs 8 more bytes");
        byte[] extra = Arrays.copyOf(cams, cams.length + 3);
        error(bin("cextra", extra, ims, pts), "cameras.bin: 3 bytes after the last of the 2 cameras the header counts");
        error(bin("icut", cams, cut(ims, 30), pts), "images.bin: image 13 (frame_03.png) is cut off");
        byte[] noNul = Arrays.copyOf(ColmapFiles.imagesBin(List.of(ring(1).get(0))), 8 + 4 + 56 + 4 + 90);
        Arrays.fill(noNul, 8 + 4 + 56 + 4, noNul.length, (byte) 'x'); // a name that runs to the end of the file
        error(bin("inul", cams, noNul, pts), "images.bin: image 10: its name has no terminating NUL before the file ends at byte 162");
        byte[] many2d = ColmapFiles.imagesBin(List.of(ring(1).get(0)));
        int at = 8 + 4 + 56 + 4 + "frame_00.png".length() + 1;
        many2d[at + 3] = 0x10; // the 2D point count becomes 2^28 + 1
        error(bin("i2d", cams, many2d, pts), "images.bin: image 10 (frame_00.png) counts 268435457 2D points but only 24 bytes remain");
        error(bin("pcut", cams, ims, cut(pts, 40)), "points3D.bin: point 104 is cut off: it needs 8 more bytes");
        error(bin("ptail", cams, ims, cut(pts, 1)), "points3D.bin: point 104 has a track of 2 but only 15 bytes remain (8 an entry)");
        byte[] track = ColmapFiles.pointsBin(points(1, 1));
        track[8 + 8 + 24 + 3 + 8 + 4] = 1; // track length 2^32 + 2
        error(bin("ptrack", cams, ims, track), "points3D.bin: point 100 has a track of 4294967298 but only 16 bytes remain");
    }

    @Test
    void binaryValuesThatCannotBe() throws IOException {
        byte[] ims = ColmapFiles.imagesBin(ring(4));
        error(bin("model", ColmapFiles.camerasBin(List.of(new Cam(1, ColmapModel.Model.OPENCV, W, H, 30, 31, 19.5, 15.2, 0, 0, 0, 0))) , ims, null),
                "image 11 (frame_01.png): camera 2 is not in the model's cameras ([1])");
        byte[] unknown = ColmapFiles.camerasBin(List.of(OPENCV, FISHEYE));
        unknown[8 + 4] = 42;
        error(bin("id42", unknown, ims, null), "cameras.bin: camera 1: unknown camera model id 42 (COLMAP's are 0 .. 10: 0 SIMPLE_PINHOLE, 1 PINHOLE");
        error(bin("fov", ColmapFiles.camerasBin(List.of(OPENCV, new Cam(2, ColmapModel.Model.FOV, W, H, 20, 20, 20, 15, 0.9))), ims, null),
                "cameras.bin: camera 2 (FOV): nfield does not model this lens; undistort the images with COLMAP's image_undistorter");
        error(bin("nan", ColmapFiles.camerasBin(List.of(OPENCV, new Cam(2, ColmapModel.Model.OPENCV_FISHEYE, W, H, 20, 20, 20, 15, Double.NaN, 0, 0, 0))),
                ims, null), "cameras.bin: camera 2 (OPENCV_FISHEYE): parameter 5 is NaN (must be finite)");
        error(bin("f0", ColmapFiles.camerasBin(List.of(OPENCV, new Cam(2, ColmapModel.Model.SIMPLE_PINHOLE, W, H, -3, 20, 15))), ims, null),
                "camera 2 (SIMPLE_PINHOLE): focal length -3.0 (must be positive)");
        error(bin("size", ColmapFiles.camerasBin(List.of(OPENCV, new Cam(2, ColmapModel.Model.PINHOLE, 0, H, 20, 20, 20, 15))), ims, null),
                "camera 2 (PINHOLE): image size 0x30 (must be 1 .. 1048576 pixels a side)");
        error(bin("twice", ColmapFiles.camerasBin(List.of(OPENCV, OPENCV)), ims, null), "cameras.bin: camera id 1 appears twice");
        List<Img> r = new ArrayList<>(ring(4));
        r.set(2, new Img(12, new double[] {0, 0, 0, 0}, r.get(2).t(), 1, r.get(2).name()));
        byte[] cams = ColmapFiles.camerasBin(List.of(OPENCV, FISHEYE));
        error(bin("q0", cams, ColmapFiles.imagesBin(r), null), "images.bin: image 12 (frame_02.png): quaternion [0.0, 0.0, 0.0, 0.0] has length 0.0, not 1");
        r.set(2, new Img(12, r.get(0).q(), new double[] {0, Double.POSITIVE_INFINITY, 0}, 1, r.get(2).name()));
        error(bin("tinf", cams, ColmapFiles.imagesBin(r), null), "image 12 (frame_02.png): translation [0.0, Infinity, 0.0] is not finite");
        r.set(2, new Img(11, r.get(2).q(), r.get(0).t(), 1, r.get(2).name()));
        error(bin("idtwice", cams, ColmapFiles.imagesBin(r), null), "image 11 (frame_02.png): image id 11 appears twice");
        error(bin("ptnan", cams, ims, ColmapFiles.pointsBin(List.of(new Pt(7, 0, Double.NaN, 1, 0.5)))),
                "points3D.bin: point 7 is at 0.0 NaN 1.0 (must be finite)");
        error(bin("none", cams, ColmapFiles.imagesBin(List.of()), null), "images.bin: no registered images");
        Path small = bin("small", ColmapFiles.camerasBin(List.of(new Cam(1, ColmapModel.Model.PINHOLE, 20, 30, 20, 20, 10, 15),
                new Cam(2, ColmapModel.Model.PINHOLE, 20, 30, 20, 20, 10, 15))), ims, null);
        error(small, "image 10 (frame_00.png): camera 1 (PINHOLE) says 20x30 but ", "frame_00.png is 40x30");
    }

    @Test
    void textLinesThatCannotBeRead() throws IOException {
        String cams = ColmapFiles.camerasTxt(List.of(OPENCV, FISHEYE)), ims = ColmapFiles.imagesTxt(ring(4));
        assertEquals(4, NerfData.read(txt("ok", cams, ims, ColmapFiles.pointsTxt(points(3, 2))), LoadOptions.DEFAULT).count());
        error(txt("short", cams.replace("2 OPENCV_FISHEYE " + W + " " + H, "2 OPENCV_FISHEYE"), ims, null),
                "cameras.txt line 5: a OPENCV_FISHEYE camera has 8 parameters, this line gives 6");
        error(txt("few", cams + "3 PINHOLE 40\n", ims, null), "cameras.txt line 6: expected CAMERA_ID MODEL WIDTH HEIGHT PARAMS[], got '3 PINHOLE 40'");
        error(txt("name", cams + "3 PINHOLEX 40 30 1 2 3 4\n", ims, null), "cameras.txt line 6: unknown camera model 'PINHOLEX' (COLMAP's are SIMPLE_PINHOLE");
        error(txt("num", cams + "3 PINHOLE 40 30 1 2 x 4\n", ims, null), "cameras.txt line 6: parameter 3 is not a number: 'x'");
        error(txt("nan", cams + "3 PINHOLE 40 30 1 nan 3 4\n", ims, null), "cameras.txt line 6: camera 3 (PINHOLE): parameter 2 is NaN");
        error(txt("wid", cams + "3 PINHOLE 40.5 30 1 2 3 4\n", ims, null), "cameras.txt line 6: WIDTH is not a whole number: '40.5'");
        error(txt("img", cams, ims + "99 1 0 0\n\n", null), "images.txt line 12: expected IMAGE_ID QW QX QY QZ TX TY TZ CAMERA_ID NAME, got '99 1 0 0'");
        error(txt("qx", cams, ims.replaceFirst("\n10 [^ ]+ ", "\n10 one "), null), "images.txt line 4: QW is not a number: 'one'");
        error(txt("p2d", cams, ims.replace("10.5 20.5 1 30.5 40.5 -1", "10.5 20.5 1 30.5"), null),
                "images.txt line 5: the 2D points of image 10 must be X Y POINT3D_ID triples, got 4 numbers");
        error(txt("cam9", cams, ims.replaceFirst(" 1 frame_00.png", " 9 frame_00.png"), null),
                "images.txt line 4: image 10 (frame_00.png): camera 9 is not in the model's cameras ([1, 2])");
        error(txt("pts", cams, ims, "1 0 0 0 1 2 3 0.5 1\n"), "points3D.txt line 1: expected POINT3D_ID X Y Z R G B ERROR TRACK[]", "got 9 fields");
        error(txt("ptinf", cams, ims, "1 0 inf 0 1 2 3 0.5\n"), "points3D.txt line 1: point 1 is at 0.0 Infinity 0.0 (must be finite)");
    }

    // ---- small vector helpers

    static double[] norm(double[] v) {
        double l = Math.sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
        return new double[] {v[0] / l, v[1] / l, v[2] / l};
    }

    static double[] cross(double[] a, double[] b) {
        return new double[] {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
    }

    static double[] sub(double[] a, double[] b) {
        return new double[] {a[0] - b[0], a[1] - b[1], a[2] - b[2]};
    }

    /** The distance from {@code p} to the line through ray[0..3) along the unit ray[3..6). */
    static double distanceToRay(double[] p, double[] ray) {
        double[] v = {p[0] - ray[0], p[1] - ray[1], p[2] - ray[2]};
        double[] c = cross(v, new double[] {ray[3], ray[4], ray[5]});
        return Math.sqrt(c[0] * c[0] + c[1] * c[1] + c[2] * c[2]);
    }

    static boolean inside(double[] box, double[] p) {
        for (int a = 0; a < 3; a++) if (p[a] < box[a] || p[a] > box[a + 3]) return false;
        return true;
    }

    /** Cramer's rule for the row-major 3×3 a. */
    static double[] solve(double[] a, double[] b) {
        double det = det(a);
        double[] x = new double[3];
        for (int c = 0; c < 3; c++) {
            double[] m = a.clone();
            for (int r = 0; r < 3; r++) m[3 * r + c] = b[r];
            x[c] = det(m) / det;
        }
        return x;
    }

    static double det(double[] m) {
        return m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) + m[2] * (m[3] * m[7] - m[4] * m[6]);
    }
}
