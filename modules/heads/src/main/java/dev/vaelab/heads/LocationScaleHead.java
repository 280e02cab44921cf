package dev.vaelab.heads;

import dev.vaelab.onnx.graph.Graph;
import dev.vaelab.onnx.graph.ParameterSource;
import dev.vaelab.onnx.graph.Tensor;
import java.util.LinkedHashMap;

/**
 * A head whose pixels are {@code x = loc + s·ε} with ε from a fixed standard density f:
 * {@code log p(x) = log f((x - loc)/s) - log s}. The decoder's first block of D values is the
 * location (and the mean); the scale comes from {@link Scale}.
 */
public abstract class LocationScaleHead implements LikelihoodHead {
    private final Scale scale;

    protected LocationScaleHead(Scale scale) {
        this.scale = scale;
    }

    public Scale scale() {
        return scale;
    }

    /** log f(r) per element, normalising constant included. */
    protected abstract Tensor standardLogDensity(Graph g, Tensor r);

    /** ε ~ f from the noise, [N, D]. */
    protected abstract Tensor standardSample(Graph g, SampleNoise noise);

    @Override
    public int outputsPerPixel() {
        return scale.outputsPerPixel();
    }

    /** The location [N, D] and log-scale (broadcastable to it) of a decoder output. */
    public record Parts(Tensor loc, Tensor logScale) {
    }

    public Parts parts(Graph g, ParameterSource params, Tensor decoderOutput) {
        long pixels = decoderOutput.shape().dim(1) / outputsPerPixel();
        if (scale.mode() == Scale.Mode.PREDICTED) {
            return new Parts(g.slice(decoderOutput, 1, 0, pixels),
                    scale.logScale(g, params, g.slice(decoderOutput, 1, pixels, 2 * pixels), pixels));
        }
        return new Parts(decoderOutput, scale.logScale(g, params, null, pixels));
    }

    @Override
    public Tensor logLikelihood(Graph g, ParameterSource params, Tensor decoderOutput, Tensor x) {
        Parts p = parts(g, params, decoderOutput);
        // r = (x - loc)/s as a product with exp(-log s): one exp per scale, not per pixel, unless predicted
        Tensor r = g.mul(g.sub(x, p.loc()), g.exp(g.neg(p.logScale())));
        return g.reduceSum(g.sub(standardLogDensity(g, r), p.logScale()), false, 1);
    }

    @Override
    public LinkedHashMap<String, Tensor> outputs(Graph g, ParameterSource params, Tensor decoderOutput) {
        Parts p = parts(g, params, decoderOutput);
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        out.put("mean", p.loc());
        out.put("loc", p.loc());
        out.put("log_scale", g.expandLike(p.logScale(), p.loc()));
        return out;
    }

    @Override
    public Tensor sample(Graph g, ParameterSource params, Tensor decoderOutput, SampleNoise noise) {
        Parts p = parts(g, params, decoderOutput);
        return g.add(p.loc(), g.mul(g.exp(p.logScale()), standardSample(g, noise)));
    }
}
