package nfield.cli;

import nfield.compute.Backend;
import nfield.compute.opencl.ClBackend;
import nfield.compute.ref.RefBackend;
import picocli.CommandLine.Option;

/** The --backend / --device options, and the one factory that names the OpenCL backend. */
public final class Backends {
    @Option(names = "--backend", defaultValue = "opencl", paramLabel = "opencl|java",
            description = "Where kernels run: opencl (fast; any OpenCL 1.2 device, PoCL on the CPU) or java "
                    + "(the float64 reference, slow). Default: ${DEFAULT-VALUE}.")
    String backend;

    @Option(names = "--device", defaultValue = "-1", paramLabel = "N",
            description = "OpenCL device index from `nfield devices` (default: the first GPU, else the first device).")
    int device;

    public Backend open() {
        return create(backend, device);
    }

    public static Backend create(String backend, int device) {
        return switch (backend) {
            case "java" -> new RefBackend();
            case "opencl" -> ClBackend.open(device);
            default -> throw new UserError("--backend " + backend + ": unknown; use opencl or java");
        };
    }
}
