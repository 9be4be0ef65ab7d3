package nfield.testing;

import nfield.compute.opencl.ClBackend;
import nfield.compute.opencl.OpenClUnavailableException;
import org.junit.jupiter.api.Assumptions;

/** Opens the OpenCL backend for a test, or skips it (with the reason) where no platform exists. */
public final class OpenCl {
    private OpenCl() {}

    public static ClBackend open() {
        try {
            return ClBackend.open(-1);
        } catch (OpenClUnavailableException e) {
            Assumptions.abort("needs OpenCL (CI installs PoCL): " + e.getMessage());
            throw e;
        }
    }
}
