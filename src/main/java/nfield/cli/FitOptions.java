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

        @Option(names = "--test-every", defaultValue = "0", paramLabel = "N",
                description = "Hold out every N-th frame (from the first; the LLFF convention) and train on the rest, for a capture "
                        + "without a test split; `nfield eval FIELD DATA` then scores the held-out frames.")
        int testEvery;

        @Option(names = "--downscale", defaultValue = "1", paramLabel = "N",
                description = "Train on the images at 1/N of their resolution, each pixel the mean of an N x N block (default: "
                        + "${DEFAULT-VALUE}).")
        int downscale = 1;

        @Option(names = "--no-distortion",
                description = "Read every camera as a pinhole, ignoring the lens distortion (k1 k2 p1 p2 ...) the data gives; "
                        + "eval and render of the field then do the same. For measuring what modelling the lens brings.")
        boolean noDistortion;

        @Option(names = "--contract", paramLabel = "auto|on|off",
                description = "Unbounded scenes: contract the space beyond the box of interest (mip-NeRF 360's contraction, "
                        + "disparity-spaced samples), so the subject gets the field's resolution and the background still has a place. "
                        + "auto (the scene's default): when the data's box is larger than its subject's (instant-ngp's aabb_scale > 1, "
                        + "a COLMAP model's far points and cameras); off samples the whole box evenly.")
        String contract;

        @Option(names = "--appearance", paramLabel = "SIZE",
                description = "Learn an appearance code of SIZE values per training image that the colour network also takes "
                        + "(NeRF in the Wild; nerfacto's appearance embedding): exposure and white balance that change from photo to "
                        + "photo then need no floaters to explain them. eval, render and export use the mean code (render and eval: "
                        + "--appearance K for image K's). 0: none (overrides the scene's field.color.appearance). Try 16 on phone captures.")
        Integer appearance;

        @Option(names = "--refine-cameras", arity = "0..1", fallbackValue = "4e-4", paramLabel = "LR",
                description = "Refine the training cameras' poses with the field (nerfstudio's camera optimiser; BARF): a rotation "
                        + "about each camera's centre and a shift, learned by Adam at step size LR (4e-4 when not given; a step every 4 of the field's), for poses "
                        + "from COLMAP that are a fraction of a degree off. Held-out views keep their poses as given.")
        Double refineCameras;

        /** The radiance-only flags given. */
        List<String> given() {
            List<String> g = new java.util.ArrayList<>();
            if (snapshots != null) g.add("--snapshots");
            if (background != null) g.add("--background");
            if (testEvery != 0) g.add("--test-every");
            if (downscale != 1) g.add("--downscale");
            if (noDistortion) g.add("--no-distortion");
            if (contract != null) g.add("--contract");
            if (appearance != null) g.add("--appearance");
            if (refineCameras != null) g.add("--refine-cameras");
            return g;
        }

        List<FitRequest.Snapshot> snapshotList() {
            return snapshots == null ? List.of()
                    : snapshots.stream().map(t -> new FitRequest.Snapshot(Durations.seconds(t, "--snapshots"), t.trim())).toList();
        }

        RadianceFit.Options options() {
            TrainBackground bg = null;
            try {
                if (background != null) bg = TrainBackground.parse(background);
            } catch (IllegalArgumentException e) {
                throw new UserError("--background " + background + ": expected " + TrainBackground.SPELLINGS);
            }
            return new RadianceFit.Options(bg, bg == null ? null : "--background", downscale, testEvery, noDistortion, contract, appearance,
                    refineCameras == null ? 0 : refineCameras);
        }
    }
}
