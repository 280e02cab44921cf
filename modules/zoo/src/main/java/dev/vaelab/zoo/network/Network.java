package dev.vaelab.zoo.network;

import dev.vaelab.onnx.graph.Graph;
import dev.vaelab.onnx.graph.ParameterSource;
import dev.vaelab.onnx.graph.Tensor;

/**
 * An encoder or decoder body: maps [N, inputs] to [N, outputs] with its own parameters under
 * {@code scope}. The model decides what the outputs mean (posterior parameters, head parameters).
 */
public interface Network {
    Tensor apply(Graph g, ParameterSource params, String scope, Tensor input, int outputs);
}
