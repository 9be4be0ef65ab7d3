package nfield.render;

import nfield.field.FittedField;
import nfield.radiance.RadianceRenderer;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Headless frames of a field: one PNG, or {@code count} frames turning the orbit camera a full
 * circle, as numbered PNGs ({@code OUT-000.png}, ...) or, where OUT ends in .gif, .mp4, .webm,
 * .mov or .mkv, one animated file ({@link Frames}): an SDF's baked grid (or its network, direct)
 * in GL, a radiance field volume-rendered on the compute device, or its volume-mode bake in GL.
 */
public final class Turntable {
    private final Path out;
    private final int count;
    private final double fps;

    /** The host memory a frame is counted at, per pixel. */
    static final long BYTES_PER_PIXEL = 64;

    /** {@code count} 0: one image at {@code out}; else that many numbered frames. */
    public Turntable(Path out, int count) {
        this(out, count, 24);
    }

    /** As {@link #Turntable(Path, int)}; an animated OUT plays at {@code fps} frames a second and needs count ≥ 2. */
    public Turntable(Path out, int count, double fps) {
        if (count < 0 || count > 3600) throw new IllegalArgumentException("--turntable " + count + ": use 0 .. 3600");
        if (Frames.animated(out) && count < 2) {
            throw new IllegalArgumentException(out + ": an animation needs frames; add --turntable N (e.g. 36), or write a .png");
        }
        Frames.check(out);
        this.out = out;
        this.count = count;
        this.fps = fps;
    }

    /** Runs {@code loop}'s frames of w×h into OUT: numbered PNGs, or one animated file. */
    public void frames(int w, int h, Frames.Loop loop) throws IOException {
        // one frame at a time: its pixels as float RGB(A), the read-back, the image and its encoding
        nfield.io.Memory.require("a " + w + "x" + h + " frame", BYTES_PER_PIXEL * w * h, "lower --size");
        if (Frames.animated(out)) {
            Frames.write(out, w, h, fps, loop);
        } else {
            loop.run((i, img) -> nfield.io.AtomicFiles.write(file(i), o -> javax.imageio.ImageIO.write(img, "png", o)));
        }
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

    /** "OUT", "OUT-000.png .. OUT-023.png" or "OUT.gif (24 frames at 24 fps)", for the summary line. */
    public String describe() {
        if (Frames.animated(out)) return String.format(java.util.Locale.ROOT, "%s (%d frames at %s fps)", out, count, fpsText());
        return count == 0 ? out.toString() : file(0) + " .. " + file(count - 1);
    }

    private String fpsText() {
        return fps == Math.rint(fps) ? Long.toString((long) fps) : Double.toString(fps);
    }

    /** An SDF from its bake (and with {@code glsl}, the direct path) in a headless GL context; returns the GL renderer's name. */
    public String sdf(BakedGrid grid, String glsl, float[] params, Camera cam, Mode m, int w, int h, float slice) throws IOException {
        try (GlContext gl = GlContext.headless(); BakedRenderer r = new BakedRenderer()) {
            r.upload(grid);
            if (glsl != null) {
                r.direct(glsl, params);
                r.path(true);
            }
            frames(w, h, sink -> {
                for (int i = 0; i < frames(); i++) sink.put(i, Images.toImage(r.render(camera(cam, i), m, w, h, slice), w, h));
            });
            return gl.renderer();
        }
    }

    /**
     * A radiance field volume-rendered on its backend (no GL): the orbit camera in the field's
     * box turned so its vertical is z ({@code zUp}) or y, the field's background behind.
     */
    public void radiance(FittedField f, Camera cam, boolean zUp, int w, int h) throws IOException {
        RadianceRenderer renderer = RadianceRenderer.of(f);
        frames(w, h, sink -> {
            for (int i = 0; i < frames(); i++) {
                float[] img = renderer.render(OrbitRays.of(camera(cam, i), w, h, f.normalization(), zUp), w, h, f.radiance().background());
                sink.put(i, Frames.image(img, w, h));
            }
        });
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
            frames(w, h, sink -> {
                for (int i = 0; i < frames(); i++) {
                    Camera c = camera(cam, i);
                    if (i > 0 && baker.viewDependent()) r.upload(baker.bake(c));
                    sink.put(i, Images.toImage(r.render(c, m, w, h, slice), w, h));
                }
            });
            return new Volume(grid, bakeS, gl.renderer());
        }
    }
}
