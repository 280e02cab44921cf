package dev.vaelab.zoo.network;

import dev.vaelab.onnx.graph.Graph;
import dev.vaelab.onnx.graph.Tensor;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/** Hidden-layer nonlinearities, by their YAML names. */
public enum Activation {
    RELU("relu"),
    LEAKY_RELU("leaky_relu"),
    TANH("tanh"),
    ELU("elu");

    private final String yamlName;

    Activation(String yamlName) {
        this.yamlName = yamlName;
    }

    public String yamlName() {
        return yamlName;
    }

    public static Set<String> names() {
        return Arrays.stream(values()).map(Activation::yamlName).collect(Collectors.toCollection(java.util.TreeSet::new));
    }

    public static Activation of(String yamlName) {
        return Arrays.stream(values()).filter(a -> a.yamlName.equals(yamlName)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown activation " + yamlName));
    }

    /** Applies the activation; leaky_relu uses PyTorch's default slope 0.01 and elu alpha 1. */
    public Tensor apply(Graph g, Tensor x) {
        return switch (this) {
            case RELU -> g.relu(x);
            case LEAKY_RELU -> g.leakyRelu(x, 0.01);
            case TANH -> g.tanh(x);
            case ELU -> g.elu(x, 1.0);
        };
    }
}
