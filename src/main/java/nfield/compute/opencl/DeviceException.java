package nfield.compute.opencl;

/**
 * An OpenCL device that is there but fails: it cannot build a kernel, or cannot hold what a fit
 * asks of its memory. The message is one line: the device, the cause, and what to do.
 */
public final class DeviceException extends RuntimeException {
    public DeviceException(String message, Throwable cause) {
        super(message, cause);
    }
}
