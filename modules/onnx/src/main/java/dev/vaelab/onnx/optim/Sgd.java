package dev.vaelab.onnx.optim;

import dev.vaelab.onnx.graph.Graph;
import dev.vaelab.onnx.graph.Tensor;
import java.util.List;

/**
 * Stochastic gradient descent with PyTorch's semantics ({@code torch.optim.SGD}, dampening 0):
 * L2 weight decay added to the gradient, heavy-ball momentum {@code b = mu·b + g; p -= lr·b}
 * (the first step starts from {@code b = 0}, which equals PyTorch's {@code b = g}).
 */
public record Sgd(double momentum, double weightDecay) implements Optimizer {
    public Sgd {
        if (!(momentum >= 0 && momentum < 1 && weightDecay >= 0)) {
            throw new IllegalArgumentException("invalid SGD hyperparameters " + momentum + ", " + weightDecay);
        }
    }

    @Override
    public List<String> slots() {
        return momentum == 0 ? List.of() : List.of("momentum");
    }

    @Override
    public List<Tensor> update(Graph g, Tensor p, Tensor grad, List<Tensor> state, StepScalars step) {
        Tensor gr = weightDecay == 0 ? grad : g.add(grad, g.mul(p, weightDecay));
        if (momentum == 0) {
            return List.of(g.sub(p, g.mul(step.lr(), gr)));
        }
        Tensor buf = g.add(g.mul(state.get(0), momentum), gr);
        return List.of(g.sub(p, g.mul(step.lr(), buf)), buf);
    }
}
