package dev.vaelab.zoo.objective;

import dev.vaelab.core.config.ConfigMap;
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
 * The β-TCVAE of Chen et al. (2018), "Isolating Sources of Disentanglement in VAEs": the KL term
 * split into the index-code mutual information, the total correlation of the aggregate posterior
 * q(z) and the dimension-wise KL to the prior,
 * {@code E[log q(z|x) - log p(z)] = E[log q(z|x) - log q(z)] + E[log q(z) - Π_d log q(z_d)] + E[Σ_d log q(z_d) - log p(z)]},
 * weighted {@code α·MI + β·TC + γ·dimwise KL - recon} (the paper's α = γ = 1). The loss is the
 * batch mean of that per example.
 *
 * <p>log q(z) and log q(z_d) are estimated over the batch by the paper's minibatch-weighted
 * sampling: for the M samples z_i of a batch, {@code log q(z_i) ≈ logsumexp_j log q(z_i|x_j) - log(N·M)},
 * N the number of training examples (after the validation hold-out), and the same per dimension.
 * The three terms then sum exactly to the batch's sampled KL, {@code log q(z_i|x_i) - log p(z_i)}.
 * The estimate of log q(z) is biased (other examples of the batch weigh 1/(N·M) each), as in the
 * paper.
 * Logs their batch means as {@code train/index_code_mi}, {@code train/total_correlation} and
 * {@code train/dimwise_kl}, beside the ELBO's terms (with the KL in closed form).
 *
 * <p>YAML: {@code {type: beta-tcvae, beta: 6, alpha: 1, gamma: 1}}.
 */
public final class BetaTcVaeObjective implements Objective {
    public static final String TYPE = "beta-tcvae";
    private static final double LOG_2PI = Math.log(2 * Math.PI);

    private final double alpha;
    private final double beta;
    private final double gamma;
    private final int batchSize;
    private final int latentDim;
    private final long datasetSize;
    private final GaussianNoise noise;

    public BetaTcVaeObjective(double alpha, double beta, double gamma, ObjectiveContext context) {
        this.alpha = alpha;
        this.beta = beta;
        this.gamma = gamma;
        this.batchSize = context.batchSize();
        this.latentDim = context.latentDim();
        this.datasetSize = context.trainingExamples();
        this.noise = new GaussianNoise("eps", batchSize * latentDim);
    }

    @Override
    public String type() {
        return TYPE;
    }

    /** The decomposition per example, [M] each, and the sampled KL they sum to. */
    public record Decomposition(Tensor indexCodeMi, Tensor totalCorrelation, Tensor dimwiseKl, Tensor sampledKl) {
    }

    /**
     * The minibatch-weighted estimate for samples z [M, L] of the posteriors (mu, logvar) [M, L] of
     * the batch's examples, with {@code datasetSize} N.
     */
    public static Decomposition decompose(Graph g, Tensor z, Tensor mu, Tensor logvar, long datasetSize) {
        long m = z.shape().dim(0);
        // log N(z_i,d; mu_j,d, s_j,d^2) for every pair (i, j): [M, M, L]
        Tensor pairwise = logNormal(g, g.unsqueeze(z, 1), g.unsqueeze(mu, 0), g.unsqueeze(logvar, 0));
        double logNm = Math.log((double) datasetSize * m);
        Tensor logQz = g.add(g.logSumExp(g.reduceSum(pairwise, false, 2), 1, false), -logNm);
        Tensor logQzProduct = g.reduceSum(g.add(g.logSumExp(pairwise, 1, false), -logNm), false, 1);
        Tensor logQzx = g.reduceSum(logNormal(g, z, mu, logvar), false, 1);
        // log N(z; 0, 1) summed over dimensions
        Tensor logPz = g.reduceSum(g.mul(g.add(g.square(z), LOG_2PI), -0.5), false, 1);
        return new Decomposition(g.sub(logQzx, logQz), g.sub(logQz, logQzProduct), g.sub(logQzProduct, logPz),
                g.sub(logQzx, logPz));
    }

    /** log N(z; mu, exp(logvar)) elementwise: -(log 2π + logvar + (z - mu)²·exp(-logvar)) / 2. */
    private static Tensor logNormal(Graph g, Tensor z, Tensor mu, Tensor logvar) {
        Tensor scaled = g.mul(g.square(g.sub(z, mu)), g.exp(g.neg(logvar)));
        return g.mul(g.add(g.add(logvar, scaled), LOG_2PI), -0.5);
    }

    @Override
    public TrainingProgramBuilder.StepOutputs step(TrainingProgramBuilder.StepContext step, VaeGraphs graphs,
                                                   Tensor x, Optional<Tensor> y) {
        Graph g = step.graph();
        Tensor eps = step.stepInput("eps", DType.FLOAT, Shape.of(batchSize, latentDim));
        VaeGraphs.Terms t = graphs.terms(g, step.parameters(), x, y, eps);
        Decomposition d = decompose(g, t.z(), t.posterior().mu(), t.posterior().logvar(), datasetSize);
        Tensor recon = g.reduceMean(t.reconLl(), false, 0);
        Tensor mi = g.reduceMean(d.indexCodeMi(), false, 0);
        Tensor tc = g.reduceMean(d.totalCorrelation(), false, 0);
        Tensor dimwise = g.reduceMean(d.dimwiseKl(), false, 0);
        Tensor loss = g.sub(g.add(g.add(g.mul(mi, alpha), g.mul(tc, beta)), g.mul(dimwise, gamma)), recon);
        Map<String, Tensor> metrics = ElboObjective.elboMetrics(g, recon, g.reduceMean(t.kl(), false, 0));
        metrics.put("index_code_mi", mi);
        metrics.put("total_correlation", tc);
        metrics.put("dimwise_kl", dimwise);
        return new TrainingProgramBuilder.StepOutputs(loss, metrics);
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
        return ElboObjective.concat(ElboObjective.ELBO_METRICS,
                List.of("train/index_code_mi", "train/total_correlation", "train/dimwise_kl"));
    }

    /** {@code {type: beta-tcvae, beta: 6, alpha: 1, gamma: 1}}: β required, α and γ default to the paper's 1. */
    public static final class Factory implements ObjectiveFactory {
        @Override
        public Objective create(ComponentSpec spec, ObjectiveContext context) {
            ConfigMap options = spec.options();
            // the whole key set first, so that a misspelt required key reads as a typo, not as missing
            options.allowOnly(List.of("type", "alpha", "beta", "gamma"));
            double alpha = options.numberAtLeast("alpha", 0.0, 1.0);
            double beta = options.numberAtLeast("beta", 0.0);
            double gamma = options.numberAtLeast("gamma", 0.0, 1.0);
            options.finish();
            return new BetaTcVaeObjective(alpha, beta, gamma, context);
        }
    }
}
