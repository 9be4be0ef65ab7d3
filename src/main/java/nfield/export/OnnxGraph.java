package nfield.export;

import com.google.protobuf.ByteString;
import nfield.export.onnx.proto.Onnx.AttributeProto;
import nfield.export.onnx.proto.Onnx.GraphProto;
import nfield.export.onnx.proto.Onnx.NodeProto;
import nfield.export.onnx.proto.Onnx.TensorProto;
import nfield.export.onnx.proto.Onnx.TensorShapeProto;
import nfield.export.onnx.proto.Onnx.TypeProto;
import nfield.export.onnx.proto.Onnx.ValueInfoProto;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Builds an ONNX graph (default operator set) node by node: constants become initializers
 * (raw little-endian data), every operator gets a fresh output name from a readable hint, so
 * callers write {@code String y = g.op("Relu", x)} and chain values by name.
 */
final class OnnxGraph {
    static final int FLOAT = TensorProto.DataType.FLOAT_VALUE, DOUBLE = TensorProto.DataType.DOUBLE_VALUE,
            INT64 = TensorProto.DataType.INT64_VALUE, BOOL = TensorProto.DataType.BOOL_VALUE;

    private final GraphProto.Builder graph = GraphProto.newBuilder();
    private final Set<String> names = new HashSet<>();
    private String scope = "";

    OnnxGraph(String name) {
        graph.setName(name);
    }

    GraphProto build() {
        return graph.build();
    }

    /** Prefix for the names of the values made from now on (e.g. {@code "encoding/"}). */
    void scope(String prefix) {
        scope = prefix;
    }

    private String fresh(String hint) {
        String base = scope + hint, name = base;
        for (int i = 1; !names.add(name); i++) name = base + "_" + i;
        return name;
    }

    /** A graph input or output: element type and dims, each a Long (fixed) or a String (symbolic). */
    private static ValueInfoProto value(String name, int elemType, Object[] dims, String doc) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (Object d : dims) {
            TensorShapeProto.Dimension.Builder dim = TensorShapeProto.Dimension.newBuilder();
            if (d instanceof String s) dim.setDimParam(s);
            else dim.setDimValue(((Number) d).longValue());
            shape.addDim(dim);
        }
        return ValueInfoProto.newBuilder().setName(name).setDocString(doc)
                .setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder().setElemType(elemType).setShape(shape)))
                .build();
    }

    String input(String name, int elemType, Object[] dims, String doc) {
        if (!names.add(name)) throw new IllegalArgumentException("ONNX value " + name + " defined twice");
        graph.addInput(value(name, elemType, dims, doc));
        return name;
    }

    /** Names {@code value} as the graph output {@code name} (an Identity node). */
    void output(String value, String name, int elemType, Object[] dims, String doc) {
        if (!names.add(name)) throw new IllegalArgumentException("ONNX value " + name + " defined twice");
        graph.addNode(NodeProto.newBuilder().setOpType("Identity").setName(name).addInput(value).addOutput(name));
        graph.addOutput(value(name, elemType, dims, doc));
    }

    private String initializer(String hint, int type, long[] dims, ByteBuffer data, String doc) {
        String name = fresh(hint);
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(type)
                .setRawData(ByteString.copyFrom(data.flip()));
        for (long d : dims) t.addDims(d);
        if (doc != null) t.setDocString(doc);
        graph.addInitializer(t);
        return name;
    }

    private static ByteBuffer buffer(long count, int bytes) {
        return ByteBuffer.allocate(Math.toIntExact(count * bytes)).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static long count(long[] dims) {
        long n = 1;
        for (long d : dims) n = Math.multiplyExact(n, d);
        return n;
    }

    /** float32 initializer from doubles (rounded to float), row-major. */
    String floats(String hint, long[] dims, double[] v, int offset, String doc) {
        long n = count(dims);
        ByteBuffer b = buffer(n, 4);
        for (int i = 0; i < n; i++) b.putFloat((float) v[offset + i]);
        return initializer(hint, FLOAT, dims, b, doc);
    }

    String floats(String hint, long[] dims, double... v) {
        return floats(hint, dims, v, 0, null);
    }

    String doubles(String hint, long[] dims, double... v) {
        ByteBuffer b = buffer(check(dims, v.length), 8);
        for (double x : v) b.putDouble(x);
        return initializer(hint, DOUBLE, dims, b, null);
    }

    String longs(String hint, long[] dims, long... v) {
        ByteBuffer b = buffer(check(dims, v.length), 8);
        for (long x : v) b.putLong(x);
        return initializer(hint, INT64, dims, b, null);
    }

    String bools(String hint, long[] dims, boolean... v) {
        ByteBuffer b = buffer(check(dims, v.length), 1);
        for (boolean x : v) b.put((byte) (x ? 1 : 0));
        return initializer(hint, BOOL, dims, b, null);
    }

    private static long check(long[] dims, int n) {
        if (count(dims) != n) throw new IllegalArgumentException("initializer of shape " + java.util.Arrays.toString(dims) + " given " + n + " values");
        return n;
    }

    static long[] dims(long... d) {
        return d;
    }

    /** An operator attribute. */
    record Attr(AttributeProto proto) {
        static Attr i(String name, long v) {
            return new Attr(AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(v).build());
        }
    }

    /** One node with one output, named from {@code hint}; inputs are value names ("" for an omitted optional input). */
    String op(String opType, String hint, List<String> inputs, Attr... attrs) {
        String out = fresh(hint);
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(opType).setName(out).addAllInput(inputs).addOutput(out);
        for (Attr a : attrs) n.addAttribute(a.proto());
        graph.addNode(n);
        return out;
    }

    String op(String opType, String... inputs) {
        return op(opType, opType.toLowerCase(java.util.Locale.ROOT), List.of(inputs));
    }

    String cast(String x, int to) {
        return op("Cast", "cast", List.of(x), Attr.i("to", to));
    }

    String concat(int axis, String... inputs) {
        return op("Concat", "concat", List.of(inputs), Attr.i("axis", axis));
    }

    String unsqueeze(String x, long axis) {
        return op("Unsqueeze", "unsqueeze", List.of(x, longs("axes", dims(1), axis)));
    }

    /** Gathers index {@code index} along {@code axis}, dropping that axis. */
    String take(String x, int axis, long index) {
        return op("Gather", "take", List.of(x, longs("index", dims(), index)), Attr.i("axis", axis));
    }

    String reduce(String opType, String x, long axis) {
        return op(opType, opType.toLowerCase(java.util.Locale.ROOT), List.of(x, longs("axes", dims(1), axis)),
                Attr.i("keepdims", 0));
    }

    /** Columns [from, to) of a [N, C] value. */
    String columns(String x, long from, long to) {
        return op("Slice", "columns", List.of(x, longs("starts", dims(1), from), longs("ends", dims(1), to),
                longs("axes", dims(1), 1)));
    }
}
