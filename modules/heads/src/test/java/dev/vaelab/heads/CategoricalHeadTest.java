package dev.vaelab.heads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaelab.heads.Float64.In;
import dev.vaelab.heads.Float64.Moments;
import dev.vaelab.onnx.autodiff.Autodiff;
import dev.vaelab.onnx.graph.DType;
import dev.vaelab.onnx.graph.Graph;
import dev.vaelab.onnx.graph.GraphInputParameters;
import dev.vaelab.onnx.graph.Shape;
import dev.vaelab.onnx.graph.Tensor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The 256-level categorical head on logits built as {@code log p_k + c} from known probabilities p:
 * whatever the offset c (up to ±3e4, where an unshifted exp overflows even in double), log p(x)
 * must be exactly log p of x's level; the mean Σ p_k k/255; the sampler's moments; the gradient
 * one-hot minus softmax, through the stop-gradient shift.
 */
class CategoricalHeadTest {
    private static final int K = CategoricalHead.LEVELS;
    private static final CategoricalHead HEAD = new CategoricalHead();

    /** Random probabilities over the levels, some of them tiny. */
    private static double[] probabilities(SplittableRandom random) {
        double[] p = new double[K];
        double sum = 0;
        for (int k = 0; k < K; k++) {
            p[k] = -Math.log(1 - random.nextDouble()) * (random.nextInt(10) == 0 ? 1e-30 : 1);
            sum += p[k];
        }
        for (int k = 0; k < K; k++) {
            p[k] /= sum;
        }
        return p;
    }

    /** Decoder output [N, 256·D]: level k of pixel d of example n at n·256·D + k·D + d. */
    private static double[] decoderOutput(double[][][] p, double[][] offsets) {
        int n = p.length;
        int pixels = p[0].length;
        double[] out = new double[n * K * pixels];
        for (int i = 0; i < n; i++) {
            for (int d = 0; d < pixels; d++) {
                for (int k = 0; k < K; k++) {
                    out[i * K * pixels + k * pixels + d] = Math.log(p[i][d][k]) + offsets[i][d];
                }
            }
        }
        return out;
    }

    @Test
    void logLikelihoodIsTheLogProbabilityOfEachPixelsLevelWhateverTheOffset() {
        SplittableRandom random = new SplittableRandom(1);
        int n = 2;
        int pixels = 4;
        double[][][] p = new double[n][pixels][];
        for (int i = 0; i < n; i++) {
            for (int d = 0; d < pixels; d++) {
                p[i][d] = probabilities(random);
            }
        }
        double[][] offsets = {{0, 1e4, -3e4, 88.8}, {-745, 3e4, 12.5, -0.3}};
        int[][] levels = {{0, 255, 128, 1}, {254, 0, 255, 77}};
        double[] x = new double[n * pixels];
        for (int i = 0; i < n; i++) {
            for (int d = 0; d < pixels; d++) {
                x[i * pixels + d] = levels[i][d] / 255.0;
            }
        }
        Graph g = new Graph(DType.DOUBLE);
        Tensor o = g.input("out", DType.DOUBLE, Shape.of(Shape.BATCH, (long) K * pixels));
        Tensor xt = g.input("x", DType.DOUBLE, Shape.of(Shape.BATCH, pixels));
        GraphInputParameters params = new GraphInputParameters(g, "");
        g.output("ll", HEAD.logLikelihood(g, params, o, xt));
        HEAD.outputs(g, params, o).forEach(g::output);
        double[] out = decoderOutput(p, offsets);
        Map<String, double[]> got = Float64.run(g, Map.of("out", new In(out, n, (long) K * pixels), "x", new In(x, n, pixels)));
        for (int i = 0; i < n; i++) {
            double expected = 0;
            for (int d = 0; d < pixels; d++) {
                expected += Math.log(p[i][d][levels[i][d]]);
                double mean = 0;
                for (int k = 0; k < K; k++) {
                    mean += p[i][d][k] * k / 255.0;
                }
                assertEquals(mean, got.get("mean")[i * pixels + d], 1e-12, "mean of pixel " + d + " of example " + i);
            }
            // offsets of 3e4 leave about 3e4·1e-16 of absolute precision in each logit
            assertEquals(expected, got.get("ll")[i], 1e-10, "log p of example " + i);
        }
        assertEquals(out.length, got.get("logits").length);
        assertEquals(out[K * pixels + 5 * pixels + 2], got.get("logits")[K * pixels + 5 * pixels + 2], 0.0,
                "logits are exported as [N, 256, D] in the decoder's block order");
    }

    @Test
    void greyLevelsRoundToTheNearestLevelAndStayInRange() {
        double[] p = probabilities(new SplittableRandom(2));
        double[] pixels = {0.4 / 255, 0.6 / 255, 100.4 / 255, 254.6 / 255, -0.2, 1.3};
        int[] level = {0, 1, 100, 255, 0, 255};
        double[][][] rows = new double[pixels.length][][];
        java.util.Arrays.fill(rows, new double[][] {p});
        double[] out = decoderOutput(rows, new double[pixels.length][1]);
        Graph g = new Graph(DType.DOUBLE);
        Tensor o = g.input("out", DType.DOUBLE, Shape.of(Shape.BATCH, K));
        Tensor xt = g.input("x", DType.DOUBLE, Shape.of(Shape.BATCH, 1));
        g.output("ll", HEAD.logLikelihood(g, new GraphInputParameters(g, ""), o, xt));
        double[] ll = Float64.run(g, Map.of("out", new In(out, pixels.length, K), "x", new In(pixels, pixels.length, 1)))
                .get("ll");
        for (int i = 0; i < pixels.length; i++) {
            assertEquals(Math.log(p[level[i]]), ll[i], 1e-12, "pixel " + pixels[i]);
        }
    }

    @Test
    void theSamplerHasTheFirstTwoMoments() {
        SplittableRandom random = new SplittableRandom(3);
        double[][] p = {probabilities(random), probabilities(random)};
        // a peaked third pixel: almost all mass on level 200
        double[] peaked = new double[K];
        java.util.Arrays.fill(peaked, 1e-6 / (K - 1));
        peaked[200] = 1 - 1e-6;
        double[][][] all = {{p[0], p[1], peaked}};
        int pixels = 3;
        int draws = 20_000;
        Graph g = new Graph(DType.DOUBLE);
        Tensor o = g.input("out", DType.DOUBLE, Shape.of(1, (long) K * pixels));
        Tensor u = g.input("u", DType.DOUBLE, Shape.of(Shape.BATCH, pixels));
        g.output("x", HEAD.sample(g, new GraphInputParameters(g, ""), o, new SampleNoise(u, u)));
        double[] samples = Float64.run(g, Map.of("out", new In(decoderOutput(all, new double[][] {{3, -7, 40}}), 1, (long) K * pixels),
                "u", new In(Float64.uniforms(random, draws * pixels), draws, pixels))).get("x");
        for (int d = 0; d < pixels; d++) {
            double mean = 0;
            double second = 0;
            for (int k = 0; k < K; k++) {
                mean += all[0][d][k] * k / 255.0;
                second += all[0][d][k] * (k / 255.0) * (k / 255.0);
            }
            double variance = second - mean * mean;
            double fourth = 0;
            for (int k = 0; k < K; k++) {
                fourth += all[0][d][k] * Math.pow(k / 255.0 - mean, 4);
            }
            Moments m = Moments.ofColumn(samples, pixels, d);
            assertEquals(mean, m.mean(), m.meanTolerance(variance, draws), "sample mean of pixel " + d);
            assertEquals(variance, m.variance(), Moments.varianceTolerance(variance, fourth, draws), "sample variance of pixel " + d);
        }
        for (double s : samples) {
            double level = s * 255;
            assertEquals(Math.rint(level), level, 1e-9, "samples are levels k/255");
        }
    }

    @Test
    void theGradientIsOneHotMinusSoftmaxThroughTheShift() {
        double[] p = probabilities(new SplittableRandom(4));
        double[] out = decoderOutput(new double[][][] {{p}}, new double[][] {{5.3}});
        int observed = 37;
        Graph g = new Graph(DType.DOUBLE);
        Tensor o = g.input("out", DType.DOUBLE, Shape.of(1, K));
        Tensor xt = g.input("x", DType.DOUBLE, Shape.of(1, 1));
        Tensor loss = g.sumAll(HEAD.logLikelihood(g, new GraphInputParameters(g, ""), o, xt));
        g.output("loss", loss);
        g.output("grad", Autodiff.gradients(g, loss, List.of(o)).get(o));
        Map<String, In> feeds = new HashMap<>(Map.of("out", new In(out, 1, K), "x", new In(new double[] {observed / 255.0}, 1, 1)));
        try (Float64.Session s = new Float64.Session(g)) {
            double[] analytic = s.run(feeds).get("grad");
            double[] numeric = Float64.finiteDifferences(s, feeds, "out", "loss", 1e-6);
            for (int k = 0; k < K; k++) {
                double expected = (k == observed ? 1 : 0) - p[k];
                assertEquals(expected, analytic[k], 1e-12, "d log p / d logit of level " + k);
                assertEquals(numeric[k], analytic[k], 1e-7, "finite difference at level " + k);
            }
        }
        assertTrue(HEAD.outputsPerPixel() == 256);
    }
}
