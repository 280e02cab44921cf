package dev.vaelab.zoo.model;

import dev.vaelab.onnx.graph.Graph;
import dev.vaelab.onnx.graph.Tensor;

/**
 * A diagonal Gaussian q(z|x) = N(mu, exp(logvar)), each [N, L], as the encoder's output
 * {@code [mu | logvar]} [N, 2L]. The training step's sample and KL term read that output whole
 * (dev.vaelab.zoo.objective's fused Gaussian operators); mu and logvar become Slice nodes only when
 * something asks for them, so that a step that does not pays no nodes for them.
 */
public final class Posterior {
    private final Graph graph;
    private final Tensor encoded;
    private final int latentDim;
    private Tensor mu;
    private Tensor logvar;

    private Posterior(Graph graph, Tensor encoded, int latentDim) {
        this.graph = graph;
        this.encoded = encoded;
        this.latentDim = latentDim;
    }

    /** From an encoder's [N, 2L] output: mu is its first L columns, logvar the last L. */
    public static Posterior split(Graph g, Tensor encoded, int latentDim) {
        if (encoded.rank() != 2 || encoded.shape().dim(1) != 2L * latentDim) {
            throw new IllegalArgumentException("an encoder of latent size " + latentDim + " must output [N, "
                    + 2 * latentDim + "], got " + encoded);
        }
        return new Posterior(g, encoded, latentDim);
    }

    /** The encoder's output [mu | logvar], [N, 2L]. */
    public Tensor encoded() {
        return encoded;
    }

    public Tensor mu() {
        if (mu == null) {
            mu = graph.slice(encoded, 1, 0, latentDim);
        }
        return mu;
    }

    public Tensor logvar() {
        if (logvar == null) {
            logvar = graph.slice(encoded, 1, latentDim, 2L * latentDim);
        }
        return logvar;
    }
}
