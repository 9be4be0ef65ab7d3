package nfield.render;

import nfield.geom.Normalization;
import nfield.radiance.RadianceRenderer;

/** Pixel rays of an orbit camera in a radiance field's scene: through pixel centres, in the data's coordinates. */
public final class OrbitRays {
    private OrbitRays() {}

    /**
     * The rays of {@code c} (which orbits the field's box, y up in viewer space) for a w×h image,
     * turned into the scene's axes ({@code zUp}: +90° about x) and moved from the field's box into
     * the data's coordinates by {@code norm}: dest = [origin xyz, unit direction xyz].
     */
    public static RadianceRenderer.Camera of(Camera c, int w, int h, Normalization norm, boolean zUp) {
        float[] e = Camera.toScene(c.eye(), zUp), fw = Camera.toScene(c.forward(), zUp), rt = Camera.toScene(c.right(), zUp),
                u = Camera.toScene(c.up(), zUp);
        double t = c.tanHalfFov(), aspect = (double) w / h, s = norm.scale();
        double[] center = {norm.cx(), norm.cy(), norm.cz()};
        return (x, y, dest) -> {
            double px = (2 * (x + 0.5) / w - 1) * t * aspect, py = (1 - 2 * (y + 0.5) / h) * t;
            double n2 = 0;
            for (int k = 0; k < 3; k++) {
                dest[k] = e[k] / s + center[k];
                dest[3 + k] = fw[k] + px * rt[k] + py * u[k];
                n2 += dest[3 + k] * dest[3 + k];
            }
            for (int k = 3; k < 6; k++) dest[k] /= Math.sqrt(n2);
        };
    }
}
