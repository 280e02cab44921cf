package dev.vaelab.heads;

import dev.vaelab.onnx.graph.FusedOperator;
import dev.vaelab.onnx.graph.Graph;
import dev.vaelab.onnx.graph.Node;
import dev.vaelab.onnx.graph.Shape;
import dev.vaelab.onnx.graph.Tensor;
import java.util.List;
import java.util.Map;

/**
 * The Bernoulli log-likelihood {@code sum_j x_j·l_j - softplus(l_j)} of targets x [N, D] under
 * logits l [N, D], to [N], as one fused operator: its backward pass is one expression,
 * {@code dy·(x - sigmoid(l))} ({@link BernoulliLogitsGradient}), in three passes instead of five, and
 * one with vaelab's native kernels, which run this operator in one pass too. Lowered as
 * {@code sum(x·l - relu(l)) + sum(log(prod(sigmoid(|l|))))} with the products over groups of at
 * most {@link #LOG_GROUP} pixels: ORT's Log runs on one thread and was the slowest kernel of the
 * MNIST loss; a group's product stays above 2^-16, far from underflow.
 */
public final class BernoulliLogLikelihood implements FusedOperator {
    /** The operator's name in graphs (unchanged since it was an engine composite). */
    public static final String OP_TYPE = "vaelab.BernoulliLogLikelihood";

    /** The most sigmoids of |l| in [1/2, 1] multiplied before one Log. */
    public static final int LOG_GROUP = 16;

    private static final BernoulliLogLikelihood INSTANCE = new BernoulliLogLikelihood();

    private BernoulliLogLikelihood() {
    }

    /**
     * The per-row log-likelihood of x under independent Bernoulli pixels with logits l (and the
     * cross-entropy for grey levels in [0, 1]).
     */
    public static Tensor of(Graph g, Tensor logits, Tensor x) {
        if (logits.rank() != 2 || !logits.shape().equals(x.shape()) || logits.dtype() != x.dtype()) {
            throw new IllegalArgumentException("Bernoulli log-likelihood of " + logits + " and " + x
                    + ": needs logits and targets of one [N, D] shape");
        }
        return g.fused(INSTANCE, List.of(logits, x), logits.dtype(), Shape.of(logits.shape().dim(0)), Map.of());
    }

    /** The largest divisor of {@code d} that is at most {@link #LOG_GROUP}, so that groups tile a row. */
    public static int logGroup(long d) {
        for (int k = LOG_GROUP; k > 1; k--) {
            if (d % k == 0) {
                return k;
            }
        }
        return 1;
    }

    @Override
    public String opType() {
        return OP_TYPE;
    }

    /** Per row: d/dl = x - sigmoid(l) (one fused operator of its own), d/dx = l. */
    @Override
    public Tensor[] gradient(Graph g, Node n, Tensor dy, boolean[] needed) {
        return new Tensor[] {
            needed[0] ? BernoulliLogitsGradient.of(g, n.input(0), n.input(1), dy) : null,
            needed[1] ? g.mul(n.input(0), g.unsqueeze(dy, 1)) : null};
    }

    /** vaelab's native kernel of these row sums (a generic one: the log-likelihood of a sigmoid's targets). */
    @Override
    public String nativeKernel() {
        return "SigmoidLogLikelihood";
    }

    @Override
    public void lower(Node n, Lowering out) {
        String l = out.input(0);
        String x = out.input(1);
        String y = out.output();
        long d = n.input(0).shape().dim(1);
        int group = logGroup(d);
        out.longs(y + "_axis1", 1);
        out.node("Mul", y + "_xl", x, l);
        out.node("Relu", y + "_relu", l);
        out.node("Sub", y + "_linear", y + "_xl", y + "_relu");
        out.node("ReduceSum", y + "_linear_sum", Map.of("keepdims", 0L), y + "_linear", y + "_axis1");
        out.node("Abs", y + "_abs", l);
        out.node("Sigmoid", y + "_sig", y + "_abs");
        String factors = y + "_sig";
        if (group > 1) {
            // [N, D] -> [N, D/group, group]; 0 keeps N, which may be dynamic
            out.longs(y + "_groups_shape", 0, d / group, group);
            out.node("Reshape", y + "_groups", y + "_sig", y + "_groups_shape");
            out.node("ReduceProd", y + "_prod", Map.of("axes", new long[] {2}, "keepdims", 0L), y + "_groups");
            factors = y + "_prod";
        }
        out.node("Log", y + "_log", factors);
        out.node("ReduceSum", y + "_log_sum", Map.of("keepdims", 0L), y + "_log", y + "_axis1");
        out.node("Add", y, y + "_linear_sum", y + "_log_sum");
    }

    @Override
    public String toString() {
        return OP_TYPE + " (heads)";
    }
}
