package dev.vaelab.zoo.objective;

import dev.vaelab.onnx.graph.FusedOperator;
import dev.vaelab.onnx.graph.Graph;
import dev.vaelab.onnx.graph.Node;
import dev.vaelab.onnx.graph.Tensor;
import java.util.List;
import java.util.Map;

/**
 * The gradient of {@link GaussianSample} with respect to h = [mu | logvar]: {@code [dz | dz·eps·std/2]}
 * [N, 2L] with {@code std = exp(logvar/2)}, the float operations of the chain rule through the
 * sample's Mul, Exp and Mul in their order. Lowered to Slice, Mul, Exp, Mul, Mul, Mul and Concat.
 */
final class GaussianSampleGradient implements FusedOperator {
    static final String OP_TYPE = "vaelab.GaussianSampleGrad";
    private static final GaussianSampleGradient INSTANCE = new GaussianSampleGradient();

    private GaussianSampleGradient() {
    }

    static Tensor of(Graph g, Tensor encoded, Tensor eps, Tensor dz) {
        return g.fused(INSTANCE, List.of(encoded, eps, dz), encoded.dtype(), encoded.shape(), Map.of());
    }

    @Override
    public String opType() {
        return OP_TYPE;
    }

    @Override
    public Tensor[] gradient(Graph g, Node node, Tensor outputGrad, boolean[] needed) {
        throw new UnsupportedOperationException("the Gaussian sample is not differentiated twice");
    }

    @Override
    public void lower(Node node, Lowering out) {
        String dh = out.output();
        GaussianLatentShapes.lowerStd(node, out, dh);
        out.node("Mul", dh + "_dstd", out.input(2), out.input(1));
        out.node("Mul", dh + "_du", dh + "_dstd", dh + "_std");
        out.node("Mul", dh + "_dlogvar", dh + "_du", dh + "_half");
        out.node("Concat", dh, Map.of("axis", 1L), out.input(2), dh + "_dlogvar");
    }

    @Override
    public String nativeKernel() {
        return "GaussianSampleGrad";
    }

    @Override
    public String toString() {
        return OP_TYPE + " (zoo)";
    }
}
