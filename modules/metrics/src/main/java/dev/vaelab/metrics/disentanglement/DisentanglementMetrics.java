package dev.vaelab.metrics.disentanglement;

import dev.vaelab.core.error.VaelabException;
import dev.vaelab.core.random.RandomStreams;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The six disentanglement metrics of a representation, from the latent means of a sample of points
 * and the ground-truth factor classes that generated them.
 *
 * <p>MIG ({@link MutualInformationGap}) and the FactorVAE score ({@link FactorVaeScore}) use every
 * point. DCI ({@link Dci}) and SAP ({@link SeparatedAttributePredictability}) train predictors, so
 * the points are split by a seeded shuffle into two thirds for training and one third held out, the
 * proportions of the published 10,000 / 5,000 settings of disentanglement_lib's
 * {@code unsupervised_study_v1}. Randomness (the split and the FactorVAE votes) comes from
 * {@link RandomStreams} of the seed, so the same inputs and seed give the same numbers. A factor
 * that takes a single value in the sample (dSprites' colour) carries no information and is left
 * out, as disentanglement_lib leaves out dSprites' colour; {@link Result#leftOutFactors()} names it.
 */
public final class DisentanglementMetrics {
    public static final String MIG = "disentanglement/mig";
    public static final String FACTOR_VAE = "disentanglement/factorvae";
    public static final String DCI_DISENTANGLEMENT = "disentanglement/dci_disentanglement";
    public static final String DCI_COMPLETENESS = "disentanglement/dci_completeness";
    public static final String DCI_INFORMATIVENESS = "disentanglement/dci_informativeness";
    public static final String SAP = "disentanglement/sap";

    /** The fewest points the metrics accept: a FactorVAE batch and held-out points for DCI and SAP. */
    public static final int MIN_POINTS = 100;

    /**
     * The scores under the six keys above, in that order, each latent's MIG contribution, and the
     * factors left out because they take a single value in the sample.
     */
    public record Result(Map<String, Double> scores, List<LatentContribution> latents, List<String> leftOutFactors) {
        public Result {
            scores = Collections.unmodifiableMap(new LinkedHashMap<>(scores));
            latents = List.copyOf(latents);
            leftOutFactors = List.copyOf(leftOutFactors);
        }
    }

    private final MutualInformationGap mig;
    private final FactorVaeScore factorVae;
    private final Dci dci;
    private final SeparatedAttributePredictability sap;

    /** The published settings of every metric. */
    public DisentanglementMetrics() {
        this(new MutualInformationGap(), new FactorVaeScore(), new Dci(), new SeparatedAttributePredictability());
    }

    DisentanglementMetrics(MutualInformationGap mig, FactorVaeScore factorVae, Dci dci, SeparatedAttributePredictability sap) {
        this.mig = mig;
        this.factorVae = factorVae;
        this.dci = dci;
        this.sap = sap;
    }

    /**
     * The six metrics as an ordered map.
     *
     * @param means {@code [N][D]} latent means, {@code N >= 100}, {@code D >= 2}
     * @param factorClasses {@code [N][F]} the class of each factor of each point; a factor that takes
     *     a single value in the sample carries no information and is left out (at least one must vary)
     * @param factorNames the {@code F} factor names
     * @throws VaelabException a one-line message naming what does not fit
     */
    public static Map<String, Double> compute(double[][] means, int[][] factorClasses, List<String> factorNames, long seed) {
        return new DisentanglementMetrics().evaluate(means, factorClasses, factorNames, seed).scores();
    }

    /** The six metrics and the per-latent MIG contributions. */
    public Result evaluate(double[][] means, int[][] factorClasses, List<String> factorNames, long seed) {
        if (means != null && means.length < MIN_POINTS) {
            throw new VaelabException("disentanglement metrics need at least " + MIN_POINTS + " sample points, got "
                    + means.length + "; raise eval.disentanglement.samples or evaluate on a larger split");
        }
        FactorSample sample = FactorSample.ofVaryingFactors(means, factorClasses, factorNames);
        RandomStreams streams = new RandomStreams(seed);
        int[][] split = split(sample.points(), streams.stream("disentanglement-split"));
        FactorSample train = sample.subset(split[0]);
        FactorSample test = sample.subset(split[1]);
        Dci.Scores dciScores = dci.scores(train, test);
        double[][] mutualInformation = mig.mutualInformation(sample);
        double[] entropies = mig.entropies(sample);
        Map<String, Double> scores = new LinkedHashMap<>();
        scores.put(MIG, MutualInformationGap.score(mutualInformation, entropies));
        scores.put(FACTOR_VAE, factorVae.score(sample, streams.stream("disentanglement-factorvae")));
        scores.put(DCI_DISENTANGLEMENT, dciScores.disentanglement());
        scores.put(DCI_COMPLETENESS, dciScores.completeness());
        scores.put(DCI_INFORMATIVENESS, dciScores.informativeness());
        scores.put(SAP, sap.score(train, test));
        return new Result(scores, MutualInformationGap.contributions(mutualInformation, entropies, sample.names()), sample.leftOut());
    }

    /** A seeded shuffle of {@code 0 .. n - 1}: the first {@code ceil(2n / 3)} train, the rest are held out. */
    static int[][] split(int n, SplittableRandom random) {
        int[] order = RandomStreams.permutation(n, random);
        int trainCount = (int) Math.ceil(2.0 * n / 3);
        return new int[][] {Arrays.copyOfRange(order, 0, trainCount), Arrays.copyOfRange(order, trainCount, n)};
    }
}
