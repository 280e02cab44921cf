package dev.vaelab.heads;

import dev.vaelab.onnx.graph.FusedOperator;
import dev.vaelab.onnx.graph.Graph;
import dev.vaelab.onnx.graph.Node;
import dev.vaelab.onnx.graph.Tensor;
import java.util.List;
import java.util.Map;

/**
 * The gradient of {@link BernoulliLogLikelihood} with respect to its logits, {@code (x - sigmoid(l))·dy}
 * per row, as one operator: lowered to Unsqueeze, Sigmoid, Sub and Mul, and run in one pass by vaelab's
 * native kernel where the engine has it (the MNIST MLP's step spent about a tenth of its time in the
 * log-likelihood's element-wise passes, bench/README.md).
 */
final class BernoulliLogitsGradient implements FusedOperator {
    static final String OP_TYPE = "vaelab.BernoulliLogitsGrad";
    private static final BernoulliLogitsGradient INSTANCE = new BernoulliLogitsGradient();

    private BernoulliLogitsGradient() {
    }

    /** d/dl of the per-row log-likelihood of x [N, D] under logits l [N, D], times dy [N]. */
    static Tensor of(Graph g, Tensor logits, Tensor x, Tensor dy) {
        return g.fused(INSTANCE, List.of(logits, x, dy), logits.dtype(), logits.shape(), Map.of());
    }

    @Override
    public String opType() {
        return OP_TYPE;
    }

    @Override
    public Tensor[] gradient(Graph g, Node node, Tensor outputGrad, boolean[] needed) {
        throw new UnsupportedOperationException("the Bernoulli log-likelihood is not differentiated twice");
    }

    @Override
    public void lower(Node n, Lowering out) {
        String y = out.output();
        out.longs(y + "_axis1", 1);
        out.node("Unsqueeze", y + "_per_row", out.input(2), y + "_axis1");
        out.node("Sigmoid", y + "_sig", out.input(0));
        out.node("Sub", y + "_residual", out.input(1), y + "_sig");
        out.node("Mul", y, y + "_residual", y + "_per_row");
    }

    @Override
    public String nativeKernel() {
        return "SigmoidLogLikelihoodGrad";
    }

    @Override
    public String toString() {
        return OP_TYPE + " (heads)";
    }
}
