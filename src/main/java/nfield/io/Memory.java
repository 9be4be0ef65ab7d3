package nfield.io;

import nfield.data.nerf.MemoryEstimate;

import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * Host memory checked before a command allocates in proportion to what it was asked for (a
 * meshing grid of --res³ points, frames of --size, a sample pool of train.pool_size points, a
 * mesh file's arrays): a one-line refusal naming the flag that fixes it, instead of an
 * OutOfMemoryError or the kernel's OOM killer halfway through.
 */
public final class Memory {
    private Memory() {}

    /** What the JVM's heap can still give: -Xmx less what is in use now. */
    public static long heapFree() {
        Runtime rt = Runtime.getRuntime();
        return rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
    }

    /**
     * Returns when {@code bytes} fit in what the heap can still give (after a collection, if
     * needed); else throws an {@link IllegalArgumentException}: "WHAT needs about N but the JVM
     * has M free (of -Xmx X): FIX, or give the JVM more: NFIELD_JAVA_OPTS=-XmxYg".
     */
    public static void require(String what, long bytes, String fix) {
        if (bytes <= heapFree()) return;
        System.gc();
        long free = heapFree();
        if (bytes <= free) return;
        Runtime rt = Runtime.getRuntime();
        long used = rt.maxMemory() - free;
        long wantGiB = (long) Math.ceil(1.25 * (used + bytes) / (1L << 30));
        long machine = machineBytes();
        String more = machine > 0 && wantGiB * (1L << 30) > machine
                ? "this machine has " + MemoryEstimate.bytes(machine) + " in all, less than that needs"
                : "give the JVM more: NFIELD_JAVA_OPTS=-Xmx" + wantGiB + "g" + (machine > 0 ? " (this machine has " + MemoryEstimate.bytes(machine) + ")" : "");
        throw new IllegalArgumentException(String.format(Locale.ROOT, "%s needs about %s but the JVM has %s free (of -Xmx %s): %s, or %s",
                what, MemoryEstimate.bytes(bytes), MemoryEstimate.bytes(free), MemoryEstimate.bytes(rt.maxMemory()), fix, more));
    }

    /** The machine's physical memory, or 0 when the JVM cannot tell. */
    static long machineBytes() {
        try {
            return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize();
        } catch (RuntimeException | LinkageError e) {
            return 0;
        }
    }
}
