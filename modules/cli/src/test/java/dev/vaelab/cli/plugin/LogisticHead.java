package dev.vaelab.cli.plugin;

import dev.vaelab.core.spec.ComponentSpec;
import dev.vaelab.heads.HeadFactory;
import dev.vaelab.heads.LikelihoodHead;
import dev.vaelab.heads.LocationScaleHead;
import dev.vaelab.heads.SampleNoise;
import dev.vaelab.heads.Scale;
import dev.vaelab.onnx.graph.Graph;
import dev.vaelab.onnx.graph.Tensor;

/**
 * A head that lives outside vaelab, as a plugin's would: logistic pixels with location μ and scale
 * s, {@code log p(x) = -r - 2 softplus(-r) - log s} for r = (x - μ)/s, sampled by the inverse CDF
 * {@code μ + s·log(u/(1-u))}. It reuses the built-in scale options: {@code {type: plugin-logistic,
 * scale: learned}}.
 */
public final class LogisticHead extends LocationScaleHead {
    public static final String TYPE = "plugin-logistic";

    LogisticHead(Scale scale) {
        super(scale);
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    protected Tensor standardLogDensity(Graph g, Tensor r) {
        return g.sub(g.neg(r), g.mul(g.softplus(g.neg(r)), 2.0));
    }

    @Override
    protected Tensor standardSample(Graph g, SampleNoise noise) {
        Tensor u = noise.uniform();
        return g.sub(g.log(u), g.log(g.sub(g.scalar(1), u)));
    }

    /** Reads the scale options under the value key {@code s}. */
    public static final class Factory implements HeadFactory {
        @Override
        public LikelihoodHead create(ComponentSpec spec) {
            Scale scale = Scale.read(spec.options(), "s");
            spec.options().finish();
            return new LogisticHead(scale);
        }
    }
}
