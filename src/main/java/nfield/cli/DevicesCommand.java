package nfield.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import nfield.compute.opencl.ClDevices;
import nfield.config.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "devices", mixinStandardHelpOptions = true,
        description = {"List OpenCL platforms and devices (the index is what --device takes).",
                "With no OpenCL driver, says what to install; --backend java works meanwhile."})
final class DevicesCommand implements Callable<Integer> {
    @Option(names = "--json", description = "One JSON array on stdout.")
    boolean json;

    @Override
    public Integer call() {
        List<ClDevices.Info> all = ClDevices.list();
        if (json) {
            ArrayNode arr = Json.MAPPER.createArrayNode();
            for (ClDevices.Info d : all) {
                arr.addObject().put("index", d.index()).put("platform", d.platform()).put("name", d.name())
                        .put("type", d.type()).put("compute_units", d.computeUnits())
                        .put("global_mem_bytes", d.globalMemBytes()).put("max_alloc_bytes", d.maxAllocBytes())
                        .put("max_work_group", d.maxWorkGroup())
                        .put("version", d.version()).put("preferred_float_vector", d.preferredFloatVector());
            }
            System.out.println(Json.write(arr));
        } else {
            for (ClDevices.Info d : all) {
                System.out.printf("[%d] %s%n    platform: %s%n    type: %s, compute units: %d, memory: %.1f GiB (largest buffer %.1f GiB), "
                                + "max work-group: %d, %s%n", d.index(), d.name(), d.platform(), d.type(),
                        d.computeUnits(), d.globalMemBytes() / (double) (1L << 30), d.maxAllocBytes() / (double) (1L << 30),
                        d.maxWorkGroup(), d.version());
            }
        }
        return 0;
    }
}
