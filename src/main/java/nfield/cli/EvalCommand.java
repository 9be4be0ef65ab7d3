package nfield.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import nfield.compute.Backend;
import nfield.config.Json;
import nfield.data.mesh.Mesh;
import nfield.data.mesh.MeshMetrics;
import nfield.data.nerf.PosedImages;
import nfield.field.FittedField;
import nfield.io.MeshWriter;
import nfield.pipeline.Fits;
import nfield.pipeline.MeshEval;
import nfield.pipeline.RadianceEval;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measure a fitted field (or any mesh) against the reference mesh, or a radiance field against "
                        + "held-out posed images.",
                "",
                "Radiance fields: every view of REF is rendered from its camera and scored against its image: "
                        + "PSNR = -10 log10(MSE) over pixels and channels (range 1), SSIM (Wang et al. 2004; 11x11 "
                        + "Gaussian window, sigma 1.5), their means over the views; prediction|truth PNGs per view. "
                        + "Example:  nfield eval lego.nfield lego_400/transforms_test.json --json",
                "",
                "Meshes:",
                "PRED is a field file (its surface is extracted as `nfield mesh --res RES` would) or a mesh "
                        + "(.obj/.ply/.stl/.off, e.g. another tool's output). Both meshes are moved by the "
                        + "reference's normalisation: bounding box centred, longest side 2 (the reference fits "
                        + "[-1, 1]^3); all distances are in those units. P and G are --points points drawn uniformly "
                        + "on PRED's and REF's surfaces (area-weighted); d(x, M) is the exact distance from x to "
                        + "the surface M (BVH closest point).",
                "",
                "  chamfer_l1          = (mean_P d(p, REF) + mean_G d(g, PRED)) / 2",
                "  chamfer_l2          = (mean_P d(p, REF)^2 + mean_G d(g, PRED)^2) / 2",
                "  fscore              = 2 precision recall / (precision + recall) at --tau, where precision is "
                        + "the share of P within tau of REF and recall the share of G within tau of PRED",
                "  normal_consistency  = (mean_P |n(p).n(closest on REF)| + mean_G |n(g).n(closest on PRED)|) / 2, "
                        + "face normals",
                "  iou                 = |inside both| / |inside either| over --volume-points uniform points in the "
                        + "meshes' joint bounding box grown by 0.05; inside by pseudo-normals for closed oriented "
                        + "meshes, else by the generalized winding number",
                "",
                "Example:  nfield eval bunny.nfield bunny.obj --json"})
final class EvalCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "PRED", description = "A field file, or a mesh to score.")
    Path pred;

    @Parameters(index = "1", paramLabel = "REF", description = "The reference mesh (.obj/.ply/.stl/.off, or shape:knot|shape:torus); "
            + "for a radiance field, posed test images (transforms_test.json, or an .npz whose test views are scored).")
    String ref;

    @Option(names = "--images", paramLabel = "DIR",
            description = "Radiance fields: write prediction|truth PNGs per view here (default: FIELD's name + \"-eval\" beside it; "
                    + "\"none\" writes none).")
    String images;

    @Option(names = "--test-every", defaultValue = "0", paramLabel = "N",
            description = "Radiance fields: score every N-th frame of REF itself (the LLFF convention, for a capture without a test "
                    + "split; the frames `fit --test-every N` held out). Default: the fit's own holdout when REF is the data it was "
                    + "fitted to, else REF's test split.")
    int testEvery;

    @Option(names = "--downscale", defaultValue = "1", paramLabel = "N",
            description = "Radiance fields: score the views at 1/N of their resolution (default: ${DEFAULT-VALUE}).")
    int downscale;

    @Option(names = "--appearance", defaultValue = "mean", paramLabel = "mean|K",
            description = "Radiance fields fitted with appearance codes (fit --appearance): score with the code of training image K, "
                    + "or the mean of all (default; held-out views have no code of their own).")
    String appearance = "mean";

    @Option(names = "--align-cameras", arity = "0..1", fallbackValue = "100", defaultValue = "0", paramLabel = "STEPS",
            description = "Radiance fields: first align each view's camera to the field (the field frozen; STEPS Adam steps on that "
                    + "view's own pixels, 100 when not given), as BARF and NeRF-- score fields fitted with --refine-cameras: a "
                    + "held-out pose from COLMAP is as far off as a training one was. Each view reports how far its camera moved.")
    int alignCameras;

    @Option(names = "--res", defaultValue = "256", paramLabel = "N",
            description = "Marching-cubes grid for a field PRED (default: ${DEFAULT-VALUE}).")
    int res;

    @Option(names = "--points", defaultValue = "200000", paramLabel = "N",
            description = "Surface points per mesh (default: ${DEFAULT-VALUE}).")
    int points;

    @Option(names = "--volume-points", defaultValue = "200000", paramLabel = "N",
            description = "Points for the IoU (default: ${DEFAULT-VALUE}).")
    int volumePoints;

    @Option(names = "--tau", defaultValue = "0.01", paramLabel = "T",
            description = "F-score distance threshold, in the normalised units (default: ${DEFAULT-VALUE}).")
    double tau;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "N", description = "Seed for the sample points.")
    long seed;

    @Option(names = "--save-mesh", paramLabel = "OUT.obj|OUT.ply", description = "Also write the extracted surface of a field PRED.")
    Path saveMesh;

    @Option(names = "--json", description = "Print the figures as one JSON line on stdout.")
    boolean json;

    @Mixin
    Backends backends;

    @Override
    public Integer call() throws Exception {
        FieldInputs.requireFile(pred);
        if (Fits.isPosedImages(ref)) {
            Path dir = images == null ? pred.resolveSibling(pred.getFileName().toString().replaceFirst("\\.[^.]*$", "") + "-eval")
                    : images.equals("none") ? null : Path.of(images);
            return radiance(Path.of(ref), dir);
        }
        Mesh reference = Fits.loadMesh(ref, System.err::println);
        MeshEval.Result e = MeshEval.run(pred, reference, new MeshEval.Options(res, points, volumePoints, tau, seed), saveMesh != null,
                backends::open);
        if (saveMesh != null && e.normals() != null) MeshWriter.write(saveMesh, e.mesh(), e.normals());
        MeshMetrics.Result r = e.metrics();
        ObjectNode o = e.toJson(pred.toString(), ref);
        if (json) {
            System.out.println(Json.write(o));
        } else {
            System.out.printf(Locale.ROOT, "%s vs %s (units: %s scaled to fit [-1, 1]^3)%n", pred, ref, ref);
            System.out.printf(Locale.ROOT, "  chamfer_l1          %.6f%n  chamfer_l2          %.3e%n  fscore (tau %-6s) %.4f"
                            + "  (precision %.4f, recall %.4f)%n  normal_consistency  %.4f%n  iou                 %.4f%n",
                    r.chamferL1(), r.chamferL2(), Double.toString(r.tau()), r.fscore(), r.precision(), r.recall(), r.normalConsistency(), r.iou());
        }
        return 0;
    }

    /** A radiance field against posed test views: PSNR and SSIM per view and their means. */
    private int radiance(Path refPath, Path dir) throws Exception {
        RadianceEval.Result r;
        int count;
        try (Backend backend = backends.open()) {
            FittedField f = FieldInputs.load(pred, backend, appearance);
            PosedImages test = RadianceEval.testViews(f, refPath, downscale, testEvery, System.err::println);
            count = test.count();
            int[] k = {0};
            if (alignCameras < 0) throw new UserError("--align-cameras " + alignCameras + ": the steps of each camera's alignment, 1 or more (0: none)");
            r = RadianceEval.run(f, test, dir, alignCameras, v -> System.err.printf(Locale.ROOT, "view %d/%d %s: PSNR %.2f dB, SSIM %.4f (%.1f s)%s%n",
                    ++k[0], count, v.name(), v.psnr(), v.ssim(), v.seconds(), Double.isNaN(v.alignDegrees()) ? ""
                            : String.format(Locale.ROOT, "; camera aligned by %.3f° and %.4g", v.alignDegrees(), v.alignShift())));
        }
        ObjectNode o = r.toJson(pred.toString(), ref);
        if (dir != null) o.put("images", dir.toString());
        if (json) {
            System.out.println(Json.write(o));
        } else {
            System.out.printf(Locale.ROOT, "%s on %s: mean PSNR %.2f dB, mean SSIM %.4f over %d views%s%n", pred, ref, r.meanPsnr(),
                    r.meanSsim(), count, dir == null ? "" : " (prediction|truth images in " + dir + ")");
        }
        return 0;
    }
}
