package nfield.compute.opencl;

import nfield.compute.Activation;
import nfield.compute.Backend;
import nfield.compute.HashSpec;
import nfield.compute.LossFn;
import nfield.compute.ParamStore;
import nfield.compute.Tensor;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_command_queue;
import org.jocl.cl_context;
import org.jocl.cl_context_properties;
import org.jocl.cl_device_id;
import org.jocl.cl_kernel;
import org.jocl.cl_mem;
import org.jocl.cl_program;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.jocl.CL.*;

/**
 * The OpenCL backend: kernels from {@code opencl/*.cl} (resources), compiled per shape with
 * {@code -D} options and cached; one in-order queue, so a training step is enqueued without
 * host round trips and only {@link #sum} and {@link #read} wait.
 */
public final class ClBackend implements Backend {
    private static final int SUM_PARTS = 1024;

    private final ClDevices.Info info;
    private final cl_context context;
    private final cl_command_queue queue;
    private final Map<String, cl_program> programs = new HashMap<>();
    private final ProgramCache cache;
    /** Programs built from source this time, with their cache entries: their binaries are kept at {@link #close}. */
    private final Map<cl_program, Path> unsaved = new java.util.LinkedHashMap<>();
    private int fromBinary, fromSource, stored;
    private final long opened = System.nanoTime();
    private final Map<String, cl_kernel> kernels = new HashMap<>();
    private final Map<cl_kernel, Long> localSizes = new HashMap<>();
    private final List<cl_mem> owned = new ArrayList<>();
    /** The bytes of each buffer in {@link #owned}, and their sum. */
    private final java.util.Map<cl_mem, Long> sizes = new java.util.IdentityHashMap<>();
    private long held;
    /** The machine's available memory when the backend opened (see {@link #create}). */
    private final long hostBudget;
    private final cl_mem dummy;
    private final cl_mem sumParts;
    private cl_mem partials;
    private long partialsFloats;
    private final int rowsPerChunk;
    private boolean closed;
    private final Map<cl_kernel, String> kernelNames = new HashMap<>();
    private Map<String, double[]> profile; // kernel → {calls, seconds}, when profiling

    public ClBackend(ClDevices.Info info) {
        this(info, ProgramCache.forDevice(info));
    }

    /** A backend on the device whose program binaries are kept in {@code cache}. */
    ClBackend(ClDevices.Info info, ProgramCache cache) {
        this.info = info;
        this.cache = cache;
        try {
            cl_context_properties props = new cl_context_properties();
            props.addProperty(CL_CONTEXT_PLATFORM, info.platformId());
            context = clCreateContext(props, 1, new cl_device_id[]{info.id()}, null, null, null);
            queue = clCreateCommandQueue(context, info.id(), 0, null);
        } catch (CLException e) {
            throw new OpenClUnavailableException("Could not open OpenCL device " + info.name() + " (" + e.getMessage() + ")", e);
        }
        hostBudget = info.isCpu() ? hostBudget() : Long.MAX_VALUE; // before the first buffer: create() counts against it
        dummy = buffer(1);
        sumParts = buffer(SUM_PARTS);
        // rows summed per weight-gradient partial: long chunks on a CPU (few threads, big caches),
        // short ones on a GPU (many work-groups in flight)
        rowsPerChunk = info.isCpu() ? 256 : 32;
    }

    /** Opens the device chosen by {@link ClDevices#pick}. */
    public static ClBackend open(int deviceIndex) {
        return new ClBackend(ClDevices.pick(deviceIndex));
    }

    @Override public String name() { return "opencl"; }

    @Override public String device() {
        return info.name() + " (" + info.type() + ", " + info.computeUnits() + " CU, " + info.platform() + ", " + info.version() + ")";
    }

    public ClDevices.Info info() {
        return info;
    }

    private cl_mem buffer(long floats) {
        long bytes = Math.max(1, floats) * Sizeof.cl_float;
        cl_mem m = create(bytes);
        owned.add(m);
        sizes.put(m, bytes);
        held += bytes;
        return m;
    }

    /**
     * A device buffer of {@code bytes}, refused with a one-line {@link DeviceException} before the
     * driver is asked when it is larger than the device's largest buffer or than what its memory
     * has left after the buffers held, and when the driver fails to make it.
     */
    private cl_mem create(long bytes) {
        String fix = "use a smaller batch (train.batch in the scene file) or hash table (encoding.log2_table_size), "
                + "another device (`nfield devices`, --device N), or --backend java (host memory)";
        if (bytes > info.maxAllocBytes() || held + bytes > info.globalMemBytes()) {
            throw new DeviceException("OpenCL device " + info.name() + " cannot hold a buffer of " + mib(bytes)
                    + ": its largest is " + mib(info.maxAllocBytes()) + ", and " + mib(held)
                    + " of its " + mib(info.globalMemBytes()) + " are in use; " + fix, null);
        }
        // a CPU device's buffers are this machine's memory, taken as they are first touched: counted against what was free at the start
        if (info.isCpu() && held + bytes > hostBudget - HOST_RESERVE) {
            throw new DeviceException("OpenCL device " + info.name() + " (this machine's memory) cannot hold a buffer of " + mib(bytes)
                    + ": " + mib(held) + " are held already, of the " + mib(hostBudget) + " the machine could spare at the start (its available memory"
                    + " less the JVM's heap still to grow and a reserve); " + fix, null);
        }
        try {
            return clCreateBuffer(context, CL_MEM_READ_WRITE, bytes, null, null);
        } catch (CLException e) {
            throw new DeviceException("OpenCL device " + info.name() + " could not make a buffer of " + mib(bytes) + " ("
                    + org.jocl.CL.stringFor_errorCode(e.getStatus()) + ", with " + mib(held) + " in use); " + fix, e);
        }
    }

    private static cl_mem m(Tensor t) {
        if (t == null) return null;
        if (!(t instanceof ClTensor c)) throw new IllegalArgumentException("tensor from another backend: " + t);
        return c.mem;
    }

    // ------------------------------------------------------------------ programs and launches

    private static String source(String file) {
        try (InputStream in = ClBackend.class.getResourceAsStream("/opencl/" + file)) {
            if (in == null) throw new IllegalStateException("kernel source opencl/" + file + " missing from the classpath");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read opencl/" + file, e);
        }
    }

    private cl_kernel kernel(String file, String options, String name) {
        String key = file + "|" + options + "|" + name;
        cl_kernel k = kernels.get(key);
        if (k != null) return k;
        cl_program prog = programs.computeIfAbsent(file + "|" + options, x -> build(file, options));
        k = clCreateKernel(prog, name, null);
        kernels.put(key, k);
        kernelNames.put(k, name + (options.isEmpty() ? "" : " [" + options.replaceAll("-D ", "").trim() + "]"));
        long[] wg = new long[1];
        ByteBuffer b = ByteBuffer.allocate(Sizeof.size_t).order(ByteOrder.nativeOrder());
        clGetKernelWorkGroupInfo(k, info.id(), CL_KERNEL_WORK_GROUP_SIZE, Sizeof.size_t, Pointer.to(b), null);
        wg[0] = Sizeof.size_t == 8 ? b.getLong(0) : b.getInt(0);
        localSizes.put(k, Math.max(1, Math.min(64, wg[0])));
        return k;
    }

    private cl_program build(String file, String options) {
        String src = file.equals("network/dense.cl") ? source("network/activation.cl") + "\n" + source(file) : source(file);
        String extra = userOptions();
        String opts = "-cl-std=CL1.2 " + options + (extra.isEmpty() ? "" : " " + extra);
        Path entry = cache.entry(opts, src);
        byte[] bin = cache.load(entry);
        if (bin != null) {
            cl_program p = fromBinary(bin, opts);
            if (p != null) {
                fromBinary++;
                return p;
            }
            cache.forget(entry); // refused by the driver: built from source below, and kept again
        }
        cl_program p = clCreateProgramWithSource(context, 1, new String[]{src}, null, null);
        try {
            clBuildProgram(p, 1, new cl_device_id[]{info.id()}, opts, null, null);
        } catch (CLException e) {
            long[] size = new long[1];
            clGetProgramBuildInfo(p, info.id(), CL_PROGRAM_BUILD_LOG, 0, null, size);
            byte[] log = new byte[(int) Math.max(1, size[0])];
            clGetProgramBuildInfo(p, info.id(), CL_PROGRAM_BUILD_LOG, log.length, Pointer.to(log), null);
            String text = new String(log, StandardCharsets.UTF_8).replace("\0", "").trim();
            throw buildFailure(file, opts, extra, e, text);
        }
        fromSource++;
        if (entry != null) unsaved.put(p, entry);
        return p;
    }

    /** The program made from a cached binary, or null when the driver refuses it. */
    private cl_program fromBinary(byte[] bin, String opts) {
        cl_program p = null;
        try {
            int[] status = new int[1];
            p = clCreateProgramWithBinary(context, 1, new cl_device_id[]{info.id()}, new long[]{bin.length}, new byte[][]{bin}, status, null);
            if (status[0] != CL_SUCCESS) throw new CLException("binary status " + status[0], status[0]);
            clBuildProgram(p, 1, new cl_device_id[]{info.id()}, opts, null, null);
            return p;
        } catch (CLException e) {
            if (p != null) clReleaseProgram(p);
            return null;
        }
    }

    /** The program's binary for the device, or null when the driver gives none. */
    private byte[] binary(cl_program p) {
        try {
            ByteBuffer sb = ByteBuffer.allocate(Sizeof.size_t).order(ByteOrder.nativeOrder());
            clGetProgramInfo(p, CL_PROGRAM_BINARY_SIZES, Sizeof.size_t, Pointer.to(sb), null);
            long n = Sizeof.size_t == 8 ? sb.getLong(0) : sb.getInt(0);
            if (n <= 0 || n > Integer.MAX_VALUE - 64) return null;
            byte[] b = new byte[(int) n];
            clGetProgramInfo(p, CL_PROGRAM_BINARIES, Sizeof.POINTER, Pointer.to(new Pointer[]{Pointer.to(b)}), null);
            return b;
        } catch (CLException e) {
            return null;
        }
    }

    /**
     * Keeps the binaries of the programs built from source for the next process, within a time
     * budget: a driver may compile every kernel of a program to hand its binary out (PoCL: ~0.9 s
     * for a dense layer's program the first time), so a process spends at most
     * {@link #STORE_SHARE} of its time with the backend on it, at least {@link #STORE_MIN_SECONDS};
     * what is left is stored by a later process. Those built from a binary are kept already.
     */
    private void saveBinaries() {
        double budget = Math.max(STORE_MIN_SECONDS, STORE_SHARE * (System.nanoTime() - opened) * 1e-9);
        long t0 = System.nanoTime();
        for (var it = unsaved.entrySet().iterator(); it.hasNext() && (System.nanoTime() - t0) * 1e-9 < budget; ) {
            var e = it.next();
            if (cache.store(e.getValue(), binary(e.getKey()))) stored++;
            it.remove();
        }
        unsaved.clear();
    }

    static final double STORE_SHARE = 0.05, STORE_MIN_SECONDS = 0.3;

    /** Programs built from a cached binary and from source since the backend opened, and binaries stored so far: {binary, source, stored}. */
    public int[] programBuilds() {
        return new int[]{fromBinary, fromSource, stored};
    }

    /** What a CPU device's buffers leave to the rest of the machine. */
    static final long HOST_RESERVE = 512L << 20;

    /**
     * What a CPU device may take: the machine's available memory now, less what the JVM's heap
     * may still grow by (up to -Xmx) and {@link #HOST_RESERVE} for the driver's own.
     */
    static long hostBudget() {
        Runtime rt = Runtime.getRuntime();
        long avail = hostAvailable();
        return avail == Long.MAX_VALUE ? avail : avail - Math.max(0, rt.maxMemory() - rt.totalMemory());
    }

    /** The kernel's MemAvailable, in bytes; unbounded where /proc/meminfo cannot be read. */
    static long hostAvailable() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (l.startsWith("MemAvailable:")) return Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024;
            }
        } catch (IOException | RuntimeException ignored) {
            // not Linux: the device's own limits are all there is
        }
        return Long.MAX_VALUE;
    }

    private static String mib(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }

    /** Build options the user adds to every kernel's: {@code -Dnfield.cl.options=...}, else the environment's {@code NFIELD_CL_OPTIONS}. */
    static String userOptions() {
        String o = System.getProperty("nfield.cl.options");
        if (o == null) o = System.getenv("NFIELD_CL_OPTIONS");
        return o == null ? "" : o.trim();
    }

    /**
     * A kernel the driver would not build: one line naming the device, the file, the first error
     * of the driver's log and what to do; the whole log goes to a file in the temp folder.
     */
    private DeviceException buildFailure(String file, String opts, String extra, CLException e, String log) {
        String first = log.lines().filter(l -> l.toLowerCase(java.util.Locale.ROOT).contains("error")).findFirst()
                .orElse(log.lines().findFirst().orElse(e.getMessage())).trim();
        String where = "";
        try {
            Path f = Files.createTempFile("nfield-cl-build-", ".log");
            Files.writeString(f, "device: " + info.name() + " (" + info.platform() + ", " + info.version() + ")\nfile: opencl/" + file
                    + "\noptions: " + opts + "\nerror: " + org.jocl.CL.stringFor_errorCode(e.getStatus()) + "\n\n" + log + "\n");
            where = "; the driver's whole log is in " + f;
        } catch (IOException | RuntimeException ignored) {
            // the one line still says what failed
        }
        String fix = !extra.isEmpty() ? "the options added by NFIELD_CL_OPTIONS / -Dnfield.cl.options (" + extra + ") may be the cause: remove them"
                : "update the device's OpenCL driver, pick another device (`nfield devices`, --device N), or use --backend java";
        return new DeviceException("OpenCL device " + info.name() + " could not build opencl/" + file + " (" + org.jocl.CL.stringFor_errorCode(e.getStatus()) + ": "
                + (first.length() > 200 ? first.substring(0, 200) + "..." : first) + ")" + where + "; " + fix, e);
    }

    private static void args(cl_kernel k, Object... args) {
        for (int i = 0; i < args.length; i++) {
            Object a = args[i];
            if (a instanceof cl_mem mem) clSetKernelArg(k, i, Sizeof.cl_mem, Pointer.to(mem));
            else if (a instanceof Integer v) clSetKernelArg(k, i, Sizeof.cl_int, Pointer.to(new int[]{v}));
            else if (a instanceof Float v) clSetKernelArg(k, i, Sizeof.cl_float, Pointer.to(new float[]{v}));
            else throw new IllegalArgumentException("kernel argument " + i + ": " + a);
        }
    }

    /** One work-item per index in [0, n), in work-groups of the kernel's preferred size (≤ 64). */
    private void run1d(cl_kernel k, long n, Object... a) {
        if (n <= 0) return;
        args(k, a);
        long local = localSizes.get(k);
        long global = (n + local - 1) / local * local;
        enqueue(k, new long[]{global}, new long[]{local});
    }

    private void enqueue(cl_kernel k, long[] global, long[] local) {
        if (profile == null) {
            clEnqueueNDRangeKernel(queue, k, global.length, null, global, local, 0, null, null);
            return;
        }
        clFinish(queue);
        long t0 = System.nanoTime();
        clEnqueueNDRangeKernel(queue, k, global.length, null, global, local, 0, null, null);
        clFinish(queue);
        double[] acc = profile.computeIfAbsent(kernelNames.get(k), x -> new double[2]);
        acc[0]++;
        acc[1] += (System.nanoTime() - t0) * 1e-9;
    }

    /**
     * Starts (or, with false, stops) per-kernel timing: every launch then waits for the device,
     * so totals are exact but the queue no longer overlaps host and device work.
     */
    public void profile(boolean on) {
        profile = on ? new java.util.LinkedHashMap<>() : null;
    }

    /** Kernel → {launches, seconds} since {@link #profile}(true). */
    public Map<String, double[]> profileResults() {
        return profile == null ? Map.of() : Map.copyOf(profile);
    }

    private cl_mem orDummy(Tensor t) {
        return t == null ? dummy : m(t);
    }

    // ------------------------------------------------------------------ memory

    @Override
    public Tensor alloc(int rows, int cols) {
        cl_mem mem = buffer((long) rows * cols);
        ClTensor t = new ClTensor(mem, rows, cols);
        fill(t, 0);
        return t;
    }

    @Override
    public void write(Tensor t, double[] src) {
        float[] f = new float[(int) t.size()];
        for (int i = 0; i < f.length; i++) f[i] = (float) src[i];
        write(t, f);
    }

    @Override
    public void write(Tensor t, float[] src) {
        if (t.size() == 0) return;
        clEnqueueWriteBuffer(queue, m(t), CL_TRUE, 0, t.size() * Sizeof.cl_float, Pointer.to(src), 0, null, null);
    }

    @Override
    public float[] readFloats(Tensor t) {
        float[] f = new float[(int) t.size()];
        if (f.length > 0) {
            clEnqueueReadBuffer(queue, m(t), CL_TRUE, 0, t.size() * Sizeof.cl_float, Pointer.to(f), 0, null, null);
        }
        return f;
    }

    @Override
    public double[] read(Tensor t) {
        float[] f = readFloats(t);
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) d[i] = f[i];
        return d;
    }

    @Override
    public void fill(Tensor t, double value) {
        run1d(kernel("util/tensor.cl", "", "fill"), t.size(), (int) t.size(), m(t), (float) value);
    }

    @Override
    public void copyCols(Tensor src, int srcCol, Tensor dst, int dstCol, int ncols, boolean accumulate) {
        int n = src.rows();
        run1d(kernel("util/tensor.cl", "-D NCOLS=" + ncols, "copy_cols"), (long) n * (ncols % 4 == 0 ? ncols / 4 : ncols), n, src.cols(), srcCol, dst.cols(), dstCol,
                accumulate ? 1 : 0, m(src), m(dst));
    }

    // ------------------------------------------------------------------ encodings

    private static String freqOpts(Tensor x, int octaves, boolean inc) {
        return "-D D=" + x.cols() + " -D L=" + octaves + " -D INC=" + (inc ? 1 : 0);
    }

    @Override
    public void frequencyEncode(Tensor x, Tensor y, int octaves, boolean inc) {
        run1d(kernel("encoding/frequency.cl", freqOpts(x, octaves, inc), "frequency_forward"), x.rows(),
                x.rows(), m(x), m(y));
    }

    @Override
    public void frequencyEncodeBackward(Tensor x, Tensor dy, Tensor dx, int octaves, boolean inc) {
        run1d(kernel("encoding/frequency.cl", freqOpts(x, octaves, inc), "frequency_backward"), x.rows(),
                x.rows(), m(x), m(dy), m(dx));
    }

    private static String fourierOpts(Tensor x, int features, boolean inc) {
        return "-D D=" + x.cols() + " -D F=" + features + " -D INC=" + (inc ? 1 : 0);
    }

    @Override
    public void fourierEncode(Tensor x, Tensor params, int off, int features, boolean inc, Tensor y) {
        run1d(kernel("encoding/fourier.cl", fourierOpts(x, features, inc), "fourier_forward"), x.rows(),
                x.rows(), m(x), m(params), off, m(y));
    }

    @Override
    public void fourierEncodeBackward(Tensor x, Tensor params, int off, int features, boolean inc, Tensor dy, Tensor dx) {
        run1d(kernel("encoding/fourier.cl", fourierOpts(x, features, inc), "fourier_backward"), x.rows(),
                x.rows(), m(x), m(params), off, m(dy), m(dx));
    }

    /** -D options of opencl/encoding/hash.cl: sizes, and per-level resolutions, offsets and dense flags as lists. */
    private static String hashOpts(HashSpec spec, String extra) {
        StringBuilder res = new StringBuilder(), offs = new StringBuilder(), dense = new StringBuilder();
        for (int l = 0; l < spec.levels(); l++) {
            String sep = l == 0 ? "" : ",";
            res.append(sep).append(spec.resolution(l));
            offs.append(sep).append(spec.tableOffset(l));
            dense.append(sep).append(spec.dense(l) ? 1 : 0);
        }
        return "-D LEVELS=" + spec.levels() + " -D F=" + spec.features() + " -D INC=" + (spec.includeInput() ? 1 : 0)
                + " -D LOG2_T=" + spec.log2Table() + " -D RES_LIST=" + res + " -D OFFS_LIST=" + offs
                + " -D DENSE_LIST=" + dense + " " + extra;
    }

    /** Work-items (point r, level l) for r < n, l < levels; work-groups of points of one level. */
    private void runPointsByLevel(cl_kernel k, int n, int levels, Object... a) {
        if (n <= 0) return;
        args(k, a);
        long local = localSizes.get(k);
        enqueue(k, new long[]{(n + local - 1) / local * local, levels}, new long[]{local, 1});
    }

    @Override
    public void hashEncode(Tensor x, Tensor params, int off, HashSpec spec, Tensor y) {
        int n = x.rows();
        if (hashForward() == HashForward.LANES) {
            int vw = lanes();
            runPointsByLevel(kernel("encoding/hash.cl", hashOpts(spec, "-D VW=" + vw), "hash_forward_lanes"), (n + vw - 1) / vw,
                    spec.levels(), n, m(x), m(params), off, m(y));
        } else {
            runPointsByLevel(kernel("encoding/hash.cl", hashOpts(spec, ""), "hash_forward"), n, spec.levels(),
                    n, m(x), m(params), off, m(y));
        }
    }

    /**
     * How {@link #hashEncodeBackward} gathers the table gradient (opencl/encoding/hash.cl,
     * {@code SCATTER}): by float atomics in no fixed order, or by one of two ways that give the
     * same bits on every run: 64-bit fixed-point atomics, or one work-item owning each level.
     */
    public enum HashScatter {
        /** Float compare-and-swap atomics, per (point, level): the sums' last bits vary from run to run. */
        ATOMIC(0),
        /** 64-bit integer atomics on fixed-point values scaled from max|dy|, then one conversion pass: reproducible. */
        FIXED(1),
        /** One work-item per level, points in order, no atomics: reproducible, parallel over levels only (CPUs). */
        OWNER(2),
        /** OWNER with the cells and weights of {@link ClBackend#lanes} points at a time in vector types: reproducible (CPUs). */
        OWNER_LANES(2);

        final int code;

        HashScatter(int code) { this.code = code; }

        /** The name as {@code -Dnfield.cl.hash-scatter} takes it. */
        public String label() { return ClBackend.label(this); }

        /** Whether one work-item per level owns its table (no atomics). */
        boolean owned() { return this == OWNER || this == OWNER_LANES; }

        public static HashScatter parse(String s) { return ClBackend.parse(values(), "hash scatter", s); }
    }

    /** A kernel variant's name as properties and {@code --variant} take it: {@code OWNER_LANES} is owner-lanes. */
    private static String label(Enum<?> e) {
        return e.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    /** The variant the system property {@code key} names (parsed by {@code parse}), else {@code otherwise}. */
    private static <E extends Enum<E>> E fromProperty(String key, java.util.function.Function<String, E> parse, E otherwise) {
        String p = System.getProperty(key);
        return p != null && !p.isBlank() ? parse.apply(p) : otherwise;
    }

    /** The variant labelled {@code s} (any case), or an error that lists them. */
    private static <E extends Enum<E>> E parse(E[] values, String what, String s) {
        for (E e : values) if (label(e).equals(s.trim().toLowerCase(java.util.Locale.ROOT))) return e;
        throw new IllegalArgumentException("unknown " + what + " '" + s + "': one of "
                + String.join(", ", java.util.Arrays.stream(values).map(ClBackend::label).toList()));
    }

    /** The system property that overrides {@link #defaultHashScatter}. */
    public static final String HASH_SCATTER_PROPERTY = "nfield.cl.hash-scatter";

    private HashScatter hashScatter;
    private cl_mem fixedAcc, fixedMax;
    private long fixedAccLongs;
    private int fixedMaxLevels;

    /**
     * The reproducible way that suits the device: on a CPU, level owners (a few cores, each level's
     * table in cache), their cells computed in lanes where the CPU prefers 16-wide float vectors
     * (AVX-512: a whole step 1.24x on sdf-default, 1.33x on nerf-default, Zen 4 through PoCL) and
     * one point at a time where it prefers 8 (AVX2 on Zen 3: 0.92-0.95x a step in lanes, though
     * 1.5x as a kernel alone); the two give the same bits. Elsewhere fixed point where the device
     * has 64-bit atomics, else level owners.
     */
    public HashScatter defaultHashScatter() {
        String p = System.getProperty(HASH_SCATTER_PROPERTY);
        if (p != null && !p.isBlank()) return usable(HashScatter.parse(p));
        if (info.isCpu()) return info.preferredFloatVector() >= 16 ? HashScatter.OWNER_LANES : HashScatter.OWNER;
        return info.has("cl_khr_int64_base_atomics") ? HashScatter.FIXED : HashScatter.OWNER;
    }

    private HashScatter usable(HashScatter h) {
        if (h == HashScatter.FIXED && !info.has("cl_khr_int64_base_atomics")) {
            throw new IllegalArgumentException("hash scatter 'fixed' needs cl_khr_int64_base_atomics, which "
                    + info.name() + " lacks; use owner or atomic");
        }
        return h;
    }

    public HashScatter hashScatter() {
        if (hashScatter == null) hashScatter = defaultHashScatter();
        return hashScatter;
    }

    /** Chooses how table gradients are gathered from now on (for A/B runs in one process). */
    public void hashScatter(HashScatter h) {
        hashScatter = usable(h);
    }

    /**
     * How {@link #hashEncode} runs (opencl/encoding/hash.cl): a work-item per (point, level), or
     * a work-item per ({@link #lanes} points, level) in vector types, for CPU compilers that do
     * not vectorise across work-items (PoCL 3.1 does not for this kernel: measured scalar code).
     */
    public enum HashForward {
        /** One work-item per point and level (scalar code: a GPU runs work-items in lanes itself). */
        LEVELS,
        /** One work-item per {@link ClBackend#lanes} points and level, in float vectors. */
        LANES;

        public String label() { return ClBackend.label(this); }

        public static HashForward parse(String s) { return ClBackend.parse(values(), "hash forward", s); }
    }

    /**
     * How {@link #denseForward} runs layers of a multiple of 32 outputs (opencl/network/dense.cl):
     * one row a work-item, or two rows a work-item sharing each load of the weights (measured on
     * PoCL: 1.2x for 64 → 64, 1.7x for 27 → 64).
     */
    public enum DenseForward {
        ROWS1, ROWS2;

        public String label() { return ClBackend.label(this); }

        public static DenseForward parse(String s) { return ClBackend.parse(values(), "dense forward", s); }
    }

    /**
     * How {@link #denseForward} runs narrow layers (outputs not a multiple of 8, fewer than 64: the
     * colour and density heads): scalar sums an output, or the fast path's float8 FMAs through a
     * copy of the weights padded to a multiple of 8 outputs (opencl/network/dense.cl).
     */
    public enum DenseNarrow {
        SCALAR, PADDED;

        public String label() { return ClBackend.label(this); }

        public static DenseNarrow parse(String s) { return ClBackend.parse(values(), "dense narrow", s); }
    }

    /**
     * How {@link #denseBackward} gets the gradient of the input: a dot product an input over the
     * weights' rows (horizontal sums), or broadcast FMAs over a transposed copy of the weights, one
     * row a work-item or (layers of a multiple of 32 inputs) two sharing each load of the weights.
     */
    public enum DenseBackward {
        ROWS, TRANSPOSED, TRANSPOSED2;

        public String label() { return ClBackend.label(this); }

        public static DenseBackward parse(String s) { return ClBackend.parse(values(), "dense backward", s); }
    }

    /**
     * How {@link #denseBackward} sums the weights' gradients of layers of a multiple of 32 outputs:
     * one input a work-item, or two sharing each load of dz.
     */
    public enum DenseWeights {
        INPUTS1, INPUTS2;

        public String label() { return ClBackend.label(this); }

        public static DenseWeights parse(String s) { return ClBackend.parse(values(), "dense weights", s); }
    }

    /** The system property that overrides {@link #defaultDenseWeights}. */
    public static final String DENSE_WEIGHTS_PROPERTY = "nfield.cl.dense-weights";

    private DenseWeights denseWeights;

    public DenseWeights defaultDenseWeights() {
        return fromProperty(DENSE_WEIGHTS_PROPERTY, DenseWeights::parse, DenseWeights.INPUTS2);
    }

    public DenseWeights denseWeights() {
        if (denseWeights == null) denseWeights = defaultDenseWeights();
        return denseWeights;
    }

    /** The system properties that override {@link #defaultDenseNarrow} and {@link #defaultDenseBackward}. */
    public static final String DENSE_NARROW_PROPERTY = "nfield.cl.dense-narrow", DENSE_BACKWARD_PROPERTY = "nfield.cl.dense-backward";

    private DenseNarrow denseNarrow;
    private DenseBackward denseBackward;

    public DenseNarrow defaultDenseNarrow() {
        return fromProperty(DENSE_NARROW_PROPERTY, DenseNarrow::parse, DenseNarrow.PADDED);
    }

    public DenseNarrow denseNarrow() {
        if (denseNarrow == null) denseNarrow = defaultDenseNarrow();
        return denseNarrow;
    }

    /**
     * Through the transposed weights; on a CPU two rows a work-item where the inputs allow (a whole
     * training step at batch 2^16: width 256 1.21x, 128 1.08x, 64 1.00x; nerf-default 1.06x; PoCL,
     * 2 cores), elsewhere one (a GPU wants the work-items).
     */
    public DenseBackward defaultDenseBackward() {
        return fromProperty(DENSE_BACKWARD_PROPERTY, DenseBackward::parse, info.isCpu() ? DenseBackward.TRANSPOSED2 : DenseBackward.TRANSPOSED);
    }

    public DenseBackward denseBackward() {
        if (denseBackward == null) denseBackward = defaultDenseBackward();
        return denseBackward;
    }

    /** The system property that overrides {@link #defaultDenseForward}. */
    public static final String DENSE_FORWARD_PROPERTY = "nfield.cl.dense-forward";

    private DenseForward denseForward;

    /** Two rows a work-item on a CPU (few threads, loads the limit), one elsewhere (a GPU wants the work-items). */
    public DenseForward defaultDenseForward() {
        String p = System.getProperty(DENSE_FORWARD_PROPERTY);
        if (p != null && !p.isBlank()) return DenseForward.parse(p);
        return info.isCpu() ? DenseForward.ROWS2 : DenseForward.ROWS1;
    }

    public DenseForward denseForward() {
        if (denseForward == null) denseForward = defaultDenseForward();
        return denseForward;
    }

    /** The system properties that override {@link #defaultHashForward} and {@link #lanes}. */
    public static final String HASH_FORWARD_PROPERTY = "nfield.cl.hash-forward", LANES_PROPERTY = "nfield.cl.lanes";

    private HashForward hashForward;

    /** Lanes on a CPU (whose compiler leaves work-items scalar here), one work-item per point and level elsewhere. */
    public HashForward defaultHashForward() {
        String p = System.getProperty(HASH_FORWARD_PROPERTY);
        if (p != null && !p.isBlank()) return HashForward.parse(p);
        return info.isCpu() ? HashForward.LANES : HashForward.LEVELS;
    }

    public HashForward hashForward() {
        if (hashForward == null) hashForward = defaultHashForward();
        return hashForward;
    }

    /** Chooses how the hash encoding's forward runs from now on (for A/B runs in one process). */
    public void hashForward(HashForward h) {
        hashForward = h;
    }

    /**
     * Points a lanes kernel takes at once: {@code -Dnfield.cl.lanes=N}, else the device's preferred
     * float vector width (CL_DEVICE_PREFERRED_VECTOR_WIDTH_FLOAT; 8 for PoCL on AVX2), as a power of
     * two in [2, 16]; 4 where the device prefers scalars (a GPU, where lanes are only tested).
     */
    public int lanes() {
        int w = Integer.getInteger(LANES_PROPERTY, info.preferredFloatVector());
        if (w <= 1) return 4;
        return Math.min(16, Integer.highestOneBit(w));
    }

    @Override
    public Map<String, List<String>> variants() {
        List<String> hs = new ArrayList<>();
        for (HashScatter h : HashScatter.values()) {
            if (h != HashScatter.FIXED || info.has("cl_khr_int64_base_atomics")) hs.add(h.label());
        }
        Map<String, List<String>> m = new java.util.LinkedHashMap<>();
        m.put("hash-scatter", List.copyOf(hs));
        m.put("hash-forward", java.util.Arrays.stream(HashForward.values()).map(ClBackend::label).toList());
        m.put("dense-forward", java.util.Arrays.stream(DenseForward.values()).map(ClBackend::label).toList());
        m.put("dense-narrow", java.util.Arrays.stream(DenseNarrow.values()).map(ClBackend::label).toList());
        m.put("dense-backward", java.util.Arrays.stream(DenseBackward.values()).map(ClBackend::label).toList());
        m.put("dense-weights", java.util.Arrays.stream(DenseWeights.values()).map(ClBackend::label).toList());
        return java.util.Collections.unmodifiableMap(m);
    }

    private static final String FAMILIES = "the families: hash-scatter, hash-forward, dense-forward, dense-narrow, dense-backward, dense-weights";

    @Override
    public String variant(String family) {
        return switch (family) {
            case "hash-scatter" -> hashScatter().label();
            case "hash-forward" -> hashForward().label();
            case "dense-forward" -> denseForward().label();
            case "dense-narrow" -> denseNarrow().label();
            case "dense-backward" -> denseBackward().label();
            case "dense-weights" -> denseWeights().label();
            default -> throw new IllegalArgumentException("unknown kernel variant family \"" + family + "\"; " + FAMILIES);
        };
    }

    @Override
    public void variant(String family, String name) {
        switch (family) {
            case "hash-scatter" -> hashScatter(HashScatter.parse(name));
            case "hash-forward" -> hashForward(HashForward.parse(name));
            case "dense-forward" -> denseForward = DenseForward.parse(name);
            case "dense-narrow" -> denseNarrow = DenseNarrow.parse(name);
            case "dense-backward" -> denseBackward = DenseBackward.parse(name);
            case "dense-weights" -> denseWeights = DenseWeights.parse(name);
            default -> throw new IllegalArgumentException("unknown kernel variant family \"" + family + "\"; " + FAMILIES);
        }
    }

    @Override
    public void hashEncodeBackward(Tensor x, Tensor params, Tensor grads, int off, HashSpec spec, Tensor dy, Tensor dx) {
        int n = x.rows();
        if (n <= 0 || grads == null && dx == null) return;
        HashScatter h = grads == null ? HashScatter.ATOMIC : hashScatter();
        boolean inKernel = !h.owned(); // the (point, level) kernel gathers grads too
        String opts = hashOpts(spec, "-D HAS_DX=" + (dx != null ? 1 : 0) + " -D EVEN_OFF=" + (off % 2 == 0 ? 1 : 0)
                + " -D HAS_GRADS=" + (grads != null && inKernel ? 1 : 0) + " -D SCATTER=" + (inKernel ? h.code : 0));
        if (dx != null) ensurePartials((long) spec.levels() * n * 3);
        cl_mem dxl = dx != null ? partials : dummy;
        if (h == HashScatter.FIXED) {
            int count = spec.paramCount();
            ensureFixed(count, spec.levels());
            run1d(kernel("util/tensor.cl", "", "fill"), spec.levels(), spec.levels(), fixedMax, 0f);
            runPointsByLevel(kernel("encoding/hash.cl", opts, "hash_dy_max"), n, spec.levels(), n, m(dy), fixedMax);
            runPointsByLevel(kernel("encoding/hash.cl", opts, "hash_backward"), n, spec.levels(),
                    n, m(x), m(params), off, fixedAcc, fixedMax, m(dy), dxl);
            run1d(kernel("encoding/hash.cl", opts, "hash_fixed_to_float"), count, count, n, fixedAcc, fixedMax, off, m(grads));
        } else if (inKernel || dx != null) {
            runPointsByLevel(kernel("encoding/hash.cl", opts, "hash_backward"), n, spec.levels(),
                    n, m(x), m(params), off, inKernel && grads != null ? m(grads) : dummy, m(dy), dxl);
        }
        if (h.owned()) {
            cl_kernel k = h == HashScatter.OWNER_LANES ? kernel("encoding/hash.cl", opts + " -D VW=" + lanes(), "hash_backward_owned_lanes")
                    : kernel("encoding/hash.cl", opts, "hash_backward_owned");
            args(k, n, m(x), off, m(grads), m(dy));
            enqueue(k, new long[]{spec.levels()}, new long[]{1});
        }
        if (dx != null) run1d(kernel("encoding/hash.cl", opts, "hash_backward_dx"), n, n, m(dy), partials, m(dx));
    }

    /** The fixed-point accumulator (zero between calls: the conversion pass zeroes what it reads) and max|dy| per level. */
    private void ensureFixed(long longs, int levels) {
        if (levels > fixedMaxLevels) {
            if (fixedMax != null) clReleaseMemObject(fixedMax);
            fixedMax = create((long) levels * Sizeof.cl_int);
            fixedMaxLevels = levels;
        }
        if (longs <= fixedAccLongs) return;
        if (fixedAcc != null) clReleaseMemObject(fixedAcc);
        // scratch outside {@code owned}, as {@code partials}
        fixedAcc = create(longs * Sizeof.cl_long);
        fixedAccLongs = longs;
        run1d(kernel("util/tensor.cl", "", "fill"), 2 * longs, (int) (2 * longs), fixedAcc, 0f);
    }

    // ------------------------------------------------------------------ dense layers

    private static String denseOpts(int in, int out, Activation act, String extra) {
        return "-D IN=" + in + " -D OUT=" + out + " " + act.clDefines() + " " + extra;
    }

    @Override
    public void denseForward(Tensor x, Tensor params, int off, Activation act, Tensor y, Tensor z) {
        int n = x.rows();
        String opts = denseOpts(x.cols(), y.cols(), act, "-D STORE_Z=" + (z != null ? 1 : 0) + " -D HAS_DX=0");
        if (denseForward() == DenseForward.ROWS2 && y.cols() % 32 == 0) {
            run1d(kernel("network/dense.cl", opts, "dense_forward_rows2"), (n + 1) / 2, n, m(x), m(params), off, m(y), orDummy(z));
            return;
        }
        int out = y.cols(), pad = (out + 7) / 8 * 8;
        if (out % 8 != 0 && pad <= 64 && denseNarrow() == DenseNarrow.PADDED) {
            int len = (x.cols() + 1) * pad;
            ensureWeightScratch(len);
            run1d(kernel("network/dense.cl", opts, "dense_pad_weights"), len, m(params), off, weightScratch);
            run1d(kernel("network/dense.cl", opts, "dense_forward_padded"), n, n, m(x), weightScratch, m(y), orDummy(z));
            return;
        }
        cl_kernel k = kernel("network/dense.cl", opts, "dense_forward");
        run1d(k, n, n, m(x), m(params), off, m(y), orDummy(z));
    }

    /** A copy of one layer's weights laid out for a kernel variant (dense.cl: dense_pad_weights, dense_transpose_weights). */
    private cl_mem weightScratch;
    private long weightScratchFloats;

    private void ensureWeightScratch(long floats) {
        if (floats <= weightScratchFloats) return;
        if (weightScratch != null) clReleaseMemObject(weightScratch);
        // the backend's own scratch, outside {@code owned}, as {@code partials}
        weightScratch = create(Math.max(1, floats) * Sizeof.cl_float);
        weightScratchFloats = floats;
    }

    @Override
    public void denseBackward(Tensor x, Tensor params, Tensor grads, int off, Activation act, Tensor y, Tensor z,
                              Tensor dy, Tensor dx) {
        if (z == null && act.needsPre()) throw new IllegalArgumentException(act + " needs the pre-activation z");
        int n = x.rows(), in = x.cols(), out = y.cols();
        String opts = denseOpts(in, out, act, "-D STORE_Z=0 -D HAS_DX=" + (dx != null ? 1 : 0));
        if (denseBackward() != DenseBackward.ROWS) {
            int len = out * ((in + 7) / 8 * 8);
            ensureWeightScratch(len);
            run1d(kernel("network/dense.cl", opts, "dense_transpose_weights"), len, m(params), off, weightScratch);
            if (denseBackward() == DenseBackward.TRANSPOSED2 && in % 32 == 0 && dx != null) {
                run1d(kernel("network/dense.cl", opts, "dense_backward_input_t2"), (n + 1) / 2,
                        n, weightScratch, m(y), m(z == null ? y : z), m(dy), m(dx));
            } else {
                run1d(kernel("network/dense.cl", opts, "dense_backward_input_t"), n,
                        n, weightScratch, m(y), m(z == null ? y : z), m(dy), orDummy(dx));
            }
        } else {
            run1d(kernel("network/dense.cl", opts, "dense_backward_input"), n,
                    n, m(params), off, m(y), m(z == null ? y : z), m(dy), orDummy(dx));
        }
        if (grads == null) return;
        // parameter gradients: partial sums per chunk of rows, then one reduction into grads
        int chunks = (n + rowsPerChunk - 1) / rowsPerChunk;
        int len = (in + 1) * out;
        ensurePartials((long) chunks * len);
        boolean two = out % 32 == 0 && denseWeights() == DenseWeights.INPUTS2;
        cl_kernel kw = kernel("network/dense.cl", opts, two ? "dense_backward_weights2" : "dense_backward_weights");
        args(kw, n, rowsPerChunk, m(x), m(dy), partials);
        long maxLocal = localSizes.get(kw);
        long items = two ? (in + 2) / 2 : in + 1;
        long lx = Math.min(maxLocal, (items + 7) / 8 * 8);
        long gx = (items + lx - 1) / lx * lx;
        enqueue(kw, new long[]{gx, chunks}, new long[]{lx, 1});
        run1d(kernel("util/tensor.cl", "", "reduce_partials"), len, len, chunks, partials, m(grads), off);
    }

    private void ensurePartials(long floats) {
        if (floats <= partialsFloats) return;
        if (partials != null) clReleaseMemObject(partials);
        // the backend's own scratch, outside {@code owned}: a scope never releases it
        partials = create(Math.max(1, floats) * Sizeof.cl_float);
        partialsFloats = floats;
    }

    // ------------------------------------------------------------------ elementwise, loss, optimizer

    @Override
    public void activation(Tensor z, Tensor y, int col0, int ncols, Activation act) {
        int n = z.rows();
        run1d(kernel("network/activation.cl", act.clDefines(), "act_forward"), (long) n * ncols,
                n, z.cols(), col0, ncols, m(z), m(y));
    }

    @Override
    public void activationBackward(Tensor z, Tensor y, Tensor dy, Tensor dz, int col0, int ncols, Activation act) {
        int n = z.rows();
        run1d(kernel("network/activation.cl", act.clDefines(), "act_backward"), (long) n * ncols,
                n, z.cols(), col0, ncols, m(z), m(y), m(dy), m(dz));
    }

    @Override
    public void loss(Tensor pred, Tensor target, LossFn fn, double scale, Tensor elem, Tensor dPred) {
        int count = (int) pred.size();
        run1d(kernel("train/loss.cl", fn.clDefines(), "loss_forward_backward"), count,
                count, m(pred), m(target), (float) scale, m(elem), m(dPred));
    }

    @Override
    public void stencilPoints(Tensor points, int m, double h, Tensor out) {
        if (m == 0) return;
        run1d(kernel("train/eikonal.cl", "", "stencil_points"), (long) m * 6, m, (float) h, m(points), m(out));
    }

    @Override
    public void eikonal(Tensor values, int m, double h, double scale, Tensor elem, Tensor dValues) {
        if (m == 0) return;
        run1d(kernel("train/eikonal.cl", "", "eikonal"), m, m, (float) h, (float) scale, m(values), m(elem), m(dValues));
    }

    @Override
    public void volumeRender(Tensor samples, Tensor deltas, Tensor rays, Tensor background, double minT, Tensor out) {
        Backend.checkVolume(samples, deltas, rays, background, out);
        run1d(kernel("render/volume.cl", "", "volume_render"), rays.rows(), rays.rows(), (float) minT, m(samples), m(deltas),
                m(rays), m(background), m(out));
    }

    @Override
    public void volumeRenderBackward(Tensor samples, Tensor deltas, Tensor rays, Tensor background, double minT,
                                     Tensor out, Tensor dOut, Tensor dSamples) {
        Backend.checkVolume(samples, deltas, rays, background, out, dOut, dSamples);
        run1d(kernel("render/volume.cl", "", "volume_render_backward"), rays.rows(), rays.rows(), (float) minT, m(samples),
                m(deltas), m(rays), m(out), m(dOut), m(dSamples));
    }

    /**
     * Build options of opencl/encoding/sh.cl for a degree: W and the terms of
     * SphericalHarmonics.TERMS with column &lt; W as T(column, coef, px, py, pz) macros
     * (coefficients as float literals that read back exactly).
     */
    private static String shOpts(int degree) {
        int w = degree * degree;
        StringBuilder t = new StringBuilder();
        for (nfield.compute.SphericalHarmonics.Term k : nfield.compute.SphericalHarmonics.TERMS) {
            if (k.column() >= w) continue;
            t.append("T(").append(k.column()).append(',').append(Float.toString((float) k.coef())).append("f,")
                    .append(k.px()).append(',').append(k.py()).append(',').append(k.pz()).append(')');
        }
        return "-D W=" + w + " -D SH_TERMS=" + t;
    }

    @Override
    public void shEncode(Tensor x, int degree, Tensor y) {
        run1d(kernel("encoding/sh.cl", shOpts(degree), "sh_forward"), x.rows(), x.rows(), m(x), m(y));
    }

    @Override
    public void shEncodeBackward(Tensor x, int degree, Tensor dy, Tensor dx) {
        run1d(kernel("encoding/sh.cl", shOpts(degree), "sh_backward"), x.rows(), x.rows(), m(x), m(dy), m(dx));
    }

    @Override
    public double sum(Tensor t) {
        cl_kernel k = kernel("util/tensor.cl", "", "reduce_sum");
        args(k, (int) t.size(), m(t), sumParts);
        long local = localSizes.get(k);
        enqueue(k, new long[]{SUM_PARTS}, new long[]{Math.min(local, SUM_PARTS)});
        float[] parts = new float[SUM_PARTS];
        clEnqueueReadBuffer(queue, sumParts, CL_TRUE, 0, (long) SUM_PARTS * Sizeof.cl_float, Pointer.to(parts), 0, null, null);
        double s = 0;
        for (float f : parts) s += f;
        return s;
    }

    @Override
    public void adam(ParamStore store, int off, int count, double lr, double b1, double b2, double eps, long t, boolean zeroGrads) {
        double c1 = 1 - Math.pow(b1, t), c2 = 1 - Math.pow(b2, t);
        run1d(kernel("train/adam.cl", zeroGrads ? "-D ZERO_G=1" : "", "adam"), count, count, off, m(store.params()), m(store.grads()),
                m(store.m()), m(store.v()), (float) b1, (float) b2, (float) (lr / c1), (float) (1 / c2), (float) eps);
    }

    @Override
    public void gatherCodes(Tensor params, int off, int count, int codeSize, Tensor index, Tensor y, int col) {
        Tensor.checkShape("code index", index, y.rows(), 1);
        int n = y.rows();
        run1d(kernel("util/tensor.cl", "", "gather_codes"), (long) n * codeSize, n, codeSize, count,
                off, y.cols(), col, m(params), m(index), m(y));
    }

    @Override
    public void gatherCodesBackward(Tensor params, Tensor grads, int off, int count, int codeSize, Tensor index, Tensor dy, int col, double decay) {
        Tensor.checkShape("code index", index, dy.rows(), 1);
        run1d(kernel("util/tensor.cl", "", "gather_codes_backward"), codeSize, dy.rows(), codeSize,
                count, off, dy.cols(), col, (float) decay, m(params), m(index), m(dy), m(grads));
    }

    @Override
    public void sampleRows(Tensor pool, int poolRows, Tensor out, long seed) {
        int n = out.rows();
        run1d(kernel("util/tensor.cl", "", "sample_rows"), n, n, out.cols(), poolRows, Backend.foldSeed(seed),
                m(pool), m(out));
    }

    @Override
    public void finish() {
        clFinish(queue);
    }

    /** Device buffers held now (tensors and the backend's own; not the scratch), for tests. */
    int buffers() {
        return owned.size();
    }

    /** Releases the buffers allocated since it opened (programs, kernels and the backend's scratch stay). */
    @Override
    public Scope scope() {
        int mark = owned.size();
        return () -> {
            if (closed) return;
            clFinish(queue);
            List<cl_mem> since = owned.subList(Math.min(mark, owned.size()), owned.size());
            since.forEach(org.jocl.CL::clReleaseMemObject);
            for (cl_mem m : since) held -= sizes.remove(m);
            since.clear();
        };
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        clFinish(queue);
        saveBinaries();
        kernels.values().forEach(org.jocl.CL::clReleaseKernel);
        programs.values().forEach(org.jocl.CL::clReleaseProgram);
        owned.forEach(org.jocl.CL::clReleaseMemObject);
        if (partials != null) clReleaseMemObject(partials);
        if (weightScratch != null) clReleaseMemObject(weightScratch);
        if (fixedAcc != null) clReleaseMemObject(fixedAcc);
        if (fixedMax != null) clReleaseMemObject(fixedMax);
        clReleaseCommandQueue(queue);
        clReleaseContext(context);
    }
}
