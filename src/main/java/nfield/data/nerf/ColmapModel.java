package nfield.data.nerf;

import java.util.List;
import java.util.Map;

/**
 * A COLMAP sparse reconstruction as its files hold it: cameras, registered images and 3D points,
 * in COLMAP's own conventions (world-to-camera poses, OpenCV cameras: x right, y down, +z
 * forward; pixel (0, 0) the top-left corner of the image, so the top-left pixel's centre is
 * (0.5, 0.5)). {@link ColmapReader} reads one and turns it into posed images.
 *
 * @param cameras by id
 * @param images  in the order of their file names, numbers read as numbers (r_2 before r_10)
 * @param points  the 3D points, [n, 3] world coordinates
 * @param errors  each point's mean reprojection error in pixels, [n]
 */
public record ColmapModel(Map<Integer, Camera> cameras, List<Image> images, double[] points, double[] errors) {
    /** COLMAP's camera models: id, name, parameter count, in the order of its {@code CameraModelId}s. */
    public enum Model {
        SIMPLE_PINHOLE(0, 3), PINHOLE(1, 4), SIMPLE_RADIAL(2, 4), RADIAL(3, 5), OPENCV(4, 8), OPENCV_FISHEYE(5, 8), FULL_OPENCV(6, 12),
        FOV(7, 5), SIMPLE_RADIAL_FISHEYE(8, 4), RADIAL_FISHEYE(9, 5), THIN_PRISM_FISHEYE(10, 12);

        public final int id;
        public final int params;

        Model(int id, int params) {
            this.id = id;
            this.params = params;
        }

        /** The model with COLMAP id {@code id}, or null. */
        public static Model ofId(long id) {
            for (Model m : values()) if (m.id == id) return m;
            return null;
        }

        /** The model named {@code name}, or null. */
        public static Model ofName(String name) {
            for (Model m : values()) if (m.name().equals(name)) return m;
            return null;
        }

        /** Whether nfield models this lens (all but FOV and THIN_PRISM_FISHEYE). */
        public boolean supported() {
            return this != FOV && this != THIN_PRISM_FISHEYE;
        }
    }

    /** A camera: its model, the image size in pixels, and the model's parameters in COLMAP's order. */
    public record Camera(int id, Model model, int width, int height, double[] params) {
        /**
         * The intrinsics: focal lengths and principal point as COLMAP gives them (the same pixel
         * convention as {@link Intrinsics}), and the lens.
         */
        public Intrinsics intrinsics() {
            double[] p = params;
            return switch (model) {
                case SIMPLE_PINHOLE -> new Intrinsics(p[0], p[0], p[1], p[2]);
                case PINHOLE -> new Intrinsics(p[0], p[1], p[2], p[3]);
                case SIMPLE_RADIAL -> new Intrinsics(p[0], p[0], p[1], p[2], Lens.opencv(p[3], 0, 0, 0, 0));
                case RADIAL -> new Intrinsics(p[0], p[0], p[1], p[2], Lens.opencv(p[3], p[4], 0, 0, 0));
                case OPENCV -> new Intrinsics(p[0], p[1], p[2], p[3], Lens.opencv(p[4], p[5], p[6], p[7], 0));
                case OPENCV_FISHEYE -> new Intrinsics(p[0], p[1], p[2], p[3], Lens.fisheye(p[4], p[5], p[6], p[7]));
                case FULL_OPENCV -> new Intrinsics(p[0], p[1], p[2], p[3],
                        Lens.radialTangential(p[4], p[5], p[8], 0, p[9], p[10], p[11], p[6], p[7]));
                case SIMPLE_RADIAL_FISHEYE -> new Intrinsics(p[0], p[0], p[1], p[2], Lens.fisheye(p[3], 0, 0, 0));
                case RADIAL_FISHEYE -> new Intrinsics(p[0], p[0], p[1], p[2], Lens.fisheye(p[3], p[4], 0, 0));
                case FOV, THIN_PRISM_FISHEYE -> throw new IllegalStateException(model + " is not modelled");
            };
        }
    }

    /**
     * A registered image: the world-to-camera rotation as a unit quaternion (qw, qx, qy, qz) and
     * translation (X_cam = R X_world + t), its camera, and its file name relative to the images' folder.
     */
    public record Image(int id, double[] q, double[] t, int cameraId, String name) {
        /** The rotation R of the quaternion, row-major [9]. */
        public double[] rotation() {
            return nfield.geom.Rotations.matrix(q[0], q[1], q[2], q[3]);
        }

        /** The camera's centre in world coordinates, −Rᵀ t. */
        public double[] centre() {
            double[] r = rotation();
            return new double[] {
                -(r[0] * t[0] + r[3] * t[1] + r[6] * t[2]),
                -(r[1] * t[0] + r[4] * t[1] + r[7] * t[2]),
                -(r[2] * t[0] + r[5] * t[1] + r[8] * t[2])};
        }

        /**
         * The camera-to-world pose in the NeRF convention (x right, y up, looking down −z),
         * row-major 4×4, in COLMAP's world: Rᵀ with its y and z columns negated, and the centre.
         */
        public double[] nerfPose() {
            double[] r = rotation(), c = centre();
            double[] m = new double[16];
            for (int i = 0; i < 3; i++) {
                m[4 * i] = r[i];          // column 0 of Rᵀ is row 0 of R
                m[4 * i + 1] = -r[3 + i];
                m[4 * i + 2] = -r[6 + i];
                m[4 * i + 3] = c[i];
            }
            m[15] = 1;
            return m;
        }
    }

    /** How many 3D points the model has. */
    public int pointCount() {
        return errors.length;
    }
}
