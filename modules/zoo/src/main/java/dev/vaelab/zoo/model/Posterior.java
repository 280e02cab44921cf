package dev.vaelab.zoo.model;

import dev.vaelab.onnx.graph.Tensor;

/** A diagonal Gaussian q(z|x) = N(mu, exp(logvar)), each [N, L]. */
public record Posterior(Tensor mu, Tensor logvar) {
}
