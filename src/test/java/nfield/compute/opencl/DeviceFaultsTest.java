package nfield.compute.opencl;

import nfield.testing.OpenCl;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An OpenCL device that fails, for real: a kernel the driver will not build (build options that
 * break the source, as a user's NFIELD_CL_OPTIONS could) and a buffer larger than the device
 * holds. Each is one line naming the device, the cause and the fix; no driver call is left
 * half done.
 */
class DeviceFaultsTest {
    @Test
    void aKernelTheDriverWillNotBuildIsOneLineWithTheLogInAFile() throws Exception {
        OpenCl.open(); // skips where there is no OpenCL
        System.setProperty("nfield.cl.options", "-Dfloat=void");
        DeviceException e;
        try (ClBackend fresh = ClBackend.open(-1)) { // a backend of its own: its programs are built anew
            e = assertThrows(DeviceException.class, () -> fresh.alloc(4, 4));
        } finally {
            System.clearProperty("nfield.cl.options");
        }
        String m = e.getMessage();
        assertFalse(m.contains("\n"), "one line: " + m);
        assertTrue(m.contains("could not build opencl/") && m.contains("CL_BUILD_PROGRAM_FAILURE"), m);
        assertTrue(m.contains("(-Dfloat=void) may be the cause: remove them"), m);
        Matcher log = Pattern.compile("whole log is in (\\S+\\.log)").matcher(m);
        assertTrue(log.find(), m);
        Path f = Path.of(log.group(1));
        assertTrue(Files.readString(f).contains("options: -cl-std=CL1.2") && Files.readString(f).contains("error"), Files.readString(f));
        Files.delete(f);
    }

    @Test
    void aBufferLargerThanTheDeviceHoldsIsRefusedBeforeTheDriverIsAsked() {
        ClBackend cl = OpenCl.open();
        long largest = cl.info().maxAllocBytes();
        int cols = (int) Math.max(16, largest / 4 / Integer.MAX_VALUE + 2);
        int rows = (int) (largest / 4 / cols + 1); // just past the largest buffer
        DeviceException e = assertThrows(DeviceException.class, () -> cl.alloc(rows, cols));
        String m = e.getMessage();
        assertFalse(m.contains("\n"), m);
        assertTrue(m.startsWith("OpenCL device " + cl.info().name() + " "), m);
        assertTrue(m.contains("cannot hold a buffer of") && m.contains("train.batch") && m.contains("--backend java"), m);
        cl.alloc(4, 4); // and the device goes on working
    }
}
