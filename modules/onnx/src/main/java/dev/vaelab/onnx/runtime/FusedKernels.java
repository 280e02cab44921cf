package dev.vaelab.onnx.runtime;

import dev.vaelab.onnx.graph.FusedOperator;
import dev.vaelab.onnx.graph.Graph;
import dev.vaelab.onnx.graph.Node;
import dev.vaelab.onnx.graph.NodeRewrite;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Runs the fused operators that name a kernel of vaelab's native library ({@link NativeKernels},
 * {@code src/main/c}; {@link FusedOperator#nativeKernel()}) as that kernel, an operator of domain
 * {@value #DOMAIN}: the engine's {@code AdamStep} (one pass over a parameter and its moments where
 * ORT's stock operators make ten), {@code ReluGradient} (one pass where they make three) and
 * {@code ConvWeightGradient} (a convolution's weight gradient as one GEMM whose im2col columns stay in
 * cache), and those of other modules (the heads' Bernoulli log-likelihood and its gradient). The
 * library's other kernels are written by {@link NchwcConvolutions}. A kernel computes what its
 * operator's lowering computes: the same float operations in the same order for the element-wise
 * ones, so that a run gives the same numbers with them and without, and equal to float rounding for
 * the weight gradient's GEMM and the log-likelihood (their own summation order, their own exp). They
 * take float tensors unless the operator says otherwise ({@link FusedOperator#nativeKernelTakes}); a
 * float64 graph (a gradient check's) keeps its lowerings.
 */
public final class FusedKernels implements NodeRewrite {
    static final String DOMAIN = "ai.vaelab";
    private final Graph graph;

    public FusedKernels() {
        this(null);
    }

    private FusedKernels(Graph graph) {
        this.graph = graph;
    }

    @Override
    public Map<String, Long> domains() {
        return Map.of(DOMAIN, 1L);
    }

    /** This rewrite for {@code graph}'s nodes, whose fused operators {@code graph} knows. */
    @Override
    public NodeRewrite forGraph(Graph graph) {
        return new FusedKernels(graph);
    }

    @Override
    public boolean rewrite(Node node, Emitter out) {
        FusedOperator op = graph == null ? null : graph.fusedOperator(node.opType()).orElse(null);
        String kernel = op == null ? null : op.nativeKernel();
        if (kernel == null || !op.nativeKernelTakes(node)) {
            return false;
        }
        String[] inputs = IntStream.range(0, node.inputs().size()).mapToObj(out::input).toArray(String[]::new);
        List<String> outputs = IntStream.range(0, node.outputs().size()).mapToObj(out::output).toList();
        out.node(DOMAIN, kernel, outputs, op.nativeKernelAttributes(node), inputs);
        return true;
    }
}
