package nfield.data.mesh;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Stanford PLY, ascii / binary_little_endian / binary_big_endian. Reads x, y, z of element
 * {@code vertex} (any scalar type) and the list {@code vertex_indices} (or {@code vertex_index})
 * of element {@code face}, fan-triangulated; every other property and element is skipped.
 * Element counts are checked against the bytes after the header before anything is read.
 */
final class PlyReader {
    private PlyReader() {}

    /** PLY scalar types, each under its old and its sized name. */
    enum Type {
        INT8(1, "char", "int8"), UINT8(1, "uchar", "uint8"), INT16(2, "short", "int16"), UINT16(2, "ushort", "uint16"),
        INT32(4, "int", "int32"), UINT32(4, "uint", "uint32"), FLOAT32(4, "float", "float32"), FLOAT64(8, "double", "float64");

        final int size;
        final String oldName, sizedName;

        Type(int size, String oldName, String sizedName) {
            this.size = size;
            this.oldName = oldName;
            this.sizedName = sizedName;
        }
    }

    /** A property; {@code countType} is null for a scalar, else the type of a list's length. */
    record Property(String name, Type type, Type countType) {}

    private static final class Element {
        final String name;
        final long count;
        final int line;
        final List<Property> props = new ArrayList<>();

        Element(String name, long count, int line) {
            this.name = name;
            this.count = count;
            this.line = line;
        }

        /** The fewest bytes one entry can take: binary sizes, or 2 characters per ascii value. */
        long minBytes(boolean binary) {
            long n = 0;
            for (Property p : props) n += binary ? (p.countType == null ? p.type.size : p.countType.size) : 2;
            return n;
        }
    }

    static Mesh read(String name, byte[] data) throws MeshFormatException {
        TextScanner sc = new TextScanner(name, data, false);
        if (!sc.nextLine() || !sc.next() || !sc.is("ply")) {
            throw new MeshFormatException(name + ": line 1: not a PLY file: the first line must be 'ply'");
        }
        String format = null;
        List<Element> elements = new ArrayList<>();
        while (true) {
            if (!sc.nextLine()) throw sc.error("file ends before 'end_header'");
            if (!sc.next() || sc.is("comment") || sc.is("obj_info")) continue;
            if (sc.is("end_header")) break;
            if (sc.is("format")) {
                sc.require("format name");
                format = sc.token();
                if (!format.equals("ascii") && !format.equals("binary_little_endian") && !format.equals("binary_big_endian")) {
                    throw sc.error("unknown format '" + format + "' (supported: ascii, binary_little_endian, binary_big_endian)");
                }
            } else if (sc.is("element")) {
                sc.require("element name");
                String en = sc.token();
                sc.require("count of element '" + en + "'");
                long n = sc.integer("count of element '" + en + "'");
                if (n < 0 || n > Integer.MAX_VALUE) throw sc.error("element '" + en + "' count " + n + " is out of range");
                elements.add(new Element(en, n, sc.line()));
            } else if (sc.is("property")) {
                if (elements.isEmpty()) throw sc.error("'property' before any 'element'");
                sc.require("property type");
                Type count = null;
                if (sc.is("list")) {
                    sc.require("list length type");
                    count = type(sc);
                    sc.require("list item type");
                }
                Type t = type(sc);
                sc.require("property name");
                elements.get(elements.size() - 1).props.add(new Property(sc.token(), t, count));
            } else {
                throw sc.error("unknown header line '" + sc.token() + "' (expected format, element, property, comment, obj_info or end_header)");
            }
        }
        if (format == null) throw sc.error("the header has no 'format' line");
        boolean binary = !format.equals("ascii");
        int start = sc.endOfLine();
        long left = data.length - start;
        for (Element e : elements) {
            long need = e.count * e.minBytes(binary);
            if (need > left + (binary ? 0 : 1)) {
                throw new MeshFormatException(name + ": line " + e.line + ": element '" + e.name + "' claims " + e.count
                        + " entries, at least " + need + " bytes, but only " + Math.max(0, left) + " bytes follow the header at byte "
                        + start + " (file size " + data.length + "): the count is wrong or the file is truncated");
            }
            left -= need;
        }
        Data in = binary
                ? new Data(name, null, ByteBuffer.wrap(data).order(format.equals("binary_big_endian") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN), start)
                : new Data(name, sc, null, 0);
        return readData(name, elements, in);
    }

    private static Type type(TextScanner sc) throws MeshFormatException {
        String s = sc.token();
        for (Type t : Type.values()) if (s.equals(t.oldName) || s.equals(t.sizedName)) return t;
        throw sc.error("unknown property type '" + s + "' (supported: char uchar short ushort int uint float double, "
                + "int8 uint8 int16 uint16 int32 uint32 float32 float64)");
    }

    private static Property find(Element e, String... names) {
        for (Property p : e.props) for (String n : names) if (p.name.equals(n)) return p;
        return null;
    }

    private static Mesh readData(String name, List<Element> elements, Data in) throws MeshFormatException {
        MeshBuilder mb = new MeshBuilder();
        boolean sawVertex = false;
        long maxIndex = -1, maxIndexAt = 0;
        for (Element e : elements) {
            if (e.props.isEmpty()) continue;
            boolean isVertex = e.name.equals("vertex"), isFace = e.name.equals("face");
            Property px = null, py = null, pz = null, pi = null;
            if (isVertex) {
                sawVertex = true;
                px = find(e, "x");
                py = find(e, "y");
                pz = find(e, "z");
                for (Property p : new Property[] {px, py, pz}) {
                    if (p == null || p.countType != null) {
                        throw new MeshFormatException(name + ": line " + e.line + ": element 'vertex' needs scalar properties x, y and z");
                    }
                }
            } else if (isFace) {
                pi = find(e, "vertex_indices", "vertex_index");
                if (pi == null || pi.countType == null) {
                    throw new MeshFormatException(name + ": line " + e.line
                            + ": element 'face' has no list property 'vertex_indices' (or 'vertex_index')");
                }
            }
            for (long i = 0; i < e.count; i++) {
                in.begin(e.name, i, e.count);
                double x = 0, y = 0, z = 0;
                for (Property p : e.props) {
                    if (p == pi) {
                        long n = in.whole(p.countType, "list length");
                        if (n < 3) throw in.error("face " + i + " has " + n + " vertices; a face needs at least 3");
                        in.need(n, p.type);
                        int first = 0, prev = 0;
                        for (long k = 0; k < n; k++) {
                            long v = in.whole(p.type, "vertex index");
                            if (v < 0 || v >= Integer.MAX_VALUE) throw in.error("vertex index " + v + " of face " + i + " is out of range");
                            if (v > maxIndex) {
                                maxIndex = v;
                                maxIndexAt = in.entryAt;
                            }
                            if (k == 0) first = (int) v;
                            else if (k >= 2) mb.triangle(first, prev, (int) v);
                            prev = (int) v;
                        }
                    } else if (p.countType != null) {
                        long n = in.whole(p.countType, "list length");
                        if (n < 0) throw in.error("list '" + p.name + "' has negative length " + n);
                        in.skip(n, p.type);
                    } else {
                        double v = in.value(p.type, p.name);
                        if (p == px) x = v;
                        else if (p == py) y = v;
                        else if (p == pz) z = v;
                    }
                }
                if (isVertex) {
                    if (!Double.isFinite(x) || !Double.isFinite(y) || !Double.isFinite(z)) {
                        throw in.error("vertex " + i + " has a non-finite coordinate (" + x + ", " + y + ", " + z + ")");
                    }
                    mb.vertex(x, y, z);
                }
            }
        }
        if (!sawVertex) throw new MeshFormatException(name + ": the header declares no 'vertex' element");
        if (maxIndex >= mb.vertexCount()) {
            throw new MeshFormatException(name + ": " + in.where(maxIndexAt) + ": vertex index " + maxIndex
                    + " is out of range: the file has " + mb.vertexCount() + " vertices (0-based)");
        }
        return mb.build(name, new ArrayList<>());
    }

    /** Element data, ascii (tokens from the scanner) or binary (a byte buffer); tracks the entry for messages. */
    private static final class Data {
        final String name;
        final TextScanner sc;
        final ByteBuffer buf;
        int pos;
        boolean pending;
        String element;
        long entry, count;
        /** Line (ascii) or byte offset (binary) where the current entry starts. */
        long entryAt;

        Data(String name, TextScanner sc, ByteBuffer buf, int pos) {
            this.name = name;
            this.sc = sc;
            this.buf = buf;
            this.pos = pos;
        }

        String where(long at) {
            return (buf == null ? "line " : "byte ") + at;
        }

        MeshFormatException error(String message) {
            return new MeshFormatException(name + ": " + where(entryAt) + ": " + message);
        }

        MeshFormatException truncated() {
            return new MeshFormatException(name + ": " + where(buf == null ? sc.line() : buf.limit()) + ": the file ends before "
                    + element + " " + entry + " of " + count + " is complete (it starts at " + where(entryAt) + "); the file is truncated");
        }

        void begin(String element, long entry, long count) throws MeshFormatException {
            this.element = element;
            this.entry = entry;
            this.count = count;
            if (buf != null) {
                entryAt = pos;
            } else {
                if (!pending && !sc.nextAny()) {
                    entryAt = sc.line();
                    throw truncated();
                }
                pending = true;
                entryAt = sc.line();
            }
        }

        double value(Type t, String what) throws MeshFormatException {
            if (buf == null) {
                if (!pending && !sc.nextAny()) throw truncated();
                pending = false;
                return sc.number(what);
            }
            if (pos + t.size > buf.limit()) throw truncated();
            double v = switch (t) {
                case INT8 -> buf.get(pos);
                case UINT8 -> buf.get(pos) & 0xFF;
                case INT16 -> buf.getShort(pos);
                case UINT16 -> buf.getShort(pos) & 0xFFFF;
                case INT32 -> buf.getInt(pos);
                case UINT32 -> buf.getInt(pos) & 0xFFFFFFFFL;
                case FLOAT32 -> buf.getFloat(pos);
                case FLOAT64 -> buf.getDouble(pos);
            };
            pos += t.size;
            return v;
        }

        long whole(Type t, String what) throws MeshFormatException {
            double v = value(t, what);
            if (v != Math.rint(v) || Math.abs(v) > 1e15) throw error(what + " " + v + " is not a whole number");
            return (long) v;
        }

        /** Binary: fails unless n items of type t remain (so absurd list lengths stop at once). */
        void need(long n, Type t) throws MeshFormatException {
            if (buf != null && n * t.size > buf.limit() - pos) throw truncated();
        }

        void skip(long n, Type t) throws MeshFormatException {
            if (buf != null) {
                need(n, t);
                pos += (int) (n * t.size);
                return;
            }
            for (long k = 0; k < n; k++) value(t, "list item");
        }
    }
}
