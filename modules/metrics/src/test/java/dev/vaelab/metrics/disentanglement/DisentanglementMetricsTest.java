package dev.vaelab.metrics.disentanglement;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaelab.core.error.VaelabException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DisentanglementMetricsTest {
    private static final int N = 1500;
    private static final int[] CLASSES = {3, 4, 6};
    private static final int[][] FACTORS = Representations.factors(N, CLASSES, 41);
    private static final List<String> NAMES = List.of("shape", "scale", "x");

    @Test
    void theFactorsThemselvesScoreTheirKnownAnswersUnderTheSixKeysInOrder() {
        Map<String, Double> scores = DisentanglementMetrics.compute(Representations.identity(FACTORS), FACTORS, NAMES, 1);
        assertEquals(List.of("disentanglement/mig", "disentanglement/factorvae", "disentanglement/dci_disentanglement",
                "disentanglement/dci_completeness", "disentanglement/dci_informativeness", "disentanglement/sap"),
                List.copyOf(scores.keySet()));
        assertTrue(scores.get(DisentanglementMetrics.MIG) > 0.95, scores.toString());
        assertEquals(1, scores.get(DisentanglementMetrics.FACTOR_VAE), 0);
        assertEquals(1, scores.get(DisentanglementMetrics.DCI_DISENTANGLEMENT), 1e-6);
        assertEquals(1, scores.get(DisentanglementMetrics.DCI_COMPLETENESS), 1e-6);
        assertEquals(1, scores.get(DisentanglementMetrics.DCI_INFORMATIVENESS), 0);
        double sap = ((1 - 1.0 / 3) + (1 - 1.0 / 4) + (1 - 1.0 / 6)) / 3;
        assertEquals(sap, scores.get(DisentanglementMetrics.SAP), 0.05);
    }

    @Test
    void aRandomCodeScoresNearZeroAndFactorVaeAtChance() {
        Map<String, Double> scores = DisentanglementMetrics.compute(Representations.random(N, 5, 42), FACTORS, NAMES, 2);
        assertTrue(scores.get(DisentanglementMetrics.MIG) < 0.05, scores.toString());
        assertEquals(1.0 / 3, scores.get(DisentanglementMetrics.FACTOR_VAE), 0.07, scores.toString());
        assertTrue(scores.get(DisentanglementMetrics.DCI_DISENTANGLEMENT) < 0.1, scores.toString());
        assertTrue(scores.get(DisentanglementMetrics.DCI_COMPLETENESS) < 0.1, scores.toString());
        double chance = (1.0 / 3 + 1.0 / 4 + 1.0 / 6) / 3;
        assertEquals(chance, scores.get(DisentanglementMetrics.DCI_INFORMATIVENESS), 0.06, scores.toString());
        assertTrue(scores.get(DisentanglementMetrics.SAP) < 0.05, scores.toString());
    }

    @Test
    void theSameSeedGivesTheSameNumbersAndTheSeedMatters() {
        double[][] code = Representations.random(N, 4, 43);
        DisentanglementMetrics metrics = new DisentanglementMetrics();
        assertEquals(metrics.evaluate(code, FACTORS, NAMES, 7), metrics.evaluate(code, FACTORS, NAMES, 7));
        Map<String, Double> other = metrics.evaluate(code, FACTORS, NAMES, 8).scores();
        assertNotEquals(metrics.evaluate(code, FACTORS, NAMES, 7).scores().get(DisentanglementMetrics.FACTOR_VAE),
                other.get(DisentanglementMetrics.FACTOR_VAE));
        assertEquals(metrics.evaluate(code, FACTORS, NAMES, 7).scores().get(DisentanglementMetrics.MIG),
                other.get(DisentanglementMetrics.MIG), 0, "MIG uses every point and no randomness");
    }

    @Test
    void theLatentsComeWithTheirMigContributions() {
        double[][] code = Representations.withNoiseDims(Representations.permuted(Representations.identity(FACTORS), new int[] {2, 0, 1}), 1, 44);
        List<LatentContribution> latents = new DisentanglementMetrics().evaluate(code, FACTORS, NAMES, 3).latents();
        assertEquals(List.of("x", "shape", "scale"), latents.subList(0, 3).stream().map(LatentContribution::factor).toList());
        assertEquals(3, LatentContribution.ranking(latents)[3], "the noise latent ranks last");
    }

    @Test
    void theSplitIsASeededPermutationWithTwoThirdsForTraining() {
        int[][] split = DisentanglementMetrics.split(10, new SplittableRandom(5));
        assertEquals(7, split[0].length);
        assertEquals(3, split[1].length);
        int[] all = new int[10];
        System.arraycopy(split[0], 0, all, 0, 7);
        System.arraycopy(split[1], 0, all, 7, 3);
        Arrays.sort(all);
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, all);
    }

    @Test
    void aFactorWithASingleValueIsLeftOutAndNamed() {
        // dSprites' colour: one value for every image; the scores are those of the other factors alone
        double[][] code = Representations.withNoiseDims(Representations.identity(FACTORS), 1, 45);
        int[][] withColour = new int[N][];
        int[][] withoutColour = new int[N][];
        for (int i = 0; i < N; i++) {
            withColour[i] = new int[] {FACTORS[i][0], 0, FACTORS[i][1], FACTORS[i][2]};
            withoutColour[i] = FACTORS[i];
        }
        DisentanglementMetrics metrics = new DisentanglementMetrics();
        var result = metrics.evaluate(code, withColour, List.of("shape", "colour", "scale", "x"), 9);
        assertEquals(List.of("colour"), result.leftOutFactors());
        var expected = metrics.evaluate(code, withoutColour, NAMES, 9);
        assertEquals(expected.scores(), result.scores());
        assertEquals(expected.latents(), result.latents());
        assertEquals(List.of(), expected.leftOutFactors());
    }

    @Test
    void aStrictSampleRejectsAConstantFactor() {
        int[][] constant = new int[N][];
        for (int i = 0; i < N; i++) {
            constant[i] = new int[] {FACTORS[i][0], 0, FACTORS[i][2]};
        }
        VaelabException e = assertThrows(VaelabException.class,
                () -> FactorSample.of(Representations.identity(FACTORS), constant, NAMES));
        assertEquals("factor 'scale' takes the single value 0 in all 1500 sample points; a constant factor carries no"
                + " information, leave it out", e.getMessage());
    }

    private static String error(double[][] means, int[][] factors, List<String> names) {
        return assertThrows(VaelabException.class, () -> DisentanglementMetrics.compute(means, factors, names, 1)).getMessage();
    }

    @Test
    void badInputIsAOneLineErrorNamingWhatDoesNotFit() {
        double[][] code = Representations.identity(FACTORS);
        assertEquals("disentanglement metrics need at least 100 sample points, got 99; raise eval.disentanglement.samples"
                + " or evaluate on a larger split", error(Arrays.copyOf(code, 99), Arrays.copyOf(FACTORS, 99), NAMES));
        assertEquals("disentanglement metrics: 1500 latent means but 1499 rows of factor classes; give one row per point",
                error(code, Arrays.copyOf(FACTORS, N - 1), NAMES));
        double[][] ragged = code.clone();
        ragged[7] = new double[] {1, 2};
        assertEquals("latent means: point 7 has 2 values, point 0 has 3", error(ragged, FACTORS, NAMES));
        double[][] diverged = code.clone();
        diverged[12] = new double[] {0, Double.NaN, 0};
        assertEquals("latent means: point 12, latent 1 is NaN; the encoder produced a non-finite mean", error(diverged, FACTORS, NAMES));
        assertEquals("factor classes: point 0 has 3 factors, but 2 factor names were given [shape, scale]",
                error(code, FACTORS, List.of("shape", "scale")));
        int[][] allConstant = new int[N][3];
        assertEquals("every factor [shape, scale, x] takes a single value in the 1500 sample points; the disentanglement"
                + " metrics need a factor that varies", error(code, allConstant, NAMES));
        double[][] oneLatent = new double[N][1];
        assertEquals("disentanglement metrics need at least 2 latent dimensions, got 1; every metric compares the best"
                + " latent with the second best", error(oneLatent, FACTORS, NAMES));
        assertEquals("disentanglement metrics need at least one ground-truth factor; the dataset has none",
                error(code, new int[N][0], List.of()));
    }
}
