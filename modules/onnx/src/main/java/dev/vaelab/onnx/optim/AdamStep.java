package dev.vaelab.onnx.optim;

import dev.vaelab.onnx.graph.FusedOperator;
import dev.vaelab.onnx.graph.Graph;
import dev.vaelab.onnx.graph.Node;
import dev.vaelab.onnx.graph.Tensor;
import java.util.List;
import java.util.Map;

/**
 * One parameter's Adam update as one node (see {@link Adam} for the algebra):
 * {@code AdamStep(p, g, m, w, beta1, beta2, stepSize, epsHat) -> (p', m', w')} with
 * {@code m' = m·beta1 + g}, {@code w' = w·beta2 + g·g} and
 * {@code p' = p + stepSize·(m' / (sqrt(w') + epsHat))}. Lowered to those ten ONNX operators in
 * that order; ONNX Runtime with vaelab's fused kernels runs it as one pass over the four arrays
 * instead (the {@code ai.vaelab} operator of the same name, the same float operations in the same
 * order, so the same bits: {@code dev.vaelab.onnx.runtime.FusedKernels}).
 */
public final class AdamStep implements FusedOperator {
    public static final String OP_TYPE = "vaelab.AdamStep";
    public static final AdamStep INSTANCE = new AdamStep();

    private AdamStep() {
    }

    /** The new parameter, first moment and rescaled second moment. */
    public static List<Tensor> apply(Graph g, Tensor p, Tensor grad, Tensor m, Tensor w,
                                     Tensor beta1, Tensor beta2, Tensor stepSize, Tensor epsHat) {
        return g.fused(INSTANCE, List.of(p, grad, m, w, beta1, beta2, stepSize, epsHat), List.of(p, m, w), Map.of());
    }

    @Override
    public String opType() {
        return OP_TYPE;
    }

    @Override
    public String nativeKernel() {
        return "AdamStep";
    }

    @Override
    public Tensor[] gradient(Graph g, Node node, Tensor outputGrad, boolean[] needed) {
        throw new UnsupportedOperationException("an optimizer's update is applied after differentiation, never differentiated");
    }

    @Override
    public void lower(Node node, Lowering out) {
        String p = out.input(0);
        String grad = out.input(1);
        String m = out.input(2);
        String w = out.input(3);
        String nextP = out.output(0);
        String nextM = out.output(1);
        String nextW = out.output(2);
        out.node("Mul", nextM + "_decayed", m, out.input(4));
        out.node("Add", nextM, nextM + "_decayed", grad);
        out.node("Mul", nextW + "_decayed", w, out.input(5));
        out.node("Mul", nextW + "_g2", grad, grad);
        out.node("Add", nextW, nextW + "_decayed", nextW + "_g2");
        out.node("Sqrt", nextP + "_root", nextW);
        out.node("Add", nextP + "_denominator", nextP + "_root", out.input(7));
        out.node("Div", nextP + "_ratio", nextM, nextP + "_denominator");
        out.node("Mul", nextP + "_delta", out.input(6), nextP + "_ratio");
        out.node("Add", nextP, p, nextP + "_delta");
    }
}
