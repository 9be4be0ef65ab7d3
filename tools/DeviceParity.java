import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * Runs test classes through the JUnit platform without Maven, for tools/device-check.sh's bundle
 * on a machine with no network: one line a test (PASS, FAIL with its message, SKIP with the
 * reason), then the summary. Exits 1 on a failure, and 2 when nothing ran at all (every test
 * skipped: on a device check that means OpenCL was not found, which must not read as a pass).
 * Usage: java -cp nfield.jar:test/classes:test/lib/* DeviceParity CLASS...
 */
public final class DeviceParity {
    public static void main(String[] args) {
        List<org.junit.platform.engine.DiscoverySelector> selectors = new ArrayList<>();
        for (String c : args) selectors.add(selectClass(c));
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request().selectors(selectors).build();
        Launcher launcher = LauncherFactory.create();
        SummaryGeneratingListener summary = new SummaryGeneratingListener();
        TestExecutionListener lines = new TestExecutionListener() {
            @Override
            public void executionSkipped(TestIdentifier id, String reason) {
                System.out.println("SKIP " + id.getDisplayName() + ": " + reason);
            }

            @Override
            public void executionFinished(TestIdentifier id, TestExecutionResult r) {
                if (!id.isTest() && r.getStatus() == TestExecutionResult.Status.SUCCESSFUL) return;
                String what = id.isTest() ? id.getDisplayName() : "(container) " + id.getDisplayName();
                switch (r.getStatus()) {
                    case SUCCESSFUL -> System.out.println("PASS " + what);
                    case ABORTED -> System.out.println("SKIP " + what + ": " + r.getThrowable().map(Throwable::getMessage).orElse(""));
                    case FAILED -> System.out.println("FAIL " + what + ": " + r.getThrowable().map(Throwable::toString).orElse(""));
                }
                System.out.flush();
            }
        };
        launcher.execute(request, summary, lines);
        TestExecutionSummary s = summary.getSummary();
        PrintWriter out = new PrintWriter(System.out, true);
        s.printTo(out);
        s.printFailuresTo(out, 12);
        long failed = s.getTotalFailureCount();
        if (failed > 0) System.exit(1);
        if (s.getTestsSucceededCount() == 0) {
            System.out.println("nothing ran: every test was skipped (is OpenCL there?)");
            System.exit(2);
        }
    }
}
