package nfield.compute.opencl;

import nfield.compute.Activation;
import nfield.compute.Tensor;
import nfield.testing.OpenCl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Program binaries kept between backends (processes): a second backend on the same cache builds
 * its programs from the binaries the first kept, and computes the same bits; a damaged entry or
 * one the driver refuses is rebuilt from source; the cache's place follows the environment.
 */
class ProgramCacheTest {
    /** A dense layer of fresh weights on a fresh batch, through a backend on {@code cache}: y. */
    private static double[] layer(ClDevices.Info info, ProgramCache cache, int[] builds, long seed) {
        try (ClBackend cl = new ClBackend(info, cache)) {
            Random r = new Random(seed);
            int rows = 257, in = 19, out = 24;
            double[] x = new double[rows * in], w = new double[in * out + out];
            for (int i = 0; i < x.length; i++) x[i] = r.nextGaussian();
            for (int i = 0; i < w.length; i++) w[i] = r.nextGaussian() * 0.3;
            Tensor tx = cl.alloc(rows, in), tp = cl.alloc(1, w.length), ty = cl.alloc(rows, out);
            cl.write(tx, x);
            cl.write(tp, w);
            cl.denseForward(tx, tp, 0, Activation.RELU, ty, null);
            double[] y = cl.read(ty);
            int[] b = cl.programBuilds();
            cl.close(); // keeps the binaries
            int[] after = cl.programBuilds();
            System.arraycopy(new int[]{b[0], b[1], after[2]}, 0, builds, 0, 3);
            return y;
        }
    }

    private static List<Path> entries(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".bin")).toList();
        }
    }

    @Test
    void aSecondBackendBuildsFromTheKeptBinariesAndComputesTheSameBits(@TempDir Path dir) throws Exception {
        ClDevices.Info info = OpenCl.open().info(); // skips where there is no OpenCL
        ProgramCache cache = new ProgramCache(dir, "test device " + info.name());
        int[] first = new int[3], second = new int[3];
        double[] a = layer(info, cache, first, 7);
        assertEquals(0, first[0], "an empty cache: nothing built from a binary");
        assertTrue(first[1] >= 1 && first[2] >= 1, "built from source and kept: " + java.util.Arrays.toString(first));
        assertEquals(first[2], entries(dir).size());
        double[] b = layer(info, cache, second, 7);
        assertTrue(second[0] >= 1, "built from the kept binaries: " + java.util.Arrays.toString(second));
        assertEquals(first[1], second[0] + second[1], "the same programs, from binary or source");
        assertArrayEquals(a, b, "the same bits from a binary as from source");
    }

    @Test
    void aDamagedOrRefusedEntryIsRebuiltFromSource(@TempDir Path dir) throws Exception {
        ClDevices.Info info = OpenCl.open().info();
        ProgramCache cache = new ProgramCache(dir, "test device " + info.name());
        int[] builds = new int[3];
        double[] a = layer(info, cache, builds, 11);
        List<Path> kept = entries(dir);
        assertEquals(builds[2], kept.size());
        // one entry cut short, one with a byte flipped (its digest no longer matches): both removed on load
        Path cut = kept.get(0);
        byte[] whole = Files.readAllBytes(cut);
        Files.write(cut, java.util.Arrays.copyOf(whole, whole.length / 2));
        assertNull(cache.load(cut));
        assertTrue(Files.notExists(cut), "a damaged entry is removed");
        Files.write(cut, whole);
        whole[whole.length - 5] ^= 0x5a;
        Files.write(cut, whole);
        assertNull(cache.load(cut));
        // and a well-formed entry whose binary the driver cannot use: refused, rebuilt from source, the result unchanged
        byte[] junk = new byte[4096];
        new Random(3).nextBytes(junk);
        assertTrue(cache.store(cut, junk));
        int[] again = new int[3];
        double[] b = layer(info, cache, again, 11);
        assertTrue(again[1] >= 1, "the refused entry is built from source: " + java.util.Arrays.toString(again));
        assertArrayEquals(a, b);
        assertNotEquals(java.util.Arrays.hashCode(junk), java.util.Arrays.hashCode(cache.load(cut)), "kept again, from the driver");
    }

    @Test
    void theKeyCoversDeviceOptionsAndSource(@TempDir Path dir) {
        ProgramCache one = new ProgramCache(dir, "device A"), other = new ProgramCache(dir, "device B");
        Path e = one.entry("-D N=1", "kernel source");
        assertEquals(e, one.entry("-D N=1", "kernel source"));
        assertNotEquals(e, other.entry("-D N=1", "kernel source"));
        assertNotEquals(e, one.entry("-D N=2", "kernel source"));
        assertNotEquals(e, one.entry("-D N=1", "kernel source changed"));
        assertNull(new ProgramCache(null, "device A").entry("-D N=1", "kernel source"), "off: no entries");
    }

    @Test
    void thePlaceFollowsTheEnvironment() {
        assertEquals(Path.of("/x/cache"), ProgramCache.location("/x/cache", "/xdg", "/home/u"));
        assertNull(ProgramCache.location("off", "/xdg", "/home/u"));
        assertNull(ProgramCache.location(" OFF ", null, "/home/u"));
        assertEquals(Path.of("/xdg/nfield/opencl"), ProgramCache.location(null, "/xdg", "/home/u"));
        assertEquals(Path.of("/home/u/.cache/nfield/opencl"), ProgramCache.location("", "", "/home/u"));
        assertNull(ProgramCache.location(null, null, null));
    }
}
