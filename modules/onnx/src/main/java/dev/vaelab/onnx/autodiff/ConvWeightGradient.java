package dev.vaelab.onnx.autodiff;

import dev.vaelab.onnx.graph.ConvGeometry;
import dev.vaelab.onnx.graph.FusedOperator;
import dev.vaelab.onnx.graph.Graph;
import dev.vaelab.onnx.graph.Node;
import dev.vaelab.onnx.graph.Shape;
import dev.vaelab.onnx.graph.Tensor;
import java.util.List;
import java.util.Map;

/**
 * A convolution's weight gradient as one GEMM over the batch ({@link ConvGradients}):
 * {@code ConvWeightGradient(read [N, R, H, W], other [N, O, Ho, Wo]) -> [O, kH·kW·R]}, the product
 * of {@code other} as [O, N·P] and the im2col columns of {@code read} as [N·P, kH·kW·R]. Lowered
 * to ONNX as those columns ({@link Im2col}), a Transpose and a MatMul; ONNX Runtime with vaelab's
 * fused kernels makes each image's columns in a buffer of their own and multiplies them at once,
 * so that the columns (64 MiB for a batch of the Burgess net's 32×32 layers) never go through
 * memory ({@code dev.vaelab.onnx.runtime.FusedKernels}; equal to the lowering up to the GEMM's
 * summation order). Its attribute {@code geometry} is (kH, kW, sH, sW, dH, dW, padH, padW, Ho, Wo).
 */
public final class ConvWeightGradient implements FusedOperator {
    public static final String OP_TYPE = "vaelab.ConvWeightGrad";
    static final ConvWeightGradient INSTANCE = new ConvWeightGradient();

    private ConvWeightGradient() {
    }

    /**
     * The product for a kernel of {@code kernel} taps and geometry {@code geo}, {@code other}'s
     * sizes being the output positions.
     */
    public static Tensor apply(Graph g, Tensor read, Tensor other, long[] kernel, ConvGeometry geo) {
        long[] positions = {other.shape().dim(2), other.shape().dim(3)};
        long width = kernel[0] * kernel[1] * read.shape().dim(1);
        return g.fused(INSTANCE, List.of(read, other), read.dtype(), Shape.of(other.shape().dim(1), width),
                Map.of("geometry", Im2col.geometry(kernel, geo, positions)));
    }

    @Override
    public String opType() {
        return OP_TYPE;
    }

    @Override
    public Tensor[] gradient(Graph g, Node node, Tensor outputGrad, boolean[] needed) {
        throw new UnsupportedOperationException("a weight gradient is not differentiated again");
    }

    @Override
    public void lower(Node node, Lowering out) {
        String y = out.output();
        long filters = node.input(1).shape().dim(1);
        Im2col.lower(out, out.input(0), node.input(0).shape(), node.longsAttr("geometry"), y + "_columns");
        out.node("Transpose", y + "_other", Map.of("perm", new long[] {1, 0, 2, 3}), out.input(1));
        out.longs(y + "_rows_shape", filters, -1);
        out.node("Reshape", y + "_rows", y + "_other", y + "_rows_shape");
        out.node("MatMul", y, y + "_rows", y + "_columns");
    }
}
