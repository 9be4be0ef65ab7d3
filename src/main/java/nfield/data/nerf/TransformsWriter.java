package nfield.data.nerf;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import nfield.config.Json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes a COLMAP model, in nfield's world ({@link ColmapReader.Scene}), as a
 * {@code transforms.json} that {@link TransformsReader} reads back to the same cameras: per-frame
 * intrinsics and lens ({@code camera_model}, {@code k1 k2 k3 k4 p1 p2}), poses, and the boxes as
 * instant-ngp's {@code scale} and {@code offset} that make its unit cube the cube around the box of
 * interest, with the {@code aabb_scale} (a power of two) whose cube holds the scene box. Written atomically (a temporary file, then a rename).
 */
public final class TransformsWriter {
    private TransformsWriter() {}

    /** Writes {@code scene} to {@code json}, each image's path {@code imagesPrefix} + its COLMAP name. */
    public static void write(Path json, ColmapReader.Scene scene, String imagesPrefix) throws IOException {
        ColmapModel model = scene.model();
        ObjectNode root = Json.MAPPER.createObjectNode();
        double[] inner = scene.inner(), box = scene.box();
        double edge = 0;
        for (int a = 0; a < 3; a++) edge = Math.max(edge, inner[a + 3] - inner[a]);
        // instant-ngp's unit cube is the cube around the box of interest; aabb_scale (a power of two) holds the scene box
        double need = 1;
        for (int a = 0; a < 3; a++) {
            double c = 0.5 * (inner[a] + inner[a + 3]);
            need = Math.max(need, 2 * Math.max(c - box[a], box[a + 3] - c) / edge);
        }
        int aabb = 1;
        while (aabb < need && aabb < 128) aabb *= 2;
        root.put("aabb_scale", aabb);
        root.put("scale", 1 / edge);
        ArrayNode off = root.putArray("offset");
        for (int a = 0; a < 3; a++) off.add(0.5 - 0.5 * (inner[a] + inner[a + 3]) / edge);
        root.put("nfield_world", scene.world().describe());
        ArrayNode frames = root.putArray("frames");
        for (int k = 0; k < model.images().size(); k++) {
            ColmapModel.Image im = model.images().get(k);
            ColmapModel.Camera cam = model.cameras().get(im.cameraId());
            Intrinsics in = cam.intrinsics();
            Lens lens = in.lens();
            ObjectNode f = frames.addObject();
            f.put("file_path", imagesPrefix + im.name());
            f.put("colmap_im_id", im.id());
            f.put("fl_x", in.fx()).put("fl_y", in.fy()).put("cx", in.cx()).put("cy", in.cy()).put("w", cam.width()).put("h", cam.height());
            switch (lens.model()) {
                case PINHOLE -> f.put("camera_model", "PINHOLE");
                case FISHEYE -> f.put("camera_model", "OPENCV_FISHEYE").put("k1", lens.k(1)).put("k2", lens.k(2)).put("k3", lens.k(3))
                        .put("k4", lens.k(4));
                case RADIAL_TANGENTIAL -> {
                    if (lens.k(5) != 0 || lens.k(6) != 0 || lens.k(7) != 0) {
                        throw new NerfFormatException(json + ": camera " + cam.id() + " (" + cam.model() + ") has rational distortion "
                                + "terms that a transforms.json cannot hold; fit the COLMAP folder itself");
                    }
                    f.put("camera_model", "OPENCV").put("k1", lens.k(1)).put("k2", lens.k(2)).put("k3", lens.k(3)).put("k4", lens.k(4))
                            .put("p1", lens.p1()).put("p2", lens.p2());
                }
            }
            ArrayNode m = f.putArray("transform_matrix");
            for (int r = 0; r < 4; r++) {
                ArrayNode row = m.addArray();
                for (int c = 0; c < 4; c++) row.add(scene.poses()[16 * k + 4 * r + c]);
            }
        }
        Path dir = json.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, json.getFileName().toString(), ".tmp");
        try {
            Files.writeString(tmp, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, json, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
