package nfield.data.nerf;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes the seeds of the posed-image fuzz targets (transforms, colmap-bin, colmap-txt, npz,
 * image) into {@code src/test/resources/fuzz/}: small valid inputs made by this project's own
 * test writers, one per layout a reader knows. Run once when a reader learns a new layout:
 * {@code java -cp target/test-classes:target/classes:$(cat target/fuzz/cp.txt) nfield.data.nerf.FuzzSeeds [ROOT]}.
 */
public final class FuzzSeeds {
    private FuzzSeeds() {}

    public static void main(String[] args) throws IOException {
        Path root = Path.of(args.length > 0 ? args[0] : "src/test/resources/fuzz");
        double[] a = {1, 0, 0, 0, 0, 0, -1, -4, 0, 1, 0, 0, 0, 0, 0, 1}, b = NerfFiles.AT_Z4;

        Path t = Files.createDirectories(root.resolve("transforms"));
        text(t.resolve("synthetic.json"), NerfFiles.transforms("\"camera_angle_x\": 0.69",
                NerfFiles.frame("./r_0", a), NerfFiles.frame("images/r_1.png", b)));
        text(t.resolve("ngp.json"), NerfFiles.transforms("\"fl_x\": 9.5, \"fl_y\": 9.25, \"cx\": 4.1, \"cy\": 2.9, \"w\": 8, \"h\": 6, "
                        + "\"k1\": -0.05, \"k2\": 0.01, \"p1\": 0.001, \"p2\": -0.002, \"aabb_scale\": 4, \"scale\": 0.33, \"offset\": [0.5, 0.5, 0.5]",
                NerfFiles.frame("r_0.png", a, "\"mask_path\": \"masks/r_0.png\""), NerfFiles.frame("images/r_1.png", b)));
        text(t.resolve("nerfstudio.json"), NerfFiles.transforms("\"camera_model\": \"OPENCV_FISHEYE\", \"fl_x\": 7, \"fl_y\": 7, "
                        + "\"k1\": 0.02, \"k2\": -0.01, \"k3\": 0.001, \"k4\": 0, \"w\": 8, \"h\": 6, "
                        + "\"applied_transform\": [[1, 0, 0, 0], [0, 0, 1, 0], [0, -1, 0, 0]]",
                NerfFiles.frame("r_0.png", a, "\"camera_model\": \"PINHOLE\", \"k1\": 0, \"k2\": 0, \"k3\": 0, \"k4\": 0"),
                NerfFiles.frame("images/r_1.png", b, "\"fl_x\": 6.5")));

        for (boolean binary : new boolean[] {true, false}) {
            Path c = Files.createDirectories(root.resolve(binary ? "colmap-bin" : "colmap-txt"));
            byte[][] m = ColmapFuzz.model(binary);
            for (int i = 0; i < 3; i++) Files.write(c.resolve(ColmapFuzz.STEMS[i] + (binary ? ".bin" : ".txt")), prefixed(i, m[i]));
        }

        Path z = Files.createDirectories(root.resolve("npz"));
        int n = 3, w = 4, h = 3;
        float[] px = new float[n * w * h * 3];
        for (int i = 0; i < px.length; i++) px[i] = (i % 7) / 7f;
        Map<String, byte[]> e = new LinkedHashMap<>();
        e.put("images.npy", NerfFiles.npy(1, "<f4", "(" + n + ", " + h + ", " + w + ", 3)", NerfFiles.f4(px)));
        e.put("poses.npy", NerfFiles.npy(1, "<f4", "(" + n + ", 4, 4)", NerfFiles.poses(n, b)));
        e.put("focal.npy", NerfFiles.npy(1, "<f8", "()", NerfFiles.f8(5.5)));
        NerfFiles.npz(z.resolve("tiny.npz"), e);
        byte[] u8 = new byte[n * w * h * 4];
        for (int i = 0; i < u8.length; i++) u8[i] = (byte) (i * 37);
        e.clear();
        e.put("focal.npy", NerfFiles.npy(2, "<f4", "(" + n + ",)", NerfFiles.f4(5, 5.5f, 6)));
        e.put("poses.npy", NerfFiles.npy(1, "<f8", "(" + n + ", 3, 4)", NerfFiles.f8(rows(n, a))));
        e.put("images.npy", NerfFiles.npy(1, "|u1", "(" + n + ", " + h + ", " + w + ", 4)", u8));
        NerfFiles.npz(z.resolve("rgba-u8.npz"), e);

        Path im = Files.createDirectories(root.resolve("image"));
        int[] types = {BufferedImage.TYPE_BYTE_GRAY, BufferedImage.TYPE_3BYTE_BGR, BufferedImage.TYPE_4BYTE_ABGR, BufferedImage.TYPE_BYTE_INDEXED};
        String[] names = {"gray", "rgb", "rgba", "palette"};
        for (int k = 0; k < types.length; k++) {
            BufferedImage bi = new BufferedImage(5, 3, types[k]);
            for (int y = 0; y < 3; y++) for (int x = 0; x < 5; x++) bi.setRGB(x, y, (x * 50) << 24 | (y * 80) << 16 | (x * 30) << 8 | (x + y) * 20);
            Files.write(im.resolve(names[k] + ".png"), encode(bi, "png"));
            if (k == 1) {
                Files.write(im.resolve("rgb.jpg"), encode(bi, "jpg"));
                Files.write(im.resolve("rgb.bmp"), encode(bi, "bmp"));
                Files.write(im.resolve("rgb.gif"), encode(bi, "gif"));
            }
        }
        Path p16 = im.resolve("gray-alpha-16.png");
        NerfFiles.png16(p16, 4, 3, 2, (x, y, band) -> band == 0 ? x * 16000 : 65535 - y * 20000);
        System.out.println("seeds written under " + root);
    }

    /** {@code n} copies of the top three rows of {@code m}. */
    private static double[] rows(int n, double[] m) {
        double[] out = new double[12 * n];
        for (int k = 0; k < n; k++) System.arraycopy(m, 0, out, 12 * k, 12);
        return out;
    }

    private static byte[] prefixed(int selector, byte[] file) {
        byte[] out = new byte[file.length + 1];
        out[0] = (byte) selector;
        System.arraycopy(file, 0, out, 1, file.length);
        return out;
    }

    private static byte[] encode(BufferedImage im, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (!ImageIO.write(im, format, out)) throw new IOException("no " + format + " writer for " + im);
        return out.toByteArray();
    }

    private static void text(Path f, String s) throws IOException {
        Files.writeString(f, s, StandardCharsets.UTF_8);
    }
}
