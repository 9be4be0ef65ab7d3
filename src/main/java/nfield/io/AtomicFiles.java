package nfield.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes a file all or nothing: into a temp file beside the target ({@code .NAME.PID.tmp} in the
 * same directory, so the rename stays on one file system and the file gets the directory's
 * default permissions), forced to disk, then renamed over the target (atomically where the file
 * system can). On any failure the temp file is removed and an existing target is left as it was.
 * Missing parent directories are created. A temp file of the same target left by a writer that was
 * killed (its process gone) is removed by the next write.
 */
public final class AtomicFiles {
    private AtomicFiles() {}

    /** Writes the file's contents to {@code out}; need not close it. */
    @FunctionalInterface
    public interface Body {
        void write(OutputStream out) throws IOException;
    }

    public static void write(Path target, byte[] bytes) throws IOException {
        write(target, out -> out.write(bytes));
    }

    /**
     * Runs {@code body} on a buffered stream into the temp file, then renames it over
     * {@code target}. An I/O failure comes back as an IOException that names the target and why;
     * whatever {@code body} throws otherwise passes through unchanged, after the temp file is
     * removed.
     */
    public static void write(Path target, Body body) throws IOException {
        Path abs = target.toAbsolutePath();
        Path tmp = abs.resolveSibling("." + abs.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        try {
            Path dir = abs.getParent();
            if (dir != null) Files.createDirectories(dir);
            removeStale(abs);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                BufferedOutputStream out = new BufferedOutputStream(new KeepOpen(Channels.newOutputStream(ch)), 1 << 16);
                body.write(out);
                out.flush();
                ch.force(true);
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new IOException(target + ": cannot write (" + reason(e) + ")", e);
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the directory is unreadable; nothing could have been created in it
            }
        }
    }

    /**
     * Removes the temp files of {@code target} that writers killed before their rename left
     * behind ({@code .NAME.PID.tmp} of a process that is gone): a kill costs the write, not litter.
     */
    static void removeStale(Path target) {
        Path dir = target.getParent();
        if (dir == null) return;
        String prefix = "." + target.getFileName() + ".";
        long self = ProcessHandle.current().pid();
        // a filter, not a glob: a file name may hold glob syntax ([, {, *)
        try (var s = Files.newDirectoryStream(dir, p -> {
            String n = p.getFileName().toString();
            return n.startsWith(prefix) && n.endsWith(".tmp") && n.length() > prefix.length() + 4;
        })) {
            for (Path p : s) {
                String n = p.getFileName().toString();
                String mid = n.substring(prefix.length(), n.length() - ".tmp".length());
                long pid;
                try {
                    pid = Long.parseLong(mid);
                } catch (NumberFormatException e) {
                    continue; // not one of ours
                }
                if (pid != self && ProcessHandle.of(pid).isEmpty()) Files.deleteIfExists(p);
            }
        } catch (IOException | RuntimeException ignored) {
            // best effort: the write itself reports real trouble
        }
    }

    private static String reason(IOException e) {
        if (e instanceof NoSuchFileException f) return "no such file or directory: " + f.getFile();
        return IoErrors.reason(e);
    }

    /** The body's close() only flushes: the channel is forced and closed here. */
    private static final class KeepOpen extends java.io.FilterOutputStream {
        KeepOpen(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
