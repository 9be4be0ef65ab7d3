package nfield.data.nerf;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The front door to posed-image sets: a {@code transforms*.json} (with its images), a tiny-NeRF
 * {@code .npz}, or a folder holding {@code transforms_<split>.json} files or one
 * {@code transforms.json}. {@link LoadOptions#split()} picks the split: for a json it is the
 * sibling {@code transforms_<split>.json}, so the same call with "test" reads the evaluation views
 * of whatever was trained on.
 */
public final class NerfData {
    private NerfData() {}

    /**
     * Whether {@code path} looks like a posed-image set: an .npz, a .json, or a folder with a
     * transforms*.json or a COLMAP model ({@link ColmapReader#find}).
     */
    public static boolean isPosedImages(Path path) {
        String s = path.getFileName() == null ? "" : path.getFileName().toString().toLowerCase(Locale.ROOT);
        if (s.endsWith(".npz") || s.endsWith(".json")) return true;
        return Files.isDirectory(path) && (!transformsFiles(path).isEmpty() || ColmapReader.isModel(path));
    }

    /**
     * Reads {@code path}: an .npz, a transforms*.json, or a folder, which is read by its
     * transforms*.json when it has one (a folder nerfstudio or colmap2nerf made holds both that
     * and the COLMAP model it came from), else as a COLMAP model.
     */
    public static PosedImages read(Path path, LoadOptions opt) throws IOException {
        String s = path.getFileName() == null ? "" : path.getFileName().toString().toLowerCase(Locale.ROOT);
        if (s.endsWith(".npz")) return NpzReader.read(path, opt);
        if (Files.isDirectory(path) && transformsFiles(path).isEmpty() && ColmapReader.isModel(path)) return ColmapReader.read(path, opt);
        return TransformsReader.read(transformsFile(path, opt.split()), opt);
    }

    /**
     * The transforms file for {@code split} (null: the file itself, or "train" in a folder):
     * {@code path} when it is that split already, else {@code transforms_<split>.json} beside it
     * (or inside it, for a folder); a folder with only {@code transforms.json} gives that for any split
     * but "test" and "val".
     */
    public static Path transformsFile(Path path, String split) throws NerfFormatException {
        Path dir;
        if (Files.isDirectory(path)) {
            dir = path;
            if (split == null) split = "train";
        } else {
            if (split == null || TransformsReader.splitOf(path).equals(split)) return path;
            dir = path.getParent() == null ? Path.of("") : path.getParent();
        }
        Path want = dir.resolve("transforms_" + split + ".json");
        if (Files.isRegularFile(want)) return want;
        Path single = dir.resolve("transforms.json");
        if (Files.isRegularFile(single) && !split.equals("test") && !split.equals("val")) return single;
        List<String> have = transformsFiles(dir);
        throw new NerfFormatException(path + ": no " + split + " split: no " + want + (have.isEmpty() ? " and no transforms*.json (nor a COLMAP model) there"
                : " (there: " + String.join(", ", have) + ")"));
    }

    private static List<String> transformsFiles(Path dir) {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "transforms*.json")) {
            for (Path p : ds) names.add(p.getFileName().toString());
        } catch (IOException e) {
            return names;
        }
        names.sort(null);
        return names;
    }
}
