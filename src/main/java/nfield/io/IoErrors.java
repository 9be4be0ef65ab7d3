package nfield.io;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * One line for an I/O error the JDK raised, naming the file and what to do. The JDK's own
 * messages for file-system errors are often the bare path ({@code AccessDeniedException}'s is
 * "bunny.obj"), which reads as no message at all; nfield's own errors already say everything
 * and pass through unchanged.
 */
public final class IoErrors {
    private IoErrors() {}

    /** "FILE: permission denied (...)" and the like; the message as it is for any other IOException. */
    public static String describe(IOException e) {
        if (e instanceof FileSystemException f && f.getFile() != null) {
            String file = f.getFile();
            if (f.getOtherFile() != null) file += " -> " + f.getOtherFile();
            return file + ": " + reason(e);
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    /** What went wrong, without the file: "permission denied (...)", "no such file or directory". */
    public static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied (this user may not read or write it: check `ls -l` on it and its folder, and `chmod` or run as its owner)";
        }
        if (e instanceof FileAlreadyExistsException f) return f.getFile() + " exists and is not a directory";
        if (e instanceof NoSuchFileException) return "no such file or directory";
        if (e instanceof NotDirectoryException) return "not a directory";
        if (e instanceof FileSystemException f && f.getReason() != null) return f.getReason();
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
