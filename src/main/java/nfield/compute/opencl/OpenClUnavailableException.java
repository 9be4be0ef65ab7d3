package nfield.compute.opencl;

/** No usable OpenCL platform or device; the message says what to install. */
public final class OpenClUnavailableException extends RuntimeException {
    public static final String HINT = "Install an OpenCL driver: on Debian/Ubuntu, `sudo apt-get install pocl-opencl-icd "
            + "ocl-icd-libopencl1` (OpenCL on the CPU), or your GPU vendor's OpenCL ICD. Meanwhile `--backend java` "
            + "works everywhere (the slow reference backend).";

    public OpenClUnavailableException(String what, Throwable cause) {
        super(what + ". " + HINT, cause);
    }
}
