package nfield.fuzz;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The fuzz targets of {@link FuzzTargets} in every test run: each replays its seeds and kept
 * findings (any exception but the reader's own verdict fails, as it would under Jazzer), then
 * Jazzer fuzzes it in a child JVM for {@code -Dnfield.fuzz.runs} inputs or {@code -Dnfield.fuzz.seconds}
 * (default 2000 inputs or 10 seconds, whichever comes first; at least 100 inputs), which must end with no finding. {@code tools/fuzz.sh} runs the long campaigns.
 */
class FuzzSmokeTest {
    static final Pattern DONE = Pattern.compile("Done (\\d+) runs");

    @TempDir
    Path dir;

    static List<Path> inputs(FuzzTargets.Target t) throws IOException {
        List<Path> files = new ArrayList<>();
        for (String d : t.seedDirs()) {
            Path p = Path.of(d);
            if (!Files.isDirectory(p)) continue;
            try (Stream<Path> s = Files.list(p)) {
                files.addAll(s.filter(Files::isRegularFile).sorted().toList());
            }
        }
        return files;
    }

    @TestFactory
    List<DynamicTest> everyTargetReplaysItsSeedsAndFindings() {
        List<DynamicTest> tests = new ArrayList<>();
        for (FuzzTargets.Target t : FuzzTargets.ALL) {
            tests.add(DynamicTest.dynamicTest(t.name(), () -> {
                List<Path> files = inputs(t);
                assertTrue(!files.isEmpty(), t.name() + ": no seeds in " + t.seedDirs());
                for (Path f : files) {
                    try {
                        t.run(Files.readAllBytes(f));
                    } catch (InvocationTargetException e) {
                        fail(t.name() + ": " + f + " makes the reader throw " + e.getCause(), e.getCause());
                    }
                }
                t.run(new byte[0]);
            }));
        }
        return tests;
    }

    /** Jazzer on every target for a couple of thousand inputs, two child JVMs at a time (their start-up is most of the time). */
    @org.junit.jupiter.api.Test
    void everyTargetFuzzesAFewThousandInputsWithoutAFinding() throws Exception {
        int seconds = Integer.getInteger("nfield.fuzz.seconds", 10), runs = Integer.getInteger("nfield.fuzz.runs", 2000);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            List<java.util.concurrent.Future<String>> jobs = new ArrayList<>();
            for (FuzzTargets.Target t : FuzzTargets.ALL) jobs.add(pool.submit(() -> fuzz(t, runs, seconds)));
            List<String> failures = new ArrayList<>();
            for (var r : jobs) {
                String verdict = r.get(seconds + 300L, TimeUnit.SECONDS);
                if (verdict != null) failures.add(verdict);
            }
            assertTrue(failures.isEmpty(), String.join("\n\n", failures));
        } finally {
            pool.shutdownNow();
        }
    }

    /** Fuzzes t for {@code runs} inputs or {@code seconds}; null when it ran at least 100 with no finding, else what went wrong. */
    String fuzz(FuzzTargets.Target t, int runs, int seconds) throws IOException, InterruptedException {
        Path corpus = Files.createDirectories(dir.resolve(t.name() + "/corpus"));
        Path findings = Files.createDirectories(dir.resolve(t.name() + "/findings"));
        for (Path f : inputs(t)) Files.copy(f, corpus.resolve(f.getFileName()));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // C1 only and the serial collector: a short run is mostly start-up, where C2 and parallel GC threads only take CPU.
        // Memory: the child's heap is bounded by -Xmx1g (an OutOfMemoryError is a finding). libFuzzer's -rss_limit_mb is off
        // here: it reads getrusage's peak RSS, which Linux carries from the parent across fork and exec, so a child of a
        // test JVM that has grown past the limit was "out of memory" before its first input (tools/fuzz.sh, started from a
        // shell, keeps the limit).
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx1g", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
        if (t.property() != null) cmd.add("-D" + t.property());
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "com.code_intelligence.jazzer.Jazzer",
                "--target_class=" + t.className(), "--instrumentation_includes=" + t.instrument(), "-runs=" + runs, "-max_total_time=" + seconds,
                "-max_len=16384", "-rss_limit_mb=0", "-timeout=10", "-artifact_prefix=" + findings + "/", "--reproducer_path=" + dir.resolve(t.name()), corpus.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(seconds + 240L, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return t.name() + ": Jazzer did not finish";
        }
        String tail = out.length() > 3000 ? out.substring(out.length() - 3000) : out;
        try (Stream<Path> s = Files.list(findings)) {
            List<Path> found = s.toList();
            if (!found.isEmpty()) return t.name() + ": Jazzer found " + found + ":\n" + tail;
        }
        if (p.exitValue() != 0) return t.name() + ": Jazzer's exit status " + p.exitValue() + "\n" + tail;
        Matcher m = DONE.matcher(out);
        if (!m.find()) return t.name() + ": no run count in Jazzer's output\n" + tail;
        long done = Long.parseLong(m.group(1));
        System.out.printf("fuzz %s: %d runs%n", t.name(), done);
        return done >= Math.min(100, runs) ? null : t.name() + ": only " + done + " runs";
    }
}
