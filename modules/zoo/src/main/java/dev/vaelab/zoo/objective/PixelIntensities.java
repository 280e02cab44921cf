package dev.vaelab.zoo.objective;

import dev.vaelab.onnx.graph.DType;
import dev.vaelab.onnx.graph.FusedOperator;
import dev.vaelab.onnx.graph.Graph;
import dev.vaelab.onnx.graph.Node;
import dev.vaelab.onnx.graph.Tensor;
import java.util.List;
import java.util.Map;

/**
 * A batch's pixel bytes as intensities, {@code byte / 255} in the graph's float type: the same floats as
 * the loaders' {@code k / 255f}. Lowered to Cast and Div; one pass on vaelab's {@code ByteIntensities}
 * kernel (the same division), where ORT's two passes took 0.6 ms of a Burgess step's 64×64 batch.
 * Data, not a function of parameters: it has no gradient.
 */
final class PixelIntensities implements FusedOperator {
    static final String OP_TYPE = "vaelab.PixelIntensities";
    private static final PixelIntensities INSTANCE = new PixelIntensities();

    private PixelIntensities() {
    }

    /** {@code bytes / 255} as {@code g}'s float type, shaped like {@code bytes}. */
    static Tensor of(Graph g, Tensor bytes) {
        if (bytes.dtype() != DType.UINT8) {
            throw new IllegalArgumentException("pixel intensities are made from uint8 bytes, got " + bytes);
        }
        return g.fused(INSTANCE, List.of(bytes), g.floatType(), bytes.shape(), Map.of());
    }

    @Override
    public String opType() {
        return OP_TYPE;
    }

    @Override
    public Tensor[] gradient(Graph g, Node node, Tensor outputGrad, boolean[] needed) {
        throw new UnsupportedOperationException("pixel bytes are data: they have no gradient");
    }

    @Override
    public void lower(Node node, Lowering out) {
        String y = out.output();
        DType type = node.output().dtype();
        out.node("Cast", y + "_floats", Map.of("to", (long) type.onnxCode()), out.input(0));
        out.scalar(y + "_255", type, 255);
        out.node("Div", y, y + "_floats", y + "_255");
    }

    @Override
    public String nativeKernel() {
        return "ByteIntensities";
    }

    /** Bytes in, floats out. */
    @Override
    public boolean nativeKernelTakes(Node node) {
        return node.input(0).dtype() == DType.UINT8 && node.output().dtype() == DType.FLOAT;
    }

    @Override
    public String toString() {
        return OP_TYPE + " (zoo)";
    }
}
