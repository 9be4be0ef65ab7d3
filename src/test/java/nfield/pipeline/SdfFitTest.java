package nfield.pipeline;

import nfield.compute.ref.RefBackend;
import nfield.config.SceneConfig;
import nfield.data.mesh.MeshShapes;
import nfield.field.FieldMeta;
import nfield.geom.Normalization;
import nfield.io.FieldFile;
import nfield.train.Trainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SDF fits as library calls: request in, FittedField out, progress to a listener; no command line. */
class SdfFitTest {
    @TempDir
    Path dir;

    static SceneConfig scene(int width) {
        return SceneConfig.parse("test scene", """
                {"field": {"kind": "sdf", "encoding": {"type": "frequency", "octaves": 2},
                           "network": {"width": %d, "hidden_layers": 2, "output_scale": 0.1}},
                 "optimizer": {"lr": 0.01, "schedule": {"type": "constant"}},
                 "train": {"batch": 128, "steps": 50, "pool_size": 4096, "log_every": 5}}
                """.formatted(width));
    }

    @Test
    void aFitReturnsTheFittedFieldAndReportsToItsListener() throws IOException {
        Recorder rec = new Recorder();
        FitResult r;
        try (RefBackend b = new RefBackend()) {
            r = SdfFit.run(FitRequest.of("analytic:sphere", scene(8)).withBudget(FitRequest.Budget.steps(40)).withSeed(5), b, rec);
        }
        assertEquals(40, r.steps());
        assertEquals(40, r.fitted().meta().steps());
        assertEquals(8, rec.progress.size(), "a report every 5 steps");
        assertTrue(rec.events.indexOf("started") < rec.events.indexOf("progress 5"), rec.events.toString());
        assertEquals(40, rec.progress.get(rec.progress.size() - 1).step());
        assertTrue(rec.started.field() == r.fitted().field(), "the listener saw the field that was trained");
        double first = rec.progress.get(0).terms().get("sdf");
        assertTrue(r.loss() < first, "the loss fell: " + first + " -> " + r.loss());
        assertEquals(r.loss(), r.terms().get("sdf"));
        FieldMeta m = r.fitted().meta();
        assertEquals(Normalization.IDENTITY, m.normalization());
        assertEquals("analytic:sphere", m.fittedTo().data());
        assertEquals("exact", m.fittedTo().sign());
        assertEquals(0.0, m.fittedTo().ambiguousShare());
        assertEquals(scene(8), m.scene());
        assertTrue(r.timing().containsKey("preparing") && r.timing().containsKey("training"), r.timing().toString());
        try (var files = Files.list(dir)) {
            assertEquals(0, files.count(), "no output asked for: nothing written");
        }
    }

    @Test
    void aLossThatTurnsNaNStopsTheFitNamingTheTermAndStepAndKeepsTheLastFile() throws IOException {
        Path out = dir.resolve("sphere.nfield");
        try (RefBackend b = new RefBackend()) {
            SdfFit.run(FitRequest.of("analytic:sphere", scene(8)).withBudget(FitRequest.Budget.steps(10)).withOutput(out), b, FitListener.NONE);
        }
        byte[] before = Files.readAllBytes(out);
        System.setProperty("nfield.fault.nan-at-step", "17");
        Trainer.DivergedException e;
        try (RefBackend b = new RefBackend()) {
            e = assertThrows(Trainer.DivergedException.class, () -> SdfFit.run(FitRequest.of("analytic:sphere", scene(8))
                    .withBudget(FitRequest.Budget.steps(30)).withResume(out).withOutput(out), b, FitListener.NONE));
        } finally {
            System.clearProperty("nfield.fault.nan-at-step");
        }
        // reads every 5 steps: finite at 15, the parameters turn NaN after step 17, the read at 20 sees it
        assertTrue(e.getMessage().contains("(sdf NaN) at step 20, after a finite loss at step 15"), e.getMessage());
        assertTrue(e.getMessage().contains("optimizer.lr"), e.getMessage());
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(out)), "the field file as it was before the fit");
    }

    @Test
    void aMeshFitIsNormalisedAndItsFileHoldsTheSameMetadata() throws IOException {
        Path out = dir.resolve("torus.nfield");
        FitResult r;
        try (RefBackend b = new RefBackend()) {
            r = SdfFit.run(FitRequest.of("shape:torus", scene(8)).withBudget(FitRequest.Budget.steps(10)).withOutput(out), b,
                    FitListener.NONE);
        }
        FieldMeta m = r.fitted().meta();
        assertEquals(MeshShapes.parse("shape:torus").mesh().fitNormalization(Normalization.DEFAULT_EXTENT), m.normalization());
        assertNotEquals(Normalization.IDENTITY, m.normalization());
        assertEquals("pseudonormal", m.fittedTo().sign(), "the generated torus is closed and oriented");
        assertEquals(r.figures().get("ambiguous_share"), m.fittedTo().ambiguousShare());
        assertEquals(m, FieldFile.readMeta(out), "the file holds what the fit returned");
        assertEquals(10, FieldFile.readMeta(out).steps());
    }

    @Test
    void stoppingFromAListenerEndsTheFitAndStillWritesIt() throws IOException {
        Path out = dir.resolve("stopped.nfield");
        FitControl control = new FitControl();
        Recorder rec = new Recorder() {
            @Override
            public void progress(Trainer.Progress p) {
                super.progress(p);
                if (progress.size() == 3) control.stop();
            }
        };
        FitResult r;
        try (RefBackend b = new RefBackend()) {
            r = SdfFit.run(FitRequest.of("analytic:torus", scene(8)).withBudget(FitRequest.Budget.steps(100_000)).withOutput(out)
                    .withControl(control), b, rec);
        }
        assertTrue(r.steps() > 15 && r.steps() < 100, "stopped soon after the third report: " + r.steps() + " steps");
        assertEquals(r.steps(), FieldFile.readMeta(out).steps());
        assertTrue(control.stopped());
    }

    /** The viewer's pause: no steps while paused, and the time budget stands still meanwhile; resume goes on, stop ends a pause. */
    @Test
    void aPausedFitTakesNoStepsAndItsBudgetWaits() throws Exception {
        Path out = dir.resolve("paused.nfield");
        FitControl control = new FitControl();
        java.util.List<long[]> reports = java.util.Collections.synchronizedList(new java.util.ArrayList<>()); // {nanos, step}
        Recorder rec = new Recorder() {
            @Override
            public void progress(Trainer.Progress p) {
                super.progress(p);
                reports.add(new long[]{System.nanoTime(), p.step()});
                if (reports.size() == 2) control.pause(true);
            }
        };
        Thread resumer = new Thread(() -> {
            try {
                while (reports.size() < 2) Thread.sleep(5);
                Thread.sleep(1500);
                assertTrue(control.paused());
                control.pause(false);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        resumer.start();
        long t0 = System.nanoTime();
        FitResult r;
        try (RefBackend b = new RefBackend()) {
            r = SdfFit.run(FitRequest.of("analytic:torus", scene(8)).withBudget(FitRequest.Budget.seconds(1.0)).withOutput(out)
                    .withControl(control), b, rec);
        }
        double wall = (System.nanoTime() - t0) * 1e-9;
        resumer.join();
        assertTrue(wall > 2.4, "1 s of training plus a 1.5 s pause: " + wall + " s");
        long[] before = reports.get(1), after = reports.get(2);
        assertTrue((after[0] - before[0]) * 1e-9 > 1.4, "no report while paused");
        assertTrue(r.steps() > before[1], "steps after the resume: " + r.steps() + " > " + before[1]);
        assertEquals(r.steps(), FieldFile.readMeta(out).steps());

        // a stop while paused ends the fit at once, and it is still written
        FitControl held = new FitControl();
        held.pause(true);
        Thread stopper = new Thread(() -> {
            try {
                Thread.sleep(300);
                held.stop();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        stopper.start();
        Path out2 = dir.resolve("held.nfield");
        try (RefBackend b = new RefBackend()) {
            r = SdfFit.run(FitRequest.of("analytic:torus", scene(8)).withBudget(FitRequest.Budget.steps(100_000)).withOutput(out2)
                    .withControl(held), b, FitListener.NONE);
        }
        stopper.join();
        assertTrue(r.steps() <= 1, "paused from the start, then stopped: " + r.steps() + " steps");
        assertTrue(java.nio.file.Files.exists(out2));
    }

    /** 30 steps, then a resume for 20 more, equals 50 straight steps (same batches, Adam's state restored). */
    @Test
    void aResumedFitContinuesWhereTheCheckpointStopped() throws IOException {
        Path straight = dir.resolve("a.nfield"), first = dir.resolve("b.nfield");
        try (RefBackend b = new RefBackend()) {
            FitRequest req = FitRequest.of("analytic:sphere", scene(8));
            double[] want = SdfFit.run(req.withBudget(FitRequest.Budget.steps(50)).withOutput(straight), b, FitListener.NONE)
                    .fitted().field().params().readParams();
            SdfFit.run(req.withBudget(FitRequest.Budget.steps(30)).withOutput(first), b, FitListener.NONE);
            Recorder rec = new Recorder();
            FitResult r = SdfFit.run(req.withBudget(FitRequest.Budget.steps(20)).withResume(first), b, rec);
            assertEquals(50, r.steps());
            assertTrue(rec.events.contains("info resuming " + first + " at step 30"), rec.events.toString());
            double[] got = r.fitted().field().params().readParams();
            double scale = 0;
            for (double w : want) scale = Math.max(scale, Math.abs(w));
            // the checkpoint holds float32: the resumed run differs by rounding only
            for (int i = 0; i < want.length; i++) assertEquals(want[i], got[i], 1e-4 * scale, "parameter " + i);

            FitError e = assertThrows(FitError.class, () -> SdfFit.run(FitRequest.of("analytic:sphere", scene(16))
                    .withBudget(FitRequest.Budget.steps(5)).withResume(first), b, FitListener.NONE));
            assertTrue(e.getMessage().contains("differs from the scene's"), e.getMessage());
            e = assertThrows(FitError.class, () -> SdfFit.run(FitRequest.of("shape:torus", scene(8))
                    .withBudget(FitRequest.Budget.steps(5)).withResume(first), b, FitListener.NONE));
            assertTrue(e.getMessage().contains("resume on the same data"), e.getMessage());
        }
    }

    @Test
    void badRequestsAreRefusedWithTheFix() {
        assertThrows(FitError.class, () -> new FitRequest.Budget(0, 0));
        try (RefBackend b = new RefBackend()) {
            FitError e = assertThrows(FitError.class, () -> SdfFit.run(FitRequest.of("no-such.obj", scene(8)), b, FitListener.NONE));
            assertTrue(e.getMessage().startsWith("no-such.obj: no such file, and not a built-in shape"), e.getMessage());
            e = assertThrows(FitError.class, () -> SdfFit.run(FitRequest.of("analytic:sphere", scene(8)),
                    new SdfFit.Options(null, null, 0), b, FitListener.NONE));
            assertEquals("--batch 0: must be at least 1", e.getMessage());
        }
        assertFalse(Fits.isPosedImages("analytic:sphere"));
    }
}
