package nfield.render;

import nfield.field.CropBox;
import nfield.field.FieldQuery;
import nfield.field.ScalarField;
import nfield.field.FittedField;
import nfield.io.AtomicFiles;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

/**
 * One self-contained HTML file that shows an SDF field in any browser with WebGL2, no network:
 * the field baked into a 3D texture (float16, deflated, base64 in the page) and sphere-traced
 * with nfield's own shader, {@code shaders/render/trace.frag}, turned into GLSL ES 3.00; orbit,
 * pan and zoom by mouse and touch, and the render modes. The page's hash sets the camera
 * ({@code #az=30&el=25&dist=3.2&mode=0&still}), so a screenshot can be compared with
 * {@code nfield render} from the same camera.
 */
public final class WebPage {
    /** Bake resolutions tried, largest first, under the size policy. */
    static final int[] RESOLUTIONS = {256, 224, 192, 160, 128, 96, 64};

    private WebPage() {}

    /** What was written: the bake resolution and the file's size. */
    public record Written(int res, long bytes) {}

    /**
     * Writes the page for {@code f} to {@code out}: at bake resolution {@code res}, or with
     * {@link VolumeBaker#AUTO} the largest of {@link #RESOLUTIONS} whose page stays within
     * {@code maxBytes}.
     */
    public static Written sdf(FittedField f, Path out, int res, long maxBytes) throws IOException {
        return sdf(f, out, res, maxBytes, CropBox.FULL);
    }

    /** {@link #sdf(FittedField, Path, int, long)} of the part inside {@code crop}, cut with flat caps. */
    public static Written sdf(FittedField f, Path out, int res, long maxBytes, CropBox crop) throws IOException {
        if (!f.isSdf()) throw new IllegalArgumentException(f.name() + ": a " + f.meta().kind() + " field; --format html exports sdf fields");
        ScalarField q = crop.crop(new FieldQuery(f.field()));
        String frag = es(BakedRenderer.fragment(BakedRenderer.source("baked_sdf.glsl")));
        int[] tries = res == VolumeBaker.AUTO ? RESOLUTIONS : new int[] {res};
        if (res == VolumeBaker.AUTO) { // a 96^3 bake tells the bytes a grid point takes, deflated: start from the largest that should fit
            int probe = 96; // (finer grids deflate better, so this errs towards a smaller bake)
            double perPoint = 4.0 / 3 * deflate(Half.littleEndian(BakedGrid.bake(q, probe).values())).length / Math.pow(probe, 3); // base64's 4/3
            long fixed = resource(TEMPLATE).length() + VERT.length() + frag.length();
            int k = 0;
            while (k < RESOLUTIONS.length - 1 && fixed + perPoint * Math.pow(RESOLUTIONS[k], 3) > maxBytes) k++;
            tries = Arrays.copyOfRange(RESOLUTIONS, k, RESOLUTIONS.length);
        }
        return firstThatFits(out, tries, maxBytes, frag, "shaded", r -> {
            BakedGrid g = BakedGrid.bake(q, r); // its values are halves already: what the page holds
            float[] v = g.values();
            // the cells that can hold a hit, as nfield render marches them
            String grid = "{kind: \"sdf\", res: " + r + ", box: " + Arrays.toString(g.occupied()) + ", data: \""
                    + b64(v) + "\"}";
            String info = String.format(Locale.ROOT, "%s field, baked at %d&sup3;, %,d steps", f.meta().kind(), r, f.meta().steps());
            return new Bake(grid, info, r, "--res " + r);
        });
    }

    /**
     * The page for a radiance field: baked as the viewer's volume mode bakes it (colours as seen
     * from the home camera), at {@code res} (or {@link VolumeBaker#AUTO}: 192 per axis, then
     * coarser while the page is over {@code maxBytes}), ray-marched with volume.frag.
     */
    public static Written volume(FittedField f, Path out, int res, long maxBytes) throws IOException {
        return volume(f, out, res, maxBytes, CropBox.FULL);
    }

    /** {@link #volume(FittedField, Path, int, long)} of what lies inside {@code crop} (no density outside it). */
    public static Written volume(FittedField f, Path out, int res, long maxBytes, CropBox crop) throws IOException {
        if (f.radiance() == null) throw new IllegalArgumentException(f.name() + ": not a radiance field");
        int[] tries = res == VolumeBaker.AUTO ? new int[] {192, 160, 128, 96, 64} : new int[] {res};
        return firstThatFits(out, tries, maxBytes, es(BakedRenderer.source("volume.frag")), "colour", r -> {
            VolumeBaker baker = new VolumeBaker(f, r, null).crop(crop);
            VolumeGrid g = baker.bake(Camera.HOME);
            int[] n = g.dims();
            String grid = String.format(Locale.ROOT, "{kind: \"volume\", dims: %s, macroDims: %s, lo: %s, hi: %s, macro: %d, dt: %s, "
                            + "maxIter: %d, background: %s, data: \"%s\", skip: \"%s\"}", Arrays.toString(n), Arrays.toString(g.macroDims()),
                    Arrays.toString(g.lo()), Arrays.toString(g.hi()), VolumeGrid.MACRO, Float.toString(g.step()),
                    VolumeRenderer.maxIterations(g), Arrays.toString(baker.background()), b64(g.rgba()), b64(g.skip()));
            String info = String.format(Locale.ROOT, "radiance field, baked at %dx%dx%d, %,d steps", n[0], n[1], n[2], f.meta().steps());
            int used = Math.max(n[0], Math.max(n[1], n[2]));
            return new Bake(grid, info, used, "a " + used + " bake");
        });
    }

    private static final String TEMPLATE = "/nfield/web/view.html";
    private static final String VERT = es(BakedRenderer.source("fullscreen.vert"));

    /** One bake for the page: the GRID literal, the panel's line, its resolution, and how an error names it. */
    private record Bake(String grid, String info, int res, String what) {}

    @FunctionalInterface
    private interface Baking {
        Bake at(int res) throws IOException;
    }

    /** The page of the first of {@code tries} whose page fits {@code maxBytes}, written to {@code out}; refuses when none does. */
    private static Written firstThatFits(Path out, int[] tries, long maxBytes, String frag, String shaded, Baking baking) throws IOException {
        String template = resource(TEMPLATE), name = out.getFileName().toString().replaceAll("\\.html?$", "");
        for (int i = 0; ; i++) {
            Bake b = baking.at(tries[i]);
            String page = fill(template, name, b.info(), shaded, VERT, frag, b.grid());
            if (page.length() <= maxBytes) {
                byte[] bytes = page.getBytes(StandardCharsets.UTF_8);
                AtomicFiles.write(out, bytes);
                return new Written(b.res(), bytes.length);
            }
            if (i == tries.length - 1) {
                throw new IllegalArgumentException(out + ": the page at " + b.what() + " would be " + mib(page.length()) + ", over --max-size "
                        + mib(maxBytes) + ": lower --res, or raise --max-size");
            }
        }
    }

    private static String fill(String template, String name, String info, String shaded, String vert, String frag, String grid) {
        return template.replace("@TITLE@", escape(name)).replace("@INFO@", info).replace("@SHADED@", shaded).replace("@VERT@", vert)
                .replace("@FRAG@", frag).replace("@GRID@", grid);
    }

    private static String b64(float[] v) throws IOException {
        return Base64.getEncoder().encodeToString(deflate(Half.littleEndian(v)));
    }

    /** GLSL 3.30 core as GLSL ES 3.00: the version line, and the precisions ES asks for. */
    static String es(String glsl) {
        if (!glsl.startsWith("#version 330 core")) throw new IllegalStateException("a shader that does not start with #version 330 core");
        return "#version 300 es\nprecision highp float;\nprecision highp int;\nprecision highp sampler3D;"
                + glsl.substring("#version 330 core".length());
    }


    private static byte[] deflate(byte[] b) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(b.length / 3);
        try (DeflaterOutputStream d = new DeflaterOutputStream(out, new Deflater(6), 1 << 16)) {
            d.write(b);
        }
        return out.toByteArray();
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static String mib(long n) {
        return String.format(Locale.ROOT, "%.1f MiB", n / 1048576.0);
    }

    private static String resource(String path) {
        try (InputStream in = WebPage.class.getResourceAsStream(path)) {
            if (in == null) throw new IllegalStateException(path + " missing from the jar");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(path + ": " + e.getMessage(), e);
        }
    }
}
