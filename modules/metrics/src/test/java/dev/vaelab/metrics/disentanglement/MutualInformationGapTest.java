package dev.vaelab.metrics.disentanglement;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class MutualInformationGapTest {
    private static final int N = 4000;
    private static final int[] CLASSES = {3, 6, 10, 20};
    private static final int[][] FACTORS = Representations.factors(N, CLASSES, 1);
    private static final List<String> NAMES = Representations.names(CLASSES.length);
    private static final MutualInformationGap MIG = new MutualInformationGap();

    private static double mig(double[][] code) {
        return MIG.score(FactorSample.of(code, FACTORS, NAMES));
    }

    @Test
    void handComputedOnEightPoints() {
        // factor a = first half, factor b = alternate pairs; latent 0 copies a, latent 1 copies b but
        // swaps one pair of points, latent 2 is constant
        int[][] factors = {{0, 0}, {0, 0}, {0, 1}, {0, 1}, {1, 0}, {1, 0}, {1, 1}, {1, 1}};
        double[][] code = {{0, 0, 5}, {0, 0, 5}, {0, 1, 5}, {0, 0, 5}, {1, 1, 5}, {1, 0, 5}, {1, 1, 5}, {1, 1, 5}};
        // latent 1 against b: joint counts [[3, 1], [1, 3]]; against a: [[3, 1], [1, 3]] as well
        double partial = 0.75 * Math.log(1.5) + 0.25 * Math.log(0.5);
        double ln2 = Math.log(2);
        // a: best latent 0 (ln 2), second latent 1 (partial); b: best latent 1 (partial), second latent 0 (0)
        double expected = ((ln2 - partial) / ln2 + (partial - 0) / ln2) / 2;
        FactorSample sample = FactorSample.of(code, factors, List.of("a", "b"));
        double[][] mi = MIG.mutualInformation(sample);
        assertEquals(ln2, mi[0][0], 1e-15);
        assertEquals(0, mi[0][1], 1e-15);
        assertEquals(partial, mi[1][0], 1e-15);
        assertEquals(partial, mi[1][1], 1e-15);
        assertEquals(0, mi[2][0], 1e-15, "a constant latent says nothing");
        assertEquals(expected, MIG.score(sample), 1e-14);
    }

    @Test
    void theFactorsThemselvesScoreNearOne() {
        double score = mig(Representations.identity(FACTORS));
        // each latent has all of its factor's entropy; only the plug-in bias of the others (about (K-1)(B-1)/2N nats) remains
        assertTrue(score > 0.95 && score <= 1, "MIG of the factors: " + score);
    }

    @Test
    void aPermutationOfTheFactorsScoresTheSame() {
        double[][] code = Representations.identity(FACTORS);
        assertEquals(mig(code), mig(Representations.permuted(code, new int[] {2, 0, 3, 1})), 1e-12);
    }

    @Test
    void extraNoiseDimensionsKeepItHigh() {
        double score = mig(Representations.withNoiseDims(Representations.identity(FACTORS), 6, 2));
        assertTrue(score > 0.9, "MIG with 6 noise dims: " + score);
    }

    @Test
    void aRandomCodeScoresNearZero() {
        double score = mig(Representations.random(N, 8, 3));
        assertTrue(score >= 0 && score < 0.05, "MIG of a random code: " + score);
    }

    @Test
    void mixingTwoFactorsIntoBothLatentsLowersIt() {
        double clean = mig(Representations.identity(FACTORS));
        double mixed = mig(Representations.rotatedPair(FACTORS));
        // factors 0 and 1 are now shared by latents 0 and 1, so their gaps shrink; 2 and 3 keep theirs
        assertTrue(mixed < clean - 0.25, "mixed " + mixed + " vs clean " + clean);
    }

    @Test
    void aMonotoneTransformThatKeepsClassesInSeparateBinsLeavesItUnchanged() {
        int[][] factors = Representations.factors(N, new int[] {3, 6, 10}, 5);
        List<String> names = Representations.names(3);
        double clean = MIG.score(FactorSample.of(Representations.identity(factors), factors, names));
        // v + v^2/20 on classes 0..9: neighbouring values at least 1.05 apart, a bin at most 13.05/20
        // wide, so every class keeps a bin of its own and the binned latents carry the same information
        double bent = MIG.score(FactorSample.of(Representations.transformed(factors, v -> v + v * v / 20), factors, names));
        assertEquals(clean, bent, 1e-12);
        // exp squeezes classes 0..6 into the first bin: the equal-width histogram loses information
        double squeezed = MIG.score(FactorSample.of(Representations.transformed(factors, Math::exp), factors, names));
        assertTrue(squeezed < clean - 0.1, "exp: " + squeezed + " vs " + clean);
    }

    @Test
    void contributionsNameEachLatentsFactorAndRankInformativeLatentsFirst() {
        double[][] code = Representations.withNoiseDims(Representations.permuted(Representations.identity(FACTORS), new int[] {1, 0, 2, 3}), 2, 4);
        List<LatentContribution> latents = MIG.contributions(FactorSample.of(code, FACTORS, NAMES));
        assertEquals(6, latents.size());
        assertEquals("factor1", latents.get(0).factor());
        assertEquals("factor0", latents.get(1).factor());
        for (int d = 0; d < 4; d++) {
            assertEquals(1, latents.get(d).normalisedMutualInformation(), 1e-12, "latent " + d + " holds its factor");
        }
        assertTrue(latents.get(4).normalisedMutualInformation() < 0.05);
        int[] ranking = LatentContribution.ranking(latents);
        assertArrayEquals(new int[] {0, 1, 2, 3}, java.util.Arrays.copyOf(ranking, 4));
    }
}
