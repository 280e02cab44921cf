package dev.vaelab.onnx.optim;

import dev.vaelab.onnx.graph.FusedOperator;
import dev.vaelab.onnx.graph.Graph;
import dev.vaelab.onnx.graph.Node;
import dev.vaelab.onnx.graph.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The Adam updates of a model's parameters as one node (see {@link Adam} for the algebra):
 * {@code AdamStep(p_1..p_k, g_1..g_k, m_1..m_k, w_1..w_k, beta1, beta2, stepSize, epsHat) ->
 * (p'_1..p'_k, m'_1..m'_k, w'_1..w'_k)} with, for each parameter, {@code m' = m·beta1 + g},
 * {@code w' = w·beta2 + g·g} and {@code p' = p + stepSize·(m' / (sqrt(w') + epsHat))}. Lowered to
 * those ten ONNX operators per parameter in that order; ONNX Runtime with vaelab's fused kernels runs
 * it as one pass over each parameter's four arrays instead, all parameters in one node (ORT spends
 * several microseconds on any node; the threads share the small parameters' chunks): the
 * {@code ai.vaelab} operator of the same name, the same float operations in the same order, so the
 * same bits ({@code dev.vaelab.onnx.runtime.FusedKernels}).
 */
public final class AdamStep implements FusedOperator {
    public static final String OP_TYPE = "vaelab.AdamStep";
    public static final AdamStep INSTANCE = new AdamStep();

    private AdamStep() {
    }

    /** One parameter's new value, first moment and rescaled second moment. */
    public static List<Tensor> apply(Graph g, Tensor p, Tensor grad, Tensor m, Tensor w,
                                     Tensor beta1, Tensor beta2, Tensor stepSize, Tensor epsHat) {
        List<List<Tensor>> updated = applyAll(g, List.of(p), List.of(grad), List.of(m), List.of(w), beta1, beta2,
                stepSize, epsHat);
        return List.of(updated.get(0).get(0), updated.get(1).get(0), updated.get(2).get(0));
    }

    /** Every parameter's update in one node: the new parameters, first moments and second moments, each in order. */
    public static List<List<Tensor>> applyAll(Graph g, List<Tensor> p, List<Tensor> grad, List<Tensor> m, List<Tensor> w,
                                              Tensor beta1, Tensor beta2, Tensor stepSize, Tensor epsHat) {
        int k = p.size();
        List<Tensor> ins = inputs("AdamStep", p, grad, m, w, beta1, beta2, stepSize, epsHat);
        List<Tensor> like = new ArrayList<>(p);
        like.addAll(p);
        like.addAll(p);
        List<Tensor> out = g.fused(INSTANCE, ins, like, Map.of());
        return List.of(out.subList(0, k), out.subList(k, 2 * k), out.subList(2 * k, 3 * k));
    }

    /** The node's inputs, {@code p_1..p_k, g_1..g_k, m_1..m_k, w_1..w_k, beta1, beta2, stepSize, epsHat}: its and AdamStepInPlace's. */
    static List<Tensor> inputs(String op, List<Tensor> p, List<Tensor> grad, List<Tensor> m, List<Tensor> w,
                               Tensor beta1, Tensor beta2, Tensor stepSize, Tensor epsHat) {
        int k = p.size();
        if (k == 0 || grad.size() != k || m.size() != k || w.size() != k) {
            throw new IllegalArgumentException(op + " needs one gradient and two moments per parameter, for at least one");
        }
        List<Tensor> ins = new ArrayList<>(p);
        ins.addAll(grad);
        ins.addAll(m);
        ins.addAll(w);
        ins.addAll(List.of(beta1, beta2, stepSize, epsHat));
        return ins;
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
        int k = node.outputs().size() / 3;
        String beta1 = out.input(4 * k);
        String beta2 = out.input(4 * k + 1);
        String stepSize = out.input(4 * k + 2);
        String epsHat = out.input(4 * k + 3);
        for (int i = 0; i < k; i++) {
            String p = out.input(i);
            String grad = out.input(k + i);
            String m = out.input(2 * k + i);
            String w = out.input(3 * k + i);
            String nextP = out.output(i);
            String nextM = out.output(k + i);
            String nextW = out.output(2 * k + i);
            out.node("Mul", nextM + "_decayed", m, beta1);
            out.node("Add", nextM, nextM + "_decayed", grad);
            out.node("Mul", nextW + "_decayed", w, beta2);
            out.node("Mul", nextW + "_g2", grad, grad);
            out.node("Add", nextW, nextW + "_decayed", nextW + "_g2");
            out.node("Sqrt", nextP + "_root", nextW);
            out.node("Add", nextP + "_denominator", nextP + "_root", epsHat);
            out.node("Div", nextP + "_ratio", nextM, nextP + "_denominator");
            out.node("Mul", nextP + "_delta", stepSize, nextP + "_ratio");
            out.node("Add", nextP, p, nextP + "_delta");
        }
    }
}
