package nfield.data.nerf;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NumPy's {@code .npy} format, the members of an {@code .npz}: the magic {@code \x93NUMPY}, a
 * major and minor version byte, the header's length (uint16 little-endian for version 1, uint32
 * for 2 and 3), the header (a Python dict literal, Latin-1 for 1 and 2, UTF-8 for 3, padded with
 * spaces and ended by a newline: {@code {'descr': '<f4', 'fortran_order': False, 'shape': (106, 4, 4), }}),
 * then the data, C order. Read here: {@code descr} {@code <f4 >f4 <f8 >f8 |u1}, C order only.
 */
final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final int MAX_HEADER = 1 << 20;
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {}

    /**
     * An array's header.
     *
     * @param descr      as written, e.g. "&lt;f4"
     * @param kind       'f' (float) or 'u' (unsigned integer)
     * @param itemSize   bytes per element: 4 or 8 for 'f', 1 for 'u'
     * @param order      the byte order of multi-byte elements
     * @param shape      the dimensions, empty for a scalar
     * @param dataOffset bytes before the data: magic, version, length and header
     */
    record Header(String descr, char kind, int itemSize, ByteOrder order, long[] shape, long dataOffset) {
        long count() {
            long c = 1;
            for (long d : shape) c = Math.multiplyExact(c, d);
            return c;
        }

        long dataBytes() {
            return Math.multiplyExact(count(), (long) itemSize);
        }

        /** "(106, 4, 4)", "()" for a scalar, as NumPy writes it. */
        String shapeText() {
            if (shape.length == 1) return "(" + shape[0] + ",)";
            StringBuilder sb = new StringBuilder("(");
            for (int i = 0; i < shape.length; i++) sb.append(i == 0 ? "" : ", ").append(shape[i]);
            return sb.append(')').toString();
        }

        /** Element {@code i} of {@code buf} (which starts at element 0) as a double. */
        double get(ByteBuffer buf, int i) {
            if (kind == 'u') return buf.get(i) & 0xFF;
            return itemSize == 4 ? buf.getFloat(4 * i) : buf.getDouble(8 * i);
        }
    }

    /**
     * Reads the header from {@code in}, which is left at the first data byte. {@code where} starts
     * every error message ("file.npz: poses.npy").
     */
    static Header readHeader(String where, InputStream in) throws IOException {
        byte[] pre = readFully(where, in, 8, "its 8-byte preamble");
        for (int i = 0; i < MAGIC.length; i++) {
            if (pre[i] != MAGIC[i]) throw new NerfFormatException(where + ": not a .npy array (no \\x93NUMPY magic at byte 0)");
        }
        int major = pre[6] & 0xFF;
        long len;
        int lenBytes;
        if (major == 1) {
            byte[] b = readFully(where, in, 2, "the header length");
            len = (b[0] & 0xFF) | (b[1] & 0xFF) << 8;
            lenBytes = 2;
        } else if (major == 2 || major == 3) {
            byte[] b = readFully(where, in, 4, "the header length");
            len = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xFFFFFFFFL;
            lenBytes = 4;
        } else {
            throw new NerfFormatException(where + ": .npy version " + major + "." + (pre[7] & 0xFF) + " is not supported (1, 2 or 3)");
        }
        if (len > MAX_HEADER) throw new NerfFormatException(where + ": byte 8: the header length " + len + " is absurd (over 1 MiB)");
        String text = new String(readFully(where, in, (int) len, "its " + len + "-byte header"),
                major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1).strip();
        if (!text.startsWith("{") || !text.endsWith("}")) throw new NerfFormatException(where + ": the header is not a dict: " + text);
        Matcher d = DESCR.matcher(text), f = FORTRAN.matcher(text), s = SHAPE.matcher(text);
        if (!d.find() || !f.find() || !s.find()) {
            throw new NerfFormatException(where + ": the header lacks 'descr', 'fortran_order' or 'shape': " + text);
        }
        String descr = d.group(1);
        if (f.group(1).equals("True")) {
            throw new NerfFormatException(where + ": Fortran order is not supported (save it with np.ascontiguousarray)");
        }
        char kind;
        int size;
        ByteOrder order;
        if (descr.length() != 3) throw unsupported(where, descr);
        char o = descr.charAt(0);
        kind = descr.charAt(1);
        size = descr.charAt(2) - '0';
        if (kind == 'f' && (size == 4 || size == 8) && (o == '<' || o == '>' || o == '=')) {
            order = o == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        } else if (kind == 'u' && size == 1 && (o == '|' || o == '<' || o == '>' || o == '=')) {
            order = ByteOrder.LITTLE_ENDIAN;
        } else {
            throw unsupported(where, descr);
        }
        List<Long> dims = new ArrayList<>();
        for (String part : s.group(1).split(",")) {
            String t = part.strip();
            if (t.endsWith("L")) t = t.substring(0, t.length() - 1); // Python 2 longs
            if (t.isEmpty()) continue;
            try {
                long v = Long.parseLong(t);
                if (v < 0) throw new NumberFormatException();
                dims.add(v);
            } catch (NumberFormatException e) {
                throw new NerfFormatException(where + ": the header's shape (" + s.group(1) + ") has '" + part.strip() + "', not a size");
            }
        }
        long[] shape = dims.stream().mapToLong(Long::longValue).toArray();
        Header h = new Header(descr, kind, size, order, shape, 8 + lenBytes + len);
        try {
            h.dataBytes();
        } catch (ArithmeticException e) {
            throw new NerfFormatException(where + ": the header's shape " + h.shapeText() + " is too large");
        }
        return h;
    }

    private static NerfFormatException unsupported(String where, String descr) {
        return new NerfFormatException(where + ": dtype '" + descr + "' is not supported (float32 '<f4', float64 '<f8' or uint8 '|u1')");
    }

    /** Exactly {@code n} bytes from {@code in}, or an error saying the array ends inside {@code what}. */
    static byte[] readFully(String where, InputStream in, int n, String what) throws IOException {
        byte[] b = in.readNBytes(n);
        if (b.length != n) throw new NerfFormatException(where + ": the array ends inside " + what);
        return b;
    }
}
