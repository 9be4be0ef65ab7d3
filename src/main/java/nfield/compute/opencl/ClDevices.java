package nfield.compute.opencl;

import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_device_id;
import org.jocl.cl_platform_id;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import static org.jocl.CL.*;

/** Enumerates OpenCL platforms and devices; the only place that probes the ICD loader. */
public final class ClDevices {
    /** One device, as {@code nfield devices} prints it. */
    public record Info(int index, String platform, String name, String type, int computeUnits, long globalMemBytes,
                       long maxAllocBytes, long maxWorkGroup, String version, int preferredFloatVector, String extensions,
                       cl_platform_id platformId, cl_device_id id) {
        public boolean isCpu() {
            return type.equals("CPU");
        }

        /** Whether the device names the extension (e.g. {@code cl_khr_int64_base_atomics}). */
        public boolean has(String extension) {
            return (" " + extensions + " ").contains(" " + extension + " ");
        }
    }

    private ClDevices() {}

    /** Every device of every platform, numbered in that order. */
    public static List<Info> list() {
        try {
            CL.setExceptionsEnabled(true);
            int[] n = new int[1];
            try {
                clGetPlatformIDs(0, null, n);
            } catch (CLException e) {
                throw new OpenClUnavailableException("No OpenCL platform found (" + e.getMessage() + ")", e);
            }
            cl_platform_id[] platforms = new cl_platform_id[n[0]];
            clGetPlatformIDs(n[0], platforms, null);
            List<Info> out = new ArrayList<>();
            for (cl_platform_id p : platforms) {
                String pname = platformString(p, CL_PLATFORM_NAME);
                int[] nd = new int[1];
                try {
                    clGetDeviceIDs(p, CL_DEVICE_TYPE_ALL, 0, null, nd);
                } catch (CLException e) {
                    continue; // a platform without devices
                }
                cl_device_id[] devs = new cl_device_id[nd[0]];
                clGetDeviceIDs(p, CL_DEVICE_TYPE_ALL, nd[0], devs, null);
                for (cl_device_id d : devs) {
                    long type = deviceLong(d, CL_DEVICE_TYPE);
                    String t = (type & CL_DEVICE_TYPE_GPU) != 0 ? "GPU" : (type & CL_DEVICE_TYPE_CPU) != 0 ? "CPU"
                            : (type & CL_DEVICE_TYPE_ACCELERATOR) != 0 ? "ACCELERATOR" : "OTHER";
                    out.add(new Info(out.size(), pname, deviceString(d, CL_DEVICE_NAME), t,
                            deviceInt(d, CL_DEVICE_MAX_COMPUTE_UNITS), deviceLong(d, CL_DEVICE_GLOBAL_MEM_SIZE), deviceLong(d, CL_DEVICE_MAX_MEM_ALLOC_SIZE),
                            deviceSize(d, CL_DEVICE_MAX_WORK_GROUP_SIZE), deviceString(d, CL_DEVICE_VERSION),
                            deviceInt(d, CL_DEVICE_PREFERRED_VECTOR_WIDTH_FLOAT),
                            deviceString(d, CL_DEVICE_EXTENSIONS).trim(), p, d));
                }
            }
            if (out.isEmpty()) throw new OpenClUnavailableException("OpenCL platforms found, but no devices", null);
            return out;
        } catch (LinkageError e) {
            throw new OpenClUnavailableException("The OpenCL library (libOpenCL.so.1) could not be loaded", null);
        }
    }

    /** The device to use: {@code index} when >= 0, else the first GPU, else the first device. */
    public static Info pick(int index) {
        List<Info> all = list();
        if (index >= 0) {
            if (index >= all.size()) {
                throw new IllegalArgumentException("--device " + index + ": only " + all.size()
                        + " OpenCL device(s); see `nfield devices`");
            }
            return all.get(index);
        }
        return all.stream().filter(i -> i.type().equals("GPU")).findFirst().orElse(all.get(0));
    }

    static String platformString(cl_platform_id p, int param) {
        long[] size = new long[1];
        clGetPlatformInfo(p, param, 0, null, size);
        byte[] buf = new byte[(int) size[0]];
        clGetPlatformInfo(p, param, buf.length, Pointer.to(buf), null);
        return cString(buf);
    }

    static String deviceString(cl_device_id d, int param) {
        long[] size = new long[1];
        clGetDeviceInfo(d, param, 0, null, size);
        byte[] buf = new byte[(int) size[0]];
        clGetDeviceInfo(d, param, buf.length, Pointer.to(buf), null);
        return cString(buf);
    }

    static int deviceInt(cl_device_id d, int param) {
        int[] v = new int[1];
        clGetDeviceInfo(d, param, Sizeof.cl_uint, Pointer.to(v), null);
        return v[0];
    }

    static long deviceLong(cl_device_id d, int param) {
        long[] v = new long[1];
        clGetDeviceInfo(d, param, Sizeof.cl_ulong, Pointer.to(v), null);
        return v[0];
    }

    static long deviceSize(cl_device_id d, int param) {
        ByteBuffer b = ByteBuffer.allocate(Sizeof.size_t).order(ByteOrder.nativeOrder());
        clGetDeviceInfo(d, param, Sizeof.size_t, Pointer.to(b), null);
        return Sizeof.size_t == 8 ? b.getLong(0) : b.getInt(0);
    }

    private static String cString(byte[] b) {
        int n = 0;
        while (n < b.length && b[n] != 0) n++;
        return new String(b, 0, n, java.nio.charset.StandardCharsets.UTF_8).trim();
    }
}
