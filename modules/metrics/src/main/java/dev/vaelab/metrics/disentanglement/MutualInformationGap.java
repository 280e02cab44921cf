package dev.vaelab.metrics.disentanglement;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The mutual information gap (MIG) of Chen et al. 2018, "Isolating Sources of Disentanglement in
 * VAEs", as disentanglement_lib's {@code mig.py} computes it.
 *
 * <p>Each latent mean is discretized into 20 equal-width bins over its sample range
 * ({@link HistogramDiscretizer}); {@code I[d][k]} is the plug-in mutual information between binned
 * latent {@code d} and factor {@code k}, and {@code H[k]} the factor's entropy. For each factor the
 * score is the gap between its most and second most informative latents,
 * {@code (I[first][k] - I[second][k]) / H[k]}, and MIG is the mean over factors. It lies in [0, 1]:
 * 1 when one latent determines each factor and no other latent says anything about it.
 *
 * <p>Equal-width binning makes MIG invariant to a monotone transform of a latent only while the
 * transform keeps distinct values in distinct bins; a transform that squeezes some values together
 * (e.g. {@code exp}) loses information to the binning.
 *
 * <p>The per-latent contribution ({@link LatentContribution}) is {@code max_k I[d][k] / H[k]}: how
 * much of its best factor's entropy a latent explains.
 */
public final class MutualInformationGap {
    private final HistogramDiscretizer discretizer;

    public MutualInformationGap() {
        this(HistogramDiscretizer.DEFAULT_BINS);
    }

    public MutualInformationGap(int bins) {
        this.discretizer = new HistogramDiscretizer(bins);
    }

    /** {@code [D][F]} mutual information in nats between each binned latent and each factor. */
    public double[][] mutualInformation(FactorSample sample) {
        double[][] mi = new double[sample.dims()][sample.factorCount()];
        for (int d = 0; d < sample.dims(); d++) {
            int[] binned = discretizer.discretize(sample.latent(d));
            for (int k = 0; k < sample.factorCount(); k++) {
                mi[d][k] = Information.mutualInformation(binned, discretizer.bins(), sample.factor(k), sample.classes(k));
            }
        }
        return mi;
    }

    /** The entropy in nats of each factor. */
    public double[] entropies(FactorSample sample) {
        double[] h = new double[sample.factorCount()];
        for (int k = 0; k < h.length; k++) {
            h[k] = Information.entropy(sample.factor(k), sample.classes(k));
        }
        return h;
    }

    public double score(FactorSample sample) {
        return score(mutualInformation(sample), entropies(sample));
    }

    /** MIG from a mutual information matrix {@code [D][F]} and the factor entropies. */
    static double score(double[][] mi, double[] entropies) {
        double sum = 0;
        for (int k = 0; k < entropies.length; k++) {
            double[] column = new double[mi.length];
            for (int d = 0; d < mi.length; d++) {
                column[d] = mi[d][k];
            }
            Arrays.sort(column);
            sum += (column[column.length - 1] - column[column.length - 2]) / entropies[k];
        }
        return sum / entropies.length;
    }

    /** Each latent's normalised mutual information with its best factor, in latent order. */
    public List<LatentContribution> contributions(FactorSample sample) {
        return contributions(mutualInformation(sample), entropies(sample), sample.names());
    }

    /** The contributions from a mutual information matrix {@code [D][F]}, the factor entropies and names. */
    static List<LatentContribution> contributions(double[][] mi, double[] entropies, List<String> names) {
        List<LatentContribution> out = new ArrayList<>(mi.length);
        for (int d = 0; d < mi.length; d++) {
            int best = 0;
            for (int k = 1; k < entropies.length; k++) {
                if (mi[d][k] / entropies[k] > mi[d][best] / entropies[best]) {
                    best = k;
                }
            }
            out.add(new LatentContribution(d, names.get(best), mi[d][best] / entropies[best]));
        }
        return List.copyOf(out);
    }
}
