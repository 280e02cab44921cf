package dev.vaelab.train;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.vaelab.core.random.RandomStreams;
import dev.vaelab.data.EvalBatches;
import dev.vaelab.data.ImageSet;
import dev.vaelab.onnx.graph.OnnxModelWriter;
import dev.vaelab.onnx.runtime.OrtEngine;
import dev.vaelab.zoo.objective.VaeGraphs;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Scores a whole split with the current parameters: mean ELBO terms per example, KL per latent
 * dimension, and active units (Burda et al. 2016: dimensions whose posterior mean varies over the
 * data with variance above 0.01). The noise comes from a fixed stream, so two evaluations of the
 * same parameters give the same numbers.
 */
public final class Evaluator implements AutoCloseable {
    private static final double ACTIVE_UNIT_THRESHOLD = 0.01;

    private final OrtEngine engine;
    private final OrtSession session;
    private final int latent;
    private final int imageSize;
    private final boolean conditional;
    private final int numClasses;
    private final RandomStreams streams;

    public Evaluator(OrtEngine engine, VaeGraphs graphs, int imageSize, int numClasses, RandomStreams streams) {
        this.engine = engine;
        this.session = engine.session(OnnxModelWriter.toBytes(graphs.evaluationGraph(), OnnxModelWriter.Options.named("vaelab_eval")));
        this.latent = graphs.model().latentDim();
        this.imageSize = imageSize;
        this.conditional = graphs.model().conditional();
        this.numClasses = numClasses;
        this.streams = streams;
    }

    /** Per-example means over the split, and per-dimension figures. */
    public record Scores(double elbo, double reconLl, double kl, double[] klPerDim, int activeUnits, int examples) {
        /** The metrics of DESIGN.md under {@code prefix} ("val" or "test"). */
        public Map<String, Double> metrics(String prefix, boolean perDimension) {
            Map<String, Double> m = new LinkedHashMap<>();
            m.put(prefix + "/elbo", elbo);
            m.put(prefix + "/recon_ll", reconLl);
            m.put(prefix + "/kl", kl);
            if (perDimension) {
                int width = Math.max(2, String.valueOf(klPerDim.length - 1).length());
                for (int d = 0; d < klPerDim.length; d++) {
                    m.put(String.format("%s/kl_dim/%0" + width + "d", prefix, d), klPerDim[d]);
                }
                m.put(prefix + "/active_units", (double) activeUnits);
            }
            return m;
        }
    }

    public Scores evaluate(ImageSet images, int batchSize, Map<String, OnnxTensor> parameters, String noisePurpose) {
        EvalBatches batches = new EvalBatches(images, batchSize);
        FloatBuffer x = OrtEngine.directFloats((long) batchSize * imageSize);
        FloatBuffer y = OrtEngine.directFloats((long) batchSize * Math.max(1, numClasses));
        SplittableRandom noise = streams.stream(noisePurpose);
        double recon = 0;
        double kl = 0;
        double[] klDim = new double[latent];
        double[] muSum = new double[latent];
        double[] muSquares = new double[latent];
        float[] eps = new float[batchSize * latent];
        for (int b = 0; b < batches.batches(); b++) {
            int n = batches.batchLength(b);
            x.clear();
            batches.fillImages(x, b, 1);
            x.limit(n * imageSize);
            RandomStreams.fillGaussian(noise, eps);
            Map<String, OnnxTensor> inputs = new HashMap<>(OrtEngine.inputsOf(session, parameters));
            try (OnnxTensor xt = engine.tensor(x.slice(), n, imageSize);
                 OnnxTensor et = engine.tensor(java.util.Arrays.copyOf(eps, n * latent), n, latent);
                 OnnxTensor yt = conditional ? labels(batches, y, b, n) : null) {
                inputs.put("x", xt);
                inputs.put("eps", et);
                if (yt != null) {
                    inputs.put("y", yt);
                }
                try (OrtSession.Result r = session.run(inputs)) {
                    float[] rl = floats(r, "recon_ll");
                    float[] kd = floats(r, "kl_dim");
                    float[] mu = floats(r, "mu");
                    for (int i = 0; i < n; i++) {
                        recon += rl[i];
                        for (int d = 0; d < latent; d++) {
                            double k = kd[i * latent + d];
                            kl += k;
                            klDim[d] += k;
                            double m = mu[i * latent + d];
                            muSum[d] += m;
                            muSquares[d] += m * m;
                        }
                    }
                }
            } catch (OrtException e) {
                throw new IllegalStateException("evaluation failed in ONNX Runtime: " + e.getMessage(), e);
            }
        }
        int count = batches.count();
        int active = 0;
        for (int d = 0; d < latent; d++) {
            klDim[d] /= count;
            double mean = muSum[d] / count;
            double variance = muSquares[d] / count - mean * mean;
            if (variance > ACTIVE_UNIT_THRESHOLD) {
                active++;
            }
        }
        return new Scores((recon - kl) / count, recon / count, kl / count, klDim, active, count);
    }

    private OnnxTensor labels(EvalBatches batches, FloatBuffer y, int batch, int n) {
        y.clear();
        batches.fillOneHot(y, batch, 1);
        y.limit(n * numClasses);
        return engine.tensor(y.slice(), n, numClasses);
    }

    static float[] floats(OrtSession.Result r, String name) {
        FloatBuffer b = ((OnnxTensor) r.get(name).orElseThrow()).getFloatBuffer();
        float[] out = new float[b.remaining()];
        b.get(out);
        return out;
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
    }
}
