package dev.vaelab.onnx.runtime;

import dev.vaelab.onnx.autodiff.Im2col;
import dev.vaelab.onnx.autodiff.ReluGradient;
import dev.vaelab.onnx.graph.DType;
import dev.vaelab.onnx.graph.Node;
import dev.vaelab.onnx.graph.NodeRewrite;
import dev.vaelab.onnx.graph.Tensor;
import dev.vaelab.onnx.optim.AdamStep;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Runs the fused operators that have a kernel in vaelab's native library ({@link NativeKernels},
 * {@code src/main/c/vaelab_kernels.c}) as those kernels, operators of domain {@value #DOMAIN}:
 * {@link AdamStep} (one pass over a parameter and its moments where ORT's stock operators make ten),
 * {@link ReluGradient} (one pass where they make three) and {@link Im2col} (a weight gradient's
 * columns copied from the input in channel runs, where they transpose, pad and gather by an index
 * table). The kernels compute the same float
 * operations in the same order as the operators' lowerings (Im2col only moves values), so that a run gives the same numbers
 * with them and without. They take float tensors; a float64 graph (a gradient check's) keeps its
 * lowerings.
 */
public final class FusedKernels implements NodeRewrite {
    static final String DOMAIN = "ai.vaelab";

    @Override
    public Map<String, Long> domains() {
        return Map.of(DOMAIN, 1L);
    }

    @Override
    public boolean rewrite(Node node, Emitter out) {
        String kernel = switch (node.opType()) {
            case AdamStep.OP_TYPE -> "AdamStep";
            case ReluGradient.OP_TYPE -> "ReluGrad";
            case Im2col.OP_TYPE -> "Im2col";
            default -> null;
        };
        if (kernel == null || !allFloat(node)) {
            return false;
        }
        String[] inputs = IntStream.range(0, node.inputs().size()).mapToObj(out::input).toArray(String[]::new);
        List<String> outputs = IntStream.range(0, node.outputs().size()).mapToObj(out::output).toList();
        out.node(DOMAIN, kernel, outputs, node.attributes(), inputs);
        return true;
    }

    private static boolean allFloat(Node node) {
        return node.inputs().stream().allMatch(t -> t.dtype() == DType.FLOAT)
                && node.outputs().stream().map(Tensor::dtype).allMatch(DType.FLOAT::equals);
    }
}
