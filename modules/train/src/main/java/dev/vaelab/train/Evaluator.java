package dev.vaelab.train;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.vaelab.core.random.RandomStreams;
import dev.vaelab.data.EvalBatches;
import dev.vaelab.data.ImageSet;
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
        this.session = engine.session(graphs.evaluationGraph(), "vaelab_eval");
        this.latent = graphs.model().latentDim();
        this.imageSize = imageSize;
        this.conditional = graphs.model().conditional();
        this.numClasses = numClasses;
        this.streams = streams;
    }

    /** Per-example means over the split, and per-dimension figures. */
    public record Scores(double elbo, double reconLl, double kl, double[] klPerDim, int activeUnits, int examples) {
        /** The metrics of ARCHITECTURE.md under {@code prefix} ("val" or "test"). */
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

    /** The ELBO terms, KL per dimension and active units over every image, with noise from {@code noisePurpose}. */
    public Scores evaluate(ImageSet images, int batchSize, Map<String, OnnxTensor> parameters, String noisePurpose) {
        double[] recon = {0};
        double[] kl = {0};
        double[] klDim = new double[latent];
        double[] muSum = new double[latent];
        double[] muSquares = new double[latent];
        scoreBatches(images, batchSize, new long[] {latent}, streams.stream(noisePurpose), session, parameters,
                "evaluation", (n, r) -> {
                    float[] rl = floats(r, "recon_ll");
                    float[] kd = floats(r, "kl_dim");
                    float[] mu = floats(r, "mu");
                    for (int i = 0; i < n; i++) {
                        recon[0] += rl[i];
                        for (int d = 0; d < latent; d++) {
                            double k = kd[i * latent + d];
                            kl[0] += k;
                            klDim[d] += k;
                            double m = mu[i * latent + d];
                            muSum[d] += m;
                            muSquares[d] += m * m;
                        }
                    }
                });
        int count = images.count();
        int active = 0;
        for (int d = 0; d < latent; d++) {
            klDim[d] /= count;
            double mean = muSum[d] / count;
            double variance = muSquares[d] / count - mean * mean;
            if (variance > ACTIVE_UNIT_THRESHOLD) {
                active++;
            }
        }
        return new Scores((recon[0] - kl[0]) / count, recon[0] / count, kl[0] / count, klDim, active, count);
    }

    /**
     * The importance-weighted estimate of the negative log-likelihood, per example and in nats:
     * {@code -log (1/K) Σ_k w_k} with K = {@code samples} (Burda et al. 2016), summed with a
     * max-shifted log-sum-exp in double precision. It bounds the true NLL from above, more tightly
     * as K grows, and with K = 1 its expectation is the negative ELBO.
     */
    public double importanceWeightedNll(ImageSet images, int samples, Map<String, OnnxTensor> parameters,
                                        OrtSession iwSession) {
        int perCall = Math.max(1, Math.min(500, 8192 / samples)); // examples × samples rows per call
        double[] total = {0};
        scoreBatches(images, perCall, new long[] {samples, latent}, streams.stream("iw-noise"), iwSession, parameters,
                "importance-weighted evaluation", (n, r) -> {
                    float[] logW = floats(r, "log_w");
                    for (int i = 0; i < n; i++) {
                        total[0] -= logMeanExp(logW, i * samples, samples);
                    }
                });
        return total[0] / images.count();
    }

    /** What to take from one batch's result; {@code n} is the batch's number of examples. */
    @FunctionalInterface
    private interface BatchSink {
        void accept(int n, OrtSession.Result result) throws OrtException;
    }

    /**
     * Runs {@code graph} over every image in batches, feeding x, standard-normal eps of
     * {@code noiseShape} per example (drawn per batch from {@code noise}) and, for a conditional
     * model, the one-hot labels.
     */
    private void scoreBatches(ImageSet images, int batchSize, long[] noiseShape, SplittableRandom noise, OrtSession graph,
                              Map<String, OnnxTensor> parameters, String what, BatchSink sink) {
        EvalBatches batches = new EvalBatches(images, batchSize);
        FloatBuffer x = OrtEngine.directFloats((long) batchSize * imageSize);
        FloatBuffer y = OrtEngine.directFloats((long) batchSize * Math.max(1, numClasses));
        int noisePerExample = Math.toIntExact(java.util.Arrays.stream(noiseShape).reduce(1, (a, b) -> a * b));
        float[] eps = new float[batchSize * noisePerExample];
        for (int b = 0; b < batches.batches(); b++) {
            int n = batches.batchLength(b);
            x.clear();
            batches.fillImages(x, b, 1);
            x.limit(n * imageSize);
            RandomStreams.fillGaussian(noise, eps);
            long[] epsShape = new long[noiseShape.length + 1];
            epsShape[0] = n;
            System.arraycopy(noiseShape, 0, epsShape, 1, noiseShape.length);
            Map<String, OnnxTensor> inputs = new HashMap<>(OrtEngine.inputsOf(graph, parameters));
            try (OnnxTensor xt = engine.tensor(x.slice(), n, imageSize);
                 OnnxTensor et = engine.tensor(java.util.Arrays.copyOf(eps, n * noisePerExample), epsShape);
                 OnnxTensor yt = conditional ? labels(batches, y, b, n) : null) {
                inputs.put("x", xt);
                inputs.put("eps", et);
                if (yt != null) {
                    inputs.put("y", yt);
                }
                try (OrtSession.Result r = engine.run(graph, inputs)) {
                    sink.accept(n, r);
                }
            } catch (OrtException e) {
                throw new IllegalStateException(what + " failed in ONNX Runtime: " + e.getMessage(), e);
            }
        }
    }

    /** log (1/n) Σ exp(v[from..from+n)), shifted by the maximum so that nothing overflows. */
    static double logMeanExp(float[] v, int from, int n) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = from; i < from + n; i++) {
            max = Math.max(max, v[i]);
        }
        if (Double.isInfinite(max)) {
            return max;
        }
        double sum = 0;
        for (int i = from; i < from + n; i++) {
            sum += Math.exp(v[i] - max);
        }
        return max + Math.log(sum / n);
    }

    /** A session for the importance-weight graph of {@code samples} samples per example. */
    public OrtSession importanceWeightSession(VaeGraphs graphs, int samples) {
        return engine.session(graphs.importanceWeightGraph(samples), "vaelab_iw");
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
        OrtEngine.close(session);
    }
}
