package nfield.cli;

import nfield.render.BakedRenderer;
import nfield.render.Camera;
import nfield.render.GlContext;
import nfield.render.Images;
import nfield.render.Mode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "render", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Render a field to PNG without a window: an SDF through GL (EGL, no X server needed), a radiance "
                        + "field by volume rendering on the compute device.",
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
                "Examples:",
                "  nfield render knot.nfield --out knot.png",
                "  nfield render lego.nfield --out lego.png --elevation 30 --turntable 24",
                "  nfield render bunny.nfield --out turn.png --turntable 36 --elevation 20",
                "  nfield render analytic:torus --out torus.png --mode normals"})
final class RenderCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FIELD", description = "A field file, or analytic:torus | analytic:sphere.")
    String field;

    @Option(names = {"-o", "--out"}, required = true, paramLabel = "IMAGE.png", description = "PNG to write.")
    Path out;

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
            description = "Write N frames around the object (OUT-000.png, ...) instead of one image.")
    int turntable;

    @Option(names = "--up", paramLabel = "y|z",
            description = "The scene's vertical axis, which the orbit turns about (default: y for SDF fields; for radiance "
                    + "fields the axis their cameras hold up, recorded by the fit: z for NeRF's Blender scenes).")
    String up;

    @Mixin
    Backends backends;

    @Override
    public Integer call() throws Exception {
        int[] wh = parseSize(size);
        Mode m = Mode.parse(mode);
        if (turntable < 0 || turntable > 3600) throw new UserError("--turntable " + turntable + ": use 0 .. 3600");
        Camera cam = new Camera(azimuth, elevation, distance);
        if (up != null && !up.equals("y") && !up.equals("z")) throw new UserError("--up " + up + ": use y or z");
        if (RadianceEval.isRadianceFile(field)) {
            return "baked".equals(path) ? renderVolume(cam, m, wh) : renderRadiance(cam, m, wh);
        }
        if ("z".equals(up)) throw new UserError("--up z: SDF fields are drawn y-up");
        if (path == null) path = "baked";
        if (path.equals("exact")) throw new UserError("--path exact is for radiance fields; SDF fields draw baked or direct");
        long t0 = System.nanoTime();
        FieldInputs.Drawable d = FieldInputs.drawable(field, bake, path, path.equals("direct"), backends, "render draws");
        double bakeS = (System.nanoTime() - t0) * 1e-9;
        try (GlContext gl = GlContext.headless(); BakedRenderer r = new BakedRenderer()) {
            long t1 = System.nanoTime();
            r.upload(d.grid());
            if (d.glsl() != null) {
                r.direct(d.glsl(), d.params());
                r.path(true);
            }
            int frames = Math.max(1, turntable);
            for (int i = 0; i < frames; i++) {
                Camera c = turntable > 0 ? cam.turned(360.0 * i / turntable) : cam;
                int[] px = r.render(c, m, wh[0], wh[1], slice);
                Path target = turntable > 0 ? numbered(out, i) : out;
                Images.writePng(target, px, wh[0], wh[1]);
            }
            double renderS = (System.nanoTime() - t1) * 1e-9;
            System.err.printf("wrote %s%s: %dx%d %s (%s); bake %d^3 in %.2f s, %d frame%s in %.2f s on %s%n",
                    turntable > 0 ? numbered(out, 0) + " .. " : "", turntable > 0 ? numbered(out, frames - 1) : out,
                    wh[0], wh[1], m.id(), path, bake, bakeS, frames, frames == 1 ? "" : "s", renderS, gl.renderer());
        }
        return 0;
    }

    /**
     * A radiance field, volume-rendered on the compute device (no GL): the orbit camera in the
     * field's box, turned so its vertical is --up, rays through pixel centres, the field's own
     * background behind.
     */
    private Integer renderRadiance(Camera cam, Mode m, int[] wh) throws Exception {
        if (m != Mode.SHADED) {
            throw new UserError("--mode " + mode + ": --path exact renders radiance fields in colour only (shaded); "
                    + "--path baked draws the other modes");
        }
        if (path != null && !path.equals("exact")) {
            throw new UserError("--path " + path + ": radiance fields render exact (on the compute device) or baked (GL)");
        }
        long t0 = System.nanoTime();
        Path file = Path.of(field);
        int frames = Math.max(1, turntable);
        try (nfield.compute.Backend backend = backends.open()) {
            RadianceEval.Settings f = RadianceEval.settings(file, nfield.io.FieldFile.readMeta(file));
            boolean zUp = f.zUp(up);
            nfield.radiance.RadianceRenderer renderer = new nfield.radiance.RadianceRenderer(nfield.io.FieldFile.load(file, backend),
                    f.norm(), f.marching());
            int w = wh[0], h = wh[1];
            for (int i = 0; i < frames; i++) {
                Camera c = turntable > 0 ? cam.turned(360.0 * i / turntable) : cam;
                float[] e = axes(c.eye(), zUp), fw = axes(c.forward(), zUp), rt = axes(c.right(), zUp), u = axes(c.up(), zUp);
                double t = c.tanHalfFov(), aspect = (double) w / h, s = f.norm().scale();
                double[] center = {f.norm().cx(), f.norm().cy(), f.norm().cz()};
                float[] img = renderer.render((x, y, dest) -> {
                    double px = (2 * (x + 0.5) / w - 1) * t * aspect, py = (1 - 2 * (y + 0.5) / h) * t;
                    double n2 = 0;
                    for (int k = 0; k < 3; k++) {
                        dest[k] = e[k] / s + center[k];
                        dest[3 + k] = fw[k] + px * rt[k] + py * u[k];
                        n2 += dest[3 + k] * dest[3 + k];
                    }
                    for (int k = 3; k < 6; k++) dest[k] /= Math.sqrt(n2);
                }, w, h, f.background());
                RadianceEval.writePng(turntable > 0 ? numbered(out, i) : out, img, w, h);
            }
        }
        System.err.printf(java.util.Locale.ROOT, "wrote %s%s: %dx%d radiance (volume rendering on %s), %d frame%s in %.2f s%n",
                turntable > 0 ? numbered(out, 0) + " .. " : "", turntable > 0 ? numbered(out, frames - 1) : out, wh[0], wh[1],
                backends.backend, frames, frames == 1 ? "" : "s", (System.nanoTime() - t0) * 1e-9);
        return 0;
    }

    /** A radiance field through the viewer's volume mode, headless: baked colour and density ray-marched in GLSL. */
    private Integer renderVolume(Camera cam, Mode m, int[] wh) throws Exception {
        long t0 = System.nanoTime();
        int frames = Math.max(1, turntable);
        try (FieldInputs.VolumeBaker baker = new FieldInputs.VolumeBaker(Path.of(field), bake, up, backends);
             GlContext gl = GlContext.headless(); nfield.render.VolumeRenderer r = new nfield.render.VolumeRenderer(baker.background())) {
            // a view-dependent field's colour is baked for each frame's camera; otherwise one bake serves all
            nfield.render.VolumeGrid grid = baker.bake(cam);
            double bakeS = (System.nanoTime() - t0) * 1e-9;
            long t1 = System.nanoTime();
            r.upload(grid);
            for (int i = 0; i < frames; i++) {
                Camera c = turntable > 0 ? cam.turned(360.0 * i / turntable) : cam;
                if (i > 0 && baker.viewDependent()) r.upload(baker.bake(c));
                Images.writePng(turntable > 0 ? numbered(out, i) : out, r.render(c, m, wh[0], wh[1], slice), wh[0], wh[1]);
            }
            int[] d = grid.dims();
            System.err.printf(java.util.Locale.ROOT, "wrote %s%s: %dx%d %s (volume, baked %dx%dx%d in %.2f s), %d frame%s in %.2f s on %s%n",
                    turntable > 0 ? numbered(out, 0) + " .. " : "", turntable > 0 ? numbered(out, frames - 1) : out, wh[0], wh[1],
                    m.id(), d[0], d[1], d[2], bakeS, frames, frames == 1 ? "" : "s", (System.nanoTime() - t1) * 1e-9, gl.renderer());
        }
        return 0;
    }

    /** A camera vector (y-up orbit) in the scene's axes: unchanged for y-up, turned +90° about x for z-up. */
    private static float[] axes(org.joml.Vector3f v, boolean zUp) {
        return zUp ? new float[]{v.x, -v.z, v.y} : new float[]{v.x, v.y, v.z};
    }

    static Path numbered(Path out, int i) {
        String n = out.getFileName().toString();
        int dot = n.lastIndexOf('.');
        String stem = dot < 0 ? n : n.substring(0, dot), ext = dot < 0 ? ".png" : n.substring(dot);
        return out.resolveSibling(String.format("%s-%03d%s", stem, i, ext));
    }

    static int[] parseSize(String s) {
        String[] p = s.toLowerCase(java.util.Locale.ROOT).split("x");
        try {
            if (p.length == 2) {
                int w = Integer.parseInt(p[0].trim()), h = Integer.parseInt(p[1].trim());
                if (w >= 1 && h >= 1 && w <= 8192 && h <= 8192) return new int[]{w, h};
            }
        } catch (NumberFormatException ignored) {
            // falls through to the message
        }
        throw new UserError("--size " + s + ": expected WIDTHxHEIGHT, each 1..8192, e.g. 512x512");
    }
}
