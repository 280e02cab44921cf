package dev.vaelab.metrics.disentanglement;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaelab.metrics.disentanglement.SeparatedAttributePredictability.ThresholdClassifier;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SeparatedAttributePredictabilityTest {
    private static final int N = 3000;
    private static final int[] CLASSES = {2, 4, 5};
    private static final int[][] FACTORS = Representations.factors(N, CLASSES, 31);
    private static final List<String> NAMES = Representations.names(CLASSES.length);
    private static final SeparatedAttributePredictability SAP = new SeparatedAttributePredictability();

    private static double sap(double[][] code) {
        FactorSample sample = FactorSample.of(code, FACTORS, NAMES);
        int[] train = new int[2000];
        int[] test = new int[N - 2000];
        Arrays.setAll(train, i -> i);
        Arrays.setAll(test, i -> 2000 + i);
        return SAP.score(sample.subset(train), sample.subset(test));
    }

    @Test
    void theThresholdClassifierSplitsHalfwayBetweenClassMeansInTheirOrder() {
        // class means: 0 -> 10, 1 -> 0, 2 -> 4, so the order is 1, 2, 0 with thresholds 2 and 7
        double[] x = {10, 10, 0, 0, 3, 5};
        int[] y = {0, 0, 1, 1, 2, 2};
        ThresholdClassifier classifier = ThresholdClassifier.fit(x, y, 3);
        int[] predicted = Arrays.stream(new double[] {-5, 1.99, 2, 2.01, 6.99, 7.01, 100}).mapToInt(classifier::predict).toArray();
        assertArrayEquals(new int[] {1, 1, 1, 2, 2, 0, 0}, predicted);
    }

    @Test
    void balancedAccuracyAveragesTheRecallOfTheClassesPresent() {
        // a classifier that always says class 0 (a constant latent): recall 1 for class 0, 0 for class 1,
        // whatever their counts; class 2 never occurs in the test points and is not counted
        ThresholdClassifier constant = ThresholdClassifier.fit(new double[] {1, 1, 1}, new int[] {0, 1, 2}, 3);
        double[] x = {1, 1, 1, 1, 1};
        int[] y = {0, 0, 0, 0, 1};
        assertEquals(0.5, SeparatedAttributePredictability.balancedAccuracy(constant, x, y, 3), 0);
        // two of three class-1 points right, the one class-0 point wrong: (0 + 2/3) / 2
        ThresholdClassifier split = ThresholdClassifier.fit(new double[] {0, 1}, new int[] {1, 0}, 2);
        assertEquals(1.0 / 3, SeparatedAttributePredictability.balancedAccuracy(split, new double[] {0.1, 0.2, 0.9, 0.4}, new int[] {1, 1, 1, 0}, 2), 1e-15);
    }

    @Test
    void theGapOfTheTopTwoIsAveragedOverFactors() {
        double[][] scores = {{0.9, 0.2}, {0.5, 0.3}, {0.1, 0.8}};
        assertEquals(((0.9 - 0.5) + (0.8 - 0.3)) / 2, SeparatedAttributePredictability.gapOfTopTwo(scores), 1e-15);
    }

    @Test
    void theFactorsThemselvesScoreOneMinusChance() {
        // each factor's own latent classifies it perfectly; the best other latent is independent of it
        // and scores about 1/K (a little more by luck): SAP is about the mean of 1 - 1/K
        double expected = ((1 - 1.0 / 2) + (1 - 1.0 / 4) + (1 - 1.0 / 5)) / 3;
        double score = sap(Representations.identity(FACTORS));
        assertEquals(expected, score, 0.04, "SAP of the factors");
    }

    @Test
    void aPermutationOfTheFactorsScoresTheSame() {
        double[][] code = Representations.identity(FACTORS);
        assertEquals(sap(code), sap(Representations.permuted(code, new int[] {1, 2, 0})), 1e-15);
    }

    @Test
    void extraNoiseDimensionsKeepItHigh() {
        double score = sap(Representations.withNoiseDims(Representations.identity(FACTORS), 5, 32));
        assertTrue(score > 0.65, "SAP with noise dims: " + score);
    }

    @Test
    void aRandomCodeScoresNearZero() {
        double score = sap(Representations.random(N, 6, 33));
        assertTrue(score >= 0 && score < 0.05, "SAP of a random code: " + score);
    }

    @Test
    void mixingTwoFactorsLowersIt() {
        double clean = sap(Representations.identity(FACTORS));
        double mixed = sap(Representations.rotatedPair(FACTORS));
        assertTrue(mixed < clean - 0.2, "mixed " + mixed + " vs clean " + clean);
    }
}
