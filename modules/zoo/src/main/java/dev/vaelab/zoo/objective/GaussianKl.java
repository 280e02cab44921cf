package dev.vaelab.zoo.objective;

import dev.vaelab.onnx.graph.FusedOperator;
import dev.vaelab.onnx.graph.Graph;
import dev.vaelab.onnx.graph.Node;
import dev.vaelab.onnx.graph.Shape;
import dev.vaelab.onnx.graph.Tensor;
import java.util.List;
import java.util.Map;

/**
 * {@code KL(N(mu, s²) || N(0, I))} per example, [N], from the encoder's output h = [mu | logvar]
 * [N, 2L]: {@code sum_j ((mu_j² + s_j²) - (logvar_j + 1)) / 2} with {@code s = exp(logvar/2)}, the
 * composite of {@link VaeGraphs#klPerDim} and its row sum as one operator (why: {@link GaussianSample}),
 * and its gradient as one more ({@link GaussianKlGradient}). Lowered to those operators in their order.
 */
final class GaussianKl implements FusedOperator {
    static final String OP_TYPE = "vaelab.GaussianKl";
    private static final GaussianKl INSTANCE = new GaussianKl();

    private GaussianKl() {
    }

    /** The KL term of each row of h = [mu | logvar] [N, 2L]. */
    static Tensor of(Graph g, Tensor encoded) {
        GaussianLatentShapes.check(encoded, null);
        return g.fused(INSTANCE, List.of(encoded), encoded.dtype(), Shape.of(encoded.shape().dim(0)), Map.of());
    }

    @Override
    public String opType() {
        return OP_TYPE;
    }

    @Override
    public Tensor[] gradient(Graph g, Node node, Tensor dkl, boolean[] needed) {
        return new Tensor[] {needed[0] ? GaussianKlGradient.of(g, node.input(0), dkl) : null};
    }

    @Override
    public void lower(Node node, Lowering out) {
        String kl = out.output();
        GaussianLatentShapes.lowerStd(node, out, kl);
        out.scalar(kl + "_one", node.input(0).dtype(), 1);
        out.node("Mul", kl + "_mu2", kl + "_mu", kl + "_mu");
        out.node("Mul", kl + "_s2", kl + "_std", kl + "_std");
        out.node("Add", kl + "_a", kl + "_mu2", kl + "_s2");
        out.node("Add", kl + "_b", kl + "_logvar", kl + "_one");
        out.node("Sub", kl + "_c", kl + "_a", kl + "_b");
        out.node("Mul", kl + "_dim", kl + "_c", kl + "_half");
        out.longs(kl + "_axis1", 1);
        out.node("ReduceSum", kl, Map.of("keepdims", 0L), kl + "_dim", kl + "_axis1");
    }

    @Override
    public String nativeKernel() {
        return "GaussianKl";
    }

    @Override
    public String toString() {
        return OP_TYPE + " (zoo)";
    }
}
