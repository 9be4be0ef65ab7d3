package nfield.testing;

import nfield.compute.opencl.ClBackend;
import nfield.compute.opencl.OpenClUnavailableException;
import org.junit.jupiter.api.Assumptions;

/**
 * The OpenCL backend for tests, or a skip (with the reason) where no platform exists. One
 * backend serves every test in the JVM and is never closed: the process exit releases it
 * (creating and releasing many contexts in one process buys nothing and stresses the driver).
 */
public final class OpenCl {
    private static ClBackend shared;

    private OpenCl() {}

    public static synchronized ClBackend open() {
        if (shared != null) return shared;
        try {
            shared = ClBackend.open(-1);
            return shared;
        } catch (OpenClUnavailableException e) {
            Assumptions.abort("needs OpenCL (CI installs PoCL): " + e.getMessage());
            throw e;
        }
    }
}
