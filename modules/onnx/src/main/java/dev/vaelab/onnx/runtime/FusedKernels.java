package dev.vaelab.onnx.runtime;

import dev.vaelab.onnx.autodiff.ConvWeightGradient;
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
 * {@code src/main/c}) as those kernels, operators of domain {@value #DOMAIN}: {@link AdamStep} (one
 * pass over a parameter and its moments where ORT's stock operators make ten), {@link ReluGradient}
 * (one pass where they make three) and {@link ConvWeightGradient} (a convolution's weight gradient
 * as one GEMM whose im2col columns stay in cache, where they make the columns in three passes
 * through memory and multiply them in a fourth). The library's fourth kernel, the interleave of a
 * transposed convolution's phases, is written by {@link NchwcConvolutions}. The kernels compute the
 * same float operations in the same order as the operators' lowerings, so that a run gives the same
 * numbers with them and without, but for the weight gradient's GEMM, whose sums are in its own order
 * (equal to float rounding, and the same from run to run). They take float tensors; a float64 graph
 * (a gradient check's) keeps its lowerings.
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
            case ConvWeightGradient.OP_TYPE -> "ConvWeightGrad";
            default -> null;
        };
        if (kernel == null || !allFloat(node)) {
            return false;
        }
        String[] inputs = IntStream.range(0, node.inputs().size()).mapToObj(out::input).toArray(String[]::new);
        List<String> outputs = IntStream.range(0, node.outputs().size()).mapToObj(out::output).toList();
        // the kernels read no attribute but the geometry (the others choose among ONNX lowerings)
        Map<String, Object> geometry = kernel.equals("ConvWeightGrad")
                ? Map.of("geometry", weightGradientGeometry(node, 0, 0)) : Map.of();
        out.node(DOMAIN, kernel, outputs, geometry, inputs);
        return true;
    }

    /**
     * The ConvWeightGrad kernel's geometry: the operator's (kernel, strides, dilations, pads, output
     * size), then the layout of its two operands, 0 for NCHW or the NCHWc block ({@link BlockedLayout}).
     */
    static long[] weightGradientGeometry(Node node, long readBlock, long otherBlock) {
        long[] geometry = node.longsAttr("geometry");
        long[] withLayout = java.util.Arrays.copyOf(geometry, geometry.length + 2);
        withLayout[geometry.length] = readBlock;
        withLayout[geometry.length + 1] = otherBlock;
        return withLayout;
    }

    private static boolean allFloat(Node node) {
        return node.inputs().stream().allMatch(t -> t.dtype() == DType.FLOAT)
                && node.outputs().stream().map(Tensor::dtype).allMatch(DType.FLOAT::equals);
    }
}
