package dev.vaelab.onnx.graph;

import dev.vaelab.onnx.optim.Initializer;

/** A trainable parameter: its name (stable across graphs and checkpoints), shape and initializer. */
public record ParameterSpec(String name, Shape shape, Initializer init) {
    public ParameterSpec {
        if (!shape.isStatic()) {
            throw new IllegalArgumentException("parameter " + name + " needs a static shape, got " + shape);
        }
    }

    public int size() {
        return Math.toIntExact(shape.size());
    }
}
