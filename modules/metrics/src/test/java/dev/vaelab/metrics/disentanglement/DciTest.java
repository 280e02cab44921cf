package dev.vaelab.metrics.disentanglement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class DciTest {
    private static final int N = 1800;
    private static final int[] CLASSES = {3, 5, 4};
    private static final int[][] FACTORS = Representations.factors(N, CLASSES, 21);
    private static final List<String> NAMES = Representations.names(CLASSES.length);
    private static final Dci DCI = new Dci();

    private static Dci.Scores scores(double[][] code) {
        FactorSample sample = FactorSample.of(code, FACTORS, NAMES);
        int[] train = new int[1200];
        int[] test = new int[N - 1200];
        Arrays.setAll(train, i -> i);
        Arrays.setAll(test, i -> 1200 + i);
        return DCI.scores(sample.subset(train), sample.subset(test));
    }

    @Test
    void handComputedImportanceMatrices() {
        double[][] identity = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
        assertEquals(1, Dci.disentanglement(identity), 1e-9);
        assertEquals(1, Dci.completeness(identity), 1e-9);
        double[][] uniform = {{1, 1}, {1, 1}, {1, 1}};
        assertEquals(0, Dci.disentanglement(uniform), 1e-9);
        assertEquals(0, Dci.completeness(uniform), 1e-9);
        // both latents serve factor 0 alone: each latent is perfectly disentangled, but factor 0 is
        // split evenly over two latents (entropy 1 in base 2) and factor 1, with no weight, counts nothing
        double[][] shared = {{1, 0}, {1, 0}};
        assertEquals(1, Dci.disentanglement(shared), 1e-9);
        assertEquals(0, Dci.completeness(shared), 1e-9);
        // latent 0 holds factor 0 alone (weight 1/2), latent 1 splits 1:1 between factors 0 and 1
        // (weight 1/2, entropy 1): disentanglement 1/2; factor 0's column (1, 1/2) has weight 3/4
        // and entropy H(2/3, 1/3) in bits, factor 1's column (0, 1/2) weight 1/4 and entropy 0
        double[][] mixed = {{1, 0}, {0.5, 0.5}};
        assertEquals(0.5, Dci.disentanglement(mixed), 1e-9);
        double h = -(2.0 / 3 * Math.log(2.0 / 3) + 1.0 / 3 * Math.log(1.0 / 3)) / Math.log(2);
        assertEquals(0.75 * (1 - h) + 0.25, Dci.completeness(mixed), 1e-9);
        double[][] none = {{0, 0}, {0, 0}};
        assertEquals(0, Dci.disentanglement(none), 1e-9, "no importance at all: uniform weights, maximal entropy");
    }

    @Test
    void theFactorsThemselvesAreDisentangledCompleteAndFullyInformative() {
        Dci.Scores s = scores(Representations.identity(FACTORS));
        // once a factor's latent separates its classes, no tree finds anything left to split elsewhere
        assertEquals(1, s.disentanglement(), 1e-6, "D " + s);
        assertEquals(1, s.completeness(), 1e-6, "C " + s);
        assertEquals(1, s.informativeness(), 0, "every held-out factor is predicted");
    }

    @Test
    void aPermutationOfTheFactorsScoresTheSame() {
        Dci.Scores s = scores(Representations.identity(FACTORS));
        Dci.Scores p = scores(Representations.permuted(Representations.identity(FACTORS), new int[] {2, 0, 1}));
        assertEquals(s.disentanglement(), p.disentanglement(), 0.01);
        assertEquals(s.completeness(), p.completeness(), 0.01);
        assertEquals(s.informativeness(), p.informativeness(), 0);
    }

    @Test
    void extraNoiseDimensionsKeepDisentanglementHigh() {
        Dci.Scores s = scores(Representations.withNoiseDims(Representations.identity(FACTORS), 4, 22));
        assertTrue(s.disentanglement() > 0.95, "D " + s);
        assertTrue(s.completeness() > 0.95, "C " + s);
        assertEquals(1, s.informativeness(), 0);
    }

    @Test
    void aRandomCodeScoresNearZeroAndPredictsAtChance() {
        Dci.Scores s = scores(Representations.random(N, 5, 23));
        assertTrue(s.disentanglement() < 0.05, "D " + s);
        assertTrue(s.completeness() < 0.05, "C " + s);
        double chance = (1.0 / 3 + 1.0 / 5 + 1.0 / 4) / 3;
        assertEquals(chance, s.informativeness(), 0.06, "I " + s);
    }

    @Test
    void mixingTwoFactorsOverTwoLatentsLowersDisentanglementAndCompleteness() {
        Dci.Scores clean = scores(Representations.identity(FACTORS));
        Dci.Scores mixed = scores(Representations.rotatedPair(FACTORS));
        assertTrue(mixed.disentanglement() < clean.disentanglement() - 0.2, "D " + mixed + " vs " + clean);
        assertTrue(mixed.completeness() < clean.completeness() - 0.2, "C " + mixed + " vs " + clean);
        assertEquals(1, mixed.informativeness(), 0, "a rotation loses no information");
    }

    @Test
    void oneLatentHoldingTwoFactorsLowersDisentanglementButNotCompleteness() {
        // latent 0 = 5 a + b encodes factors 0 and 1 together, latent 1 is noise, latent 2 = factor 2
        double[][] code = Representations.withNoiseDims(new double[N][0], 1, 24);
        for (int i = 0; i < N; i++) {
            code[i] = new double[] {5 * FACTORS[i][0] + FACTORS[i][1], code[i][0], FACTORS[i][2]};
        }
        Dci.Scores s = scores(code);
        assertTrue(s.disentanglement() < 0.75, "D " + s);
        assertTrue(s.completeness() > 0.9, "C " + s);
        assertEquals(1, s.informativeness(), 0);
    }
}
