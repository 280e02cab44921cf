package dev.vaelab.zoo.objective;

import dev.vaelab.core.spec.ComponentSpec;
import dev.vaelab.onnx.graph.DType;
import dev.vaelab.onnx.graph.Graph;
import dev.vaelab.onnx.graph.Shape;
import dev.vaelab.onnx.graph.Tensor;
import dev.vaelab.onnx.runtime.TrainingProgramBuilder;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * The importance-weighted autoencoder of Burda et al. (2016): K reparameterised samples per example
 * and the bound {@code log (1/K) Σ_k p(x, z_k)/q(z_k|x)}, taken as a log-sum-exp of the log weights
 * {@code log p(x|z_k) + log p(z_k) - log q(z_k|x)}; the loss is its negative batch mean. K = 1 is
 * the ELBO with a sampled KL; larger K is tighter. Logs the bound as {@code train/iw_bound}, beside
 * the ELBO's terms (reconstruction averaged over the K samples, the KL in closed form).
 *
 * <p>YAML: {@code {type: iwae, samples: 5}}.
 */
public final class IwaeObjective implements Objective {
    public static final String TYPE = "iwae";

    private final int samples;
    private final int batchSize;
    private final int latentDim;
    private final GaussianNoise noise;

    public IwaeObjective(int samples, int batchSize, int latentDim) {
        this.samples = samples;
        this.batchSize = batchSize;
        this.latentDim = latentDim;
        this.noise = new GaussianNoise("eps", batchSize * samples * latentDim);
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public TrainingProgramBuilder.StepOutputs step(TrainingProgramBuilder.StepContext step, VaeGraphs graphs,
                                                   Tensor x, Optional<Tensor> y) {
        Graph g = step.graph();
        Tensor eps = step.stepInput("eps", DType.FLOAT, Shape.of(batchSize, samples, latentDim));
        VaeGraphs.ImportanceWeights w = graphs.importanceWeights(g, step.parameters(), x, y, eps);
        Tensor bound = g.reduceMean(g.add(g.logSumExp(w.logW(), 1, false), -Math.log(samples)), false, 0);
        Tensor recon = g.reduceMean(w.logLikelihood(), false, 0, 1);
        Tensor std = g.exp(g.mul(w.posterior().logvar(), 0.5));
        Tensor kl = g.reduceMean(g.reduceSum(VaeGraphs.klPerDim(g, w.posterior(), std), false, 1), false, 0);
        Map<String, Tensor> metrics = ElboObjective.elboMetrics(g, recon, kl);
        metrics.put("iw_bound", bound);
        return new TrainingProgramBuilder.StepOutputs(g.neg(bound), metrics);
    }

    @Override
    public void fillStepInputs(StepFeeds feeds, long firstStep, int steps, SplittableRandom random) {
        noise.fill(feeds, steps, random);
    }

    @Override
    public Map<String, Double> valuesInForce(long step) {
        return Map.of();
    }

    @Override
    public List<String> metricNames() {
        return ElboObjective.concat(ElboObjective.ELBO_METRICS, List.of("train/iw_bound"));
    }

    /** {@code {type: iwae, samples: 5}}: K is required. */
    public static final class Factory implements ObjectiveFactory {
        @Override
        public Objective create(ComponentSpec spec, ObjectiveContext context) {
            // the whole key set first, so that a misspelt required key reads as a typo, not as missing
            spec.options().allowOnly(List.of("type", "samples"));
            int samples = spec.options().positiveInt("samples");
            spec.options().finish();
            return new IwaeObjective(samples, context.batchSize(), context.latentDim());
        }
    }
}
