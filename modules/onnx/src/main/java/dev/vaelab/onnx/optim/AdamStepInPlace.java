package dev.vaelab.onnx.optim;

import dev.vaelab.onnx.graph.FusedOperator;
import dev.vaelab.onnx.graph.Graph;
import dev.vaelab.onnx.graph.Node;
import dev.vaelab.onnx.graph.Tensor;
import java.util.List;
import java.util.Map;

/**
 * {@link AdamStep}'s update written over the parameters and moments it reads:
 * {@code AdamStepInPlace(p_1..p_k, g_1..g_k, m_1..m_k, w_1..w_k, beta1, beta2, stepSize, epsHat) -> token},
 * the same float operations in the same order, so the same bits. Its inputs p, m and w must be
 * buffers that the training session owns and feeds to every call, and every other node that reads
 * them must be one this node depends on ({@code TrainingProgramBuilder} builds such programs and
 * checks that). The token, a scalar 1, is a step output that keeps the node in the graph.
 *
 * <p>It exists for speed: AdamStep writes its results into new arrays that the training Loop
 * carries to the next step, 7.8 MB a step for the MNIST MLP, and the parameters and moments move
 * between two sets of buffers; in place they stay where the step left them, in cache. Only vaelab's
 * native kernel computes it: ONNX has no operator that writes its inputs, so there is no lowering,
 * and the engine builds the carried form where the kernel is missing.
 */
public final class AdamStepInPlace implements FusedOperator {
    public static final String OP_TYPE = "vaelab.AdamStepInPlace";
    public static final AdamStepInPlace INSTANCE = new AdamStepInPlace();

    private AdamStepInPlace() {
    }

    /** The update of every parameter, in one node; returns its token. */
    public static Tensor applyAll(Graph g, List<Tensor> p, List<Tensor> grad, List<Tensor> m, List<Tensor> w,
                                  Tensor beta1, Tensor beta2, Tensor stepSize, Tensor epsHat) {
        List<Tensor> ins = AdamStep.inputs("AdamStepInPlace", p, grad, m, w, beta1, beta2, stepSize, epsHat);
        return g.fused(INSTANCE, ins, List.of(beta1), Map.of()).get(0);
    }

    @Override
    public String opType() {
        return OP_TYPE;
    }

    @Override
    public String nativeKernel() {
        return "AdamStepInPlace";
    }

    @Override
    public Tensor[] gradient(Graph g, Node node, Tensor outputGrad, boolean[] needed) {
        throw new UnsupportedOperationException("an optimizer's update is applied after differentiation, never differentiated");
    }

    @Override
    public void lower(Node node, Lowering out) {
        throw new UnsupportedOperationException("AdamStepInPlace writes its inputs, which no ONNX operator does: it runs on"
                + " vaelab's native kernel only, and a program for an engine without it carries its state instead");
    }
}
