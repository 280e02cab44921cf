package dev.vaelab.metrics.disentanglement;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GradientBoostedTreesTest {
    private static double[][] columns(int n, int features, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[][] x = new double[features][n];
        for (double[] column : x) {
            for (int i = 0; i < n; i++) {
                column[i] = random.nextDouble();
            }
        }
        return x;
    }

    @Test
    void fourClassesFromOneFeatureAreLearntAndThatFeatureHoldsTheImportance() {
        double[][] x = columns(600, 3, 1);
        int[] y = new int[600];
        for (int i = 0; i < y.length; i++) {
            y[i] = (int) (x[1][i] * 4);
        }
        GradientBoostedTrees model = GradientBoostedTrees.fit(new SortedFeatures(x), y, 4, GradientBoostedTrees.Settings.SKLEARN_DEFAULTS);
        assertArrayEquals(y, model.predict(x));
        double[] importances = model.importances();
        assertEquals(1, importances[0] + importances[1] + importances[2], 1e-12);
        assertTrue(importances[1] > 0.95, "feature 1: " + importances[1]);

        double[][] probe = {{0.5, 0.5, 0.5, 0.5}, {0.1, 0.4, 0.6, 0.9}, {0.5, 0.5, 0.5, 0.5}};
        assertArrayEquals(new int[] {0, 1, 2, 3}, model.predict(probe));
    }

    @Test
    void twoClassesUseOneLogisticTreePerStage() {
        double[][] x = columns(400, 2, 2);
        int[] y = new int[400];
        for (int i = 0; i < y.length; i++) {
            y[i] = x[0][i] + x[1][i] > 1 ? 1 : 0;
        }
        GradientBoostedTrees model = GradientBoostedTrees.fit(new SortedFeatures(x), y, 2, GradientBoostedTrees.Settings.SKLEARN_DEFAULTS);
        int correct = 0;
        int[] predicted = model.predict(x);
        for (int i = 0; i < y.length; i++) {
            correct += predicted[i] == y[i] ? 1 : 0;
        }
        assertTrue(correct > 0.97 * y.length, "training accuracy " + correct);
        // the diagonal boundary needs both features about equally
        assertEquals(0.5, model.importances()[0], 0.1);
        assertArrayEquals(new int[] {0, 1}, model.predict(new double[][] {{0.1, 0.9}, {0.2, 0.8}}));
    }

    @Test
    void oneStageMovesTheLogOddsByOneNewtonStep() {
        // two classes split perfectly by the first stump: from log-odds 0 (p = 1/2), each leaf's step is
        // sum(r) / sum(p (1 - p)) = (-+1) / (1/2) = -+2, scaled by the learning rate 0.1
        double[][] x = {{0, 1, 2, 3}};
        GradientBoostedTrees model = GradientBoostedTrees.fit(new SortedFeatures(x), new int[] {0, 0, 1, 1}, 2,
                new GradientBoostedTrees.Settings(1, 0.1, 1));
        double[][] raw = model.rawScores(new double[][] {{0.5, 2.5}});
        assertArrayEquals(new double[] {-0.2, 0.2}, raw[0], 1e-15);
        assertArrayEquals(new double[] {1}, model.importances(), 0);
    }

    @Test
    void oneStageOfThreeClassesScalesTheNewtonStepByTwoThirds() {
        // from log priors ln(1/3) (p = 1/3): class 0's stump splits at 1.5, its left leaf has
        // sum(r) = 2 (2/3), sum(p (1 - p)) = 2 (2/9), so (2/3) (4/3) / (4/9) = 2; class 1's stump ties at
        // 1.5 and 3.5 and takes 1.5, left leaf (2/3) (-2/3) / (4/9) = -1; class 2's splits at 3.5,
        // left leaf (2/3) (-4/3) / (8/9) = -1
        double[][] x = {{0, 1, 2, 3, 4, 5}};
        GradientBoostedTrees model = GradientBoostedTrees.fit(new SortedFeatures(x), new int[] {0, 0, 1, 1, 2, 2}, 3,
                new GradientBoostedTrees.Settings(1, 0.1, 1));
        double[][] raw = model.rawScores(new double[][] {{0.5}});
        double prior = Math.log(1.0 / 3);
        assertEquals(prior + 0.2, raw[0][0], 1e-15);
        assertEquals(prior - 0.1, raw[1][0], 1e-15);
        assertEquals(prior - 0.1, raw[2][0], 1e-15);
    }
}
