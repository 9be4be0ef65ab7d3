package nfield.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import nfield.compute.Backend;
import nfield.config.Json;
import nfield.io.FieldMesher;
import nfield.io.MeshWriter;
import nfield.pipeline.ConsoleProgress;
import nfield.pipeline.Durations;
import nfield.pipeline.FitControl;
import nfield.pipeline.FitRequest;
import nfield.pipeline.FitResult;
import nfield.pipeline.Fits;
import nfield.pipeline.LiveFit;
import nfield.pipeline.RadianceFit;
import nfield.pipeline.SdfFit;
import nfield.render.Viewer;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "fit", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train a field on DATA and write it to FIELD: a signed distance field on a mesh, a radiance field "
                        + "(density + colour) on posed images.",
                "",
                "DATA is a mesh file (.obj, .ply, .stl, .off), a mesh nfield generates (shape:knot, shape:torus), "
                        + "an analytic SDF (analytic:torus, analytic:sphere), or posed images: a NeRF transforms*.json "
                        + "(or a folder holding transforms_train.json or transforms.json, as instant-ngp's colmap2nerf and nerfstudio's "
                        + "ns-process-data write them, lens distortion included), a COLMAP folder (sparse/0/cameras.bin or "
                        + ".txt, images.*, points3D.*, with its images/ folder), or a tiny-NeRF .npz.",
                "",
                "Posed images (default scene scenes/nerf-default.json: Instant NGP's hash grid, density network and a "
                        + "colour network on the view direction's spherical harmonics; scenes/nerf-plain.json has no view "
                        + "dependence): rays drawn at random from all training images, "
                        + "samples in the cells of an occupancy grid that hold density, volume rendering forward and "
                        + "backward on the device, MSE on the colours (or Huber: scene \"loss\": {\"type\": \"huber\", "
                        + "\"delta\": 0.1}; progress shows mse and PSNR either way). Images with alpha train on a random "
                        + "background colour per ray (--background). The memory the fit needs is printed first. "
                        + "Score it with `nfield eval FIELD transforms_test.json`; --view watches it train in the viewer's "
                        + "volume mode.",
                "",
                "Meshes:",
                "A mesh is centred and scaled so its longest side spans [-0.9, 0.9] (the transform is stored in "
                        + "FIELD, so `nfield mesh` and `nfield eval` work in the mesh's own coordinates). Training "
                        + "points: 80%% near the surface (surface points plus Gaussian noise at two scales), 20%% uniform "
                        + "in [-1, 1]^3, with exact distances (BVH) and a robust sign (--sign); a share of the pool is "
                        + "redrawn in the background every train.refresh_every steps. The scene file's \"sampling\" "
                        + "section sets the mix.",
                "",
                "Stops at --steps, at --time, or at the scene's target loss, whichever comes first; "
                        + "Ctrl-C stops early and still writes FIELD.",
                "",
                "Examples:",
                "  nfield fit shape:knot -o knot.nfield --time 60s",
                "  nfield fit bunny.obj -o bunny.nfield --time 60s && nfield mesh bunny.nfield -o bunny-fit.ply",
                "  nfield fit lego/transforms_train.json -o lego.nfield --time 20m --snapshots 1m,5m",
                "  nfield fit fox -o fox.nfield --test-every 8 --downscale 4 --time 10m   (a phone capture)"})
final class FitCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DATA",
            description = "What to fit: MESH.obj|.ply|.stl|.off, shape:knot|shape:torus, analytic:torus|analytic:sphere, "
                    + "transforms_train.json|DIR|COLMAP_DIR|data.npz.")
    String data;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "FIELD",
            description = "Where to write the trained field (safetensors, see FORMAT.md).")
    Path output;

    @Option(names = "--config", paramLabel = "SCENE.json",
            description = "Scene file (field, loss, optimizer, train); default: the built-in scenes/sdf-default.json.")
    Path config;

    @Option(names = "--steps", paramLabel = "N", description = "Training steps (overrides the scene).")
    Integer steps;

    @Option(names = "--time", paramLabel = "DURATION", description = "Time budget, e.g. 60s, 2m (overrides the scene).")
    String time;

    @Option(names = "--seed", paramLabel = "N", description = "Seed for init and sampling (overrides the scene).")
    Long seed;

    @Option(names = "--resume", paramLabel = "CHECKPOINT",
            description = "Continue from a field written by an earlier fit (FIELD files are checkpoints: weights, "
                    + "Adam's moments, step count and scene). --steps/--time then count the new steps; the "
                    + "learning-rate schedule runs again over them.")
    Path resume;

    @Option(names = "--checkpoint-every", defaultValue = "5m", paramLabel = "DURATION",
            description = "Also write FIELD (a checkpoint) every DURATION of training, so that `fit --resume FIELD` after a "
                    + "crash or kill -9 loses at most that much (default: ${DEFAULT-VALUE}; 0 for only at the end).")
    String checkpointEvery;

    @Option(names = "--view", description = "Watch the field take shape in a window while it trains (needs a display); "
            + "closing the window stops training and writes FIELD.")
    boolean view;

    @Option(names = "--view-frames", defaultValue = "0", paramLabel = "N", hidden = true,
            description = "Close the --view window after N frames (for scripted runs).")
    int viewFrames;

    @Option(names = "--json", description = "Progress and the result as JSON lines on stdout.")
    boolean json;

    @ArgGroup(exclusive = false, validate = false, heading = "%nSDF fits (meshes, shapes, analytic SDFs):%n")
    FitOptions.Sdf sdf = new FitOptions.Sdf();

    @ArgGroup(exclusive = false, validate = false, heading = "%nRadiance fits (posed images):%n")
    FitOptions.Radiance rad = new FitOptions.Radiance();

    @Mixin
    Backends backends;

    @Override
    public Integer call() throws Exception {
        boolean radiance = Fits.isPosedImages(data);
        if (sdf == null) sdf = new FitOptions.Sdf();
        if (rad == null) rad = new FitOptions.Radiance();
        if (radiance && sdf.any()) {
            throw new UserError("--sign, --mesh, --eikonal and --batch are for SDF fits; a radiance fit sets its batch "
                    + "with the scene's marching.samples_per_step");
        }
        if (!radiance && !rad.given().isEmpty()) {
            throw new UserError(String.join(" and ", rad.given()) + (rad.given().size() == 1 ? " is" : " are")
                    + " for radiance fits (posed images); " + data + " is not one");
        }
        if (view) Viewer.requireDisplay(); // before the data is read
        FitRequest req = FitRequest.of(data, Fits.scene(config, resume, data)).withResume(resume).withOutput(output)
                .withControl(FitControl.onSignals());
        if (steps != null || time != null) {
            req = req.withBudget(new FitRequest.Budget(steps == null ? 0 : steps, time == null ? 0 : Durations.seconds(time, "--time")));
        }
        if (seed != null) req = req.withSeed(seed);
        req = req.withCheckpointEvery(checkpointEvery.strip().equals("0") ? 0 : Durations.seconds(checkpointEvery, "--checkpoint-every"));
        req = req.withSnapshots(rad.snapshotList());
        FitRequest request = req;
        ConsoleProgress printer = new ConsoleProgress(json);
        try (Backend backend = backends.open()) {
            LiveFit.Fit fit = radiance ? l -> RadianceFit.run(request, rad.options(), backend, l)
                    : l -> SdfFit.run(request, sdf.options(), backend, l);
            FitResult r = view ? LiveFit.run("nfield fit " + data, viewFrames, request.control(), printer, fit) : fit.run(printer);
            printer.end();
            ObjectNode o = r.toJson(backend.name());
            if (sdf.mesh != null) writeMesh(r, o);
            if (json) System.out.println(Json.write(o));
        }
        return 0;
    }

    /** --mesh: the surface at --res, while the device is warm. */
    private void writeMesh(FitResult r, ObjectNode o) throws java.io.IOException {
        Path mesh = sdf.mesh;
        int res = sdf.res;
        long t2 = System.nanoTime();
        FieldMesher.Result m = FieldMesher.surface(r.fitted(), res, true, mesh.getFileName().toString());
        double extract = (System.nanoTime() - t2) * 1e-9;
        MeshWriter.write(mesh, m.mesh(), m.normals());
        System.err.printf("wrote %s: %,d triangles; %d^3 grid in %.2f s (field %.2f s, marching cubes %.2f s, normals %.2f s)%n",
                mesh, m.mesh().triangleCount(), res, extract, m.evalSeconds(), m.mcSeconds(), m.normalSeconds());
        o.put("mesh", mesh.toString()).put("mc_seconds", extract);
    }
}
