package dev.vaelab.zoo.objective;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaelab.heads.BernoulliHead;
import dev.vaelab.onnx.graph.DType;
import dev.vaelab.onnx.graph.Graph;
import dev.vaelab.onnx.graph.GraphInputParameters;
import dev.vaelab.onnx.graph.ParameterSource;
import dev.vaelab.onnx.graph.Shape;
import dev.vaelab.onnx.graph.Tensor;
import dev.vaelab.onnx.runtime.TrainingProgramBuilder;
import dev.vaelab.zoo.model.GaussianVae;
import dev.vaelab.zoo.model.ModelContext;
import dev.vaelab.zoo.model.Posterior;
import dev.vaelab.zoo.network.Activation;
import dev.vaelab.zoo.network.ImageDims;
import dev.vaelab.zoo.network.Mlp;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The IWAE bound on a small MLP VAE with fixed random weights: with one sample it is the ELBO of
 * that sample (reconstruction minus the sampled KL), on the very noise the ELBO objective is fed;
 * with five it is the log-mean-exp of the five log weights, never below their mean.
 */
class IwaeObjectiveTest {
    private static final int BATCH = 4;
    private static final int LATENT = 3;
    private static final ImageDims IMAGE = new ImageDims(1, 2, 3);
    private static final double LOG_2PI = Math.log(2 * Math.PI);

    private final VaeGraphs graphs = new VaeGraphs(new GaussianVae(GaussianVae.VAE, LATENT,
            new Mlp(List.of(5), Activation.TANH), new Mlp(List.of(5), Activation.TANH),
            new ModelContext(IMAGE, 0, 1)), new BernoulliHead(), IMAGE.size(), 0);

    /** A step context over a plain graph: step inputs are graph inputs, parameters too. */
    private static TrainingProgramBuilder.StepContext context(Graph g, ParameterSource params) {
        return new TrainingProgramBuilder.StepContext() {
            @Override
            public Graph graph() {
                return g;
            }

            @Override
            public ParameterSource parameters() {
                return params;
            }

            @Override
            public Tensor stepInput(String name, DType dtype, Shape perStepShape) {
                return g.input(name, dtype, perStepShape);
            }
        };
    }

    /**
     * Runs one step of {@code objective} on fixed x, weights and {@code eps}, with the posterior and
     * (for K samples) the log weights as extra outputs.
     */
    private Map<String, double[]> step(Objective objective, double[] eps) {
        Graph g = new Graph(DType.FLOAT);
        GraphInputParameters params = new GraphInputParameters(g, "");
        Tensor x = g.input("x", DType.FLOAT, Shape.of(BATCH, IMAGE.size()));
        TrainingProgramBuilder.StepOutputs out = objective.step(context(g, params), graphs, x, Optional.empty());
        g.output("loss", out.loss());
        out.metrics().forEach(g::output);
        Posterior q = graphs.model().encode(g, params, x, Optional.empty()); // the same weights, by name
        g.output("mu", q.mu());
        g.output("logvar", q.logvar());
        if (objective instanceof IwaeObjective) {
            Tensor sameEps = g.inputs().stream().filter(t -> t.name().equals("eps")).findFirst().orElseThrow();
            g.output("log_w", graphs.importanceWeights(g, params, x, Optional.empty(), sameEps).logW());
        }
        Map<String, double[]> feeds = new HashMap<>();
        SplittableRandom random = new SplittableRandom(1);
        for (Tensor in : g.inputs()) {
            double[] v = new double[Math.toIntExact(in.shape().size())];
            for (int i = 0; i < v.length; i++) {
                v[i] = in.name().equals("x") ? random.nextDouble() : 0.8 * (2 * random.nextDouble() - 1);
            }
            feeds.put(in.name(), v);
        }
        feeds.put("eps", eps);
        return GraphRunner.run(g, feeds);
    }

    private static double[] gaussians(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }

    @Test
    void withOneSampleTheBoundIsTheElboOfThatSample() {
        double[] eps = gaussians(BATCH * LATENT, 3);
        Map<String, double[]> iwae = step(new IwaeObjective(1, BATCH, LATENT), eps);
        Map<String, double[]> elbo = step(new ElboObjective(BATCH, LATENT), eps);
        assertEquals(elbo.get("recon_ll")[0], iwae.get("recon_ll")[0], 1e-5, "the same reconstruction term");
        assertEquals(elbo.get("kl")[0], iwae.get("kl")[0], 1e-5, "the same closed-form KL");
        // the ELBO with the KL sampled at z = mu + sigma·eps: log q(z|x) - log p(z), summed over dimensions
        double sampledKl = 0;
        for (int i = 0; i < BATCH * LATENT; i++) {
            double mu = elbo.get("mu")[i];
            double logvar = elbo.get("logvar")[i];
            double z = mu + Math.exp(logvar / 2) * eps[i];
            sampledKl += -0.5 * (LOG_2PI + logvar + eps[i] * eps[i]) + 0.5 * (LOG_2PI + z * z);
        }
        double expected = elbo.get("recon_ll")[0] - sampledKl / BATCH;
        assertEquals(expected, iwae.get("iw_bound")[0], 1e-4);
        assertEquals(-iwae.get("iw_bound")[0], iwae.get("loss")[0], 0.0);
    }

    @Test
    void withFiveSamplesTheBoundIsTheLogMeanExpOfTheWeights() {
        int k = 5;
        Map<String, double[]> iwae = step(new IwaeObjective(k, BATCH, LATENT), gaussians(BATCH * k * LATENT, 4));
        double[] logW = iwae.get("log_w");
        double bound = 0;
        double meanLogW = 0;
        for (int i = 0; i < BATCH; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < k; j++) {
                max = Math.max(max, logW[i * k + j]);
            }
            double sum = 0;
            for (int j = 0; j < k; j++) {
                sum += Math.exp(logW[i * k + j] - max);
                meanLogW += logW[i * k + j] / (BATCH * k);
            }
            bound += (max + Math.log(sum / k)) / BATCH;
        }
        assertEquals(bound, iwae.get("iw_bound")[0], 1e-4);
        assertTrue(bound > meanLogW, "Jensen: the log-mean-exp " + bound + " exceeds the mean " + meanLogW);
    }
}
