package dev.vaelab.metrics.disentanglement;

import java.util.Arrays;

/**
 * The training inputs of a tree ensemble, each feature presorted once: every tree of every
 * boosting stage searches its splits by one scan of these orders per level.
 */
final class SortedFeatures {
    private final double[][] columns;
    private final int[][] order;
    private final double[][] sortedValues;

    /** @param columns {@code [D][N]} feature values by column; not copied, must not change */
    SortedFeatures(double[][] columns) {
        this.columns = columns;
        int n = columns[0].length;
        order = new int[columns.length][];
        sortedValues = new double[columns.length][n];
        for (int f = 0; f < columns.length; f++) {
            double[] x = columns[f];
            order[f] = sortedIndices(x);
            for (int p = 0; p < n; p++) {
                sortedValues[f][p] = x[order[f][p]];
            }
        }
    }

    private static int[] sortedIndices(double[] x) {
        // a stable sort keeps equal values in point order, so the scan order is deterministic
        Integer[] boxed = new Integer[x.length];
        for (int i = 0; i < x.length; i++) {
            boxed[i] = i;
        }
        Arrays.sort(boxed, (a, b) -> Double.compare(x[a], x[b]));
        int[] out = new int[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = boxed[i];
        }
        return out;
    }

    int features() {
        return columns.length;
    }

    int points() {
        return columns[0].length;
    }

    double value(int feature, int point) {
        return columns[feature][point];
    }

    /** Point indices in increasing order of {@code feature}. */
    int[] order(int feature) {
        return order[feature];
    }

    /** The values of {@code feature} in that order. */
    double[] sortedValues(int feature) {
        return sortedValues[feature];
    }
}
