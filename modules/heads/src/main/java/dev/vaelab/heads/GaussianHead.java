package dev.vaelab.heads;

import dev.vaelab.core.spec.ComponentSpec;
import dev.vaelab.onnx.graph.Graph;
import dev.vaelab.onnx.graph.Tensor;

/**
 * Independent Gaussian pixels N(x; μ, σ²) with μ the decoder's output and σ fixed, learned or
 * predicted ({@link Scale}): {@code log p(x) = -½ log 2π - log σ - (x - μ)²/(2σ²)} per pixel, a
 * density in nats. YAML: {@code {type: gaussian, sigma: 0.1}} or
 * {@code {type: gaussian, scale: learned | learned_per_pixel | predicted, min_scale: 1.0e-3}}.
 */
public final class GaussianHead extends LocationScaleHead {
    public static final String TYPE = "gaussian";
    private static final double HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

    public GaussianHead(Scale scale) {
        super(scale);
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    protected Tensor standardLogDensity(Graph g, Tensor r) {
        return g.add(g.mul(g.square(r), -0.5), -HALF_LOG_TWO_PI);
    }

    @Override
    protected Tensor standardSample(Graph g, SampleNoise noise) {
        return noise.normal();
    }

    /** Reads {@code scale}, {@code sigma} and {@code min_scale}. */
    public static final class Factory implements HeadFactory {
        @Override
        public LikelihoodHead create(ComponentSpec spec) {
            Scale scale = Scale.read(spec.options(), "sigma");
            spec.options().finish();
            return new GaussianHead(scale);
        }
    }
}
