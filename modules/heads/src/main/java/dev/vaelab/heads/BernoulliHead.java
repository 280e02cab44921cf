package dev.vaelab.heads;

import dev.vaelab.core.spec.ComponentSpec;
import dev.vaelab.onnx.graph.Graph;
import dev.vaelab.onnx.graph.ParameterSource;
import dev.vaelab.onnx.graph.Tensor;
import java.util.LinkedHashMap;

/**
 * Independent Bernoulli pixels with logits l: {@code log p(x|l) = x·l - softplus(l)}, exact for
 * x in {0, 1} and the usual cross-entropy for grey levels in [0, 1] (as PyTorch's VAE example
 * uses it). The stable softplus keeps the value finite for any logit.
 */
public final class BernoulliHead implements LikelihoodHead {
    public static final String TYPE = "bernoulli";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public int outputsPerPixel() {
        return 1;
    }

    @Override
    public Tensor logLikelihood(Graph g, ParameterSource params, Tensor logits, Tensor x) {
        return BernoulliLogLikelihood.of(g, logits, x);
    }

    @Override
    public LinkedHashMap<String, Tensor> outputs(Graph g, ParameterSource params, Tensor logits) {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        out.put("mean", g.sigmoid(logits));
        out.put("logits", logits);
        return out;
    }

    /** x = 1 where u < sigmoid(l), with u the uniform noise: P(x = 1) = sigmoid(l). */
    @Override
    public Tensor sample(Graph g, ParameterSource params, Tensor logits, SampleNoise noise) {
        return g.cast(g.greater(g.sigmoid(logits), noise.uniform()), g.floatType());
    }

    /** {@code likelihood: {type: bernoulli}} takes no options. */
    public static final class Factory implements HeadFactory {
        @Override
        public LikelihoodHead create(ComponentSpec spec) {
            spec.options().finish();
            return new BernoulliHead();
        }
    }
}
