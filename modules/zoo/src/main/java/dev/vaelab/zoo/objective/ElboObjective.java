package dev.vaelab.zoo.objective;

import dev.vaelab.core.spec.ComponentSpec;
import dev.vaelab.onnx.graph.DType;
import dev.vaelab.onnx.graph.Graph;
import dev.vaelab.onnx.graph.Shape;
import dev.vaelab.onnx.graph.Tensor;
import dev.vaelab.onnx.runtime.TrainingProgramBuilder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * The evidence lower bound of Kingma &amp; Welling (2014), {@code E_q[log p(x|z)] - KL(q(z|x) || p(z))},
 * with one reparameterised sample per example and the KL in closed form: the loss is the batch
 * mean of {@code kl - recon_ll}. The default objective. YAML: {@code {type: elbo}}.
 */
public final class ElboObjective implements Objective {
    public static final String TYPE = "elbo";
    /** The ELBO's per-step metrics, logged as {@code train/<name>} by every objective built on it. */
    static final List<String> ELBO_METRICS = List.of("train/elbo", "train/recon_ll", "train/kl");

    private final int batchSize;
    private final int latentDim;
    private final GaussianNoise noise;

    public ElboObjective(int batchSize, int latentDim) {
        this.batchSize = batchSize;
        this.latentDim = latentDim;
        this.noise = new GaussianNoise("eps", batchSize * latentDim);
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public TrainingProgramBuilder.StepOutputs step(TrainingProgramBuilder.StepContext step, VaeGraphs graphs,
                                                   Tensor x, Optional<Tensor> y) {
        Graph g = step.graph();
        Tensor eps = step.stepInput("eps", DType.FLOAT, Shape.of(batchSize, latentDim));
        VaeGraphs.Terms t = graphs.terms(g, step.parameters(), x, y, eps);
        Tensor recon = g.reduceMean(t.reconLl(), false, 0);
        Tensor kl = g.reduceMean(t.kl(), false, 0);
        return new TrainingProgramBuilder.StepOutputs(g.sub(kl, recon), elboMetrics(g, recon, kl));
    }

    /** {@code elbo}, {@code recon_ll} and {@code kl} from the batch means, in this order (metrics.csv follows it). */
    static Map<String, Tensor> elboMetrics(Graph g, Tensor recon, Tensor kl) {
        Map<String, Tensor> metrics = new LinkedHashMap<>();
        metrics.put("elbo", g.sub(recon, kl));
        metrics.put("recon_ll", recon);
        metrics.put("kl", kl);
        return metrics;
    }

    @Override
    public void fillStepInputs(StepFeeds feeds, long firstStep, int steps, SplittableRandom random) {
        noise.fill(feeds, steps, random);
    }

    /** β = 1, logged as every run logged it before objectives were a choice. */
    @Override
    public Map<String, Double> valuesInForce(long step) {
        return Map.of("train/beta", 1.0);
    }

    @Override
    public List<String> metricNames() {
        return concat(ELBO_METRICS, List.of("train/beta"));
    }

    static List<String> concat(List<String> a, List<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }

    /** {@code {type: elbo}}: no options. */
    public static final class Factory implements ObjectiveFactory {
        @Override
        public Objective create(ComponentSpec spec, ObjectiveContext context) {
            spec.options().finish();
            return new ElboObjective(context.batchSize(), context.latentDim());
        }
    }
}
