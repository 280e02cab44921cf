package dev.vaelab.zoo.model;

import dev.vaelab.onnx.graph.Graph;
import dev.vaelab.onnx.graph.ParameterSource;
import dev.vaelab.onnx.graph.Tensor;
import java.util.Optional;

/**
 * A model of the VAE family: an encoder to a diagonal Gaussian posterior and a decoder to the
 * likelihood head's parameters. The same code builds training, evaluation and export graphs.
 */
public interface VaeModel {
    /** The YAML type, e.g. {@code vae}. */
    String type();

    int latentDim();

    /** Whether the label y (one-hot [N, K]) is an input of encoder and decoder. */
    boolean conditional();

    Posterior encode(Graph g, ParameterSource params, Tensor x, Optional<Tensor> y);

    /** The decoder output [N, D·k] for the head. */
    Tensor decode(Graph g, ParameterSource params, Tensor z, Optional<Tensor> y);
}
