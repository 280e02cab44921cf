package dev.vaelab.heads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import dev.vaelab.onnx.autodiff.Autodiff;
import dev.vaelab.onnx.autodiff.GradientChecker;
import dev.vaelab.onnx.autodiff.GradientChecker.Operand;
import dev.vaelab.onnx.graph.DType;
import dev.vaelab.onnx.graph.Graph;
import dev.vaelab.onnx.graph.OnnxModelWriter;
import dev.vaelab.onnx.graph.Shape;
import dev.vaelab.onnx.graph.Tensor;
import dev.vaelab.onnx.runtime.OrtEngine;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The fused Bernoulli log-likelihood's gradient rule and lowering; its values are checked in {@link BernoulliHeadTest}. */
class BernoulliLogLikelihoodTest {
    private static final OrtEngine ENGINE = new OrtEngine(2, true);

    @Test
    void vaelabsKernelsComputeTheLogLikelihoodAndItsGradientAsTheDefinitionDoes() throws Exception {
        Assumptions.assumeTrue(ENGINE.fusedKernels(), "vaelab's native kernels are not built here");
        // an MNIST row (784 values: the kernels' 16 lanes) and a row of 17 (a tail), logits from -90 to 90,
        // 0 and ±87 (where exp underflows) included, targets at 0, 1 and between
        for (int d : new int[] {784, 17}) {
            int n = 5;
            Graph g = new Graph(DType.FLOAT);
            Tensor l = g.input("l", DType.FLOAT, Shape.of(Shape.BATCH, d));
            Tensor x = g.input("x", DType.FLOAT, Shape.of(Shape.BATCH, d));
            Tensor w = g.input("w", DType.FLOAT, Shape.of(Shape.BATCH));
            Tensor ll = BernoulliLogLikelihood.of(g, l, x);
            g.output("ll", ll);
            g.output("dl", Autodiff.gradients(g, g.sumAll(g.mul(ll, w)), List.of(l)).get(l));
            var model = OnnxModelWriter.write(g, OnnxModelWriter.Options.named("t").withRewrite(ENGINE.rewrite()));
            assertEquals(2, model.getGraph().getNodeList().stream().filter(node -> node.getDomain().equals("ai.vaelab")).count(),
                    "the log-likelihood and its gradient as vaelab's kernels");
            Random random = new Random(d);
            float[] logits = new float[n * d];
            float[] targets = new float[n * d];
            float[] weights = new float[n];
            for (int i = 0; i < logits.length; i++) {
                logits[i] = (float) (i % 97 == 0 ? 90 * Math.signum(random.nextGaussian()) : i % 89 == 0 ? 0
                        : i % 83 == 0 ? -87.3 : 8 * random.nextGaussian());
                targets[i] = i % 3 == 0 ? 0 : i % 3 == 1 ? 1 : random.nextFloat();
            }
            for (int r = 0; r < n; r++) {
                weights[r] = (float) random.nextGaussian();
            }
            Map<String, float[]> kernels = run(model.toByteArray(), logits, targets, weights, n, d);
            Map<String, float[]> lowerings = run(OnnxModelWriter.toBytes(g, OnnxModelWriter.Options.named("t")),
                    logits, targets, weights, n, d);
            for (int r = 0; r < n; r++) {
                double expected = 0;
                double magnitude = 0;
                for (int j = 0; j < d; j++) {
                    double term = reference(targets[r * d + j], logits[r * d + j]);
                    expected += term;
                    magnitude += Math.abs(term);
                }
                // float sums of d terms: rounding of a few ulp of the terms' magnitude
                double tolerance = 1e-6 * Math.max(1, magnitude);
                assertEquals(expected, kernels.get("ll")[r], tolerance, "kernel, row " + r + " of " + d);
                assertEquals(expected, lowerings.get("ll")[r], tolerance, "lowering, row " + r + " of " + d);
                for (int j = 0; j < d; j++) {
                    int i = r * d + j;
                    double sigmoid = 1 / (1 + Math.exp(-logits[i]));
                    double want = (targets[i] - sigmoid) * weights[r];
                    assertEquals(want, kernels.get("dl")[i], 1e-6 * Math.max(1, Math.abs(weights[r])),
                            "kernel's gradient at logit " + logits[i]);
                    assertEquals(want, lowerings.get("dl")[i], 1e-6 * Math.max(1, Math.abs(weights[r])),
                            "lowering's gradient at logit " + logits[i]);
                }
            }
        }
    }

    /** x·l - softplus(l) in double, softplus written so that it neither overflows nor loses its small values. */
    private static double reference(double x, double l) {
        return x * l - (Math.max(l, 0) + Math.log1p(Math.exp(-Math.abs(l))));
    }

    private static Map<String, float[]> run(byte[] model, float[] logits, float[] targets, float[] weights, int n, int d)
            throws Exception {
        Map<String, float[]> outputs = new HashMap<>();
        try (OrtSession session = ENGINE.session(model);
             OnnxTensor l = ENGINE.tensor(logits, n, d);
             OnnxTensor x = ENGINE.tensor(targets, n, d);
             OnnxTensor w = ENGINE.tensor(weights, n);
             OrtSession.Result result = ENGINE.run(session, Map.of("l", l, "x", x, "w", w))) {
            for (String name : List.of("ll", "dl")) {
                var values = ((OnnxTensor) result.get(name).orElseThrow()).getFloatBuffer();
                float[] copy = new float[values.remaining()];
                values.get(copy);
                outputs.put(name, copy);
            }
        }
        return outputs;
    }
    @Test
    void theGradientRuleMatchesFiniteDifferencesThroughTheLowering() {
        // 48 pixels: three groups of 16 in the lowering's products; 7 pixels: one group of 7; 17 pixels
        // (a prime above 16): no grouping
        GradientChecker.check(BernoulliLogLikelihood.OP_TYPE, ops -> BernoulliLogLikelihood.of(ops.g(), ops.x(0), ops.x(1)),
                Operand.batched(3, -8, 8, 48), Operand.batched(3, 0, 1, 48));
        GradientChecker.check(BernoulliLogLikelihood.OP_TYPE, ops -> BernoulliLogLikelihood.of(ops.g(), ops.x(0), ops.x(1)),
                Operand.of(-8, 8, 2, 7), Operand.of(0, 1, 2, 7));
        GradientChecker.check(BernoulliLogLikelihood.OP_TYPE, ops -> BernoulliLogLikelihood.of(ops.g(), ops.x(0), ops.x(1)),
                Operand.of(-8, 8, 2, 17), Operand.of(0, 1, 2, 17));
    }

    @Test
    void groupsTileARow() {
        assertEquals(16, BernoulliLogLikelihood.logGroup(784));
        assertEquals(14, BernoulliLogLikelihood.logGroup(3 * 14));
        assertEquals(7, BernoulliLogLikelihood.logGroup(7));
        assertEquals(1, BernoulliLogLikelihood.logGroup(17));
    }

    @Test
    void logitsAndTargetsMustShareOneMatrixShape() {
        Graph g = new Graph(DType.FLOAT);
        var l = g.input("l", DType.FLOAT, Shape.of(Shape.BATCH, 4));
        var x = g.input("x", DType.FLOAT, Shape.of(Shape.BATCH, 5));
        assertThrows(IllegalArgumentException.class, () -> BernoulliLogLikelihood.of(g, l, x));
    }
}
