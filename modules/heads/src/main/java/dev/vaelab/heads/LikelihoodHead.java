package dev.vaelab.heads;

import dev.vaelab.onnx.graph.Graph;
import dev.vaelab.onnx.graph.ParameterSource;
import dev.vaelab.onnx.graph.Tensor;
import java.util.LinkedHashMap;

/**
 * A likelihood p(x|z) over pixels, parameterised by the decoder's output. The decoder emits
 * {@link #outputsPerPixel()} values per pixel ([N, D·k], the k blocks of D laid side by side).
 * A head may own trainable parameters of its own (a learned scale), asked for from the
 * {@link ParameterSource} under names starting with {@code likelihood/}.
 */
public interface LikelihoodHead {
    /** The YAML type, e.g. {@code bernoulli}; recorded in exported files. */
    String type();

    /** Values per pixel the decoder must produce (1 for Bernoulli logits). */
    int outputsPerPixel();

    /** The exact log p(x|z) in nats, summed over pixels: [N]. */
    Tensor logLikelihood(Graph g, ParameterSource params, Tensor decoderOutput, Tensor x);

    /**
     * The distribution's mean first (key {@code mean}, [N, D], used by grids and export), then its
     * parameters (e.g. {@code logits}), in a stable order.
     */
    LinkedHashMap<String, Tensor> outputs(Graph g, ParameterSource params, Tensor decoderOutput);

    /**
     * One draw x ~ p(x|z) per pixel, [N, D], as a function of the given noise (drawn in Java from a
     * seeded stream, so samples reproduce). Not differentiable; for generation only.
     */
    Tensor sample(Graph g, ParameterSource params, Tensor decoderOutput, SampleNoise noise);
}
