package nfield.cli;

import nfield.config.Json;
import nfield.render.BakedGrid;
import nfield.render.Camera;
import nfield.render.Mode;
import nfield.render.VolumeFile;
import nfield.render.SdfDrawable;
import nfield.render.Viewer;
import nfield.render.VolumeBaker;
import nfield.render.VolumeGrid;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "view", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Look at a field in a window (OpenGL 3.3; Mesa's llvmpipe works).",
                "",
                Viewer.HELP,
                "",
                "An SDF field is baked on the device into a RES^3 grid and sphere-traced in GLSL; the render "
                        + "resolution adapts to hold --target-fps. Without a display, use `nfield render`.",
                "",
                "A radiance field (fitted to posed images) opens in volume mode: colour and density baked on the "
                        + "device over the box that holds its visible content (RES points along its longest side) and "
                        + "ray-marched with alpha compositing over the field's background, empty space skipped. "
                        + "1 colour, 2 normals and 3 depth (where a ray turns half opaque), 4 steps, 5 slice. "
                        + "The scene's vertical is --up (z for NeRF's Blender scenes).",
                "",
                "--benchmark renders a fixed orbit of --frames frames at --size and prints fps and frame_ms "
                        + "(medians); --json prints them as one JSON line.",
                "",
                "Examples:",
                "  nfield view knot.nfield",
                "  nfield view knot.nfield --benchmark --size 512x512 --json",
                "  nfield view lego.nfield --bake 192",
                "  nfield view fox.nfield --camera 0"})
final class ViewCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FIELD", description = "A field file, or analytic:torus | analytic:sphere.")
    String field;

    @Option(names = "--size", defaultValue = "768x768", paramLabel = "WxH", description = "Window size (default: ${DEFAULT-VALUE}).")
    String size;

    @Option(names = "--bake", defaultValue = "auto", paramLabel = "RES|auto",
            description = "Bake resolution, 16..384 (radiance: 16..256). auto (the default): the finest from 128 to 256 "
                    + "(radiance: 128 to 224) that the device bakes within 5 s.")
    String bakeOption;
    int bake;

    @Option(names = "--mode", defaultValue = "shaded", paramLabel = "MODE",
            description = "Start mode: shaded | normals | depth | steps | slice (default: ${DEFAULT-VALUE}).")
    String mode;

    @Option(names = "--path", defaultValue = "baked", paramLabel = "baked|direct",
            description = "Start with the baked grid or the network evaluated in the shader (D toggles). Default: ${DEFAULT-VALUE}.")
    String path;

    @Option(names = "--up", paramLabel = "y|z",
            description = "The scene's vertical axis (default: y for SDF fields; for radiance fields the axis their cameras "
                    + "hold up, recorded by the fit: z for NeRF's Blender scenes).")
    String up;

    @Option(names = "--target-fps", defaultValue = "30", paramLabel = "FPS", description = "Dynamic resolution aims at this (default: ${DEFAULT-VALUE}).")
    double targetFps;

    @Option(names = "--frames", defaultValue = "0", paramLabel = "N", description = "Close after N frames (0: when the window is closed).")
    int frames;

    @Option(names = "--screenshot", paramLabel = "PNG", description = "Write the last frame here (with --frames).")
    Path screenshot;

    @Option(names = "--benchmark", description = "Render a fixed orbit (120 frames unless --frames) and report the frame time.")
    boolean benchmark;

    @Option(names = "--json", description = "With --benchmark: one JSON line on stdout.")
    boolean json;

    @Option(names = "--between", arity = "2", paramLabel = "SHAPE",
            description = "FIELD is a shape space (nfield fit-space): show the shape between these two (member names or fields from "
                    + "the space), with a slider in the panel that re-bakes as it moves.")
    java.util.List<String> between;

    @Option(names = "--t", defaultValue = "0.5", paramLabel = "T", description = "With --between: where the slider starts (default: ${DEFAULT-VALUE}).")
    float blendT;

    @Option(names = "--no-panel", description = "Start with the panel hidden (Tab shows it).")
    boolean noPanel;

    @Option(names = "--crop", paramLabel = "x0,y0,z0,x1,y1,z1",
            description = "Start with this crop box of the field's [-1, 1]^3 (the panel's Crop box section changes it and copies it "
                    + "for mesh and export --crop).")
    String crop;

    @Option(names = "--camera", paramLabel = "N",
            description = "A radiance field: open at camera N of its posed images (--data; default: the data it was fitted to), "
                    + "the orbit camera nearest to it (same place and direction and vertical field of view; an orbit has no roll).")
    Integer camera;

    @Option(names = "--data", paramLabel = "transforms.json|DIR|data.npz", description = "The posed images --camera takes its camera from.")
    Path data;

    private nfield.field.CropBox cropBox = nfield.field.CropBox.FULL;

    @Mixin
    Backends backends;

    /** The bake resolutions the panel offers. */
    static final int[] SDF_BAKES = {64, 96, 128, 192, 256, 320}, VOLUME_BAKES = {64, 96, 128, 160, 192, 256};

    /** The panel's settings every viewer takes: panel shown, crop box, bookmarks beside a field file. */
    private void setUp(Viewer v) {
        v.panel(!noPanel);
        v.crop(cropBox);
        if (nfield.data.analytic.AnalyticShape.parse(field) == null) v.bookmarks(nfield.render.Bookmarks.fileFor(java.nio.file.Path.of(field)));
    }

    @Override
    public Integer call() throws Exception {
        int[] wh = FieldInputs.parseSize(size);
        Mode m = Mode.parse(mode);
        if (!(targetFps > 0)) throw new UserError("--target-fps " + targetFps + ": must be positive");
        if (frames < 0) throw new UserError("--frames " + frames + ": must be >= 0");
        int n = benchmark && frames == 0 ? 120 : frames;
        cropBox = FieldInputs.crop(crop); // a bad --crop fails before any bake
        bake = FieldInputs.parseBake(bakeOption);
        Viewer.requireDisplay(); // before the bake, which may take seconds
        if (up != null && !up.equals("y") && !up.equals("z")) throw new UserError("--up " + up + ": use y or z");
        boolean space = nfield.io.SpaceFile.isSpace(java.nio.file.Path.of(field));
        if (space != (between != null)) {
            throw new UserError(space ? field + " is a shape space: give two of its shapes with --between A B (nfield space " + field
                    + " lists them)" : "--between is for shape spaces; " + field + " is not one");
        }
        if ((camera != null || data != null) && !FieldInputs.isRadianceFile(field)) {
            throw new UserError((camera != null ? "--camera" : "--data") + ": for radiance fields, whose posed images have cameras; "
                    + field + " is not one");
        }
        if (space) return viewSpace(wh, m, n);
        if (FieldInputs.isRadianceFile(field)) return viewRadiance(wh, m, n);
        if ("z".equals(up)) throw new UserError("--up z: SDF fields are drawn y-up");
        long t0 = System.nanoTime();
        // the direct path is generated even when starting baked: D toggles it
        SdfDrawable d = FieldInputs.drawable(field, bake, path, true, backends);
        double bakeS = (System.nanoTime() - t0) * 1e-9;
        Viewer.Options opt = new Viewer.Options(wh[0], wh[1], n, screenshot, benchmark, targetFps, m);
        Viewer.Stats st;
        try (Viewer v = new Viewer("nfield view " + field, d.grid(), Camera.HOME, opt)) {
            if (d.glsl() != null) v.direct(d.glsl(), d.params(), path.equals("direct"));
            setUp(v);
            v.bakes(SDF_BAKES, (res, c) -> { // a fresh device for the bake: the one that made the first is closed
                try {
                    return FieldInputs.drawable(field, res, "baked", false, backends).grid();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            if (!benchmark && n == 0) System.err.println(Viewer.HELP);
            st = v.run();
        }
        report(st, m, d.grid().res() + "^3", bakeS);
        return 0;
    }

    /** The shape between two of a space's shapes at t, baked on a fresh device each time (as every re-bake is). */
    private BakedGrid spaceGrid(float t, int res) throws Exception {
        try (nfield.compute.Backend b = backends.open()) {
            nfield.field.ShapeSpace sp = nfield.io.SpaceFile.load(java.nio.file.Path.of(field), b);
            InterpolateCommand.End ea = InterpolateCommand.end(sp, between.get(0)), eb = InterpolateCommand.end(sp, between.get(1));
            double[] z = nfield.field.ShapeSpace.blend(ea.code(), eb.code(), t);
            var f = sp.field("t" + t, z, nfield.geom.Normalization.IDENTITY, nfield.field.FieldMeta.Provenance.UNKNOWN, b);
            return BakedGrid.bake(new nfield.field.FieldQuery(f.field()), res);
        }
    }

    /** A shape space: the shape between two of its shapes, and a slider for t. */
    private int viewSpace(int[] wh, Mode m, int n) throws Exception {
        if (!path.equals("baked")) throw new UserError("--path " + path + ": a shape space is shown baked");
        if (!(blendT >= 0 && blendT <= 1)) throw new UserError("--t " + blendT + ": must be in [0, 1]");
        int res = bake == VolumeBaker.AUTO ? 128 : bake;
        long t0 = System.nanoTime();
        BakedGrid first = spaceGrid(blendT, res);
        double bakeS = (System.nanoTime() - t0) * 1e-9;
        float[] t = {blendT};
        Viewer.Stats st;
        try (Viewer v = new Viewer("nfield view " + field, first, Camera.HOME, new Viewer.Options(wh[0], wh[1], n, screenshot, benchmark,
                targetFps, m))) {
            setUp(v);
            v.bakes(SDF_BAKES, (r, c) -> {
                try {
                    return spaceGrid(t[0], r);
                } catch (RuntimeException e) {
                    throw e;
                } catch (Exception e) {
                    throw new IllegalStateException(e.getMessage(), e);
                }
            });
            v.blend(between.get(0) + " -> " + between.get(1), blendT, x -> t[0] = (float) x);
            if (onViewer != null) onViewer.accept(v);
            if (!benchmark && n == 0) System.err.println(Viewer.HELP);
            st = v.run();
        }
        report(st, m, res + "^3", bakeS);
        return 0;
    }

    /** Tests: the viewer once it is open (to drive its panel). */
    static java.util.function.Consumer<Viewer> onViewer;

    /** A radiance field: baked colour and density, the volume mode. */
    private int viewRadiance(int[] wh, Mode m, int n) throws Exception {
        if (!path.equals("baked")) throw new UserError("--path " + path + ": radiance fields are shown from a baked volume");
        long t0 = System.nanoTime();
        try (VolumeFile in = new VolumeFile(java.nio.file.Path.of(field), bake, up, backends::open)) {
            Camera start = Camera.HOME;
            if (camera != null) {
                // the cameras only: images read at 1/8 (the field of view does not change with the scale)
                var views = nfield.pipeline.RadianceEval.cameras(in.fitted(), data, 8);
                start = nfield.pipeline.RadianceEval.viewerCamera(in.fitted(), views, camera, in.zUp());
                System.err.printf(Locale.ROOT, "opening at camera %d of %s (%s)%n", camera, views.source(), views.files().get(camera));
            }
            VolumeBaker baker = in.baker();
            VolumeGrid grid = baker.bake(start);
            double bakeS = (System.nanoTime() - t0) * 1e-9;
            int[] d = grid.dims();
            System.err.printf(Locale.ROOT, "baked %dx%dx%d (colour + density, %.0f%% of macro cells occupied) in %.1f s%s%n", d[0], d[1],
                    d[2], 100 * grid.occupancy(), bakeS, baker.viewDependent() ? "; view-dependent colour: re-baked for the view once it settles" : "");
            Viewer.Stats st;
            try (Viewer v = new Viewer("nfield view " + field, grid, baker.background(), start,
                    new Viewer.Options(wh[0], wh[1], n, screenshot, benchmark, targetFps, m))) {
                VolumeBaker[] current = {baker};
                if (baker.viewDependent() && !benchmark) v.rebake(c -> current[0].bake(c));
                v.zUp(in.zUp());
                setUp(v);
                v.bakes(VOLUME_BAKES, (res, c) -> {
                    current[0] = in.baker(res);
                    return current[0].bake(c);
                });
                if (!benchmark && n == 0) System.err.println(Viewer.HELP);
                st = v.run();
            }
            report(st, m, d[0] + "x" + d[1] + "x" + d[2], bakeS);
            return 0;
        }
    }

    private void report(Viewer.Stats st, Mode m, String bakeSize, double bakeS) {
        System.err.println(st.describe(m.id(), bakeSize, bakeS));
        if (json) System.out.println(Json.write(st.toJson(m.id(), bakeSize)));
    }
}
