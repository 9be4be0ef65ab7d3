package nfield.render;

import nfield.field.glsl.FieldGlsl;
import nfield.compute.Backend;
import nfield.config.ActivationConfig;
import nfield.config.EncodingConfig;
import nfield.config.FieldConfig;
import nfield.config.NetworkConfig;
import nfield.field.Field;
import nfield.field.FieldQuery;
import nfield.testing.OpenCl;
import nfield.testing.TrainedFields;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The direct path (the network evaluated in the fragment shader from its weights) against the
 * baked path on small trained fields: silhouette IoU ≥ 0.99 and ≥ 99% of pixels within 4/255,
 * in the continuous modes. (The slice mode's contour lines are thresholds: where a hash field is
 * noisy far from the surface, the bake's trilinear values move about 2% of pixels across them.)
 * The networks are 64 wide: wider than the 32-float local arrays llvmpipe handles, so the
 * generator's chunking is exercised (unchunked, a 64-wide field rendered with IoU 0.42).
 */
class DirectRenderTest {
    private static GlContext gl;
    private static BakedRenderer renderer;

    @BeforeAll
    static void open() {
        gl = nfield.testing.Gl.headless();
        renderer = new BakedRenderer();
    }

    @AfterAll
    static void close() {
        if (renderer != null) renderer.close();
        if (gl != null) gl.close();
    }

    static Field trained(EncodingConfig enc, Backend b) {
        return TrainedFields.torus(new FieldConfig("sdf", enc,
                new NetworkConfig(64, 2, ActivationConfig.relu(), List.of(), 0.1, "uniform"), "softplus"), b);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"frequency, shaded", "frequency, normals", "hash, shaded", "hash, normals", "hash, depth"})
    void directMatchesBaked(String encoding, String mode) throws IOException {
        Backend b = OpenCl.open();
        EncodingConfig enc = encoding.equals("hash") ? new EncodingConfig.Hash(4, 2, 12, 8, 2.0, true)
                : new EncodingConfig.Frequency(2, true);
        Field field = trained(enc, b);
        BakedGrid grid = BakedGrid.bake(new FieldQuery(field), 160);
        renderer.upload(grid);
        renderer.direct(FieldGlsl.sdfFunction(field), FieldGlsl.texture(field));
        Camera cam = new Camera(35, 30, 3.0);
        Mode m = Mode.parse(mode);
        int w = 96, h = 72;
        renderer.maxStep(BakedRenderer.DIRECT_MAX_STEP); // one tracer for both: only the sdf differs
        renderer.path(false);
        int[] baked = renderer.render(cam, m, w, h, 0.0f);
        renderer.path(true);
        int[] direct = renderer.render(cam, m, w, h, 0.0f);
        renderer.path(false);
        renderer.maxStep(null);
        Path dir = Files.createDirectories(Path.of("target", "render-tests"));
        Images.writePng(dir.resolve("direct-" + encoding + "-" + mode + ".png"), direct, w, h);
        Images.writePng(dir.resolve("baked-" + encoding + "-" + mode + ".png"), baked, w, h);
        PixelDiff diff = PixelDiff.of(baked, direct, baked[0]);
        double iou = diff.iou(), share = diff.closeShare();
        int fg = diff.foregroundA();
        System.out.printf("direct vs baked, %s %s: silhouette IoU %.4f, %.4f of pixels within 4/255%n", encoding, mode, iou, share);
        assertTrue(fg > baked.length / 20, "the torus covers too little of the image: " + fg);
        assertTrue(iou >= 0.99, encoding + " " + mode + ": silhouette IoU " + iou);
        assertTrue(share >= 0.99, encoding + " " + mode + ": " + share + " of pixels within 4/255");
    }
}
