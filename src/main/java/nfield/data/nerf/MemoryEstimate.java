package nfield.data.nerf;

import java.util.Locale;

/**
 * The memory a radiance-field fit needs, computed before it starts: the images (n · W · H · 3
 * bytes, 8-bit RGB, or · 4 where the set keeps its alpha channel; held once on the host; a copy
 * uploaded to a device needs as much again there)
 * plus one training batch, at a stated budget per ray and per sample:
 * <ul>
 * <li>per ray {@link #BYTES_PER_RAY}: origin and direction (6 floats), target colour (3), near/far
 * (2), rendered colour and its gradient (6), accumulated transmittance and opacity (2), the
 * pixel's index (1) — 20 four-byte values;</li>
 * <li>per sample {@link #FIXED_FLOATS_PER_SAMPLE} floats (position 3, t and Δt 2, density and
 * colour 4, their gradients 4, the compositing weight 1) plus the network's activations kept for
 * the backward pass, {@code activationFloats} (the caller's: encoding width plus every hidden
 * width), each four bytes.</li>
 * </ul>
 * Parameters and optimizer state are not counted: they are the field's and the same for any data.
 */
public record MemoryEstimate(int images, int width, int height, int bytesPerPixel, int raysPerBatch, int samplesPerRay,
                             int activationFloats) {
    public static final long BYTES_PER_RAY = 20 * 4;
    public static final int FIXED_FLOATS_PER_SAMPLE = 14;

    public MemoryEstimate {
        if (bytesPerPixel != 3 && bytesPerPixel != 4) throw new IllegalArgumentException("bytes per pixel: 3 or 4, got " + bytesPerPixel);
        if (images < 0 || width < 0 || height < 0 || raysPerBatch < 0 || samplesPerRay < 0 || activationFloats < 0) {
            throw new IllegalArgumentException("memory estimate needs non-negative counts: " + images + " images " + width + "x" + height
                    + ", " + raysPerBatch + " rays, " + samplesPerRay + " samples per ray, " + activationFloats + " activation floats");
        }
    }

    /** n · W · H · bytes per pixel (3 or 4). */
    public long imageBytes() { return (long) images * width * height * bytesPerPixel; }

    public long samplesPerBatch() { return (long) raysPerBatch * samplesPerRay; }

    public long bytesPerSample() { return 4L * (FIXED_FLOATS_PER_SAMPLE + activationFloats); }

    /** One batch: rays · {@link #BYTES_PER_RAY} + samples · {@link #bytesPerSample()}. */
    public long batchBytes() { return raysPerBatch * BYTES_PER_RAY + samplesPerBatch() * bytesPerSample(); }

    /** Images plus one batch. */
    public long totalBytes() { return imageBytes() + batchBytes(); }

    /** Three lines for the fit command to print before it starts. */
    public String describe() {
        return String.format(Locale.ROOT, "memory: images %d × %dx%d × %d B (%s) = %s%n"
                        + "        batch %,d rays × %d B + %,d rays × %d samples × %d B (4 × (%d + %d activations)) = %s%n"
                        + "        total %s (images once on the host; a device copy of the images needs %s more there)",
                images, width, height, bytesPerPixel, bytesPerPixel == 4 ? "8-bit RGB + alpha" : "8-bit RGB", bytes(imageBytes()), raysPerBatch, BYTES_PER_RAY, raysPerBatch, samplesPerRay, bytesPerSample(),
                FIXED_FLOATS_PER_SAMPLE, activationFloats, bytes(batchBytes()), bytes(totalBytes()), bytes(imageBytes()));
    }

    /** Binary units, one decimal: "45.8 MiB". */
    public static String bytes(long n) {
        if (n < 1024) return n + " B";
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
