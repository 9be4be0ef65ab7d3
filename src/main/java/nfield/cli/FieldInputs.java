package nfield.cli;

import nfield.compute.Backend;
import nfield.data.analytic.AnalyticShape;
import nfield.data.mesh.Mesh;
import nfield.data.mesh.Normalization;
import nfield.field.Field;
import nfield.field.FieldQuery;
import nfield.io.FieldFile;
import nfield.io.FieldMesher;
import nfield.render.BakedGrid;
import nfield.render.FieldGlsl;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Loading a field file for the commands that read one, and meshing it in original coordinates. */
final class FieldInputs {
    private FieldInputs() {}

    /** The field's transform from original to field coordinates (identity for analytic fits and older files). */
    static Normalization normalization(Path file, FieldFile.Meta meta) {
        try {
            return nfield.export.ExportedField.normalization(file, meta);
        } catch (IOException e) {
            throw new UserError(e.getMessage());
        }
    }

    /** What render and view draw: the baked grid, and the direct path's GLSL and weights when asked for. */
    record Drawable(BakedGrid grid, String glsl, float[] params) {}

    /**
     * FIELD (a field file or analytic:NAME) baked at {@code bake}³ on the device ({@link #AUTO}:
     * as fine as {@link #autoResolution} allows); with {@code direct}, also the network as GLSL
     * ({@code path} is then allowed to be "direct").
     */
    static Drawable drawable(String field, int bake, String path, boolean direct, Backends backends, String verb)
            throws IOException {
        if (bake != AUTO && (bake < 16 || bake > 384)) throw new UserError("--bake " + bake + ": use 16 .. 384");
        if (!path.equals("baked") && !path.equals("direct")) throw new UserError("--path " + path + ": use baked or direct");
        AnalyticShape shape = AnalyticShape.parse(field);
        if (shape != null) {
            if (path.equals("direct")) throw new UserError("--path direct needs a field file (analytic shapes have no network)");
            return new Drawable(BakedGrid.of(shape::sdf, bake == AUTO ? 192 : bake), null, null);
        }
        Path file = Path.of(field);
        requireFile(file);
        FieldFile.Meta meta = FieldFile.readMeta(file);
        if (!meta.config().kind().equals("sdf")) {
            throw new UserError(file + ": a " + meta.config().kind() + " field; " + verb + " sdf fields (radiance comes with the radiance-field issue)");
        }
        try (Backend backend = backends.open()) {
            Field f = FieldFile.load(file, backend);
            FieldQuery q = new FieldQuery(f);
            BakedGrid grid = BakedGrid.bake(q, bake == AUTO ? autoResolution(q::values, 1, 128, 256) : bake);
            return direct ? new Drawable(grid, FieldGlsl.sdfFunction(f), FieldGlsl.texture(f)) : new Drawable(grid, null, null);
        }
    }

    /** Coarse density lattice that finds the box a radiance field's bake covers. */
    static final int VOLUME_COARSE = 64;

    /**
     * A radiance field file loaded for the volume mode, baked on demand: {@code res} points along
     * the visible box's longest side. A view-dependent field's colour is baked as seen along the
     * given camera's forward direction (every point alike), the one direction a bake can hold.
     * Holds its backend until closed; use it from one thread at a time.
     */
    static final class VolumeBaker implements AutoCloseable {
        private final Backend backend;
        private final FieldQuery query;
        private final RadianceEval.Settings settings;
        private final boolean zUp;
        private final float threshold;
        private final int res;

        VolumeBaker(Path file, int res, String up, Backends backends) throws IOException {
            if (res != AUTO && (res < 16 || res > 256)) {
                throw new UserError("--bake " + res + ": radiance fields bake at 16 .. 256 (a grid of 4 floats a point)");
            }
            requireFile(file);
            settings = RadianceEval.settings(file, FieldFile.readMeta(file));
            zUp = settings.zUp(up);
            threshold = (float) nfield.radiance.OccupancyGrid.densityThreshold(settings.marching().step());
            backend = backends.open();
            try {
                query = new FieldQuery(FieldFile.load(file, backend));
                // the coarse pass costs a fixed 64^3; the fine lattice covers a box usually well under the whole
                this.res = res == AUTO ? autoResolution(radiance(HOME),
                        1 + (double) VOLUME_COARSE * VOLUME_COARSE * VOLUME_COARSE / (128 * 128 * 128), 128, 224) : res;
            } catch (RuntimeException | IOException e) {
                backend.close();
                throw e;
            }
        }

        boolean viewDependent() { return query.field().viewDependent(); }

        float[] background() { return settings.background(); }

        /** The bake, a view-dependent field's colour as {@code view} sees it. */
        nfield.render.VolumeGrid bake(nfield.render.Camera view) {
            return nfield.render.VolumeGrid.bake(radiance(view), res, VOLUME_COARSE, threshold, zUp);
        }

        private nfield.render.VolumeGrid.Radiance radiance(nfield.render.Camera view) {
            return FieldInputs.radiance(query, zUp, view);
        }

        @Override
        public void close() {
            backend.close();
        }
    }

    /**
     * A radiance field for the volume bake: density and colour; a view-dependent field's colour as
     * seen along {@code view}'s forward direction (viewer space, y up; the field's axes when zUp).
     */
    static nfield.render.VolumeGrid.Radiance radiance(FieldQuery q, boolean zUp, nfield.render.Camera view) {
        org.joml.Vector3f f = view.forward();
        float[] dir = zUp ? new float[]{f.x, -f.z, f.y} : new float[]{f.x, f.y, f.z};
        return (xyz, n) -> q.outputs(xyz, dir, n);
    }

    /** Where the viewer starts. */
    static final nfield.render.Camera HOME = new nfield.render.Camera(30, 25, 3.2);

    /** {@code --bake auto}: the resolution is picked from how fast the device evaluates the field. */
    static final int AUTO = -1;
    /** What an automatic bake may take. */
    static final double BAKE_SECONDS = 5.0;

    /** Parses --bake: auto or a number. */
    static int parseBake(String s) {
        if (s.equals("auto")) return AUTO;
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            throw new UserError("--bake " + s + ": use auto or a resolution such as 128");
        }
    }

    /**
     * The finest bake from {@code min} to {@code max} (steps of 32) whose res³ evaluations, times
     * {@code factor} for extra passes, fit in {@value #BAKE_SECONDS} s at the rate the device
     * evaluates this field (timed on 32,768 random points after one warm-up pass).
     */
    static int autoResolution(nfield.render.VolumeGrid.Radiance eval, double factor, int min, int max) {
        int n = 1 << 15;
        float[] xyz = new float[3 * n];
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(1);
        for (int i = 0; i < xyz.length; i++) xyz[i] = (float) (2 * rnd.nextDouble() - 1);
        eval.eval(xyz, n);
        long t0 = System.nanoTime();
        eval.eval(xyz, n);
        double rate = n / Math.max(1e-9, (System.nanoTime() - t0) * 1e-9);
        int res = min;
        for (int r = min; r <= max; r += 32) if (factor * r * (double) r * r / rate <= BAKE_SECONDS) res = r;
        System.err.printf(java.util.Locale.ROOT, "bake resolution %d (auto: the device evaluates the field at %.2fM points/s; "
                + "a bake within %.0f s)%n", res, rate * 1e-6, BAKE_SECONDS);
        return res;
    }

    static void requireFile(Path file) {
        if (!Files.isRegularFile(file)) throw new UserError(file + ": no such file");
    }

    /** What {@link #mesh} returns: the mesh and normals in original coordinates, and the extraction figures. */
    record Meshed(Mesh mesh, float[] normals, FieldMesher.Result raw, double loadSeconds) {}

    /** Loads a field and extracts its zero level set at {@code res}³, moved back to the mesh's coordinates. */
    static Meshed mesh(Path file, Backend backend, int res, boolean normals) throws IOException {
        requireFile(file);
        long t0 = System.nanoTime();
        FieldFile.Meta meta = FieldFile.readMeta(file);
        if (!meta.config().kind().equals("sdf")) {
            throw new UserError(file + ": a " + meta.config().kind() + " field; meshing needs an sdf field");
        }
        Normalization norm = normalization(file, meta);
        Field field = FieldFile.load(file, backend);
        double load = (System.nanoTime() - t0) * 1e-9;
        FieldMesher.Result r = FieldMesher.extract(new FieldQuery(field), res, normals, file.getFileName().toString());
        if (r.mesh().triangleCount() == 0) {
            throw new UserError(file + ": the field has no zero crossing inside [-1, 1]^3 at --res " + res
                    + " (nothing to mesh; was it trained?)");
        }
        return new Meshed(norm.invert(r.mesh()), r.normals(), r, load);
    }
}
