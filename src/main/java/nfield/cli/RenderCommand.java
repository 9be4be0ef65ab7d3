package nfield.cli;

import nfield.compute.Backend;
import nfield.field.FittedField;
import nfield.pipeline.RadianceEval;
import nfield.render.Camera;
import nfield.render.Mode;
import nfield.render.VolumeFile;
import nfield.render.SdfDrawable;
import nfield.render.Turntable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "render", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Render a field to PNG, GIF or video without a window: an SDF through GL (EGL, no X server "
                        + "needed), a radiance field by volume rendering on the compute device.",
                "",
                "The field is baked on the device into a RES^3 grid over its box [-1, 1]^3 and sphere-traced in "
                        + "a GLSL shader (OpenGL 3.3 core; Mesa's llvmpipe on machines without a GPU). The camera "
                        + "orbits the box centre: azimuth about the vertical axis (0 looks from +z), elevation above "
                        + "the horizon, distance from the centre, in field units.",
                "",
                "Modes: shaded (Blinn-Phong), normals, depth, steps (sphere-tracing steps as a heat map), "
                        + "slice (the plane y = --slice coloured by distance, blue inside, contours every 0.05).",
                "",
                "Radiance fields: rays from the same orbit camera (turned to the scene's --up axis, z for NeRF's Blender "
                        + "scenes), marched through an occupancy grid rebuilt from the density and composited on the "
                        + "field's background (--path exact, the default; colour only). --path baked draws what "
                        + "`nfield view` shows instead: colour and density baked into a 3D texture and ray-marched in "
                        + "GLSL, in every mode (normals and depth where a ray turns half opaque, slice: colour over "
                        + "the opacity of a thin slab).",
                "",
                "Turntables (--turntable N) and camera paths: numbered PNGs for --out OUT.png; one looping animated GIF "
                        + "for OUT.gif (Java's own encoder, 256 colours a frame); a video for OUT.mp4, .webm, .mov or .mkv "
                        + "through ffmpeg where it is installed (H.264 or VP9, yuv420p). --fps sets the frame rate.",
                "",
                "Examples:",
                "  nfield render knot.nfield --out knot.png",
                "  nfield render knot.nfield --out spin.gif --turntable 36 --size 320x320",
                "  nfield render lego.nfield --out spin.mp4 --turntable 120 --fps 30 --elevation 30",
                "  nfield render lego.nfield --out lego.png --elevation 30 --turntable 24",
                "  nfield render bunny.nfield --out turn.png --turntable 36 --elevation 20",
                "  nfield render analytic:torus --out torus.png --mode normals"})
final class RenderCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FIELD", description = "A field file, or analytic:torus | analytic:sphere.")
    String field;

    @Option(names = {"-o", "--out"}, required = true, paramLabel = "OUT", description = "PNG to write (numbered "
            + "OUT-000.png, ... with --turntable), or one animation: .gif, or .mp4 / .webm / .mov / .mkv through ffmpeg.")
    Path out;

    @Option(names = "--fps", defaultValue = "24", paramLabel = "FPS",
            description = "Frames a second of a GIF or video (default: ${DEFAULT-VALUE}).")
    double fps;

    @Option(names = "--size", defaultValue = "512x512", paramLabel = "WxH", description = "Image size (default: ${DEFAULT-VALUE}).")
    String size;

    @Option(names = "--azimuth", defaultValue = "30", paramLabel = "DEG", description = "Default: ${DEFAULT-VALUE}.")
    double azimuth;

    @Option(names = "--elevation", defaultValue = "25", paramLabel = "DEG", description = "Default: ${DEFAULT-VALUE}.")
    double elevation;

    @Option(names = "--distance", defaultValue = "3.2", paramLabel = "D", description = "Default: ${DEFAULT-VALUE}.")
    double distance;

    @Option(names = "--mode", defaultValue = "shaded", paramLabel = "MODE",
            description = "shaded | normals | depth | steps | slice (default: ${DEFAULT-VALUE}).")
    String mode;

    @Option(names = "--slice", defaultValue = "0", paramLabel = "Y", description = "Height of the slice plane (default: ${DEFAULT-VALUE}).")
    float slice;

    @Option(names = "--bake", defaultValue = "128", paramLabel = "RES",
            description = "Bake resolution, 16..384 (default: ${DEFAULT-VALUE}).")
    int bake;

    @Option(names = "--path", paramLabel = "baked|direct|exact",
            description = "baked: the field sampled into a 3D texture (fast everywhere; the default for SDF fields); "
                    + "direct: an SDF's network evaluated per sample in the shader from its weights (exact, for GPUs; slow "
                    + "on llvmpipe); exact: a radiance field volume-rendered on the compute device (its default).")
    String path;

    @Option(names = "--turntable", defaultValue = "0", paramLabel = "N",
            description = "N frames around the object instead of one image (OUT-000.png, ..., or one GIF or video).")
    int turntable;

    @ArgGroup(exclusive = false, validate = false, heading = "%nRadiance fields:%n")
    RenderOptions rad = new RenderOptions();

    @Mixin
    Backends backends;

    private String up;

    @Override
    public Integer call() throws Exception {
        if (rad == null) rad = new RenderOptions();
        up = rad.up;
        int[] wh = FieldInputs.parseSize(size);
        Mode m = Mode.parse(mode);
        Turntable tt = new Turntable(out, turntable, fps);
        Camera cam = new Camera(azimuth, elevation, distance);
        if (up != null && !up.equals("y") && !up.equals("z")) throw new UserError("--up " + up + ": use y or z");
        if (rad.camera != null && rad.camerasPath != null) throw new UserError("--camera and --cameras-path: give one");
        if (rad.camera != null) return renderCamera();
        if (rad.camerasPath != null) return renderPath();
        if (FieldInputs.isRadianceFile(field)) return "baked".equals(path) ? renderVolume(tt, cam, m, wh) : renderRadiance(tt, cam, m, wh);
        if ("z".equals(up)) throw new UserError("--up z: SDF fields are drawn y-up");
        if (path == null) path = "baked";
        if (path.equals("exact")) throw new UserError("--path exact is for radiance fields; SDF fields draw baked or direct");
        long t0 = System.nanoTime();
        SdfDrawable d = FieldInputs.drawable(field, bake, path, path.equals("direct"), backends);
        double bakeS = (System.nanoTime() - t0) * 1e-9;
        long t1 = System.nanoTime();
        String gl = tt.sdf(d.grid(), d.glsl(), d.params(), cam, m, wh[0], wh[1], slice);
        System.err.printf("wrote %s: %dx%d %s (%s); bake %d^3 in %.2f s, %s in %.2f s on %s%n", tt.describe(), wh[0], wh[1], m.id(), path,
                bake, bakeS, tt.count(), (System.nanoTime() - t1) * 1e-9, gl);
        return 0;
    }

    /** A radiance field, volume-rendered on the compute device (no GL), in colour. */
    private Integer renderRadiance(Turntable tt, Camera cam, Mode m, int[] wh) throws Exception {
        if (m != Mode.SHADED) {
            throw new UserError("--mode " + mode + ": --path exact renders radiance fields in colour only (shaded); "
                    + "--path baked draws the other modes");
        }
        if (path != null && !path.equals("exact")) {
            throw new UserError("--path " + path + ": radiance fields render exact (on the compute device) or baked (GL)");
        }
        long t0 = System.nanoTime();
        try (Backend backend = backends.open()) {
            FittedField f = FieldInputs.load(Path.of(field), backend, rad.appearance);
            tt.radiance(f, cam, up == null ? f.radiance().zUp() : up.equals("z"), wh[0], wh[1]);
        }
        System.err.printf(Locale.ROOT, "wrote %s: %dx%d radiance (volume rendering on %s), %s in %.2f s%n", tt.describe(), wh[0], wh[1],
                backends.backend, tt.count(), (System.nanoTime() - t0) * 1e-9);
        return 0;
    }

    /** A fly-through along its data's cameras, volume-rendered on the compute device. */
    private Integer renderPath() throws Exception {
        long t0 = System.nanoTime();
        Turntable files = new Turntable(out, rad.camerasPath, fps);
        try (Backend backend = backends.open()) {
            FittedField f = FieldInputs.load(Path.of(field), backend, rad.appearance);
            var views = RadianceEval.cameras(f, rad.data, rad.downscale);
            int n = rad.camerasPath;
            RadianceEval.renderPath(f, views, n, files, i -> System.err.printf(Locale.ROOT, "\rframe %d/%d  %s elapsed", i + 1, n,
                    nfield.pipeline.Durations.format((System.nanoTime() - t0) * 1e-9)));
            System.err.printf(Locale.ROOT, "%nwrote %s: %dx%d, %d frames along the %d cameras of %s, %.1f s%n", files.describe(), views.width(),
                    views.height(), n, views.count(), views.source(), (System.nanoTime() - t0) * 1e-9);
        }
        return 0;
    }

    /** A radiance field from one of its data's cameras, volume-rendered on the compute device. */
    private Integer renderCamera() throws Exception {
        long t0 = System.nanoTime();
        try (Backend backend = backends.open()) {
            var views = RadianceEval.renderCamera(FieldInputs.load(Path.of(field), backend, rad.appearance), rad.data, rad.camera, rad.downscale, out);
            System.err.printf(Locale.ROOT, "wrote %s: %dx%d radiance from camera %d of %s (%s), %.2f s%n", out, views.width(), views.height(),
                    rad.camera, views.source(), views.files().get(rad.camera), (System.nanoTime() - t0) * 1e-9);
        }
        return 0;
    }

    /** A radiance field through the viewer's volume mode, headless. */
    private Integer renderVolume(Turntable tt, Camera cam, Mode m, int[] wh) throws Exception {
        long t1;
        Turntable.Volume v;
        try (VolumeFile in = new VolumeFile(Path.of(field), bake, up, backends::open)) {
            t1 = System.nanoTime();
            v = tt.volume(in.baker(), cam, m, wh[0], wh[1], slice);
        }
        int[] d = v.grid().dims();
        System.err.printf(Locale.ROOT, "wrote %s: %dx%d %s (volume, baked %dx%dx%d in %.2f s), %s in %.2f s on %s%n", tt.describe(), wh[0],
                wh[1], m.id(), d[0], d[1], d[2], v.bakeSeconds(), tt.count(), (System.nanoTime() - t1) * 1e-9 - v.bakeSeconds(), v.renderer());
        return 0;
    }

}
