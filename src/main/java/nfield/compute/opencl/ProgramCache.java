package nfield.compute.opencl;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Program binaries kept on disk between processes, so that a fresh process builds a kernel
 * program from its binary (PoCL: ~2 ms) rather than from source (~40 ms even with the driver's
 * own cache warm; nfield builds one program per layer shape and encoding, 8-12 for a field).
 * A binary is keyed by everything that could change it: the platform, device and driver
 * (name and version), the build options and the source text. Entries are written atomically
 * (temp file and rename) and carry a length and a SHA-256 of the binary, so a truncated or
 * damaged file is noticed and rebuilt from source; a binary the driver refuses is too.
 *
 * <p>Where: {@code NFIELD_CL_CACHE} (or {@code -Dnfield.cl.cache}), else
 * {@code $XDG_CACHE_HOME/nfield/opencl}, else {@code ~/.cache/nfield/opencl}; {@code off}
 * turns it off. A directory that cannot be written just means no cache.
 */
final class ProgramCache {
    private static final byte[] MAGIC = "nfield-clbin-1\n".getBytes(StandardCharsets.US_ASCII);
    private static final int DIGEST = 32;

    private final Path dir; // null: off
    private final String device; // the platform, device and driver, as the key's first part

    ProgramCache(Path dir, String device) {
        this.dir = dir;
        this.device = device;
    }

    /** The cache that the environment names (see the class comment) for this device. */
    static ProgramCache forDevice(ClDevices.Info info) {
        String driver;
        try {
            driver = ClDevices.deviceString(info.id(), org.jocl.CL.CL_DRIVER_VERSION);
        } catch (RuntimeException e) {
            driver = "?";
        }
        String platformVersion;
        try {
            platformVersion = ClDevices.platformString(info.platformId(), org.jocl.CL.CL_PLATFORM_VERSION);
        } catch (RuntimeException e) {
            platformVersion = "?";
        }
        String id = info.platform() + "\n" + platformVersion + "\n" + info.name() + "\n" + info.type() + "\n" + info.version() + "\n" + driver;
        return new ProgramCache(location(System.getProperty("nfield.cl.cache", System.getenv("NFIELD_CL_CACHE")),
                System.getenv("XDG_CACHE_HOME"), System.getProperty("user.home")), id);
    }

    /** The directory named by the setting, else under the XDG cache or the home directory; null when off or unknown. */
    static Path location(String setting, String xdgCache, String home) {
        if (setting != null && !setting.isBlank()) {
            return setting.trim().equalsIgnoreCase("off") ? null : Path.of(setting.trim());
        }
        if (xdgCache != null && !xdgCache.isBlank()) return Path.of(xdgCache, "nfield", "opencl");
        if (home != null && !home.isBlank()) return Path.of(home, ".cache", "nfield", "opencl");
        return null;
    }

    boolean enabled() {
        return dir != null;
    }

    Path dir() {
        return dir;
    }

    /** The entry of a program built with {@code options} from {@code source} on this device. */
    Path entry(String options, String source) {
        if (dir == null) return null;
        return dir.resolve(HexFormat.of().formatHex(sha256((device + "\n\0" + options + "\n\0" + source).getBytes(StandardCharsets.UTF_8))) + ".bin");
    }

    /** The binary held for the entry; null when there is none or it is damaged (a damaged one is removed). */
    byte[] load(Path entry) {
        if (entry == null || !Files.isRegularFile(entry)) return null;
        try {
            byte[] all = Files.readAllBytes(entry);
            int head = MAGIC.length + 8 + DIGEST;
            if (all.length < head || !Arrays.equals(all, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) return damaged(entry);
            long n = ByteBuffer.wrap(all, MAGIC.length, 8).getLong();
            if (n != all.length - head) return damaged(entry);
            byte[] bin = Arrays.copyOfRange(all, head, all.length);
            if (!Arrays.equals(sha256(bin), Arrays.copyOfRange(all, MAGIC.length + 8, head))) return damaged(entry);
            return bin;
        } catch (IOException e) {
            return null;
        }
    }

    /** Drops an entry the driver refused. */
    void forget(Path entry) {
        damaged(entry);
    }

    private static byte[] damaged(Path entry) {
        try {
            Files.deleteIfExists(entry);
        } catch (IOException ignored) {
            // the next build from source writes it again
        }
        return null;
    }

    /** Keeps {@code binary} for the entry, all or nothing; false when it could not be written. */
    boolean store(Path entry, byte[] binary) {
        if (entry == null || binary == null || binary.length == 0) return false;
        Path tmp = entry.resolveSibling("." + entry.getFileName() + "." + ProcessHandle.current().pid() + "."
                + Thread.currentThread().getId() + ".tmp");
        try {
            Files.createDirectories(entry.getParent());
            ByteBuffer b = ByteBuffer.allocate(MAGIC.length + 8 + DIGEST + binary.length);
            b.put(MAGIC).putLong(binary.length).put(sha256(binary)).put(binary);
            Files.write(tmp, b.array());
            try {
                Files.move(tmp, entry, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, entry, StandardCopyOption.REPLACE_EXISTING);
            }
            return true;
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // nothing more to do: no cache entry
            }
            return false;
        }
    }

    private static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
