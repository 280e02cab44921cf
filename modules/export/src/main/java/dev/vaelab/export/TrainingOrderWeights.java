package dev.vaelab.export;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.InvalidProtocolBufferException;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Loads an exported file so that ONNX Runtime computes what the training graph computed. In
 * training the weights are graph inputs; in the file they are initializers, which ORT treats as
 * constants: it pre-packs them for its matrix kernels and fuses the bias into them, which adds the
 * same products in another order, so a mean within a rounding error of the boundary between two
 * 8-bit levels landed on the other one (16 of 1,085,764 pixels of a 64 x 64 RGB grid). Declaring
 * every initializer also as a graph input makes it an overridable default that ORT must not fold,
 * so the file's weights run through the kernels of the training graph; the values stay those of
 * the file.
 */
final class TrainingOrderWeights {
    private TrainingOrderWeights() {
    }

    /**
     * The model with each initializer also declared as an input; bytes that are not an ONNX model
     * are returned as they are, for ONNX Runtime to reject with its own message.
     */
    static byte[] of(byte[] model) {
        ModelProto proto;
        try {
            proto = ModelProto.parseFrom(model);
        } catch (InvalidProtocolBufferException e) {
            return model;
        }
        GraphProto graph = proto.getGraph();
        Set<String> inputs = graph.getInputList().stream().map(ValueInfoProto::getName).collect(Collectors.toSet());
        GraphProto.Builder rewritten = graph.toBuilder();
        for (TensorProto weight : graph.getInitializerList()) {
            if (!inputs.contains(weight.getName())) {
                rewritten.addInput(inputOf(weight));
            }
        }
        return proto.toBuilder().setGraph(rewritten).build().toByteArray();
    }

    private static ValueInfoProto inputOf(TensorProto weight) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (long dim : weight.getDimsList()) {
            shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(dim));
        }
        TypeProto type = TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder()
                .setElemType(weight.getDataType()).setShape(shape)).build();
        return ValueInfoProto.newBuilder().setName(weight.getName()).setType(type).build();
    }
}
