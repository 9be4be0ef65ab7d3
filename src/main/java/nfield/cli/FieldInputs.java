package nfield.cli;

import nfield.compute.Backend;
import nfield.data.analytic.AnalyticShape;
import nfield.field.FittedField;
import nfield.io.FieldFile;
import nfield.render.SdfDrawable;
import nfield.render.VolumeBaker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The FIELD argument of the commands that read one: a field file (checked to exist) or analytic:NAME. */
final class FieldInputs {
    private FieldInputs() {}

    static void requireFile(Path file) {
        if (!Files.isRegularFile(file)) throw new UserError(file + ": no such file");
    }

    static FittedField load(Path file, Backend backend) throws IOException {
        requireFile(file);
        return FieldFile.load(file, backend);
    }

    /** With {@code --appearance mean|K}'s code folded into a field fitted with appearance codes. */
    static FittedField load(Path file, Backend backend, String appearance) throws IOException {
        requireFile(file);
        return FieldFile.load(file, backend, appearance(appearance));
    }

    /** Parses --appearance mean|K. */
    static int appearance(String s) {
        if (s == null || s.strip().equals("mean")) return FieldFile.MEAN_APPEARANCE;
        try {
            int k = Integer.parseInt(s.strip());
            if (k >= 0) return k;
        } catch (NumberFormatException ignored) {
            // falls through to the message
        }
        throw new UserError("--appearance " + s + ": expected mean or a training image's index K >= 0");
    }

    /** Whether FIELD names a field file holding a radiance field. */
    static boolean isRadianceFile(String field) throws IOException {
        Path p = Path.of(field);
        return !field.contains(":") && Files.isRegularFile(p) && !FieldFile.readMeta(p).isSdf();
    }

    /** Parses --size WxH. */
    /** {@code --crop}'s box, or the whole field box when not given. */
    static nfield.field.CropBox crop(String s) {
        if (s == null) return nfield.field.CropBox.FULL;
        try {
            return nfield.field.CropBox.parse(s);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
    }

    static int[] parseSize(String s) {
        String[] p = s.toLowerCase(java.util.Locale.ROOT).split("x");
        try {
            if (p.length == 2) {
                int w = Integer.parseInt(p[0].trim()), h = Integer.parseInt(p[1].trim());
                if (w >= 1 && h >= 1 && w <= 8192 && h <= 8192) return new int[]{w, h};
            }
        } catch (NumberFormatException ignored) {
            // falls through to the message
        }
        throw new UserError("--size " + s + ": expected WIDTHxHEIGHT, each 1..8192, e.g. 512x512");
    }

    /** Parses --bake: auto or a number. */
    static int parseBake(String s) {
        if (s.equals("auto")) return VolumeBaker.AUTO;
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            throw new UserError("--bake " + s + ": use auto or a resolution such as 128");
        }
    }

    /**
     * FIELD (an SDF file or analytic:NAME) baked at {@code bake}³ on the device (auto: as fine as
     * the device allows within the bake budget); with {@code direct}, also the network as GLSL.
     */
    static SdfDrawable drawable(String field, int bake, String path, boolean direct, Backends backends) throws IOException {
        if (bake != VolumeBaker.AUTO && (bake < 16 || bake > 384)) throw new UserError("--bake " + bake + ": use 16 .. 384");
        if (!path.equals("baked") && !path.equals("direct")) throw new UserError("--path " + path + ": use baked or direct");
        AnalyticShape shape = AnalyticShape.parse(field);
        if (shape != null) {
            if (path.equals("direct")) throw new UserError("--path direct needs a field file (analytic shapes have no network)");
            return SdfDrawable.of(shape, bake);
        }
        try (Backend backend = backends.open()) {
            return SdfDrawable.of(load(Path.of(field), backend), bake, direct);
        }
    }
}
