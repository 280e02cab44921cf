package dev.vaelab.zoo.network;

import dev.vaelab.core.spec.ComponentSpec;
import dev.vaelab.onnx.graph.Graph;
import dev.vaelab.onnx.graph.ParameterSource;
import dev.vaelab.onnx.graph.Shape;
import dev.vaelab.onnx.graph.Tensor;
import dev.vaelab.onnx.optim.Initializer;
import java.util.List;
import java.util.Optional;

/**
 * A multilayer perceptron: dense layers of the given hidden sizes with an activation after each,
 * then a dense output layer with no activation; a condition is concatenated to the input. Weights are [in, out] (x·W + b, one Gemm per
 * layer) and initialised as PyTorch's nn.Linear is.
 */
public record Mlp(List<Integer> hidden, Activation activation) implements Network {
    public static final String TYPE = "mlp";

    public Mlp {
        hidden = List.copyOf(hidden);
    }

    @Override
    public Tensor apply(Graph g, ParameterSource params, String scope, Tensor input, Optional<Tensor> condition, int outputs) {
        Tensor h = condition.map(c -> g.concat(1, input, c)).orElse(input);
        for (int i = 0; i < hidden.size(); i++) {
            h = activation.apply(g, dense(g, params, scope + "/fc" + i, h, hidden.get(i)));
        }
        return dense(g, params, scope + "/out", h, outputs);
    }

    /** A dense layer {@code x·W + b} with PyTorch's default initialisation. */
    public static Tensor dense(Graph g, ParameterSource params, String name, Tensor x, int outputs) {
        long in = x.shape().dim(1);
        Initializer init = Initializer.pytorchDefault(in);
        Tensor w = params.parameter(name + "/weight", Shape.of(in, outputs), init);
        Tensor b = params.parameter(name + "/bias", Shape.of(outputs), init);
        return g.linear(x, w, b);
    }

    /** {@code {type: mlp, hidden: [400], activation: relu}}. */
    public static final class Factory implements NetworkFactory {
        @Override
        public Network create(ComponentSpec spec, NetworkRole role, ImageDims image) {
            var options = spec.options();
            List<Integer> hidden = options.intList("hidden", List.of(400));
            for (int size : hidden) {
                if (size < 1) {
                    throw options.invalid("hidden", "sizes must be positive, got " + hidden);
                }
            }
            Activation activation = Activation.of(options.choice("activation", Activation.names(), "relu"));
            options.finish();
            return new Mlp(hidden, activation);
        }
    }
}
