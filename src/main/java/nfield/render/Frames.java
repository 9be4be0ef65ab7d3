package nfield.render;

import nfield.io.AtomicFiles;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Where rendered frames go, by the output's extension: numbered PNGs ({@code OUT-000.png}, ...),
 * one animated GIF (Java's own ImageIO: a 256-colour palette a frame, looping forever), or a
 * video through {@code ffmpeg} ({@code .mp4}, {@code .webm}, {@code .mov}, {@code .mkv}; H.264 /
 * VP9 in yuv420p as the container suggests). A GIF or video is written to a temp file beside the
 * target and renamed over it when the last frame is in, so a stopped render leaves no half file.
 */
public final class Frames {
    private Frames() {}

    public static final List<String> ANIMATED = List.of("gif", "mp4", "webm", "mov", "mkv");

    /** Takes one frame after another. */
    public interface Sink {
        void put(int index, BufferedImage frame) throws IOException;
    }

    /** Renders the frames into a sink. */
    public interface Loop {
        void run(Sink sink) throws IOException;
    }

    public static String extension(Path out) {
        String n = out.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot < 0 ? "" : n.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    /** Whether {@code out} names one animated file (GIF or video) rather than numbered images. */
    public static boolean animated(Path out) {
        return ANIMATED.contains(extension(out));
    }

    /** Whether the output needs ffmpeg (every animated format but GIF). */
    public static boolean needsFfmpeg(Path out) {
        return animated(out) && !extension(out).equals("gif");
    }

    /** The ffmpeg on the PATH, or null. */
    public static String ffmpeg() {
        String path = System.getenv("PATH");
        if (path == null) return null;
        for (String d : path.split(java.io.File.pathSeparator)) {
            Path f = Path.of(d.isEmpty() ? "." : d, "ffmpeg");
            if (Files.isExecutable(f)) return f.toString();
        }
        return null;
    }

    /** Refuses, before any rendering, an output that cannot be written: a video with no ffmpeg. */
    public static void check(Path out) {
        if (needsFfmpeg(out) && ffmpeg() == null) {
            throw new IllegalArgumentException(out + ": a ." + extension(out) + " video needs ffmpeg, which is not on the PATH; "
                    + "install it (apt-get install ffmpeg), or write an animated GIF (--out " + stem(out) + ".gif) or PNG frames "
                    + "(--out " + stem(out) + ".png)");
        }
    }

    private static String stem(Path out) {
        String n = out.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot < 0 ? n : n.substring(0, dot);
    }

    /** Runs {@code loop} with frames of w×h going into the one file {@code out} (GIF or video) at {@code fps}. */
    public static void write(Path out, int w, int h, double fps, Loop loop) throws IOException {
        check(out);
        if (!(fps > 0 && fps <= 240)) throw new IllegalArgumentException("--fps " + fps + ": use 1 .. 240");
        if (extension(out).equals("gif")) gif(out, fps, loop);
        else video(out, w, h, fps, loop);
    }

    private static void gif(Path out, double fps, Loop loop) throws IOException {
        int delay = Math.max(2, (int) Math.round(100 / fps)); // hundredths of a second; browsers treat 0-1 as 10
        AtomicFiles.write(out, os -> {
            ImageWriter writer = ImageIO.getImageWritersByFormatName("gif").next();
            try (ImageOutputStream ios = ImageIO.createImageOutputStream(new NoClose(os))) {
                writer.setOutput(ios);
                writer.prepareWriteSequence(null);
                loop.run((i, frame) -> writer.writeToSequence(new IIOImage(frame, null, gifMetadata(writer, frame, delay, i == 0)), null));
                writer.endWriteSequence();
            } finally {
                writer.dispose();
            }
        });
    }

    /** A frame's GIF metadata: its delay, no disposal, and on the first the NETSCAPE2.0 loop-forever block. */
    private static IIOMetadata gifMetadata(ImageWriter writer, BufferedImage frame, int delay, boolean first) throws IOException {
        IIOMetadata meta = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(frame), null);
        String format = meta.getNativeMetadataFormatName();
        IIOMetadataNode root = (IIOMetadataNode) meta.getAsTree(format);
        IIOMetadataNode gce = child(root, "GraphicControlExtension");
        gce.setAttribute("disposalMethod", "none");
        gce.setAttribute("userInputFlag", "FALSE");
        gce.setAttribute("transparentColorFlag", "FALSE");
        gce.setAttribute("delayTime", Integer.toString(delay));
        gce.setAttribute("transparentColorIndex", "0");
        if (first) {
            IIOMetadataNode app = new IIOMetadataNode("ApplicationExtension");
            app.setAttribute("applicationID", "NETSCAPE");
            app.setAttribute("authenticationCode", "2.0");
            app.setUserObject(new byte[]{1, 0, 0}); // loop count 0: forever
            child(root, "ApplicationExtensions").appendChild(app);
        }
        meta.setFromTree(format, root);
        return meta;
    }

    private static IIOMetadataNode child(IIOMetadataNode root, String name) {
        for (int i = 0; i < root.getLength(); i++) {
            if (root.item(i).getNodeName().equalsIgnoreCase(name)) return (IIOMetadataNode) root.item(i);
        }
        IIOMetadataNode n = new IIOMetadataNode(name);
        root.appendChild(n);
        return n;
    }

    private static void video(Path out, int w, int h, double fps, Loop loop) throws IOException {
        Path abs = out.toAbsolutePath();
        if (abs.getParent() != null) Files.createDirectories(abs.getParent());
        String ext = extension(out);
        Path tmp = abs.resolveSibling("." + stem(abs) + "." + ProcessHandle.current().pid() + ".tmp." + ext);
        List<String> cmd = new ArrayList<>(List.of(ffmpeg(), "-hide_banner", "-loglevel", "error", "-y",
                "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", w + "x" + h, "-r", String.format(Locale.ROOT, "%.3f", fps), "-i", "-",
                "-vf", "pad=ceil(iw/2)*2:ceil(ih/2)*2", "-pix_fmt", "yuv420p"));
        if (ext.equals("mp4") || ext.equals("mov")) cmd.addAll(List.of("-movflags", "+faststart"));
        cmd.add(tmp.toString());
        Path log = Files.createTempFile("nfield-ffmpeg", ".log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean done = false;
        try {
            try (OutputStream stdin = p.getOutputStream()) {
                byte[] rgb = new byte[3 * w * h];
                loop.run((i, frame) -> {
                    if (frame.getWidth() != w || frame.getHeight() != h) throw new IllegalArgumentException("frame " + i + " is not " + w + "x" + h);
                    int[] row = new int[w];
                    for (int y = 0; y < h; y++) {
                        frame.getRGB(0, y, w, 1, row, 0, w);
                        for (int x = 0; x < w; x++) {
                            int c = row[x], o = 3 * (y * w + x);
                            rgb[o] = (byte) (c >> 16);
                            rgb[o + 1] = (byte) (c >> 8);
                            rgb[o + 2] = (byte) c;
                        }
                    }
                    try {
                        stdin.write(rgb);
                    } catch (IOException e) {
                        throw new IOException(out + ": ffmpeg stopped taking frames: " + tail(log), e);
                    }
                });
            }
            if (!p.waitFor(10, TimeUnit.MINUTES)) throw new IOException(out + ": ffmpeg did not finish in 10 minutes");
            if (p.exitValue() != 0) throw new IOException(out + ": ffmpeg failed (exit " + p.exitValue() + "): " + tail(log));
            Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            done = true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(out + ": interrupted", e);
        } finally {
            if (!done) {
                p.destroyForcibly();
                Files.deleteIfExists(tmp);
            }
            Files.deleteIfExists(log);
        }
    }

    private static String tail(Path log) {
        try {
            String s = Files.readString(log).strip();
            return s.isEmpty() ? "(no message)" : s.length() > 600 ? "..." + s.substring(s.length() - 600) : s;
        } catch (IOException e) {
            return "(no log)";
        }
    }

    /** ImageIO closes what it writes to; AtomicFiles closes the file itself. */
    private static final class NoClose extends java.io.FilterOutputStream {
        NoClose(OutputStream out) { super(out); }

        @Override public void write(byte[] b, int off, int len) throws IOException { out.write(b, off, len); }

        @Override public void close() throws IOException { flush(); }
    }

    /** An image [h, w, 3] of floats in [0, 1], row 0 at the top, as 8-bit RGB. */
    public static BufferedImage image(float[] rgb, int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int p = 3 * (y * w + x);
                row[x] = c(rgb[p]) << 16 | c(rgb[p + 1]) << 8 | c(rgb[p + 2]);
            }
            img.setRGB(0, y, w, 1, row, 0, w);
        }
        return img;
    }

    private static int c(float v) {
        return Math.round(255 * Math.min(1, Math.max(0, v)));
    }

}
