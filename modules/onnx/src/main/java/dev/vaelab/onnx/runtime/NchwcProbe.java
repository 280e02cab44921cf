package dev.vaelab.onnx.runtime;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.vaelab.onnx.graph.DType;
import dev.vaelab.onnx.graph.OnnxModelWriter;

/**
 * Asks this machine's ONNX Runtime for its NCHWc block size: the channels ReorderInput pads 4 input
 * channels to (MLAS's block: 16 floats with AVX-512, 8 with AVX2). Below 8 (no such kernels, or a
 * build without the NCHWc operators) NCHWc convolutions are not used.
 */
final class NchwcProbe {
    private static final int PROBED_CHANNELS = 4;

    private NchwcProbe() {
    }

    /** The block size, or 0 where ORT has no NCHWc kernels worth using. */
    static int blockSize(OrtEngine engine) {
        try (OrtSession session = engine.session(model().toByteArray());
             OnnxTensor x = engine.tensor(new float[PROBED_CHANNELS], 1, PROBED_CHANNELS, 1, 1);
             OrtSession.Result result = session.run(java.util.Map.of("x", x))) {
            long[] shape = ((OnnxTensor) result.get(0)).getInfo().getShape();
            long block = shape[1];
            return block >= 8 && Long.bitCount(block) == 1 ? (int) block : 0;
        } catch (OrtException | RuntimeException e) {
            return 0;
        }
    }

    private static ModelProto model() {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (long d : new long[] {1, PROBED_CHANNELS, 1, 1}) {
            shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        TypeProto type = TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(DType.FLOAT.onnxCode()).setShape(shape)).build();
        TypeProto anyShape = TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(DType.FLOAT.onnxCode())).build();
        GraphProto graph = GraphProto.newBuilder().setName("nchwc_probe")
                .addInput(ValueInfoProto.newBuilder().setName("x").setType(type))
                .addOutput(ValueInfoProto.newBuilder().setName("y").setType(anyShape))
                .addNode(NodeProto.newBuilder().setOpType("ReorderInput").setDomain(NchwcConvolutions.DOMAIN)
                        .addInput("x").addOutput("y").setName("y"))
                .build();
        return ModelProto.newBuilder().setIrVersion(OnnxModelWriter.IR_VERSION).setProducerName("vaelab")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OnnxModelWriter.OPSET))
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain(NchwcConvolutions.DOMAIN).setVersion(1))
                .setGraph(graph).build();
    }
}
