package nfield.render;

import org.joml.Vector3f;

/**
 * An orbit camera around the origin of the field box: azimuth about +y (0 looks from +z),
 * elevation above the xz plane (degrees), distance from the origin, vertical field of view.
 * Rays for pixel centres: d = normalize(forward + x·tan(fov/2)·aspect·right + y·tan(fov/2)·up)
 * with x, y in (-1, 1) and y up (the first image row is the bottom one, as in GL).
 */
public record Camera(double azimuth, double elevation, double distance, double fovDegrees, Vector3f target) {
    public static final double DEFAULT_FOV = 40;
    /** Where the viewer starts, and render's default orbit. */
    public static final Camera HOME = new Camera(30, 25, 3.2);

    public Camera {
        target = new Vector3f(target);
        if (!(distance > 0) || !Double.isFinite(distance)) throw new IllegalArgumentException("--distance " + distance + ": must be positive");
        if (Math.abs(elevation) >= 90) throw new IllegalArgumentException("--elevation " + elevation + ": must lie in (-90, 90)");
        if (!(fovDegrees > 0 && fovDegrees < 180)) throw new IllegalArgumentException("field of view " + fovDegrees + ": must lie in (0, 180)");
    }

    public Camera(double azimuth, double elevation, double distance) {
        this(azimuth, elevation, distance, DEFAULT_FOV, new Vector3f());
    }

    @Override
    public Vector3f target() {
        return new Vector3f(target);
    }

    /**
     * The orbit camera nearest to one at {@code eye} looking along {@code forward} (viewer space,
     * y up) with vertical field of view {@code fovDegrees}: it looks along the same direction
     * from the same place, at the point of that ray nearest the origin (the scene's centre; at
     * least a tenth of the eye's distance ahead). An orbit camera has no roll, so a camera held
     * crooked is shown level; a direction within 1° of straight up or down is tilted to ±89°.
     */
    public static Camera looking(Vector3f eye, Vector3f forward, double fovDegrees) {
        Vector3f f = new Vector3f(forward).normalize();
        if (!Float.isFinite(f.x + f.y + f.z) || !Float.isFinite(eye.x + eye.y + eye.z)) {
            throw new IllegalArgumentException("a camera needs a finite position and direction");
        }
        double d = Math.max(-eye.dot(f), 0.1 * Math.max(1, eye.length()));
        Vector3f target = new Vector3f(eye).add(new Vector3f(f).mul((float) d));
        double elevation = Math.max(-89, Math.min(89, Math.toDegrees(Math.asin(Math.max(-1, Math.min(1, -f.y))))));
        double azimuth = Math.toDegrees(Math.atan2(-f.x, -f.z));
        return new Camera(azimuth, elevation, d, fovDegrees, target);
    }

    /** A scene vector in viewer space (y up): the inverse of {@link #toScene}. */
    public static Vector3f fromScene(double x, double y, double z, boolean zUp) {
        return zUp ? new Vector3f((float) x, (float) z, (float) -y) : new Vector3f((float) x, (float) y, (float) z);
    }

    public Vector3f eye() {
        double a = Math.toRadians(azimuth), e = Math.toRadians(elevation);
        return new Vector3f((float) (distance * Math.cos(e) * Math.sin(a)), (float) (distance * Math.sin(e)),
                (float) (distance * Math.cos(e) * Math.cos(a))).add(target);
    }

    public Vector3f forward() {
        return target().sub(eye()).normalize();
    }

    public Vector3f right() {
        return forward().cross(new Vector3f(0, 1, 0)).normalize();
    }

    public Vector3f up() {
        return right().cross(forward()).normalize();
    }

    /** Unit vector towards the key light: behind the viewer, above and to the left, so what is seen is lit. */
    public Vector3f light() {
        return forward().negate().add(up().mul(0.8f)).sub(right().mul(0.5f)).normalize();
    }

    /**
     * A viewer-space vector (y up) in the scene's axes: unchanged for a y-up scene, turned +90°
     * about x for a z-up one (x, y, z → x, −z, y).
     */
    public static float[] toScene(Vector3f v, boolean zUp) {
        return zUp ? new float[]{v.x, -v.z, v.y} : new float[]{v.x, v.y, v.z};
    }

    public float tanHalfFov() {
        return (float) Math.tan(Math.toRadians(fovDegrees) / 2);
    }

    /** The same orbit turned by {@code degrees} of azimuth. */
    public Camera turned(double degrees) {
        return new Camera(azimuth + degrees, elevation, distance, fovDegrees, target);
    }

    /** Rotated by mouse-drag degrees (elevation kept within ±89°). */
    public Camera orbit(double dAzimuth, double dElevation) {
        return new Camera(azimuth + dAzimuth, Math.max(-89, Math.min(89, elevation + dElevation)), distance, fovDegrees, target);
    }

    public Camera zoom(double factor) {
        return new Camera(azimuth, elevation, Math.max(0.05, Math.min(100, distance * factor)), fovDegrees, target);
    }

    /** The target moved in the view plane by (dx, dy) in units of the distance. */
    public Camera pan(double dx, double dy) {
        Vector3f t = target().add(right().mul((float) (dx * distance))).add(up().mul((float) (dy * distance)));
        return new Camera(azimuth, elevation, distance, fovDegrees, t);
    }

    /** Looks at the centre of a box [lo, hi] from far enough to see all of it. */
    public Camera framing(Vector3f lo, Vector3f hi) {
        Vector3f c = new Vector3f(lo).add(hi).mul(0.5f);
        double r = new Vector3f(hi).sub(lo).length() / 2;
        double d = Math.max(0.1, 1.1 * r / Math.sin(Math.toRadians(fovDegrees) / 2));
        return new Camera(azimuth, elevation, d, fovDegrees, c);
    }
}
