package dev.vaelab.zoo.model;

import dev.vaelab.onnx.graph.Graph;
import dev.vaelab.onnx.graph.Tensor;

/** A diagonal Gaussian q(z|x) = N(mu, exp(logvar)), each [N, L]. */
public record Posterior(Tensor mu, Tensor logvar) {
    /** From an encoder's [N, 2L] output: mu is its first L columns, logvar the last L. */
    public static Posterior split(Graph g, Tensor encoded, int latentDim) {
        return new Posterior(g.slice(encoded, 1, 0, latentDim), g.slice(encoded, 1, latentDim, 2L * latentDim));
    }
}
