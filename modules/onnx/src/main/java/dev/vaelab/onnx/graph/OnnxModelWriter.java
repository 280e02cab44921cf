package dev.vaelab.onnx.graph;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Serializes a {@link Graph} to an ONNX {@code ModelProto}: opset 17 (the widest support across
 * runtimes) and IR version 8, the newest that opset needs. Composite operators are lowered here.
 */
public final class OnnxModelWriter {
    public static final int OPSET = 17;
    public static final long IR_VERSION = 8;

    /**
     * What to put in the model beyond the graph: initializers, metadata, doc strings, and the
     * runtime's rewrite of some nodes ({@link NodeRewrite#NONE} for a portable model).
     */
    public record Options(String graphName, Map<String, float[]> initializers, Map<String, String> metadata,
                          Map<String, String> docStrings, String producerVersion, NodeRewrite rewrite) {
        public Options {
            initializers = Map.copyOf(initializers);
            metadata = Map.copyOf(metadata);
            docStrings = Map.copyOf(docStrings);
            java.util.Objects.requireNonNull(rewrite, "rewrite");
        }

        /** A portable model: standard ONNX operators only. */
        public Options(String graphName, Map<String, float[]> initializers, Map<String, String> metadata,
                       Map<String, String> docStrings, String producerVersion) {
            this(graphName, initializers, metadata, docStrings, producerVersion, NodeRewrite.NONE);
        }

        public static Options named(String graphName) {
            return new Options(graphName, Map.of(), Map.of(), Map.of(), "dev");
        }

        /** These options with {@code rewrite} applied to every node, subgraphs included. */
        public Options withRewrite(NodeRewrite rewrite) {
            return new Options(graphName, initializers, metadata, docStrings, producerVersion, rewrite);
        }
    }

    private OnnxModelWriter() {
    }

    public static ModelProto write(Graph graph, Options options) {
        ModelProto.Builder model = ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .setProducerName("vaelab")
                .setProducerVersion(options.producerVersion())
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setGraph(graphProto(graph, options, Map.of()));
        new java.util.TreeMap<>(options.rewrite().domains()).forEach((domain, version) ->
                model.addOpsetImport(OperatorSetIdProto.newBuilder().setDomain(domain).setVersion(version)));
        new java.util.TreeMap<>(options.metadata()).forEach((k, v) ->
                model.addMetadataProps(StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
        if (options.docStrings().containsKey("")) {
            model.setDocString(options.docStrings().get(""));
        }
        return model.build();
    }

    public static byte[] toBytes(Graph graph, Options options) {
        return write(graph, options).toByteArray();
    }

    private static GraphProto graphProto(Graph graph, Options options, Map<Tensor, String> outerNames) {
        GraphProto.Builder gp = GraphProto.newBuilder().setName(options.graphName());
        Map<Tensor, String> names = outputNames(graph, outerNames);
        for (Tensor in : graph.inputs()) {
            float[] init = options.initializers().get(in.name());
            if (init != null) {
                gp.addInitializer(floatTensor(in.name(), in.shape().dims(), init));
            } else {
                gp.addInput(valueInfo(in.name(), in, options.docStrings().get(in.name())));
            }
        }
        NodeRewrite rewrite = options.rewrite().forGraph(graph);
        for (Node n : graph.nodes()) {
            if (!rewrite.rewrite(n, new ProtoLowering(n, gp, names, rewrite))) {
                lower(graph, n, gp, names, rewrite);
            }
        }
        for (Map.Entry<String, Tensor> out : graph.outputs().entrySet()) {
            Tensor t = out.getValue();
            if (!out.getKey().equals(names.getOrDefault(t, t.name()))) {
                // an input, or a tensor already exported under another name: copy it
                gp.addNode(simple("Identity", out.getKey(), names.getOrDefault(t, t.name())));
            }
            gp.addOutput(valueInfo(out.getKey(), t, options.docStrings().get(out.getKey())));
        }
        return gp.build();
    }

    /** Node outputs of this graph that are graph outputs take the graph output's name. */
    private static Map<Tensor, String> outputNames(Graph graph, Map<Tensor, String> outerNames) {
        java.util.Set<Tensor> produced = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        graph.nodes().forEach(n -> produced.addAll(n.outputs()));
        Map<Tensor, String> names = new java.util.IdentityHashMap<>(outerNames); // a subgraph reads outer names
        graph.outputs().forEach((name, t) -> {
            if (produced.contains(t) && !names.containsKey(t)) {
                names.put(t, name);
            }
        });
        return names;
    }

    private static String nameOf(Tensor t, Map<Tensor, String> names) {
        return names.getOrDefault(t, t.name());
    }

    private static void lower(Graph graph, Node n, GraphProto.Builder gp, Map<Tensor, String> names, NodeRewrite rewrite) {
        if (n.opType().equals(Composites.SOFTPLUS)) {
            // softplus(x) = relu(x) - log(sigmoid(|x|)); never overflows, and avoids ORT's slow Softplus
            String x = nameOf(n.input(0), names);
            String y = nameOf(n.output(), names);
            gp.addNode(simple("Relu", y + "_relu", x));
            gp.addNode(simple("Abs", y + "_abs", x));
            gp.addNode(simple("Sigmoid", y + "_sig", y + "_abs"));
            gp.addNode(simple("Log", y + "_logsig", y + "_sig"));
            gp.addNode(simple("Sub", y, y + "_relu", y + "_logsig"));
            return;
        }
        var fused = graph.fusedOperator(n.opType());
        if (fused.isPresent()) {
            fused.get().lower(n, new ProtoLowering(n, gp, names, rewrite));
            return;
        }
        NodeProto.Builder np = NodeProto.newBuilder().setOpType(n.opType()).setName(n.output().name());
        for (Tensor in : n.inputs()) {
            np.addInput(in == null ? "" : nameOf(in, names));
        }
        n.outputs().forEach(t -> np.addOutput(nameOf(t, names)));
        // sorted, so that the same graph always serializes to the same bytes
        new java.util.TreeMap<>(n.attributes()).forEach((name, value) -> np.addAttribute(attribute(name, value, names, rewrite)));
        gp.addNode(np);
    }

    /** The writer's side of {@link FusedOperator.Lowering} and {@link NodeRewrite.Emitter}: nodes appended to {@code gp}. */
    private record ProtoLowering(Node n, GraphProto.Builder gp, Map<Tensor, String> names, NodeRewrite rewrite)
            implements NodeRewrite.Emitter {
        @Override
        public String input(int i) {
            return nameOf(n.input(i), names);
        }

        @Override
        public String output() {
            return nameOf(n.output(), names);
        }

        @Override
        public String output(int i) {
            return nameOf(n.outputs().get(i), names);
        }

        @Override
        public String name(Tensor t) {
            return nameOf(t, names);
        }

        @Override
        public void node(String opType, String output, String... inputs) {
            gp.addNode(simple(opType, output, inputs));
        }

        @Override
        public void node(String opType, String output, Map<String, Object> attributes, String... inputs) {
            node("", opType, output, attributes, inputs);
        }

        @Override
        public void node(String domain, String opType, String output, Map<String, Object> attributes, String... inputs) {
            node(domain, opType, List.of(output), attributes, inputs);
        }

        @Override
        public void node(String domain, String opType, List<String> outputs, Map<String, Object> attributes,
                         String... inputs) {
            NodeProto.Builder np = NodeProto.newBuilder().setOpType(opType).setName(outputs.get(0)).setDomain(domain);
            Arrays.stream(inputs).forEach(np::addInput);
            outputs.forEach(np::addOutput);
            new java.util.TreeMap<>(attributes).forEach((name, value) -> np.addAttribute(attribute(name, value, names, rewrite)));
            gp.addNode(np);
        }

        @Override
        public void longs(String output, long... values) {
            gp.addNode(longsConstant(output, values));
        }

        @Override
        public void scalar(String output, DType type, double value) {
            gp.addNode(NodeProto.newBuilder().setOpType("Constant").setName(output).addOutput(output)
                    .addAttribute(AttributeProto.newBuilder().setName("value").setType(AttributeProto.AttributeType.TENSOR)
                            .setT(constantTensor(new ConstantValue(type, new long[0], new double[] {value}, null)))));
        }
    }

    private static NodeProto.Builder longsConstant(String out, long... values) {
        TensorProto.Builder t = TensorProto.newBuilder().setDataType(DType.INT64.onnxCode()).addDims(values.length);
        Arrays.stream(values).forEach(t::addInt64Data);
        return NodeProto.newBuilder().setOpType("Constant").setName(out).addOutput(out)
                .addAttribute(AttributeProto.newBuilder().setName("value").setType(AttributeProto.AttributeType.TENSOR).setT(t));
    }

    private static NodeProto.Builder simple(String op, String out, String... ins) {
        NodeProto.Builder np = NodeProto.newBuilder().setOpType(op).setName(out).addOutput(out);
        Arrays.stream(ins).forEach(np::addInput);
        return np;
    }

    private static AttributeProto attribute(String name, Object value, Map<Tensor, String> names, NodeRewrite rewrite) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name);
        if (value instanceof Long l) {
            a.setType(AttributeProto.AttributeType.INT).setI(l);
        } else if (value instanceof Double d) {
            a.setType(AttributeProto.AttributeType.FLOAT).setF(d.floatValue());
        } else if (value instanceof String s) {
            a.setType(AttributeProto.AttributeType.STRING).setS(ByteString.copyFromUtf8(s));
        } else if (value instanceof long[] ls) {
            a.setType(AttributeProto.AttributeType.INTS);
            Arrays.stream(ls).forEach(a::addInts);
        } else if (value instanceof Graph g) {
            a.setType(AttributeProto.AttributeType.GRAPH).setG(graphProto(g, Options.named(name).withRewrite(rewrite), names));
        } else if (value instanceof ConstantValue c) {
            a.setType(AttributeProto.AttributeType.TENSOR).setT(constantTensor(c));
        } else {
            throw new IllegalArgumentException("unsupported attribute " + name + " = " + value);
        }
        return a.build();
    }

    private static TensorProto constantTensor(ConstantValue c) {
        TensorProto.Builder t = TensorProto.newBuilder().setDataType(c.dtype().onnxCode());
        Arrays.stream(c.shape()).forEach(t::addDims);
        switch (c.dtype()) {
            case FLOAT -> Arrays.stream(c.doubles()).forEach(v -> t.addFloatData((float) v));
            case DOUBLE -> Arrays.stream(c.doubles()).forEach(t::addDoubleData);
            case INT64 -> Arrays.stream(c.longs()).forEach(t::addInt64Data);
            default -> throw new IllegalArgumentException("unsupported constant type " + c.dtype());
        }
        return t.build();
    }

    /** A float initializer in raw little-endian form (compact for large parameter tensors). */
    public static TensorProto floatTensor(String name, long[] dims, float[] values) {
        ByteBuffer raw = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        raw.asFloatBuffer().put(values);
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(DType.FLOAT.onnxCode())
                .setRawData(ByteString.copyFrom(raw.array()));
        Arrays.stream(dims).forEach(t::addDims);
        return t.build();
    }

    private static ValueInfoProto valueInfo(String name, Tensor t, String doc) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (long d : t.shape().dims()) {
            TensorShapeProto.Dimension.Builder dim = TensorShapeProto.Dimension.newBuilder();
            if (d == Shape.BATCH) {
                dim.setDimParam("N");
            } else if (d == Shape.STEPS) {
                dim.setDimParam("S");
            } else {
                dim.setDimValue(d);
            }
            shape.addDim(dim);
        }
        TypeProto type = TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(t.dtype().onnxCode()).setShape(shape)).build();
        ValueInfoProto.Builder vi = ValueInfoProto.newBuilder().setName(name).setType(type);
        if (doc != null) {
            vi.setDocString(doc);
        }
        return vi.build();
    }

    /** Names used by a graph, for diagnostics. */
    public static List<String> inputNames(Graph g) {
        return g.inputs().stream().map(Tensor::name).toList();
    }
}
