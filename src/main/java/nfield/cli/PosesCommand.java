package nfield.cli;

import nfield.pipeline.ColmapRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "poses", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Find camera poses for photos that have none, with COLMAP, and write a scene folder that `nfield fit` reads.",
                "",
                "PHOTOS is a folder of .jpg/.png photos, or a video (.mp4, .mov, ...; frames taken with ffmpeg at --fps). "
                        + "The stages (each announced on its own line): the photos copied to SCENE/images, SIFT features on the CPU, "
                        + "matching (every pair, or neighbours for a video), COLMAP's incremental mapper. The largest model becomes "
                        + "SCENE/transforms.json in nfield's world (z up, centred on the cameras' focus, scaled as instant-ngp's "
                        + "colmap2nerf does, the box from the sparse points), with each photo's lens; COLMAP's own files stay in "
                        + "SCENE/colmap and what it printed in SCENE/colmap.log.",
                "",
                "Needs COLMAP (apt-get install colmap) and for a video ffmpeg. Refuses when fewer than half the images register.",
                "",
                "Examples:",
                "  nfield poses my-photos -o my-scene && nfield fit my-scene -o my.nfield --test-every 8 --time 10m",
                "  nfield poses walk.mp4 -o walk --fps 3 --matcher sequential"})
final class PosesCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "PHOTOS", description = "A folder of photos, or a video file.")
    Path photos;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "SCENE", description = "The scene folder to write.")
    Path scene;

    @Option(names = "--matcher", defaultValue = "exhaustive", paramLabel = "exhaustive|sequential",
            description = "How photos are paired for matching: exhaustive (every pair; default) or sequential (each with its "
                    + "neighbours in name order: frames of a video).")
    String matcher;

    @Option(names = "--camera-model", defaultValue = "OPENCV", paramLabel = "MODEL",
            description = "COLMAP's lens model for the photos (default ${DEFAULT-VALUE}, right for phones): SIMPLE_PINHOLE, PINHOLE, "
                    + "SIMPLE_RADIAL, RADIAL, OPENCV, OPENCV_FISHEYE, FULL_OPENCV, SIMPLE_RADIAL_FISHEYE, RADIAL_FISHEYE.")
    String cameraModel;

    @Option(names = "--multiple-cameras", description = "Give each photo its own intrinsics (photos from several cameras or zooms); "
            + "by default all share one camera.")
    boolean multipleCameras;

    @Option(names = "--fps", defaultValue = "2", paramLabel = "F", description = "Frames a second taken from a video (default ${DEFAULT-VALUE}).")
    double fps;

    @Override
    public Integer call() throws Exception {
        ColmapRun.Options opt = new ColmapRun.Options(matcher, cameraModel, !multipleCameras, fps, ColmapRun.Options.DEFAULT.minShare());
        long t0 = System.nanoTime();
        ColmapRun.Result r = ColmapRun.run(photos, scene, opt, s -> {
            System.err.printf("%s  (%s)%n", s, nfield.pipeline.Durations.format((System.nanoTime() - t0) * 1e-9));
        });
        System.out.println(r.describe());
        System.out.println("next: nfield fit " + scene + " -o " + scene.getFileName() + ".nfield --test-every 8 --time 10m");
        return 0;
    }
}
