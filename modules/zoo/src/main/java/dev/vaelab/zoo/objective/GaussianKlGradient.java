package dev.vaelab.zoo.objective;

import dev.vaelab.onnx.graph.FusedOperator;
import dev.vaelab.onnx.graph.Graph;
import dev.vaelab.onnx.graph.Node;
import dev.vaelab.onnx.graph.Tensor;
import java.util.List;
import java.util.Map;

/**
 * The gradient of {@link GaussianKl} with respect to h = [mu | logvar], given dkl [N]:
 * {@code [dkl·mu | dkl·(s² - 1)/2]} [N, 2L] with {@code s = exp(logvar/2)}. Lowered to Unsqueeze,
 * Slice, Mul, Exp, Mul, Sub, Mul, Mul and Concat.
 */
final class GaussianKlGradient implements FusedOperator {
    static final String OP_TYPE = "vaelab.GaussianKlGrad";
    private static final GaussianKlGradient INSTANCE = new GaussianKlGradient();

    private GaussianKlGradient() {
    }

    static Tensor of(Graph g, Tensor encoded, Tensor dkl) {
        return g.fused(INSTANCE, List.of(encoded, dkl), encoded.dtype(), encoded.shape(), Map.of());
    }

    @Override
    public String opType() {
        return OP_TYPE;
    }

    @Override
    public Tensor[] gradient(Graph g, Node node, Tensor outputGrad, boolean[] needed) {
        throw new UnsupportedOperationException("the Gaussian KL term is not differentiated twice");
    }

    @Override
    public void lower(Node node, Lowering out) {
        String dh = out.output();
        GaussianLatentShapes.lowerStd(node, out, dh);
        out.longs(dh + "_axis1", 1);
        out.node("Unsqueeze", dh + "_per_row", out.input(1), dh + "_axis1");
        out.scalar(dh + "_one", node.input(0).dtype(), 1);
        out.node("Mul", dh + "_dmu", dh + "_per_row", dh + "_mu");
        out.node("Mul", dh + "_s2", dh + "_std", dh + "_std");
        out.node("Sub", dh + "_excess", dh + "_s2", dh + "_one");
        out.node("Mul", dh + "_halved", dh + "_excess", dh + "_half");
        out.node("Mul", dh + "_dlogvar", dh + "_per_row", dh + "_halved");
        out.node("Concat", dh, Map.of("axis", 1L), dh + "_dmu", dh + "_dlogvar");
    }

    @Override
    public String nativeKernel() {
        return "GaussianKlGrad";
    }

    @Override
    public String toString() {
        return OP_TYPE + " (zoo)";
    }
}
