package dev.vaelab.train;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.vaelab.data.EvalBatches;
import dev.vaelab.data.ImageSet;
import dev.vaelab.onnx.runtime.OrtEngine;
import dev.vaelab.zoo.objective.VaeGraphs;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.Map;

/** Posterior means of whole image sets, in batches, with the run's encoder graph. */
final class LatentEncoder implements AutoCloseable {
    private static final int BATCH = 1000;

    private final OrtEngine engine;
    private final OrtSession session;
    private final int latent;
    private final boolean conditional;

    LatentEncoder(OrtEngine engine, VaeGraphs graphs) {
        this.engine = engine;
        this.session = engine.session(graphs.encoderGraph(), "encoder");
        this.latent = graphs.model().latentDim();
        this.conditional = graphs.model().conditional();
    }

    int latentDim() {
        return latent;
    }

    /** The posterior mean of every image, row-major [count, L]. */
    float[] means(ImageSet images, Map<String, OnnxTensor> parameters) {
        return means(images, images.count(), parameters);
    }

    /** The posterior means of the first {@code count} images. */
    float[] means(ImageSet images, int count, Map<String, OnnxTensor> parameters) {
        EvalBatches batches = new EvalBatches(images.slice(0, count), BATCH);
        int d = images.imageSize();
        int k = Math.max(1, images.numClasses());
        FloatBuffer x = OrtEngine.directFloats((long) BATCH * d);
        FloatBuffer y = OrtEngine.directFloats((long) BATCH * k);
        float[] out = new float[count * latent];
        for (int b = 0; b < batches.batches(); b++) {
            int n = batches.batchLength(b);
            x.clear();
            batches.fillImages(x, b, 1);
            x.limit(n * d);
            Map<String, OnnxTensor> feeds = new HashMap<>(OrtEngine.inputsOf(session, parameters));
            try (OnnxTensor xt = engine.tensor(x.slice(), n, d); OnnxTensor yt = conditional ? labels(batches, y, b, n, k) : null) {
                feeds.put("x", xt);
                if (yt != null) {
                    feeds.put("y", yt);
                }
                try (OrtSession.Result r = engine.run(session, feeds)) {
                    float[] mu = Evaluator.floats(r, "mu");
                    System.arraycopy(mu, 0, out, b * BATCH * latent, n * latent);
                }
            } catch (OrtException e) {
                throw new IllegalStateException("encoding failed in ONNX Runtime: " + e.getMessage(), e);
            }
        }
        return out;
    }

    private OnnxTensor labels(EvalBatches batches, FloatBuffer y, int batch, int n, int k) {
        y.clear();
        batches.fillOneHot(y, batch, 1);
        y.limit(n * k);
        return engine.tensor(y.slice(), n, k);
    }

    @Override
    public void close() {
        OrtEngine.close(session);
    }
}
