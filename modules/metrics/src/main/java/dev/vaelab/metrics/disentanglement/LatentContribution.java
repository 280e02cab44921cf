package dev.vaelab.metrics.disentanglement;

import java.util.Comparator;
import java.util.List;

/**
 * How much latent {@code latent} says about its most related factor: {@code I(z_d; v_k) / H(v_k)}
 * for the factor {@code k} that maximises it, in [0, 1]. Traversal grids sort their rows by it.
 *
 * @param latent the latent's index
 * @param factor the name of the factor it explains best
 * @param normalisedMutualInformation the fraction of that factor's entropy it explains
 */
public record LatentContribution(int latent, String factor, double normalisedMutualInformation) {
    /** Latent indices from the most to the least informative; ties keep latent order. */
    public static int[] ranking(List<LatentContribution> contributions) {
        return contributions.stream()
                .sorted(Comparator.comparingDouble(LatentContribution::normalisedMutualInformation).reversed()
                        .thenComparingInt(LatentContribution::latent))
                .mapToInt(LatentContribution::latent)
                .toArray();
    }
}
