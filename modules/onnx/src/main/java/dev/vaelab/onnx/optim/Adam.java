package dev.vaelab.onnx.optim;

import dev.vaelab.onnx.graph.Graph;
import dev.vaelab.onnx.graph.Tensor;
import java.util.List;

/**
 * Adam with PyTorch's semantics ({@code torch.optim.Adam}, amsgrad off): bias-corrected moments,
 * epsilon added to the bias-corrected root of the second moment, and L2 weight decay added to the
 * gradient. With {@code s = sqrt(1 - beta2^t)} the update
 * {@code p -= lr/(1-beta1^t) · m / (sqrt(v)/s + eps)} is computed as
 * {@code p -= (lr·s/(1-beta1^t)) · m / (sqrt(v) + eps·s)}, the same value with one pass fewer.
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
    public List<String> slots() {
        return List.of("m", "v");
    }

    @Override
    public List<Tensor> update(Graph g, Tensor p, Tensor grad, List<Tensor> state, StepScalars step) {
        Tensor gr = weightDecay == 0 ? grad : g.add(grad, g.mul(p, weightDecay));
        Tensor m = g.add(g.mul(state.get(0), beta1), g.mul(gr, 1 - beta1));
        Tensor v = g.add(g.mul(state.get(1), beta2), g.mul(g.square(gr), 1 - beta2));
        Tensor s = step.shared("adam.sqrt_bc2", () ->
                g.sqrt(g.sub(g.scalar(1), g.pow(g.scalar(beta2), step.t()))));
        Tensor stepSize = step.shared("adam.step_size", () ->
                g.div(g.mul(step.lr(), s), g.sub(g.scalar(1), g.pow(g.scalar(beta1), step.t()))));
        Tensor epsHat = step.shared("adam.eps_hat", () -> g.mul(s, eps));
        Tensor next = g.sub(p, g.mul(stepSize, g.div(m, g.add(g.sqrt(v), epsHat))));
        return List.of(next, m, v);
    }
}
