package dev.vaelab.onnx.optim;

import dev.vaelab.onnx.graph.Graph;
import dev.vaelab.onnx.graph.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Adam with PyTorch's semantics ({@code torch.optim.Adam}, amsgrad off): bias-corrected moments,
 * epsilon added to the bias-corrected root of the second moment, and L2 weight decay added to the
 * gradient. The update reads and writes every parameter several times, which makes it a large
 * share of a step, so the same values are computed in fewer passes:
 * <ul>
 *   <li>gradients arrive scaled by {@code 1-beta1} (the backward pass is seeded with it), so
 *       {@code m = beta1·m + (1-beta1)·g} is one multiply and one add;
 *   <li>the second moment is kept as {@code w = v·(1-beta1)²/(1-beta2)}, so that
 *       {@code w = beta2·w + ((1-beta1)·g)²};
 *   <li>with {@code k = sqrt(1-beta2)/(1-beta1)}, so that {@code sqrt(v) = k·sqrt(w)}, and
 *       {@code s = sqrt(1-beta2^t)}, PyTorch's {@code p -= lr/(1-beta1^t) · m/(sqrt(v)/s + eps)}
 *       is {@code p -= (lr·s/((1-beta1^t)·k)) · m/(sqrt(w) + eps·s/k)}, whose scalars are
 *       computed once per step.
 * </ul>
 * That is 10 passes per parameter instead of 13, or one where ONNX Runtime runs vaelab's fused
 * kernels ({@link AdamStep}, every parameter in one node, or {@link AdamStepInPlace}, the same node
 * writing over the parameters and moments); slots are {@code m} (PyTorch's first moment) and {@code w} (its second
 * moment, rescaled as above).
 */
public record Adam(double beta1, double beta2, double eps, double weightDecay) implements Optimizer {
    public Adam {
        if (!(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1 && eps > 0 && weightDecay >= 0)) {
            throw new IllegalArgumentException("invalid Adam hyperparameters " + beta1 + ", " + beta2 + ", " + eps);
        }
    }

    /** PyTorch's defaults: betas (0.9, 0.999), eps 1e-8, no weight decay. */
    public static Adam pytorchDefaults() {
        return new Adam(0.9, 0.999, 1e-8, 0);
    }

    @Override
    public double gradientScale() {
        return 1 - beta1;
    }

    @Override
    public List<String> slots() {
        return List.of("m", "w");
    }

    @Override
    public List<Tensor> update(Graph g, Tensor p, Tensor scaledGrad, List<Tensor> state, StepScalars step) {
        return updateAll(g, List.of(p), List.of(scaledGrad), List.of(state), step).get(0);
    }

    /** Every parameter's update in one {@link AdamStep} node. */
    @Override
    public List<List<Tensor>> updateAll(Graph g, List<Tensor> params, List<Tensor> scaledGrads, List<List<Tensor>> states,
                                        StepScalars step) {
        Scalars s = scalars(g, step);
        List<List<Tensor>> next = AdamStep.applyAll(g, params, decayed(g, params, scaledGrads), moments(states, 0),
                moments(states, 1), s.beta1(), s.beta2(), s.stepSize(), s.epsHat());
        List<List<Tensor>> updated = new ArrayList<>();
        for (int i = 0; i < params.size(); i++) {
            updated.add(List.of(next.get(0).get(i), next.get(1).get(i), next.get(2).get(i)));
        }
        return updated;
    }

    @Override
    public boolean updatesInPlace() {
        return true;
    }

    /** Every parameter's update in one {@link AdamStepInPlace} node, the same values as {@link #updateAll}. */
    @Override
    public Tensor updateAllInPlace(Graph g, List<Tensor> params, List<Tensor> scaledGrads, List<List<Tensor>> states,
                                   StepScalars step) {
        Scalars s = scalars(g, step);
        return AdamStepInPlace.applyAll(g, params, decayed(g, params, scaledGrads), moments(states, 0), moments(states, 1),
                s.beta1(), s.beta2(), s.stepSize(), s.epsHat());
    }

    private record Scalars(Tensor beta1, Tensor beta2, Tensor stepSize, Tensor epsHat) {
    }

    private Scalars scalars(Graph g, StepScalars step) {
        double k = Math.sqrt(1 - beta2) / (1 - beta1);
        // negated, so that the update is an Add: ORT's Sub of two large tensors takes about twice as long
        Tensor stepSize = step.perStep("adam.step_size", (h, lr, t) ->
                h.div(h.mul(lr, sqrtBiasCorrection2(h, t)), h.mul(h.sub(h.scalar(1), h.pow(h.scalar(beta1), t)), -k)));
        Tensor epsHat = step.perStep("adam.eps_hat", (h, lr, t) -> h.mul(sqrtBiasCorrection2(h, t), eps / k));
        return new Scalars(step.shared("adam.beta1", () -> g.scalar(beta1)), step.shared("adam.beta2", () -> g.scalar(beta2)),
                stepSize, epsHat);
    }

    /** The gradients with L2 weight decay added, PyTorch's way. */
    private List<Tensor> decayed(Graph g, List<Tensor> params, List<Tensor> scaledGrads) {
        List<Tensor> grads = new ArrayList<>();
        for (int i = 0; i < params.size(); i++) {
            Tensor gr = scaledGrads.get(i);
            grads.add(weightDecay == 0 ? gr : g.add(gr, g.mul(params.get(i), (1 - beta1) * weightDecay)));
        }
        return grads;
    }

    private static List<Tensor> moments(List<List<Tensor>> states, int slot) {
        return states.stream().map(s -> s.get(slot)).toList();
    }

    /** {@code s = sqrt(1 - beta2^t)}. */
    private Tensor sqrtBiasCorrection2(Graph h, Tensor t) {
        return h.sqrt(h.sub(h.scalar(1), h.pow(h.scalar(beta2), t)));
    }
}
