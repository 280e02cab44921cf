package dev.vaelab.heads;

import dev.vaelab.core.spec.ComponentSpec;
import dev.vaelab.onnx.graph.DType;
import dev.vaelab.onnx.graph.Graph;
import dev.vaelab.onnx.graph.ParameterSource;
import dev.vaelab.onnx.graph.Shape;
import dev.vaelab.onnx.graph.Tensor;
import java.util.LinkedHashMap;

/**
 * A categorical distribution over the 256 intensity levels of 8-bit images, per pixel: the decoder
 * emits 256 logits per pixel as 256 blocks of D ([N, 256·D], block k holding level k of every
 * pixel), pixel x's level is round(255·x), and {@code log p(x) = log softmax(logits)[level]}, an
 * exact probability (not a density) in nats. The mean is {@code Σ_k p_k·k/255}.
 *
 * <p>The log-sum-exp is shifted by the per-pixel maximum, so no logit can overflow an exponent.
 * The shift is taken through an int64 cast: the autodiff only follows floating tensors, so no
 * gradient flows into it (none should: the log-softmax does not depend on the shift), and it is
 * the maximum up to its fractional part, which keeps every exponent below 1. The log-likelihood
 * picks each pixel's observed logit with GatherElements rather than forming all 256
 * log-probabilities: on [N, 256, D] every pass counts.
 */
public final class CategoricalHead implements LikelihoodHead {
    public static final String TYPE = "categorical";
    /** Intensity levels of an 8-bit pixel. */
    public static final int LEVELS = 256;

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public int outputsPerPixel() {
        return LEVELS;
    }

    /** The decoder output as [N, 256, D]. */
    private static Tensor levelsFirst(Graph g, Tensor decoderOutput) {
        long pixels = decoderOutput.shape().dim(1) / LEVELS;
        return g.reshape(decoderOutput, Shape.of(decoderOutput.shape().dim(0), LEVELS, pixels));
    }

    /** The per-pixel shift of the log-sum-exp, [N, 1, D]: the maximum logit, truncated, with no gradient. */
    private static Tensor shift(Graph g, Tensor logits) {
        return g.cast(g.cast(g.reduceMax(logits, true, 1), DType.INT64), g.floatType());
    }

    /** log Σ_k exp(logit_k - shift), [N, 1, D]. */
    private static Tensor shiftedLogSumExp(Graph g, Tensor logits, Tensor shift) {
        return g.log(g.reduceSum(g.exp(g.sub(logits, shift)), true, 1));
    }

    /** log softmax over the levels, [N, 256, D]. */
    public static Tensor logProbabilities(Graph g, Tensor decoderOutput) {
        Tensor logits = levelsFirst(g, decoderOutput);
        Tensor shift = shift(g, logits);
        return g.sub(g.sub(logits, shift), shiftedLogSumExp(g, logits, shift));
    }

    /** The grey value k/255 of each level, as [1, 256, 1]. */
    private static Tensor levelValues(Graph g) {
        double[] levels = new double[LEVELS];
        for (int k = 0; k < LEVELS; k++) {
            levels[k] = k / (LEVELS - 1.0);
        }
        return g.constant(levels, 1, LEVELS, 1);
    }

    @Override
    public Tensor logLikelihood(Graph g, ParameterSource params, Tensor decoderOutput, Tensor x) {
        // the level of each pixel, kept inside 0..255 so that no pixel can miss every level
        Tensor level = g.min(g.max(g.round(g.mul(x, LEVELS - 1.0)), g.scalar(0)), g.scalar(LEVELS - 1.0));
        Tensor logits = levelsFirst(g, decoderOutput);
        Tensor shift = shift(g, logits);
        Tensor observed = g.gatherElements(logits, g.unsqueeze(g.cast(level, DType.INT64), 1), 1); // [N, 1, D]
        return g.reduceSum(g.sub(g.sub(observed, shift), shiftedLogSumExp(g, logits, shift)), false, 1, 2);
    }

    @Override
    public LinkedHashMap<String, Tensor> outputs(Graph g, ParameterSource params, Tensor decoderOutput) {
        Tensor probabilities = g.exp(logProbabilities(g, decoderOutput));
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        out.put("mean", g.reduceSum(g.mul(probabilities, levelValues(g)), false, 1));
        out.put("logits", levelsFirst(g, decoderOutput));
        return out;
    }

    /**
     * The inverse CDF: the level is the number of levels whose cumulative probability lies below u
     * (at most 255, should rounding leave the last cumulative sum just under u), divided by 255.
     */
    @Override
    public Tensor sample(Graph g, ParameterSource params, Tensor decoderOutput, SampleNoise noise) {
        Tensor cdf = g.cumSum(g.exp(logProbabilities(g, decoderOutput)), 1);
        Tensor below = g.cast(g.greater(g.unsqueeze(noise.uniform(), 1), cdf), g.floatType());
        Tensor level = g.min(g.reduceSum(below, false, 1), g.scalar(LEVELS - 1.0));
        return g.mul(level, 1.0 / (LEVELS - 1));
    }

    /** {@code likelihood: {type: categorical}} takes no options. */
    public static final class Factory implements HeadFactory {
        @Override
        public LikelihoodHead create(ComponentSpec spec) {
            spec.options().finish();
            return new CategoricalHead();
        }
    }
}
