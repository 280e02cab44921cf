package dev.vaelab.train;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.vaelab.onnx.runtime.OrtEngine;
import dev.vaelab.zoo.objective.VaeGraphs;
import java.util.HashMap;
import java.util.Map;

/** The head's mean for given latent codes (and labels, for a conditional model), with the run's decoder graph. */
final class LatentDecoder implements AutoCloseable {
    private final OrtEngine engine;
    private final OrtSession session;
    private final int latent;
    private final int numClasses;
    private final boolean conditional;

    LatentDecoder(OrtEngine engine, VaeGraphs graphs, int numClasses) {
        this.engine = engine;
        this.session = engine.session(graphs.decoderGraph(), "decoder");
        this.latent = graphs.model().latentDim();
        this.numClasses = numClasses;
        this.conditional = graphs.model().conditional();
    }

    /**
     * Decodes {@code n} codes [n, L]; {@code labels} gives each row's class (used only by a
     * conditional model; may be null otherwise). Returns the mean images [n, D].
     */
    float[] decode(float[] z, int[] labels, int n, Map<String, OnnxTensor> parameters) {
        Map<String, OnnxTensor> feeds = new HashMap<>(OrtEngine.inputsOf(session, parameters));
        float[] oneHot = new float[conditional ? n * numClasses : 1];
        if (conditional) {
            for (int i = 0; i < n; i++) {
                oneHot[i * numClasses + labels[i]] = 1f;
            }
        }
        try (OnnxTensor zt = engine.tensor(java.util.Arrays.copyOf(z, n * latent), n, latent);
             OnnxTensor yt = conditional ? engine.tensor(oneHot, n, numClasses) : null) {
            feeds.put("z", zt);
            if (yt != null) {
                feeds.put("y", yt);
            }
            try (OrtSession.Result r = engine.run(session, feeds)) {
                return Evaluator.floats(r, "mean");
            }
        } catch (OrtException e) {
            throw new IllegalStateException("decoding failed in ONNX Runtime: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        OrtEngine.close(session);
    }
}
