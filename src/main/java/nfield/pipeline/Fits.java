package nfield.pipeline;

import nfield.config.SceneConfig;
import nfield.data.analytic.AnalyticShape;
import nfield.data.mesh.Mesh;
import nfield.data.mesh.MeshReader;
import nfield.data.mesh.MeshShapes;
import nfield.data.nerf.NerfData;
import nfield.field.FieldMeta;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/** What every fit starts from: which kind of fit the data asks for, the scene, the mesh. */
public final class Fits {
    private Fits() {}

    /** Whether {@code data} is a posed-image set (transforms*.json, .npz, or a folder of them): a radiance fit. */
    public static boolean isPosedImages(String data) {
        return !data.contains(":") && NerfData.isPosedImages(Path.of(data));
    }

    /**
     * The scene of a fit of {@code data}: {@code config} when given, else the scene stored in the
     * checkpoint {@code resume} (when given and it holds one), else the built-in default for the
     * data's kind (sdf-default, nerf-default). Refuses a scene of the wrong kind.
     */
    public static SceneConfig scene(Path config, Path resume, String data) throws IOException {
        FieldMeta resumed = resume == null ? null : Checkpoints.meta(resume);
        boolean radiance = isPosedImages(data);
        SceneConfig scene;
        if (config != null) scene = SceneConfig.load(config);
        else if (resumed != null && resumed.scene() != null) scene = resumed.scene();
        else scene = SceneConfig.preset(radiance ? "nerf-default" : "sdf-default");
        String kind = radiance ? "radiance" : "sdf";
        if (!scene.field().kind().equals(kind)) {
            throw new FitError((config == null ? "scene" : config.toString()) + ": field.kind is " + scene.field().kind() + "; fitting "
                    + data + " needs " + (kind.equals("sdf") ? "an sdf" : "a radiance") + " field");
        }
        return scene;
    }

    /** A mesh file, or a mesh nfield generates ({@code shape:NAME}); the reader's warnings go to {@code warn}. */
    public static Mesh loadMesh(String data, Consumer<String> warn) throws IOException {
        MeshShapes gen = MeshShapes.parse(data);
        if (gen != null) return gen.mesh();
        nfield.data.mesh.ShapeFamily.Member member;
        try {
            member = nfield.data.mesh.ShapeFamily.parse(data);
        } catch (IllegalArgumentException e) {
            throw new FitError(e.getMessage());
        }
        if (member != null) return member.mesh();
        Path p = Path.of(data);
        if (!Files.exists(p)) {
            throw new FitError(data + ": no such file, and not a built-in shape (" + String.join(", ", MeshShapes.ids())
                    + ", " + String.join(", ", AnalyticShape.ids()) + ", family:N)");
        }
        if (Files.isDirectory(p)) {
            throw new FitError(data + ": a folder, with no transforms*.json and no COLMAP model in it (the posed images a "
                    + "radiance fit reads); to fit every mesh in a folder, use nfield fit-many " + data + " -o FIELDS/");
        }
        // the file's bytes, the arrays read from them and the distance structure built on them: a few times the file
        nfield.io.Memory.require("reading " + data + " (" + nfield.data.nerf.MemoryEstimate.bytes(Files.size(p)) + ")", 4 * Files.size(p),
                "decimate the mesh (e.g. in MeshLab or Blender)");
        Mesh m = MeshReader.read(p);
        for (String w : m.warnings()) warn.accept(data + ": warning: " + w);
        return m;
    }
}
