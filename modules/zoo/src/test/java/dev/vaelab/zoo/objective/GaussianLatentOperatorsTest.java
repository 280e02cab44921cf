package dev.vaelab.zoo.objective;

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

/**
 * The Gaussian posterior's fused sample and KL term: their gradient rules against finite differences
 * (through the lowerings, in double), and the native kernels and the lowerings against the closed forms
 * computed here in double.
 */
class GaussianLatentOperatorsTest {
    private static final OrtEngine ENGINE = new OrtEngine(2, true);

    @Test
    void theGradientRulesMatchFiniteDifferencesThroughTheLowerings() {
        GradientChecker.check(GaussianSample.OP_TYPE, ops -> GaussianSample.of(ops.g(), ops.x(0), ops.x(1)),
                Operand.batched(3, -2, 2, 8), Operand.batched(3, -2, 2, 4));
        GradientChecker.check(GaussianKl.OP_TYPE, ops -> GaussianKl.of(ops.g(), ops.x(0)), Operand.batched(3, -2, 2, 6));
        GradientChecker.check(GaussianKl.OP_TYPE, ops -> GaussianKl.of(ops.g(), ops.x(0)), Operand.of(-3, 3, 2, 2));
    }

    @Test
    void kernelsAndLoweringsComputeTheClosedForms() throws Exception {
        // 20 latents (a vector and a tail of the kernels' 16 lanes) and 3; log-variances from -40 to 40, where the
        // standard deviation spans e^-20 to e^20
        for (int latent : new int[] {20, 3}) {
            int n = 6;
            Graph g = new Graph(DType.FLOAT);
            Tensor h = g.input("h", DType.FLOAT, Shape.of(Shape.BATCH, 2 * latent));
            Tensor eps = g.input("eps", DType.FLOAT, Shape.of(Shape.BATCH, latent));
            Tensor dz = g.input("dz", DType.FLOAT, Shape.of(Shape.BATCH, latent));
            Tensor dkl = g.input("dkl", DType.FLOAT, Shape.of(Shape.BATCH));
            Tensor z = GaussianSample.of(g, h, eps);
            Tensor kl = GaussianKl.of(g, h);
            g.output("z", z);
            g.output("kl", kl);
            // sum(z·dz) + sum(kl·dkl): its gradient with respect to h is both rules' outputs added
            Tensor objective = g.add(g.sumAll(g.mul(z, dz)), g.sumAll(g.mul(kl, dkl)));
            g.output("dh", Autodiff.gradients(g, objective, List.of(h)).get(h));
            Random random = new Random(latent);
            float[] hs = new float[n * 2 * latent];
            float[] es = new float[n * latent];
            float[] dzs = new float[n * latent];
            float[] dkls = new float[n];
            for (int i = 0; i < hs.length; i++) {
                boolean logvar = i % (2 * latent) >= latent;
                hs[i] = (float) (logvar && i % 11 == 0 ? 40 * Math.signum(random.nextGaussian()) : 2 * random.nextGaussian());
            }
            for (int i = 0; i < es.length; i++) {
                es[i] = (float) random.nextGaussian();
                dzs[i] = (float) random.nextGaussian();
            }
            for (int r = 0; r < n; r++) {
                dkls[r] = (float) random.nextGaussian();
            }
            var kernelModel = OnnxModelWriter.write(g, OnnxModelWriter.Options.named("t").withRewrite(ENGINE.rewrite()));
            long kernels = kernelModel.getGraph().getNodeList().stream().filter(node -> node.getDomain().equals("ai.vaelab"))
                    .filter(node -> node.getOpType().startsWith("Gaussian")).count();
            assertEquals(ENGINE.fusedKernels() ? 4 : 0, kernels, "sample, KL and both gradients as vaelab's kernels");
            Map<String, float[]> withKernels = run(kernelModel.toByteArray(), hs, es, dzs, dkls, n, latent);
            Map<String, float[]> lowered = run(OnnxModelWriter.toBytes(g, OnnxModelWriter.Options.named("t")),
                    hs, es, dzs, dkls, n, latent);
            for (Map<String, float[]> actual : List.of(withKernels, lowered)) {
                for (int r = 0; r < n; r++) {
                    double klWant = 0;
                    double klMagnitude = 0;
                    for (int j = 0; j < latent; j++) {
                        double mu = hs[r * 2 * latent + j];
                        double logvar = hs[r * 2 * latent + latent + j];
                        double std = Math.exp(logvar / 2);
                        double e = es[r * latent + j];
                        double dzj = dzs[r * latent + j];
                        double term = (mu * mu + std * std - logvar - 1) / 2;
                        klWant += term;
                        klMagnitude += Math.abs(mu * mu) + std * std + Math.abs(logvar) + 1;
                        assertEquals(mu + std * e, actual.get("z")[r * latent + j], 1e-6 * (Math.abs(mu) + std * Math.abs(e)),
                                "z at logvar " + logvar);
                        double dmu = dzj + dkls[r] * mu;
                        double dlogvar = dzj * e * std / 2 + dkls[r] * (std * std - 1) / 2;
                        double scale = Math.abs(dzj) + Math.abs(dkls[r] * mu) + Math.abs(dzj * e * std) + Math.abs(dkls[r]) * (std * std + 1);
                        assertEquals(dmu, actual.get("dh")[r * 2 * latent + j], 1e-6 * scale, "d mu");
                        assertEquals(dlogvar, actual.get("dh")[r * 2 * latent + latent + j], 1e-6 * scale,
                                "d logvar at logvar " + logvar);
                    }
                    assertEquals(klWant, actual.get("kl")[r], 1e-6 * klMagnitude, "KL of row " + r);
                }
            }
        }
    }

    @Test
    void theEncoderOutputMustHoldAMeanAndALogVariancePerLatent() {
        Graph g = new Graph(DType.FLOAT);
        Tensor odd = g.input("h", DType.FLOAT, Shape.of(Shape.BATCH, 5));
        Tensor h = g.input("h2", DType.FLOAT, Shape.of(Shape.BATCH, 6));
        Tensor eps = g.input("eps", DType.FLOAT, Shape.of(Shape.BATCH, 4));
        assertThrows(IllegalArgumentException.class, () -> GaussianKl.of(g, odd));
        assertThrows(IllegalArgumentException.class, () -> GaussianSample.of(g, h, eps));
    }

    private static Map<String, float[]> run(byte[] model, float[] h, float[] eps, float[] dz, float[] dkl, int n, int latent)
            throws Exception {
        Assumptions.assumeTrue(model.length > 0);
        Map<String, float[]> outputs = new HashMap<>();
        try (OrtSession session = ENGINE.session(model);
             OnnxTensor ht = ENGINE.tensor(h, n, 2L * latent);
             OnnxTensor et = ENGINE.tensor(eps, n, latent);
             OnnxTensor dzt = ENGINE.tensor(dz, n, latent);
             OnnxTensor dklt = ENGINE.tensor(dkl, n);
             OrtSession.Result result = ENGINE.run(session, Map.of("h", ht, "eps", et, "dz", dzt, "dkl", dklt))) {
            for (String name : List.of("z", "kl", "dh")) {
                var values = ((OnnxTensor) result.get(name).orElseThrow()).getFloatBuffer();
                float[] copy = new float[values.remaining()];
                values.get(copy);
                outputs.put(name, copy);
            }
        }
        return outputs;
    }
}
