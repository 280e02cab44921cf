package dev.vaelab.heads;

import dev.vaelab.core.spec.ComponentSpec;
import dev.vaelab.onnx.graph.Graph;
import dev.vaelab.onnx.graph.Tensor;

/**
 * Independent Laplace pixels with location μ (the decoder's output) and scale b fixed, learned or
 * predicted ({@link Scale}): {@code log p(x) = -log 2b - |x - μ|/b} per pixel, a density in nats;
 * the mean is μ and the variance 2b². YAML: {@code {type: laplace, b: 0.1}} or
 * {@code {type: laplace, scale: learned | learned_per_pixel | predicted, min_scale: 1.0e-3}}.
 */
public final class LaplaceHead extends LocationScaleHead {
    public static final String TYPE = "laplace";
    private static final double LOG_TWO = Math.log(2);

    public LaplaceHead(Scale scale) {
        super(scale);
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    protected Tensor standardLogDensity(Graph g, Tensor r) {
        return g.add(g.neg(g.abs(r)), -LOG_TWO);
    }

    /** The inverse CDF at u: ε = -sign(u - ½)·log(1 - 2|u - ½|), finite since u is inside (0, 1). */
    @Override
    protected Tensor standardSample(Graph g, SampleNoise noise) {
        Tensor v = g.add(noise.uniform(), -0.5);
        Tensor tail = g.log(g.add(g.mul(g.abs(v), -2.0), 1.0));
        return g.neg(g.mul(g.sign(v), tail));
    }

    /** Reads {@code scale}, {@code b} and {@code min_scale}. */
    public static final class Factory implements HeadFactory {
        @Override
        public LikelihoodHead create(ComponentSpec spec) {
            Scale scale = Scale.read(spec.options(), "b");
            spec.options().finish();
            return new LaplaceHead(scale);
        }
    }
}
