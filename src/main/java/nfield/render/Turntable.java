package nfield.render;

import nfield.field.FittedField;
import nfield.radiance.RadianceRenderer;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Headless frames of a field to PNG: one image, or {@code count} frames turning the orbit camera
 * a full circle ({@code OUT-000.png}, ...): an SDF's baked grid (or its network, direct) in GL,
 * a radiance field volume-rendered on the compute device, or its volume-mode bake in GL.
 */
public final class Turntable {
    private final Path out;
    private final int count;

    /** {@code count} 0: one image at {@code out}; else that many numbered frames. */
    public Turntable(Path out, int count) {
        if (count < 0 || count > 3600) throw new IllegalArgumentException("--turntable " + count + ": use 0 .. 3600");
        this.out = out;
        this.count = count;
    }

    public int frames() { return Math.max(1, count); }

    /** "1 frame" or "24 frames". */
    public String count() { return frames() + (frames() == 1 ? " frame" : " frames"); }

    /** Frame i's camera: {@code base} turned by i/count of a circle. */
    public Camera camera(Camera base, int i) {
        return count > 0 ? base.turned(360.0 * i / count) : base;
    }

    public Path file(int i) {
        if (count == 0) return out;
        String n = out.getFileName().toString();
        int dot = n.lastIndexOf('.');
        String stem = dot < 0 ? n : n.substring(0, dot), ext = dot < 0 ? ".png" : n.substring(dot);
        return out.resolveSibling(String.format("%s-%03d%s", stem, i, ext));
    }

    /** "OUT" or "OUT-000.png .. OUT-023.png", for the summary line. */
    public String describe() {
        return count == 0 ? out.toString() : file(0) + " .. " + file(count - 1);
    }

    /** An SDF from its bake (and with {@code glsl}, the direct path) in a headless GL context; returns the GL renderer's name. */
    public String sdf(BakedGrid grid, String glsl, float[] params, Camera cam, Mode m, int w, int h, float slice) throws IOException {
        try (GlContext gl = GlContext.headless(); BakedRenderer r = new BakedRenderer()) {
            r.upload(grid);
            if (glsl != null) {
                r.direct(glsl, params);
                r.path(true);
            }
            for (int i = 0; i < frames(); i++) Images.writePng(file(i), r.render(camera(cam, i), m, w, h, slice), w, h);
            return gl.renderer();
        }
    }

    /**
     * A radiance field volume-rendered on its backend (no GL): the orbit camera in the field's
     * box turned so its vertical is z ({@code zUp}) or y, the field's background behind.
     */
    public void radiance(FittedField f, Camera cam, boolean zUp, int w, int h) throws IOException {
        RadianceRenderer renderer = RadianceRenderer.of(f);
        for (int i = 0; i < frames(); i++) {
            float[] img = renderer.render(OrbitRays.of(camera(cam, i), w, h, f.normalization(), zUp), w, h, f.radiance().background());
            Images.writePng(file(i), img, w, h);
        }
    }

    /** What {@link #volume} baked: the first bake, and the GL renderer's name. */
    public record Volume(VolumeGrid grid, double bakeSeconds, String renderer) {}

    /**
     * A radiance field through the viewer's volume mode, headless: baked colour and density
     * ray-marched in GLSL; a view-dependent field's colour is baked for each frame's camera,
     * otherwise one bake serves all.
     */
    public Volume volume(VolumeBaker baker, Camera cam, Mode m, int w, int h, float slice) throws IOException {
        long t0 = System.nanoTime();
        VolumeGrid grid = baker.bake(cam);
        double bakeS = (System.nanoTime() - t0) * 1e-9;
        try (GlContext gl = GlContext.headless(); VolumeRenderer r = new VolumeRenderer(baker.background())) {
            r.upload(grid);
            for (int i = 0; i < frames(); i++) {
                Camera c = camera(cam, i);
                if (i > 0 && baker.viewDependent()) r.upload(baker.bake(c));
                Images.writePng(file(i), r.render(c, m, w, h, slice), w, h);
            }
            return new Volume(grid, bakeS, gl.renderer());
        }
    }
}
