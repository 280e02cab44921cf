package dev.vaelab.metrics.disentanglement;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;

class RegressionTreeTest {
    @Test
    void aStumpSplitsHalfwayAndRecordsTheDecreaseInSquaredError() {
        // feature 0 separates the targets; feature 1 is a shuffle whose best split removes only 4/3 of
        // the squared error 4
        double[][] x = {{0, 1, 2, 3}, {3, 1, 2, 0}};
        double[] target = {-1, -1, 1, 1};
        int[] leaves = new int[4];
        RegressionTree tree = RegressionTree.fit(new SortedFeatures(x), target, 1, leaves);
        assertArrayEquals(new double[] {4.0 / 4, 0}, tree.importances(), 1e-15, "all 4 of the squared error, per point");
        assertArrayEquals(new int[] {1, 1, 2, 2}, leaves);
        tree.setLeafValues(new double[] {0, -1, 1});
        double[][] probe = {{1.49, 1.51}, {0, 0}};
        assertEquals(-1, tree.predict(probe, 0), 0, "1.49 is left of the threshold 1.5");
        assertEquals(1, tree.predict(probe, 1), 0);
    }

    @Test
    void deeperLevelsAddTheirDecreasesAndStopAtPureNodes() {
        // four levels of the target on one feature: depth 2 fits them exactly, so the importances add
        // up to the target's variance (population, per point)
        double[][] x = {{0, 1, 2, 3, 4, 5, 6, 7}};
        double[] target = {0, 0, 1, 1, 5, 5, 6, 6};
        int[] leaves = new int[8];
        RegressionTree tree = RegressionTree.fit(new SortedFeatures(x), target, 3, leaves);
        double mean = 3;
        double variance = 0;
        for (double t : target) {
            variance += (t - mean) * (t - mean) / target.length;
        }
        assertEquals(variance, tree.importances()[0], 1e-12);
        // pure pairs are not split further: depth-3 leaves are never reached
        for (int leaf : leaves) {
            assertEquals(true, leaf >= 3 && leaf <= 6, "leaf " + leaf);
        }
    }

    @Test
    void equallyGoodFeaturesGoToTheLowerIndex() {
        double[][] x = {{0, 1, 2, 3}, {0, 1, 2, 3}};
        RegressionTree tree = RegressionTree.fit(new SortedFeatures(x), new double[] {0, 0, 1, 1}, 2, new int[4]);
        assertEquals(0, tree.importances()[1], 0);
    }

    @Test
    void aConstantTargetDoesNotSplit() {
        RegressionTree tree = RegressionTree.fit(new SortedFeatures(new double[][] {{0, 1, 2}}), new double[] {2, 2, 2}, 3, new int[3]);
        assertFalse(tree.hasSplits());
    }
}
