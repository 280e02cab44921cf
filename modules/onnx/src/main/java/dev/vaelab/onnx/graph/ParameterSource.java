package dev.vaelab.onnx.graph;

import dev.vaelab.onnx.optim.Initializer;

/**
 * Where model code gets its trainable parameters. The same model code builds the training step
 * (parameters are loop-carried inputs), the evaluation graphs (plain inputs) and the exported files
 * (initializers), so what is exported is by construction what was trained.
 */
public interface ParameterSource {
    /** The parameter called {@code name}; asking twice for one name returns the same tensor. */
    Tensor parameter(String name, Shape shape, Initializer init);
}
