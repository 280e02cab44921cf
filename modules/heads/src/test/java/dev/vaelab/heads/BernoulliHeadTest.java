package dev.vaelab.heads;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.vaelab.onnx.graph.DType;
import dev.vaelab.onnx.graph.Graph;
import dev.vaelab.onnx.graph.GraphInputParameters;
import dev.vaelab.onnx.graph.OnnxModelWriter;
import dev.vaelab.onnx.graph.Shape;
import dev.vaelab.onnx.graph.Tensor;
import java.nio.DoubleBuffer;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Bernoulli head against log-likelihoods computed independently in double precision. */
class BernoulliHeadTest {
    @Test
    void logLikelihoodMatchesTheClosedFormIncludingExtremeLogits() throws Exception {
        double[] logits = {-800, -40, -5, -0.3, 0, 0.3, 5, 40, 800, 2};
        double[] x = {0, 1, 0, 1, 0, 1, 1, 0, 1, 0.25};
        Graph g = new Graph(DType.DOUBLE);
        Tensor l = g.input("l", DType.DOUBLE, Shape.of(Shape.BATCH, 5));
        Tensor xs = g.input("x", DType.DOUBLE, Shape.of(Shape.BATCH, 5));
        BernoulliHead head = new BernoulliHead();
        g.output("ll", head.logLikelihood(g, new GraphInputParameters(g, ""), l, xs));
        g.output("mean", head.outputs(g, new GraphInputParameters(g, ""), l).get("mean"));
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession s = env.createSession(OnnxModelWriter.toBytes(g, OnnxModelWriter.Options.named("t")),
                new OrtSession.SessionOptions());
             OnnxTensor lt = OnnxTensor.createTensor(env, DoubleBuffer.wrap(logits), new long[] {2, 5});
             OnnxTensor xt = OnnxTensor.createTensor(env, DoubleBuffer.wrap(x), new long[] {2, 5});
             OrtSession.Result r = s.run(Map.of("l", lt, "x", xt))) {
            double[] ll = new double[2];
            ((OnnxTensor) r.get("ll").get()).getDoubleBuffer().get(ll);
            double[] mean = new double[10];
            ((OnnxTensor) r.get("mean").get()).getDoubleBuffer().get(mean);
            for (int n = 0; n < 2; n++) {
                double expected = 0;
                for (int d = 0; d < 5; d++) {
                    int i = n * 5 + d;
                    expected += reference(x[i], logits[i]);
                }
                // softplus via relu(l) - log(sigmoid(|l|)) loses at most ~e^-|l| per pixel
                assertEquals(expected, ll[n], 1e-9 * Math.max(1, Math.abs(expected)), "example " + n);
            }
            for (int i = 0; i < 10; i++) {
                assertEquals(1 / (1 + Math.exp(-logits[i])), mean[i], 1e-12, "mean of logit " + logits[i]);
            }
        }
    }

    @Test
    void mnistSizedRowsMatchTheClosedFormInFloat32AndFloat64() throws Exception {
        // 784 pixels: the lowering multiplies the sigmoids of 49 groups of 16 before taking logs
        int n = 3;
        int d = 784;
        java.util.Random random = new java.util.Random(5);
        double[] logits = new double[n * d];
        double[] x = new double[n * d];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = i % 97 == 0 ? (random.nextBoolean() ? 60 : -60) : random.nextGaussian() * 6;
            x[i] = i % 3 == 0 ? random.nextInt(2) : random.nextInt(256) / 255.0;
        }
        double[] expected = new double[n];
        for (int i = 0; i < logits.length; i++) {
            expected[i / d] += reference(x[i], logits[i]);
        }
        double[] float64 = logLikelihood(DType.DOUBLE, logits, x, n, d);
        double[] float32 = logLikelihood(DType.FLOAT, logits, x, n, d);
        for (int k = 0; k < n; k++) {
            assertEquals(expected[k], float64[k], 1e-10 * Math.abs(expected[k]), "float64, example " + k);
            // float32 inputs are rounded to 24 bits, and 784 terms of up to ~60 nats are summed
            assertEquals(expected[k], float32[k], 2e-5 * Math.abs(expected[k]), "float32, example " + k);
        }
    }

    private static double[] logLikelihood(DType type, double[] logits, double[] x, int n, int d) throws Exception {
        Graph g = new Graph(type);
        Tensor l = g.input("l", type, Shape.of(Shape.BATCH, d));
        Tensor xs = g.input("x", type, Shape.of(Shape.BATCH, d));
        g.output("ll", g.cast(new BernoulliHead().logLikelihood(g, new GraphInputParameters(g, ""), l, xs), DType.DOUBLE));
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        long[] shape = {n, d};
        try (OrtSession s = env.createSession(OnnxModelWriter.toBytes(g, OnnxModelWriter.Options.named("t")),
                new OrtSession.SessionOptions());
             OnnxTensor lt = tensor(env, type, logits, shape);
             OnnxTensor xt = tensor(env, type, x, shape);
             OrtSession.Result r = s.run(Map.of("l", lt, "x", xt))) {
            double[] ll = new double[n];
            ((OnnxTensor) r.get("ll").get()).getDoubleBuffer().get(ll);
            return ll;
        }
    }

    private static OnnxTensor tensor(OrtEnvironment env, DType type, double[] values, long[] shape) throws Exception {
        if (type == DType.DOUBLE) {
            return OnnxTensor.createTensor(env, DoubleBuffer.wrap(values), shape);
        }
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) values[i];
        }
        return OnnxTensor.createTensor(env, java.nio.FloatBuffer.wrap(f), shape);
    }

    @Test
    void samplesAreBinaryWithTheRightMeanAndVariance() {
        double[] logits = {-3, 0, 0.4, 6};
        int draws = 40_000;
        Graph g = new Graph(DType.DOUBLE);
        Tensor l = g.input("l", DType.DOUBLE, Shape.of(1, logits.length));
        Tensor u = g.input("u", DType.DOUBLE, Shape.of(Shape.BATCH, logits.length));
        g.output("x", new BernoulliHead().sample(g, new GraphInputParameters(g, ""), l, new SampleNoise(u, u)));
        double[] x = Float64.run(g, Map.of("l", new Float64.In(logits, 1, logits.length), "u",
                new Float64.In(Float64.uniforms(new java.util.SplittableRandom(9), draws * logits.length), draws, logits.length)))
                .get("x");
        for (double v : x) {
            assertEquals(0.0, v * (1 - v), 0.0, "a Bernoulli sample is 0 or 1: " + v);
        }
        for (int d = 0; d < logits.length; d++) {
            double p = 1 / (1 + Math.exp(-logits[d]));
            Float64.Moments m = Float64.Moments.ofColumn(x, logits.length, d);
            assertEquals(p, m.mean(), m.meanTolerance(p * (1 - p), draws), "mean at logit " + logits[d]);
            assertEquals(p * (1 - p), m.variance(), m.varianceTolerance(p * (1 - p), draws), "variance at logit " + logits[d]);
        }
    }

    /** x·log σ(l) + (1-x)·log(1-σ(l)), with log σ(l) = -log1p(e^-l) evaluated on the stable side. */
    private static double reference(double x, double l) {
        double logSig = l >= 0 ? -Math.log1p(Math.exp(-l)) : l - Math.log1p(Math.exp(l));
        double logOneMinusSig = logSig - l; // log(1 - σ(l)) = log σ(-l) = log σ(l) - l
        return x * logSig + (1 - x) * logOneMinusSig;
    }
}
