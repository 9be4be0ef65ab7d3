package nfield.pipeline;

import nfield.compute.ref.RefBackend;
import nfield.data.nerf.LoadOptions;
import nfield.data.nerf.NerfData;
import nfield.data.nerf.PosedImages;
import nfield.render.BakedGrid;
import nfield.render.Camera;
import nfield.render.CpuTracer;
import nfield.render.Images;
import nfield.render.Mode;
import nfield.testing.PosedSphere;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * No growth across views or frames: the heap after a collection, watched view by view while
 * eval scores 30 held-out views and frame by frame while 30 turntable frames render, must not
 * climb from the 6th to the last by more than {@link #SLACK} — well under what keeping each
 * view's or frame's buffers would add (70 to 100 KB each here, 1.7 to 2.4 MB over the 24 watched).
 */
class MemoryGrowthTest {
    static final long SLACK = 768 << 10;

    @TempDir
    Path dir;

    static long heapAfterGc() {
        for (int i = 0; i < 3; i++) System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    static void flat(String what, List<Long> used) {
        long growth = used.get(used.size() - 1) - used.get(5);
        System.out.printf("%s: heap %.2f MB at the 6th, %.2f MB at the %dth (growth %+d KB)%n", what, used.get(5) / 1e6,
                used.get(used.size() - 1) / 1e6, used.size(), growth >> 10);
        assertTrue(growth < SLACK, what + ": the heap grew by " + (growth >> 10) + " KB from the 6th to the last: " + used);
    }

    @Test
    void evalOfManyViewsHoldsItsMemoryFlat() throws IOException {
        PosedSphere.writeSplit(dir, "train", 6, 0, 0.69, 16);
        PosedSphere.writeSplit(dir, "test", 30, 0.4, 0.69, 64);
        List<Long> used = new ArrayList<>();
        try (RefBackend b = new RefBackend()) {
            FitResult r = RadianceFit.run(FitRequest.of(dir.resolve("transforms_train.json").toString(), RadianceFitTest.SCENE)
                    .withBudget(FitRequest.Budget.steps(2)), RadianceFit.Options.DEFAULT, b, FitListener.NONE);
            PosedImages test = NerfData.read(dir.resolve("transforms_test.json"), LoadOptions.DEFAULT);
            Path out = Files.createDirectories(dir.resolve("views"));
            RadianceEval.Result res = RadianceEval.run(r.fitted(), test, out, v -> used.add(heapAfterGc()));
            assertEquals(30, res.views().size());
        }
        flat("eval, 30 views of 64x64", used);
    }

    @Test
    void aTurntableHoldsItsMemoryFlat() {
        BakedGrid grid = BakedGrid.of((x, y, z) -> Math.sqrt(x * x + y * y + z * z) - 0.6, 48);
        List<Long> used = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            Camera cam = new Camera(12 * i, 20, 3);
            Images.toImage(CpuTracer.render(grid, cam, Mode.SHADED, 96, 96, 0f), 96, 96);
            used.add(heapAfterGc());
        }
        flat("turntable, 30 frames of 96x96", used);
    }
}
