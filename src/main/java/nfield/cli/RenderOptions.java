package nfield.cli;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/** The flags of {@code nfield render} that only a radiance field takes (a help section of their own). */
final class RenderOptions {
    @Option(names = "--up", paramLabel = "y|z",
            description = "The scene's vertical axis, which the orbit turns about (default: y for SDF fields; for radiance "
                    + "fields the axis their cameras hold up, recorded by the fit: z for NeRF's Blender scenes).")
    String up;

    @Option(names = "--camera", paramLabel = "N",
            description = "Render from camera N of the posed images (--data; default: the data the field was fitted to), at "
                    + "its resolution / --downscale, instead of the orbit.")
    Integer camera;

    @Option(names = "--data", paramLabel = "transforms.json|DIR|data.npz", description = "The posed images --camera takes its camera from.")
    Path data;

    @Option(names = "--downscale", defaultValue = "1", paramLabel = "N", description = "With --camera: 1/N of the camera's resolution.")
    int downscale = 1;
}
