package dev.vaelab.zoo.network;

import dev.vaelab.onnx.graph.Graph;
import dev.vaelab.onnx.graph.ParameterSource;
import dev.vaelab.onnx.graph.Tensor;
import java.util.Optional;

/**
 * An encoder or decoder body: maps [N, inputs] to [N, outputs] with its own parameters under
 * {@code scope}. The model decides what the outputs mean (posterior or head parameters). A
 * condition (a conditional model's one-hot label, [N, K]) is joined where the architecture takes
 * it: an MLP concatenates it to its input; a convolutional network to its dense layer.
 */
public interface Network {
    Tensor apply(Graph g, ParameterSource params, String scope, Tensor input, Optional<Tensor> condition, int outputs);
}
