package nfield.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import nfield.config.Json;
import nfield.render.Camera;
import nfield.render.Mode;
import nfield.render.Viewer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "view", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Look at an SDF field in a window (OpenGL 3.3; Mesa's llvmpipe works).",
                "",
                Viewer.HELP,
                "",
                "The field is baked on the device into a RES^3 grid and sphere-traced in GLSL; the render "
                        + "resolution adapts to hold --target-fps. Without a display, use `nfield render`.",
                "",
                "--benchmark renders a fixed orbit of --frames frames at --size and prints fps and frame_ms "
                        + "(medians); --json prints them as one JSON line.",
                "",
                "Examples:",
                "  nfield view knot.nfield",
                "  nfield view knot.nfield --benchmark --size 512x512 --json"})
final class ViewCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FIELD", description = "A field file, or analytic:torus | analytic:sphere.")
    String field;

    @Option(names = "--size", defaultValue = "768x768", paramLabel = "WxH", description = "Window size (default: ${DEFAULT-VALUE}).")
    String size;

    @Option(names = "--bake", defaultValue = "128", paramLabel = "RES", description = "Bake resolution, 16..384 (default: ${DEFAULT-VALUE}).")
    int bake;

    @Option(names = "--mode", defaultValue = "shaded", paramLabel = "MODE",
            description = "Start mode: shaded | normals | depth | steps | slice (default: ${DEFAULT-VALUE}).")
    String mode;

    @Option(names = "--path", defaultValue = "baked", paramLabel = "baked|direct",
            description = "Start with the baked grid or the network evaluated in the shader (D toggles). Default: ${DEFAULT-VALUE}.")
    String path;

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

    @Mixin
    Backends backends;

    @Override
    public Integer call() throws Exception {
        int[] wh = RenderCommand.parseSize(size);
        Mode m = Mode.parse(mode);
        if (!(targetFps > 0)) throw new UserError("--target-fps " + targetFps + ": must be positive");
        if (frames < 0) throw new UserError("--frames " + frames + ": must be >= 0");
        int n = benchmark && frames == 0 ? 120 : frames;
        long t0 = System.nanoTime();
        // the direct path is generated even when starting baked: D toggles it
        FieldInputs.Drawable d = FieldInputs.drawable(field, bake, path, true, backends, "view shows");
        double bakeS = (System.nanoTime() - t0) * 1e-9;
        Viewer.Options opt = new Viewer.Options(wh[0], wh[1], n, screenshot, benchmark, targetFps, m);
        Viewer.Stats st;
        try (Viewer v = new Viewer("nfield view " + field, d.grid(), new Camera(30, 25, 3.2), opt)) {
            if (d.glsl() != null) v.direct(d.glsl(), d.params(), path.equals("direct"));
            if (!benchmark && n == 0) System.err.println(Viewer.HELP);
            st = v.run();
        }
        String line = String.format(Locale.ROOT, "%d frames at %dx%d (%s %s, bake %d^3 in %.2f s): median %.2f ms, %.1f fps on %s",
                st.frames(), st.width(), st.height(), path, m.id(), bake, bakeS, st.medianFrameMs(), st.fps(), st.renderer());
        System.err.println(line);
        if (json) {
            ObjectNode o = Json.MAPPER.createObjectNode().put("fps", st.fps()).put("frame_ms", st.medianFrameMs())
                    .put("frames", st.frames()).put("width", st.width()).put("height", st.height()).put("mode", m.id())
                    .put("bake", bake).put("path", path).put("renderer", st.renderer());
            System.out.println(Json.write(o));
        }
        return 0;
    }
}
