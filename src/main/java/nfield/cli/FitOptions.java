package nfield.cli;

import nfield.config.TrainBackground;
import nfield.pipeline.Durations;
import nfield.pipeline.FitRequest;
import nfield.pipeline.RadianceFit;
import nfield.pipeline.SdfFit;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;

/** The options of {@code nfield fit} that one kind of fit takes: two argument groups with their own help headings. */
final class FitOptions {
    private FitOptions() {}

    /** Meshes, generated shapes and analytic SDFs. */
    static final class Sdf {
        @Option(names = "--sign", paramLabel = "METHOD",
                description = "Inside/outside for mesh samples: auto (default: pseudonormal on closed oriented meshes, "
                        + "else winding), winding (generalized winding number; robust to holes), pseudonormal "
                        + "(angle-weighted pseudo-normals; exact on closed meshes), raystab (ray parity, 7 rays, majority).")
        String sign;

        @Option(names = "--batch", paramLabel = "N", description = "Points per step (overrides the scene).")
        Integer batch;

        @Option(names = "--eikonal", paramLabel = "WEIGHT",
                description = "Weight of the eikonal term mean((|grad f| - 1)^2), gradients by central differences "
                        + "(overrides the scene's eikonal.weight; 0 turns it off).")
        Double eikonalWeight;

        @Option(names = "--mesh", paramLabel = "OUT.ply|OUT.obj",
                description = "After training, also extract the surface (as `nfield mesh FIELD --res RES -o OUT`, "
                        + "while the device is warm).")
        Path mesh;

        @Option(names = "--res", defaultValue = "256", paramLabel = "N",
                description = "Grid points per axis for --mesh (default: ${DEFAULT-VALUE}).")
        int res = 256;

        boolean any() {
            return sign != null || mesh != null || eikonalWeight != null || batch != null;
        }

        SdfFit.Options options() {
            return new SdfFit.Options(sign, eikonalWeight, batch);
        }
    }

    /** Posed images. */
    static final class Radiance {
        @Option(names = "--snapshots", paramLabel = "T1,T2,..", split = ",",
                description = "Also write the field as FIELD-T.nfield when training time passes each of these "
                        + "durations (e.g. 1m,5m), to score a long run along the way.")
        List<String> snapshots;

        @Option(names = "--background", paramLabel = "auto|random|white|black|R,G,B",
                description = "What lies behind the training rays, the colour each target pixel is composited on "
                        + "(overrides the scene's marching.train_background). auto (default): random where the images have alpha "
                        + "(transparent pixels), else the images as stored; random: a random colour per ray (instant-ngp's way "
                        + "against floaters), needs alpha; white, black, R,G,B in [0, 1]. Evaluation and rendering use the "
                        + "data's background (white) whatever this is.")
        String background;

        List<FitRequest.Snapshot> snapshotList() {
            return snapshots == null ? List.of()
                    : snapshots.stream().map(t -> new FitRequest.Snapshot(Durations.seconds(t, "--snapshots"), t.trim())).toList();
        }

        RadianceFit.Options options() {
            if (background == null) return RadianceFit.Options.DEFAULT;
            try {
                return new RadianceFit.Options(TrainBackground.parse(background), "--background");
            } catch (IllegalArgumentException e) {
                throw new UserError("--background " + background + ": expected " + TrainBackground.SPELLINGS);
            }
        }
    }
}
