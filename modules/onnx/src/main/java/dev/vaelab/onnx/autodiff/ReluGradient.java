package dev.vaelab.onnx.autodiff;

import dev.vaelab.onnx.graph.FusedOperator;
import dev.vaelab.onnx.graph.Graph;
import dev.vaelab.onnx.graph.Node;
import dev.vaelab.onnx.graph.Tensor;
import java.util.List;
import java.util.Map;

/**
 * The gradient of {@code y = Relu(x)}: {@code ReluGrad(dy, y) = dy · (y > 0)}, dy times the 0/1
 * mask of the active units. Lowered to {@code Mul(dy, Cast(Greater(y, 0)))} (ORT's {@code Where}
 * with a scalar branch is a slow generic broadcast, a third slower on the Burgess net's 4 M-element
 * maps: bench/README.md); ONNX Runtime with vaelab's fused kernels runs it as one pass without the
 * byte mask ({@code dev.vaelab.onnx.runtime.FusedKernels}), to the same bits.
 */
public final class ReluGradient implements FusedOperator {
    public static final String OP_TYPE = "vaelab.ReluGrad";
    public static final ReluGradient INSTANCE = new ReluGradient();

    private ReluGradient() {
    }

    /** {@code dy · (y > 0)}, shaped like {@code dy}. */
    public static Tensor apply(Graph g, Tensor dy, Tensor y) {
        return g.fused(INSTANCE, List.of(dy, y), dy.dtype(), dy.shape(), Map.of());
    }

    @Override
    public String opType() {
        return OP_TYPE;
    }

    @Override
    public String nativeKernel() {
        return "ReluGrad";
    }

    /** Linear in dy with the same mask; the mask's derivative in y is 0 almost everywhere. */
    @Override
    public Tensor[] gradient(Graph g, Node node, Tensor outputGrad, boolean[] needed) {
        Tensor y = node.input(1);
        return new Tensor[] {needed[0] ? apply(g, outputGrad, y) : null, needed[1] ? g.expandLike(g.scalar(0), y) : null};
    }

    @Override
    public void lower(Node node, Lowering out) {
        String dx = out.output();
        out.scalar(dx + "_zero", node.input(1).dtype(), 0);
        out.node("Greater", dx + "_active", out.input(1), dx + "_zero");
        out.node("Cast", dx + "_mask", Map.of("to", (long) node.input(0).dtype().onnxCode()), dx + "_active");
        out.node("Mul", dx, out.input(0), dx + "_mask");
    }
}
