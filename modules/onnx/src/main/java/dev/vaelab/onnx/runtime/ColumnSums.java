package dev.vaelab.onnx.runtime;

import dev.vaelab.onnx.graph.DType;
import dev.vaelab.onnx.graph.Graph;
import dev.vaelab.onnx.graph.Node;
import dev.vaelab.onnx.graph.NodeRewrite;
import dev.vaelab.onnx.graph.Tensor;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Runs the bias gradients that no ReLU gradient sums already on vaelab's kernels: a float matrix's
 * sum over its rows (a ReduceSum over axis 0 of [N, C] to [C], a dense layer's) as {@code ColumnSum},
 * and an NCHW map's sum per channel (over axes 0, 2, 3, a conv's; blocked maps are
 * {@link NchwcConvolutions}'s) as {@code ChannelSum}. ORT's ReduceSum ran these at 1-2 GFLOP/s: 60 µs
 * of the MNIST MLP's step for its 128×784 output layer, 0.47 ms of a Burgess step for its image
 * layer. The kernels add in a fixed order, so their sums differ from ORT's by rounding and do not
 * depend on the threads.
 */
final class ColumnSums implements NodeRewrite {
    private final Map<Tensor, Node> producers;

    ColumnSums() {
        this(Map.of());
    }

    private ColumnSums(Map<Tensor, Node> producers) {
        this.producers = producers;
    }

    @Override
    public Map<String, Long> domains() {
        return Map.of(FusedKernels.DOMAIN, 1L);
    }

    @Override
    public NodeRewrite forGraph(Graph graph) {
        Map<Tensor, Node> made = new IdentityHashMap<>();
        graph.nodes().forEach(n -> n.outputs().forEach(t -> made.put(t, n)));
        return new ColumnSums(made);
    }

    @Override
    public boolean rewrite(Node node, Emitter out) {
        if (!node.opType().equals("ReduceSum") || node.input(0).dtype() != DType.FLOAT || node.longAttr("keepdims", 1) != 0) {
            return false;
        }
        long[] axes = BlockedLayout.constantAxes(node, producers);
        int rank = node.input(0).rank();
        String kernel = rank == 2 && Arrays.equals(axes, new long[] {0}) ? "ColumnSum"
                : rank == 4 && Arrays.equals(axes, new long[] {0, 2, 3}) ? "ChannelSum" : null;
        if (kernel == null) {
            return false;
        }
        out.node(FusedKernels.DOMAIN, kernel, java.util.List.of(out.output()), Map.of(), out.input(0));
        return true;
    }
}
