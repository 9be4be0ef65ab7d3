package nfield.testing;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A posed-image set rendered analytically here: a sphere of radius {@value #R} coloured by its
 * normal (0.5 + 0.5 n) on a transparent background, seen by cameras on a sphere of radius 3
 * (Blender convention, transforms json with RGBA PNGs, alpha 0 off the sphere).
 */
public final class PosedSphere {
    private PosedSphere() {}

    public static final double R = 0.6;

    /** A small radiance scene for fits of these images: a 4-level hash grid and one hidden layer of 16, Huber loss, 12 steps. */
    public static final String SCENE = """
            {"field": {"kind": "radiance", "density_activation": "trunc_exp",
                       "encoding": {"type": "hash", "levels": 4, "features": 2, "log2_table": 10, "base_resolution": 8, "per_level_scale": 1.5},
                       "network": {"width": 16, "hidden_layers": 1}},
             "loss": {"type": "huber", "delta": 0.05},
             "optimizer": {"lr": 0.01, "schedule": {"type": "constant"}},
             "train": {"steps": 12, "log_every": 4},
             "marching": {"samples_per_step": 4096, "max_samples_per_ray": 64, "steps_across": 64, "grid": 16, "grid_every": 4}}
            """;

    /** Camera-to-world looking at the origin from azimuth az, elevation el (radians), distance 3. */
    public static double[] pose(double az, double el) {
        double[] c = {3 * Math.cos(el) * Math.sin(az), 3 * Math.sin(el), 3 * Math.cos(el) * Math.cos(az)};
        double[] z = {c[0] / 3, c[1] / 3, c[2] / 3}; // camera looks down -z: z points from the origin to the camera
        double[] up = {0, 1, 0};
        double[] x = cross(up, z);
        double nx = Math.sqrt(x[0] * x[0] + x[1] * x[1] + x[2] * x[2]);
        for (int i = 0; i < 3; i++) x[i] /= nx;
        double[] y = cross(z, x);
        return new double[]{x[0], y[0], z[0], c[0], x[1], y[1], z[1], c[1], x[2], y[2], z[2], c[2], 0, 0, 0, 1};
    }

    static double[] cross(double[] a, double[] b) {
        return new double[]{a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
    }

    public static void render(Path file, double[] m, int w, double angle) throws IOException {
        double f = 0.5 * w / Math.tan(0.5 * angle);
        BufferedImage im = new BufferedImage(w, w, BufferedImage.TYPE_INT_ARGB);
        for (int py = 0; py < w; py++) {
            for (int px = 0; px < w; px++) {
                double dx = (px + 0.5 - 0.5 * w) / f, dy = -(py + 0.5 - 0.5 * w) / f, dz = -1;
                double[] d = {m[0] * dx + m[1] * dy + m[2] * dz, m[4] * dx + m[5] * dy + m[6] * dz, m[8] * dx + m[9] * dy + m[10] * dz};
                double n = Math.sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
                double[] o = {m[3], m[7], m[11]};
                double b = 0, cc = -R * R;
                for (int i = 0; i < 3; i++) {
                    d[i] /= n;
                    b += o[i] * d[i];
                    cc += o[i] * o[i];
                }
                double disc = b * b - cc;
                int argb = 0x00000000;
                if (disc > 0) {
                    double t = -b - Math.sqrt(disc);
                    int[] rgb = new int[3];
                    for (int i = 0; i < 3; i++) rgb[i] = (int) Math.round(255 * (0.5 + 0.5 * (o[i] + t * d[i]) / R));
                    argb = 0xFF000000 | rgb[0] << 16 | rgb[1] << 8 | rgb[2];
                }
                im.setRGB(px, py, argb);
            }
        }
        ImageIO.write(im, "png", file.toFile());
    }

    public static void writeSplit(Path dir, String split, int n, double azOffset, double angle, int w) throws IOException {
        Files.createDirectories(dir.resolve(split));
        StringBuilder frames = new StringBuilder();
        for (int k = 0; k < n; k++) {
            double az = 2 * Math.PI * k / n + azOffset, el = Math.toRadians(k % 2 == 0 ? 25 : -10);
            double[] m = pose(az, el);
            render(dir.resolve(split + "/r_" + k + ".png"), m, w, angle);
            StringBuilder mat = new StringBuilder("[");
            for (int r = 0; r < 4; r++) {
                mat.append(r > 0 ? ", [" : "[");
                for (int c = 0; c < 4; c++) mat.append(c > 0 ? ", " : "").append(String.format(Locale.ROOT, "%.12f", m[4 * r + c]));
                mat.append("]");
            }
            mat.append("]");
            frames.append(k > 0 ? ",\n" : "").append("{\"file_path\": \"./").append(split).append("/r_").append(k)
                    .append("\", \"transform_matrix\": ").append(mat).append("}");
        }
        Files.writeString(dir.resolve("transforms_" + split + ".json"), String.format(Locale.ROOT,
                "{\"camera_angle_x\": %.9f, \"frames\": [%s]}", angle, frames));
    }
}
