package nfield.cli;

import nfield.compute.opencl.OpenClUnavailableException;
import nfield.config.ConfigException;
import nfield.train.Trainer;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.UncheckedIOException;

/** The {@code nfield} launcher: subcommands in the git style. */
@Command(name = "nfield", mixinStandardHelpOptions = true, version = "nfield 0.1.0",
        description = {"Learn neural implicit fields (signed distance, radiance) with OpenCL and look at them.",
                "",
                "Start here:  nfield fit shape:knot -o knot.nfield --time 60s",
                "Then:        nfield render knot.nfield --out knot.png  (headless, no X server)",
                "             nfield mesh knot.nfield -o knot.ply       (marching cubes)",
                "             nfield export knot.nfield -o knot.onnx    (also safetensors, obj, ply, glb)",
                "             nfield plot knot.nfield -o knot-loss.png  (the training curve)",
                "             nfield eval bunny.nfield bunny.obj       (Chamfer, F-score, normals, IoU)",
                "Photos:      nfield fit lego/transforms_train.json -o lego.nfield --time 5m",
                "             nfield eval lego.nfield lego/transforms_test.json   (PSNR, SSIM)",
                "Your photos: nfield poses my-photos -o my-scene             (COLMAP: poses and lenses)",
                "             nfield fit my-scene -o my.nfield --test-every 8 --downscale 4 --time 10m",
                "             nfield bench --json                      (training and inference throughput)"},
        subcommands = {DevicesCommand.class, PosesCommand.class, FitCommand.class, FitManyCommand.class, FitSpaceCommand.class, SpaceCommand.class, ScanCommand.class, CompleteCommand.class, InterpolateCommand.class, MeshCommand.class, EvalCommand.class, RenderCommand.class, PlotCommand.class, ViewCommand.class,
                ExportCommand.class,
                BenchCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @Override
    public void run() {
        new CommandLine(this).usage(System.err);
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    public static int execute(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            Throwable t = e;
            while ((t instanceof UncheckedIOException || t instanceof java.util.concurrent.CompletionException) && t.getCause() != null) {
                t = t.getCause();
            }
            if (t instanceof UserError || t instanceof nfield.pipeline.FitError || t instanceof ConfigException || t instanceof OpenClUnavailableException
                    || t instanceof nfield.render.RenderUnavailableException || t instanceof nfield.compute.opencl.DeviceException
                    || t instanceof IOException || t instanceof Trainer.DivergedException
                    || t instanceof IllegalArgumentException) {
                String message = t instanceof IOException io ? nfield.io.IoErrors.describe(io) : t.getMessage();
                System.err.println("nfield " + cmd.getCommandName() + ": error: " + message);
                return 2;
            }
            throw e;
        });
        return cl.execute(args);
    }
}
