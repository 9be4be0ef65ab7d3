package nfield.data.mesh;

import java.nio.charset.StandardCharsets;

/**
 * A tokenizer over the bytes of a text mesh file, line by line ({@link #nextLine}, {@link #next})
 * or across lines ({@link #nextAny}). Tokens are whitespace-separated; '\r' counts as whitespace,
 * so CRLF files read like LF files; with {@code hashComments} a '#' ends the line. Numbers are
 * parsed from the bytes without allocating (correctly rounded: Clinger's fast path, else
 * {@link Double#parseDouble}); errors name the file and the line.
 */
final class TextScanner {
    private static final double[] POW10 = new double[23];
    static {
        POW10[0] = 1;
        for (int i = 1; i < POW10.length; i++) POW10[i] = POW10[i - 1] * 10;
    }

    private final String name;
    private final byte[] b;
    private final boolean hashComments;
    private int pos;
    private int line;
    private boolean inLine;
    private int ts, te;

    TextScanner(String name, byte[] data, boolean hashComments) {
        this.name = name;
        this.b = data;
        this.hashComments = hashComments;
    }

    /** The current (1-based) line; the last line once the data is exhausted. */
    int line() { return line; }

    /** Moves to the start of the next line; false at the end of the data. */
    boolean nextLine() {
        if (inLine) {
            while (pos < b.length && b[pos] != '\n') pos++;
            if (pos < b.length) pos++;
        }
        if (pos >= b.length) {
            inLine = false;
            return false;
        }
        inLine = true;
        line++;
        return true;
    }

    /** Byte offset just past the current line's '\n' (where binary data after a text header begins). */
    int endOfLine() {
        int p = pos;
        while (p < b.length && b[p] != '\n') p++;
        return Math.min(p + 1, b.length);
    }

    private static boolean blank(byte c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == 0x0B;
    }

    /** Next token on the current line; false at the end of the line or at a comment. */
    boolean next() {
        if (!inLine) return false;
        int p = pos;
        while (p < b.length && blank(b[p])) p++;
        if (p >= b.length || b[p] == '\n' || (hashComments && b[p] == '#')) {
            pos = p;
            return false;
        }
        ts = p;
        while (p < b.length && !blank(b[p]) && b[p] != '\n' && !(hashComments && b[p] == '#')) p++;
        te = p;
        pos = p;
        return true;
    }

    /** Next token, on this line or a later one; false at the end of the data. */
    boolean nextAny() {
        while (!next()) {
            if (!nextLine()) return false;
        }
        return true;
    }

    /** Next token on the current line, or an error saying {@code what} is missing. */
    void require(String what) throws MeshFormatException {
        if (!next()) throw error("missing " + what);
    }

    /** Whether the current token is exactly {@code s} (ASCII). */
    boolean is(String s) {
        if (te - ts != s.length()) return false;
        for (int i = 0; i < s.length(); i++) if (b[ts + i] != s.charAt(i)) return false;
        return true;
    }

    /** Whether the current token is the single character {@code c}. */
    boolean is(char c) {
        return te - ts == 1 && b[ts] == c;
    }

    /** The current token as a string, cut to 40 characters (for messages and keywords). */
    String token() {
        String s = new String(b, ts, Math.min(te - ts, 40), StandardCharsets.ISO_8859_1);
        return te - ts > 40 ? s + "..." : s;
    }

    /** An error at the current line: "NAME: line N: message". */
    MeshFormatException error(String message) {
        return new MeshFormatException(name + ": line " + line + ": " + message);
    }

    /** The current token as a finite number; NaN, infinities and overflow are errors. */
    double coordinate(String what) throws MeshFormatException {
        double v = number(what);
        if (!Double.isFinite(v)) {
            throw error(what + " '" + token() + "' is not finite; every vertex coordinate must be a finite number");
        }
        return v;
    }

    /** The current token as a whole number (sign and digits only). */
    long integer(String what) throws MeshFormatException {
        long v = prefixInteger(te);
        if (v == Long.MIN_VALUE) throw error("cannot parse '" + token() + "' as an integer (" + what + ")");
        return v;
    }

    /**
     * The OBJ vertex index of the current token: the integer before the first '/', so that
     * {@code i}, {@code i/t}, {@code i//n} and {@code i/t/n} all give {@code i}.
     */
    long objIndex() throws MeshFormatException {
        int e = ts;
        while (e < te && b[e] != '/') e++;
        long v = prefixInteger(e);
        if (v == Long.MIN_VALUE) throw error("cannot parse '" + token() + "' as a face vertex (expected i, i/t, i//n or i/t/n)");
        return v;
    }

    /** Sign and digits in [ts, e); saturates at 10^15 in size; Long.MIN_VALUE if malformed. */
    private long prefixInteger(int e) {
        int p = ts;
        boolean neg = false;
        if (p < e && (b[p] == '-' || b[p] == '+')) neg = b[p++] == '-';
        if (p == e) return Long.MIN_VALUE;
        long v = 0;
        for (; p < e; p++) {
            int c = b[p] - '0';
            if (c < 0 || c > 9) return Long.MIN_VALUE;
            if (v < 1_000_000_000_000_000L) v = v * 10 + c;
        }
        return neg ? -v : v;
    }

    /** The current token as a double; "nan"/"inf"/"infinity" give NaN/infinities. */
    double number(String what) throws MeshFormatException {
        int p = ts, e = te;
        boolean neg = false;
        if (p < e && (b[p] == '-' || b[p] == '+')) neg = b[p++] == '-';
        int start = p;
        long m = 0;
        int sig = 0, exp10 = 0;
        boolean digits = false, inexact = false;
        for (; p < e && b[p] >= '0' && b[p] <= '9'; p++) {
            digits = true;
            int c = b[p] - '0';
            if (m == 0 && c == 0) continue;
            if (sig < 18) { m = m * 10 + c; sig++; } else { exp10++; inexact |= c != 0; }
        }
        if (p < e && b[p] == '.') {
            for (p++; p < e && b[p] >= '0' && b[p] <= '9'; p++) {
                digits = true;
                int c = b[p] - '0';
                if (m == 0 && c == 0) { exp10--; continue; }
                if (sig < 18) { m = m * 10 + c; sig++; exp10--; } else inexact |= c != 0;
            }
        }
        if (digits && p < e && (b[p] == 'e' || b[p] == 'E')) {
            p++;
            boolean xneg = false;
            if (p < e && (b[p] == '-' || b[p] == '+')) xneg = b[p++] == '-';
            int x = 0;
            boolean xd = false;
            for (; p < e && b[p] >= '0' && b[p] <= '9'; p++) {
                xd = true;
                if (x < 100_000) x = x * 10 + (b[p] - '0');
            }
            if (!xd) digits = false;
            exp10 += xneg ? -x : x;
        }
        if (!digits || p != e) {
            String word = new String(b, start, e - start, StandardCharsets.ISO_8859_1).toLowerCase(java.util.Locale.ROOT);
            if (word.equals("nan") || word.startsWith("nan(")) return Double.NaN;
            if (word.equals("inf") || word.equals("infinity")) return neg ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
            throw error("cannot parse '" + token() + "' as a number (" + what + ")");
        }
        if (m == 0) return neg ? -0.0 : 0.0;
        if (!inexact && sig <= 15 && exp10 >= -22 && exp10 <= 22) {
            double v = exp10 < 0 ? m / POW10[-exp10] : m * POW10[exp10];
            return neg ? -v : v;
        }
        return Double.parseDouble(new String(b, ts, te - ts, StandardCharsets.ISO_8859_1));
    }
}
