package dev.vaelab.export;

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
import dev.vaelab.onnx.graph.OnnxModelWriter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The structural rules of the ONNX checker ({@code onnx.checker.check_model}) that ONNX Runtime's
 * loader does not enforce, checked on the protobuf itself: the IR version opset 17 needs and no
 * newer, one opset import (17, default domain) that every node's domain is covered by, required
 * names present, single assignment (every value defined once, by an input, an initializer or one
 * node output), topological order (every node input defined before the node, so no dangling
 * names), unique node names, initializers not also listed as inputs, typed inputs and outputs,
 * attributes well formed and tensor data consistent with its dims. Subgraphs are checked with the
 * enclosing scope visible. Type and shape inference is ORT's part (see {@link OrtLoadCheck}).
 */
final class OnnxStructureCheck {
    /** The opset of the exported files and the IR version it was released with. */
    static final long OPSET = OnnxModelWriter.OPSET;
    static final long IR_VERSION = 8;

    private final List<String> problems = new ArrayList<>();
    private final Set<String> nodeNames = new HashSet<>();

    private OnnxStructureCheck() {
    }

    /** Every violation found, each naming the value or node at fault; empty when the model is valid. */
    static List<String> check(ModelProto model) {
        OnnxStructureCheck c = new OnnxStructureCheck();
        c.model(model);
        return List.copyOf(c.problems);
    }

    private void model(ModelProto m) {
        if (!m.hasIrVersion()) {
            problems.add("ir_version is not set");
        } else if (m.getIrVersion() > IR_VERSION) {
            problems.add("IR version " + m.getIrVersion() + " is newer than opset " + OPSET + " needs (" + IR_VERSION
                    + "); runtimes that support the opset may refuse it");
        } else if (m.getIrVersion() < IR_VERSION) {
            problems.add("IR version " + m.getIrVersion() + " is older than opset " + OPSET + " needs (" + IR_VERSION + ")");
        }
        if (m.getOpsetImportCount() != 1) {
            problems.add("expected exactly one opset import (default domain, version " + OPSET + "), found "
                    + m.getOpsetImportCount());
        }
        for (OperatorSetIdProto op : m.getOpsetImportList()) {
            if (!isDefaultDomain(op.getDomain())) {
                problems.add("opset import of domain '" + op.getDomain() + "': only the default domain is allowed");
            } else if (op.getVersion() != OPSET) {
                problems.add("default-domain opset " + op.getVersion() + ", expected " + OPSET);
            }
        }
        if (m.getProducerName().isEmpty()) {
            problems.add("producer_name is empty");
        }
        Set<String> keys = new HashSet<>();
        for (StringStringEntryProto e : m.getMetadataPropsList()) {
            if (!keys.add(e.getKey())) {
                problems.add("metadata key '" + e.getKey() + "' appears twice");
            }
        }
        if (!m.hasGraph()) {
            problems.add("the model has no graph");
            return;
        }
        if (m.getGraph().getName().isEmpty()) {
            problems.add("the graph has no name");
        }
        graph(m.getGraph(), new HashSet<>(), "graph");
    }

    private void graph(GraphProto g, Set<String> outer, String where) {
        Set<String> scope = new HashSet<>(outer);
        Set<String> declaredInputs = new HashSet<>();
        for (ValueInfoProto in : g.getInputList()) {
            valueInfo(in, where + " input");
            if (!in.getName().isEmpty() && !declaredInputs.add(in.getName())) {
                problems.add(where + ": input '" + in.getName() + "' is declared twice");
            }
            define(scope, in.getName(), where + " input");
        }
        for (TensorProto t : g.getInitializerList()) {
            if (t.getName().isEmpty()) {
                problems.add(where + ": an initializer has no name");
                continue;
            }
            if (declaredInputs.contains(t.getName())) {
                problems.add(where + ": initializer '" + t.getName() + "' is also listed as a graph input");
            } else {
                define(scope, t.getName(), where + " initializer");
            }
            tensor(t, where + " initializer '" + t.getName() + "'");
        }
        for (NodeProto n : g.getNodeList()) {
            node(n, scope, where);
        }
        Set<String> outputs = new HashSet<>();
        for (ValueInfoProto out : g.getOutputList()) {
            valueInfo(out, where + " output");
            if (!outputs.add(out.getName())) {
                problems.add(where + ": output '" + out.getName() + "' is declared twice");
            }
            if (!out.getName().isEmpty() && !scope.contains(out.getName())) {
                problems.add(where + ": output '" + out.getName() + "' is not produced by any node, input or initializer");
            }
        }
    }

    private void node(NodeProto n, Set<String> scope, String where) {
        String id = "node '" + n.getName() + "' (" + n.getOpType() + ")";
        if (n.getOpType().isEmpty()) {
            problems.add(where + ": a node has no op_type");
        }
        if (n.getName().isEmpty()) {
            problems.add(where + ": a " + n.getOpType() + " node has no name");
        } else if (!nodeNames.add(n.getName())) {
            problems.add(where + ": node name '" + n.getName() + "' is used twice");
        }
        if (!isDefaultDomain(n.getDomain())) {
            problems.add(where + ": " + id + " is in domain '" + n.getDomain() + "', which the model does not import");
        }
        for (String in : n.getInputList()) {
            // "" marks an omitted optional input
            if (!in.isEmpty() && !scope.contains(in)) {
                problems.add(where + ": " + id + " reads '" + in + "', which is not defined before it");
            }
        }
        Set<String> attributeNames = new HashSet<>();
        for (AttributeProto a : n.getAttributeList()) {
            attribute(a, id, scope, where);
            if (!attributeNames.add(a.getName())) {
                problems.add(where + ": " + id + " has attribute '" + a.getName() + "' twice");
            }
        }
        for (String out : n.getOutputList()) {
            if (!out.isEmpty()) {
                define(scope, out, where + " " + id);
            }
        }
    }

    private void attribute(AttributeProto a, String id, Set<String> scope, String where) {
        if (a.getName().isEmpty()) {
            problems.add(where + ": " + id + " has an attribute without a name");
        }
        if (!a.hasType() || a.getType() == AttributeProto.AttributeType.UNDEFINED) {
            problems.add(where + ": " + id + " attribute '" + a.getName() + "' has no type");
            return;
        }
        boolean consistent = switch (a.getType()) {
            case FLOAT -> a.hasF();
            case INT -> a.hasI();
            case STRING -> a.hasS();
            case TENSOR -> a.hasT();
            case GRAPH -> a.hasG();
            case FLOATS, INTS, STRINGS, TENSORS, GRAPHS -> true; // an empty list is legal
            default -> true;
        };
        if (!consistent) {
            problems.add(where + ": " + id + " attribute '" + a.getName() + "' is " + a.getType() + " but holds no such value");
        }
        if (a.hasT()) {
            tensor(a.getT(), where + " " + id + " attribute '" + a.getName() + "'");
        }
        if (a.hasG()) {
            graph(a.getG(), scope, where + " > " + id + " body");
        }
        for (GraphProto sub : a.getGraphsList()) {
            graph(sub, scope, where + " > " + id + " body");
        }
    }

    /** Single assignment: a name is defined once in its graph and does not shadow an enclosing one. */
    private void define(Set<String> scope, String name, String where) {
        if (name.isEmpty()) {
            problems.add(where + ": a value has an empty name");
        } else if (!scope.add(name)) {
            problems.add(where + ": '" + name + "' is defined more than once");
        }
    }

    private void valueInfo(ValueInfoProto v, String where) {
        if (v.getName().isEmpty()) {
            problems.add(where + " without a name");
            return;
        }
        if (!v.hasType() || !v.getType().hasTensorType()) {
            problems.add(where + " '" + v.getName() + "' has no tensor type");
            return;
        }
        TypeProto.Tensor t = v.getType().getTensorType();
        if (!t.hasElemType() || t.getElemType() == TensorProto.DataType.UNDEFINED_VALUE) {
            problems.add(where + " '" + v.getName() + "' has no element type");
        }
        if (t.hasShape()) {
            for (TensorShapeProto.Dimension d : t.getShape().getDimList()) {
                if (d.hasDimValue() && d.getDimValue() < 0) {
                    problems.add(where + " '" + v.getName() + "' has a negative dimension " + d.getDimValue());
                }
            }
        }
    }

    private void tensor(TensorProto t, String where) {
        if (!t.hasDataType() || t.getDataType() == TensorProto.DataType.UNDEFINED_VALUE) {
            problems.add(where + " has no data type");
            return;
        }
        long count = 1;
        for (long d : t.getDimsList()) {
            if (d < 0) {
                problems.add(where + " has a negative dimension " + d);
                return;
            }
            count *= d;
        }
        if (t.hasDataLocation() && t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
            problems.add(where + " keeps its data in an external file; exported models must be self-contained");
            return;
        }
        long held;
        int dataType = t.getDataType();
        if (t.hasRawData()) {
            int width = byteWidth(dataType);
            if (width == 0) {
                problems.add(where + " of type " + dataType + " cannot use raw_data");
                return;
            }
            if (t.getRawData().size() % width != 0) {
                problems.add(where + " has " + t.getRawData().size() + " raw bytes, not a whole number of elements");
                return;
            }
            held = t.getRawData().size() / width;
        } else {
            held = switch (dataType) {
                case TensorProto.DataType.FLOAT_VALUE -> t.getFloatDataCount();
                case TensorProto.DataType.DOUBLE_VALUE -> t.getDoubleDataCount();
                case TensorProto.DataType.INT64_VALUE -> t.getInt64DataCount();
                case TensorProto.DataType.UINT64_VALUE, TensorProto.DataType.UINT32_VALUE -> t.getUint64DataCount();
                case TensorProto.DataType.STRING_VALUE -> t.getStringDataCount();
                default -> t.getInt32DataCount();
            };
        }
        if (held != count) {
            problems.add(where + " holds " + held + " values but its dims " + t.getDimsList() + " need " + count);
        }
    }

    private static int byteWidth(int dataType) {
        return switch (dataType) {
            case TensorProto.DataType.FLOAT_VALUE, TensorProto.DataType.INT32_VALUE, TensorProto.DataType.UINT32_VALUE -> 4;
            case TensorProto.DataType.DOUBLE_VALUE, TensorProto.DataType.INT64_VALUE, TensorProto.DataType.UINT64_VALUE -> 8;
            case TensorProto.DataType.INT16_VALUE, TensorProto.DataType.UINT16_VALUE, TensorProto.DataType.FLOAT16_VALUE,
                 TensorProto.DataType.BFLOAT16_VALUE -> 2;
            case TensorProto.DataType.INT8_VALUE, TensorProto.DataType.UINT8_VALUE, TensorProto.DataType.BOOL_VALUE -> 1;
            default -> 0;
        };
    }

    private static boolean isDefaultDomain(String domain) {
        return domain.isEmpty() || domain.equals("ai.onnx");
    }
}
