package dev.vaelab.onnx.runtime;

import dev.vaelab.onnx.autodiff.ReluGradient;
import dev.vaelab.onnx.graph.ConstantValue;
import dev.vaelab.onnx.graph.DType;
import dev.vaelab.onnx.graph.Graph;
import dev.vaelab.onnx.graph.Node;
import dev.vaelab.onnx.graph.NodeRewrite;
import dev.vaelab.onnx.graph.Tensor;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs the bias gradients that {@link NchwcConvolutions} does not (those of maps in channel blocks) on
 * vaelab's kernels. A ReLU gradient whose output a bias gradient sums (a dense layer's [N, C] over its
 * rows, or an NCHW map over batch and space) runs as {@code ReluGradBias}, the sum made from the values
 * just computed instead of by a second pass; any other such sum as {@code ColumnSum} (a matrix's rows)
 * or {@code ChannelSum} (an NCHW map's channels). ORT's ReduceSum ran these at 1-2 GFLOP/s: 60 µs of the
 * MNIST MLP's step for its 128×784 output layer, 0.47 ms of a Burgess step for its image layer. The
 * kernels add in a fixed order, so their sums differ from ORT's by rounding and do not depend on the
 * threads. It runs whether or not the convolutions are rewritten ({@code -Dvaelab.ort.nchwc}): it plans
 * no layout.
 */
final class BiasSums implements NodeRewrite {
    private final Map<Tensor, Node> producers;
    /** A ReLU gradient to the bias sum of its output, which its kernel computes. */
    private final Map<Node, Node> sums;
    /** The bias sums in {@link #sums}: their ReLU gradient's kernel writes them. */
    private final Set<Node> summed = Collections.newSetFromMap(new IdentityHashMap<>());

    BiasSums() {
        this(Map.of(), Map.of());
    }

    private BiasSums(Map<Tensor, Node> producers, Map<Node, Node> sums) {
        this.producers = producers;
        this.sums = sums;
        summed.addAll(sums.values());
    }

    @Override
    public Map<String, Long> domains() {
        return Map.of(FusedKernels.DOMAIN, 1L);
    }

    @Override
    public NodeRewrite forGraph(Graph graph) {
        Map<Tensor, Node> made = new IdentityHashMap<>();
        Map<Node, Node> reluSums = new IdentityHashMap<>();
        graph.nodes().forEach(n -> n.outputs().forEach(t -> made.put(t, n)));
        for (Node n : graph.nodes()) {
            Node relu = made.get(n.inputs().isEmpty() ? null : n.input(0));
            int rank = relu == null ? 0 : relu.output().rank();
            if (relu != null && relu.opType().equals(ReluGradient.OP_TYPE) && relu.output().dtype() == DType.FLOAT
                    && (rank == 2 || rank == 4) && isBiasSum(n, relu.output(), made)) {
                reluSums.putIfAbsent(relu, n);
            }
        }
        return new BiasSums(made, reluSums);
    }

    @Override
    public boolean rewrite(Node node, Emitter out) {
        Node sum = sums.get(node);
        if (sum != null) {
            out.node(FusedKernels.DOMAIN, "ReluGradBias", List.of(out.output(), out.name(sum.output())),
                    Map.of("geometry", new long[] {0}), out.input(0), out.input(1));
            return true;
        }
        if (summed.contains(node)) {
            return true; // its ReLU gradient's kernel writes it
        }
        if (!node.opType().equals("ReduceSum") || node.input(0).dtype() != DType.FLOAT || node.longAttr("keepdims", 1) != 0) {
            return false;
        }
        long[] axes = constantAxes(node, producers);
        int rank = node.input(0).rank();
        String kernel = rank == 2 && Arrays.equals(axes, new long[] {0}) ? "ColumnSum"
                : rank == 4 && Arrays.equals(axes, new long[] {0, 2, 3}) ? "ChannelSum" : null;
        if (kernel == null) {
            return false;
        }
        out.node(FusedKernels.DOMAIN, kernel, List.of(out.output()), Map.of(), out.input(0));
        return true;
    }

    /**
     * Whether {@code n} sums {@code t} to one value per channel, as a conv's bias gradient (over batch and space) or a
     * dense layer's (over the batch) does.
     */
    static boolean isBiasSum(Node n, Tensor t, Map<Tensor, Node> producers) {
        if (!n.opType().equals("ReduceSum") || n.input(0) != t || n.longAttr("keepdims", 1) != 0) {
            return false;
        }
        return Arrays.equals(constantAxes(n, producers), t.rank() == 4 ? new long[] {0, 2, 3} : new long[] {0});
    }

    /** The axes of reduction {@code n} where a constant gives them, else null. */
    static long[] constantAxes(Node n, Map<Tensor, Node> producers) {
        Node axes = n.inputs().size() > 1 ? producers.get(n.input(1)) : null;
        return axes != null && axes.attributes().get("value") instanceof ConstantValue v ? v.longs() : null;
    }
}
