package dev.vaelab.zoo.objective;

import dev.vaelab.heads.LikelihoodHead;
import dev.vaelab.onnx.graph.DType;
import dev.vaelab.onnx.graph.Graph;
import dev.vaelab.onnx.graph.GraphInputParameters;
import dev.vaelab.onnx.graph.ParameterSource;
import dev.vaelab.onnx.graph.Shape;
import dev.vaelab.onnx.graph.Tensor;
import dev.vaelab.onnx.runtime.TrainingProgramBuilder;
import dev.vaelab.zoo.model.Posterior;
import dev.vaelab.zoo.model.VaeModel;
import java.util.Optional;

/**
 * The graphs of one model and head: the training step's negative ELBO, and the inference graphs
 * for evaluation, encoding and decoding. All are built by the same model code, so the exported
 * encoder and decoder compute exactly what was trained.
 *
 * <p>Per example, in nats: {@code recon_ll = log p(x|z)} with one reparameterised sample
 * {@code z = mu + exp(logvar/2)·eps}, {@code kl = KL(q(z|x) || N(0, I))} in closed form, and
 * {@code elbo = recon_ll - kl}. The training step's loss is its {@link Objective}'s.
 */
public final class VaeGraphs {
    private final VaeModel model;
    private final LikelihoodHead head;
    private final int imageSize;
    private final int numClasses;

    public VaeGraphs(VaeModel model, LikelihoodHead head, int imageSize, int numClasses) {
        this.model = model;
        this.head = head;
        this.imageSize = imageSize;
        this.numClasses = numClasses;
    }

    public VaeModel model() {
        return model;
    }

    public LikelihoodHead head() {
        return head;
    }

    /** The ELBO terms of a batch, per example ({@code reconLl} and {@code kl}, [N]), and the sample z [N, L] they were scored on. */
    public record Terms(Posterior posterior, Tensor z, Tensor reconLl, Tensor kl) {
    }

    /**
     * Encodes, samples z with the given standard-normal noise, decodes and scores x. The sample and
     * the KL term are one operator each, read from the encoder's output whole ({@link GaussianSample},
     * {@link GaussianKl}).
     */
    public Terms terms(Graph g, ParameterSource params, Tensor x, Optional<Tensor> y, Tensor eps) {
        Sample s = sample(g, params, x, y, eps);
        return new Terms(s.posterior(), s.z(), s.reconLl(), GaussianKl.of(g, s.posterior().encoded()));
    }

    /** The posterior, the sample z and log p(x|z): the terms but the KL, which the evaluation graph takes per dimension. */
    private record Sample(Posterior posterior, Tensor z, Tensor reconLl) {
    }

    private Sample sample(Graph g, ParameterSource params, Tensor x, Optional<Tensor> y, Tensor eps) {
        Posterior q = model.encode(g, params, x, y);
        Tensor z = GaussianSample.of(g, q.encoded(), eps);
        return new Sample(q, z, head.logLikelihood(g, params, model.decode(g, params, z, y), x));
    }

    /** KL(N(mu, s^2) || N(0, 1)) = (mu^2 + s^2 - 1 - log s^2) / 2 per dimension, [N, L], given s = {@code std}. */
    public static Tensor klPerDim(Graph g, Posterior q, Tensor std) {
        return g.mul(g.sub(g.add(g.square(q.mu()), g.square(std)), g.add(q.logvar(), g.scalar(1))), 0.5);
    }

    /**
     * The training step of {@code objective} for batches of {@code batchSize}: step input x (pixel
     * bytes, intensity = byte / 255) and y for a conditional model; the objective adds its own.
     */
    public TrainingProgramBuilder.StepFunction trainingStep(int batchSize, Objective objective) {
        return ctx -> {
            Graph g = ctx.graph();
            // bytes are a quarter of the floats to feed; byte / 255 gives the same floats as the loaders' k / 255f
            Tensor x = PixelIntensities.of(g, ctx.stepInput("x", DType.UINT8, Shape.of(batchSize, imageSize)));
            Optional<Tensor> y = model.conditional()
                    ? Optional.of(ctx.stepInput("y", DType.FLOAT, Shape.of(batchSize, numClasses)))
                    : Optional.empty();
            return objective.step(ctx, this, x, y);
        };
    }

    /** Inputs x [N, D], eps [N, L] (and y): outputs recon_ll [N], kl_dim [N, L], mu and logvar [N, L]. */
    public Graph evaluationGraph() {
        Graph g = new Graph(DType.FLOAT);
        Tensor x = g.input("x", DType.FLOAT, Shape.of(Shape.BATCH, imageSize));
        Optional<Tensor> y = labelInput(g);
        Tensor eps = g.input("eps", DType.FLOAT, Shape.of(Shape.BATCH, model.latentDim()));
        Sample s = sample(g, new GraphInputParameters(g, ""), x, y, eps);
        Posterior q = s.posterior();
        g.output("recon_ll", s.reconLl());
        g.output("kl_dim", klPerDim(g, q, g.exp(g.mul(q.logvar(), 0.5))));
        g.output("mu", q.mu());
        g.output("logvar", q.logvar());
        return g;
    }

    /**
     * The log importance weights of the IWAE bound (Burda et al. 2016): inputs x [N, D] (and y) and
     * standard-normal eps [N, K, L]; output {@code log_w} [N, K] with
     * {@code log w_k = log p(x|z_k) + log p(z_k) - log q(z_k|x)}, z_k = mu + sigma·eps_k. The caller
     * takes {@code log (1/K) Σ_k w_k} with a max-shifted log-sum-exp in double precision.
     */
    public Graph importanceWeightGraph(int samples) {
        Graph g = new Graph(DType.FLOAT);
        Tensor x = g.input("x", DType.FLOAT, Shape.of(Shape.BATCH, imageSize));
        Optional<Tensor> y = labelInput(g);
        Tensor eps = g.input("eps", DType.FLOAT, Shape.of(Shape.BATCH, samples, model.latentDim()));
        g.output("log_w", importanceWeights(g, new GraphInputParameters(g, ""), x, y, eps).logW());
        return g;
    }

    /**
     * The log importance weights of K samples per example: {@code logW} [N, K] = log p(x|z_k) +
     * log p(z_k) - log q(z_k|x), with {@code logLikelihood} [N, K] its first term and the posterior.
     */
    public record ImportanceWeights(Posterior posterior, Tensor logLikelihood, Tensor logW) {
    }

    /**
     * Importance weights for x [N, D] (and y [N, C]) with standard-normal eps [N, K, L]:
     * z_k = mu + sigma·eps_k, each example decoded K times.
     */
    public ImportanceWeights importanceWeights(Graph g, ParameterSource params, Tensor x, Optional<Tensor> y,
                                               Tensor eps) {
        int latent = model.latentDim();
        long n = x.shape().dim(0);
        int samples = (int) eps.shape().dim(1);
        long rowsDim = n == Shape.BATCH ? Shape.BATCH : n * samples;
        Posterior q = model.encode(g, params, x, y);
        Tensor std = g.exp(g.mul(q.logvar(), 0.5));
        Tensor z = g.add(g.unsqueeze(q.mu(), 1), g.mul(g.unsqueeze(std, 1), eps)); // [N, K, L]
        Tensor rows = g.reshapeMerging(z, new long[] {-1, latent}, Shape.of(rowsDim, latent));
        // each example repeated K times, by broadcasting against ones [1, K, 1]
        double[] ones = new double[samples];
        java.util.Arrays.fill(ones, 1.0);
        Optional<Tensor> yRows = y.map(label -> g.reshapeMerging(
                g.mul(g.unsqueeze(label, 1), g.constant(ones, 1, samples, 1)),
                new long[] {-1, numClasses}, Shape.of(rowsDim, numClasses)));
        Tensor xRows = g.reshapeMerging(g.mul(g.unsqueeze(x, 1), g.constant(ones, 1, samples, 1)),
                new long[] {-1, imageSize}, Shape.of(rowsDim, imageSize));
        Tensor logLik = head.logLikelihood(g, params, model.decode(g, params, rows, yRows), xRows);
        Tensor logPx = g.reshapeMerging(logLik, new long[] {-1, samples}, Shape.of(n, samples));
        double halfLog2Pi = 0.5 * latent * Math.log(2 * Math.PI);
        Tensor logPz = g.add(g.mul(g.reduceSum(g.square(z), false, 2), -0.5), -halfLog2Pi);
        // log q(z|x) = -1/2 Σ (eps² + logvar) - L/2 log 2π, since (z - mu)/sigma = eps
        Tensor logQz = g.add(g.mul(g.add(g.reduceSum(g.square(eps), false, 2),
                g.unsqueeze(g.reduceSum(q.logvar(), false, 1), 1)), -0.5), -halfLog2Pi);
        return new ImportanceWeights(q, logPx, g.sub(g.add(logPx, logPz), logQz));
    }

    /** Input x [N, D] (and y): outputs mu and logvar [N, L]. */
    public Graph encoderGraph() {
        Graph g = new Graph(DType.FLOAT);
        Tensor x = g.input("x", DType.FLOAT, Shape.of(Shape.BATCH, imageSize));
        Optional<Tensor> y = labelInput(g);
        Posterior q = model.encode(g, new GraphInputParameters(g, ""), x, y);
        g.output("mu", q.mu());
        g.output("logvar", q.logvar());
        return g;
    }

    /** Input z [N, L] (and y): outputs the head's mean [N, D] and its parameters. */
    public Graph decoderGraph() {
        Graph g = new Graph(DType.FLOAT);
        Tensor z = g.input("z", DType.FLOAT, Shape.of(Shape.BATCH, model.latentDim()));
        Optional<Tensor> y = labelInput(g);
        GraphInputParameters params = new GraphInputParameters(g, "");
        head.outputs(g, params, model.decode(g, params, z, y)).forEach(g::output);
        return g;
    }

    private Optional<Tensor> labelInput(Graph g) {
        return model.conditional()
                ? Optional.of(g.input("y", DType.FLOAT, Shape.of(Shape.BATCH, numClasses)))
                : Optional.empty();
    }
}
