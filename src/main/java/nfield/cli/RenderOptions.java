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

    @Option(names = "--cameras-path", paramLabel = "N",
            description = "A fly-through: N frames (OUT-000.png, ...) along the path through the cameras of the posed images "
                    + "(--data; default: the data the field was fitted to) in their order, at their resolution / --downscale.")
    Integer camerasPath;

    @Option(names = "--data", paramLabel = "transforms.json|DIR|data.npz", description = "The posed images --camera and --cameras-path take their cameras from.")
    Path data;

    @Option(names = "--downscale", defaultValue = "1", paramLabel = "N", description = "With --camera or --cameras-path: 1/N of the cameras' resolution.")
    int downscale = 1;

    @Option(names = "--appearance", defaultValue = "mean", paramLabel = "mean|K",
            description = "For a field fitted with appearance codes (fit --appearance): the code of training image K, or the mean of "
                    + "all (default). Other fields ignore it.")
    String appearance = "mean";
}
