package dev.vaelab.train;

import ai.onnxruntime.OnnxTensor;
import dev.vaelab.core.error.VaelabException;
import dev.vaelab.core.random.RandomStreams;
import dev.vaelab.data.Factor;
import dev.vaelab.data.ImageSet;
import dev.vaelab.metrics.disentanglement.DisentanglementMetrics;
import dev.vaelab.metrics.disentanglement.LatentContribution;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The disentanglement metrics of a trained encoder on a dataset with ground-truth factors: the
 * latent means of a seeded sample of the test split (all of it when smaller than the sample) scored
 * by {@link DisentanglementMetrics}, and the latents ranked by their MIG contribution for the
 * traversal grid.
 */
final class DisentanglementProbe {
    /** The scores under their {@code disentanglement/...} keys and the latents, most informative first. */
    record Outcome(Map<String, Double> scores, int[] latentRanking, List<LatentContribution> contributions) {
    }

    private final LatentEncoder encoder;
    private final long seed;

    DisentanglementProbe(LatentEncoder encoder, long seed) {
        this.encoder = encoder;
        this.seed = seed;
    }

    /**
     * Fails, before any training, when the end-of-run metrics of a factor dataset would get fewer
     * test images than they need, rather than after the training that would be wasted.
     */
    static void requireSample(ImageSet test, int samples) {
        int points = Math.min(samples, test.count());
        if (test.hasFactors() && samples > 0 && points < DisentanglementMetrics.MIN_POINTS) {
            throw new VaelabException("the disentanglement metrics need at least " + DisentanglementMetrics.MIN_POINTS
                    + " test images, but would get " + points + " (eval.disentanglement.samples " + samples + ", "
                    + test.count() + " test images); raise eval.disentanglement.samples or the test split, or set "
                    + "eval.disentanglement.samples to 0 to skip the metrics");
        }
    }

    Outcome evaluate(ImageSet test, int samples, Map<String, OnnxTensor> parameters) {
        ImageSet points = sample(test, samples, new RandomStreams(seed).stream("disentanglement-sample"));
        float[] flat = encoder.means(points, parameters);
        int latent = encoder.latentDim();
        double[][] means = new double[points.count()][latent];
        for (int i = 0; i < means.length; i++) {
            for (int d = 0; d < latent; d++) {
                means[i][d] = flat[i * latent + d];
            }
        }
        List<String> names = points.factors().stream().map(Factor::name).toList();
        var result = new DisentanglementMetrics().evaluate(means, points.factorClasses(), names, seed);
        return new Outcome(result.scores(), LatentContribution.ranking(result.latents()), result.latents());
    }

    /** {@code samples} distinct images drawn without replacement, or all of them when there are no more. */
    static ImageSet sample(ImageSet images, int samples, SplittableRandom random) {
        return samples >= images.count() ? images : images.select(sampleIndices(images.count(), samples, random));
    }

    /** {@code samples} distinct indices of {@code [0, count)}, in the order drawn. */
    static int[] sampleIndices(int count, int samples, SplittableRandom random) {
        return RandomStreams.sample(count, samples, random);
    }
}
