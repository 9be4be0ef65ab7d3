package nfield.field;

/**
 * An axis-aligned box in field coordinates (the field's box is [-1, 1]³) that keeps what lies
 * inside it: the viewer's crop box, and {@code --crop} of {@code mesh}, {@code export} and
 * {@code render}. Applied to a level set it is an intersection: {@link #crop(ScalarField)} takes
 * the larger of the field's value and the box's signed distance, so a cut surface stays closed,
 * with flat caps where the box cuts it.
 */
public record CropBox(float x0, float y0, float z0, float x1, float y1, float z1) {
    /** The whole field box: crops nothing. */
    public static final CropBox FULL = new CropBox(-1, -1, -1, 1, 1, 1);

    public CropBox {
        float[] v = {x0, y0, z0, x1, y1, z1};
        for (float f : v) {
            if (!Float.isFinite(f)) throw new IllegalArgumentException("crop box " + text(v) + ": every bound must be a finite number");
        }
        if (!(x0 < x1 && y0 < y1 && z0 < z1)) {
            throw new IllegalArgumentException("crop box " + text(v) + ": each minimum must lie below its maximum (x0,y0,z0,x1,y1,z1)");
        }
    }

    /** Parses {@code x0,y0,z0,x1,y1,z1} (what {@link #toString()} writes and the viewer's panel copies). */
    public static CropBox parse(String s) {
        String[] p = s.trim().split("\\s*,\\s*");
        if (p.length != 6) {
            throw new IllegalArgumentException("--crop " + s + ": give six numbers x0,y0,z0,x1,y1,z1 (the box's minimum corner, then its "
                    + "maximum, in the field's box [-1, 1]^3, as the viewer's panel copies them), e.g. --crop -1,-1,-1,1,0.2,1");
        }
        float[] v = new float[6];
        for (int i = 0; i < 6; i++) {
            try {
                v[i] = Float.parseFloat(p[i]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--crop " + s + ": '" + p[i] + "' is not a number (want x0,y0,z0,x1,y1,z1)");
            }
        }
        try {
            return new CropBox(v[0], v[1], v[2], v[3], v[4], v[5]);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--crop " + s + ": " + e.getMessage().replaceFirst("^crop box \\S+: ", ""));
        }
    }

    public float[] lo() { return new float[]{x0, y0, z0}; }

    public float[] hi() { return new float[]{x1, y1, z1}; }

    /** Whether the box leaves the field box [-1, 1]³ whole. */
    public boolean full() {
        return x0 <= -1 && y0 <= -1 && z0 <= -1 && x1 >= 1 && y1 >= 1 && z1 >= 1;
    }

    /** The signed distance to the box: negative inside. */
    public float distance(float x, float y, float z) {
        float dx = Math.max(x0 - x, x - x1), dy = Math.max(y0 - y, y - y1), dz = Math.max(z0 - z, z - z1);
        float inside = Math.min(Math.max(dx, Math.max(dy, dz)), 0);
        float ox = Math.max(dx, 0), oy = Math.max(dy, 0), oz = Math.max(dz, 0);
        return inside + (float) Math.sqrt(ox * ox + oy * oy + oz * oz);
    }

    public boolean contains(float x, float y, float z) {
        return x >= x0 && x <= x1 && y >= y0 && y <= y1 && z >= z0 && z <= z1;
    }

    /** {@code field} intersected with the box: max(value, box distance), the gradient of whichever is larger. */
    public ScalarField crop(ScalarField field) {
        if (full()) return field;
        return new ScalarField() {
            @Override
            public float[] values(float[] xyz, int n) {
                float[] v = field.values(xyz, n);
                for (int i = 0; i < n; i++) {
                    float b = distance(xyz[3 * i], xyz[3 * i + 1], xyz[3 * i + 2]);
                    if (b > v[i]) v[i] = b; // NaN stays NaN: b > NaN is false
                }
                return v;
            }

            @Override
            public float[] gradients(float[] xyz, int n) {
                float[] g = field.gradients(xyz, n);
                float[] v = field.values(xyz, n);
                for (int i = 0; i < n; i++) {
                    float x = xyz[3 * i], y = xyz[3 * i + 1], z = xyz[3 * i + 2];
                    if (!(distance(x, y, z) > v[i])) continue;
                    // the box's face nearest (inside) or the direction out of it (outside)
                    float dx = Math.max(x0 - x, x - x1), dy = Math.max(y0 - y, y - y1), dz = Math.max(z0 - z, z - z1);
                    float gx, gy, gz;
                    if (dx > 0 || dy > 0 || dz > 0) {
                        gx = dx > 0 ? Math.signum(x - (x0 + x1) / 2) * dx : 0;
                        gy = dy > 0 ? Math.signum(y - (y0 + y1) / 2) * dy : 0;
                        gz = dz > 0 ? Math.signum(z - (z0 + z1) / 2) * dz : 0;
                    } else if (dx >= dy && dx >= dz) {
                        gx = Math.signum(x - (x0 + x1) / 2); gy = 0; gz = 0;
                    } else if (dy >= dz) {
                        gx = 0; gy = Math.signum(y - (y0 + y1) / 2); gz = 0;
                    } else {
                        gx = 0; gy = 0; gz = Math.signum(z - (z0 + z1) / 2);
                    }
                    double l = Math.sqrt(gx * gx + gy * gy + gz * gz);
                    g[3 * i] = (float) (gx / l);
                    g[3 * i + 1] = (float) (gy / l);
                    g[3 * i + 2] = (float) (gz / l);
                }
                return g;
            }
        };
    }

    @Override
    public String toString() {
        return text(new float[]{x0, y0, z0, x1, y1, z1});
    }

    private static String text(float[] v) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < v.length; i++) {
            if (i > 0) b.append(',');
            float f = v[i];
            b.append(f == Math.rint(f) && Math.abs(f) < 1e6 ? String.valueOf((int) f) : Float.toString(f));
        }
        return b.toString();
    }
}
