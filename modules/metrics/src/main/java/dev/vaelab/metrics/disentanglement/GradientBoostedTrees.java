package dev.vaelab.metrics.disentanglement;

import java.util.Arrays;

/**
 * A gradient boosted tree classifier with scikit-learn's {@code GradientBoostingClassifier}
 * defaults, the predictor disentanglement_lib's DCI trains per factor: 100 boosting stages,
 * learning rate 0.1, regression trees of depth 3 on all points (no subsampling), log-loss.
 *
 * <p>Raw scores start at the log class priors (log-odds for two classes). Each stage fits, per class
 * (one tree in total for two classes), a {@link RegressionTree} to the negative gradient
 * {@code y_c - p_c} at the stage's start, and sets each leaf to one Newton step,
 * {@code sum(r) / sum(p (1 - p))}, times {@code (K - 1) / K} for {@code K > 2} classes.
 *
 * <p>Its feature importances are scikit-learn's {@code feature_importances_}: the impurity
 * importances of all trees that split, averaged and normalised to sum to 1 (all zero when no tree
 * split).
 */
final class GradientBoostedTrees {
    /** The settings of the ensemble. */
    record Settings(int stages, double learningRate, int maxDepth) {
        static final Settings SKLEARN_DEFAULTS = new Settings(100, 0.1, 3);

        Settings {
            if (stages < 1 || !(learningRate > 0) || maxDepth < 1) {
                throw new IllegalArgumentException("invalid boosting settings: " + stages + " stages, rate "
                        + learningRate + ", depth " + maxDepth);
            }
        }
    }

    private final RegressionTree[][] trees; // [stage][tree]
    private final double[] initial;
    private final int classes;
    private final double learningRate;
    private final double[] importances;

    private GradientBoostedTrees(RegressionTree[][] trees, double[] initial, int classes, double learningRate,
            double[] importances) {
        this.trees = trees;
        this.initial = initial;
        this.classes = classes;
        this.learningRate = learningRate;
        this.importances = importances;
    }

    /**
     * @param x {@code [D][N]} training features by column
     * @param y the class {@code 0 .. classes - 1} of each point
     * @param classes the number of classes; a class missing from {@code y} is never predicted
     */
    static GradientBoostedTrees fit(SortedFeatures x, int[] y, int classes, Settings settings) {
        int n = x.points();
        int outputs = classes == 2 ? 1 : classes;
        double[] counts = new double[classes];
        for (int c : y) {
            counts[c]++;
        }
        double[] initial = new double[outputs];
        if (classes == 2) {
            initial[0] = logOdds(counts[1] / n);
        } else {
            for (int c = 0; c < classes; c++) {
                initial[c] = Math.log(Math.max(counts[c] / n, 1e-300));
            }
        }
        double[][] raw = new double[outputs][n];
        for (int c = 0; c < outputs; c++) {
            Arrays.fill(raw[c], initial[c]);
        }
        double[][] probability = new double[outputs][n];
        double[] residual = new double[n];
        int[] leaf = new int[n];
        double[] importanceSum = new double[x.features()];
        RegressionTree[][] trees = new RegressionTree[settings.stages()][outputs];
        double leafScale = classes == 2 ? 1 : (classes - 1.0) / classes;
        for (int stage = 0; stage < settings.stages(); stage++) {
            probabilities(raw, probability);
            for (int c = 0; c < outputs; c++) {
                int positive = classes == 2 ? 1 : c;
                for (int i = 0; i < n; i++) {
                    residual[i] = (y[i] == positive ? 1 : 0) - probability[c][i];
                }
                RegressionTree tree = RegressionTree.fit(x, residual, settings.maxDepth(), leaf);
                double[] numerator = new double[tree.nodeCapacity()];
                double[] denominator = new double[tree.nodeCapacity()];
                for (int i = 0; i < n; i++) {
                    double p = probability[c][i];
                    numerator[leaf[i]] += residual[i];
                    denominator[leaf[i]] += p * (1 - p);
                }
                double[] value = new double[tree.nodeCapacity()];
                for (int node = 0; node < value.length; node++) {
                    value[node] = Math.abs(denominator[node]) < 1e-150 ? 0 : leafScale * numerator[node] / denominator[node];
                }
                tree.setLeafValues(value);
                for (int i = 0; i < n; i++) {
                    raw[c][i] += settings.learningRate() * value[leaf[i]];
                }
                if (tree.hasSplits()) {
                    double[] imp = tree.importances();
                    for (int f = 0; f < imp.length; f++) {
                        importanceSum[f] += imp[f];
                    }
                }
                trees[stage][c] = tree;
            }
        }
        double total = 0;
        for (double v : importanceSum) {
            total += v;
        }
        double[] importances = new double[importanceSum.length];
        for (int f = 0; f < importances.length && total > 0; f++) {
            importances[f] = importanceSum[f] / total;
        }
        return new GradientBoostedTrees(trees, initial, classes, settings.learningRate(), importances);
    }

    private static double logOdds(double p) {
        double clipped = Math.min(Math.max(p, 1e-300), 1 - 1e-16);
        return Math.log(clipped / (1 - clipped));
    }

    /** Softmax over the classes, or the logistic function for one output. */
    private static void probabilities(double[][] raw, double[][] out) {
        int n = raw[0].length;
        if (raw.length == 1) {
            for (int i = 0; i < n; i++) {
                out[0][i] = 1 / (1 + Math.exp(-raw[0][i]));
            }
            return;
        }
        for (int i = 0; i < n; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (double[] r : raw) {
                max = Math.max(max, r[i]);
            }
            double sum = 0;
            for (int c = 0; c < raw.length; c++) {
                out[c][i] = Math.exp(raw[c][i] - max);
                sum += out[c][i];
            }
            for (int c = 0; c < raw.length; c++) {
                out[c][i] /= sum;
            }
        }
    }

    /** Normalised impurity importance of each feature, summing to 1 (or all 0). */
    double[] importances() {
        return importances.clone();
    }

    /** The raw scores {@code [outputs][M]} of the points of {@code columns}: log-odds for two classes, else one per class. */
    double[][] rawScores(double[][] columns) {
        int m = columns[0].length;
        double[][] score = new double[initial.length][m];
        for (int c = 0; c < initial.length; c++) {
            for (int i = 0; i < m; i++) {
                double sum = initial[c];
                for (RegressionTree[] stage : trees) {
                    sum += learningRate * stage[c].predict(columns, i);
                }
                score[c][i] = sum;
            }
        }
        return score;
    }

    /** The most likely class of each point of {@code columns}, {@code [D][M]} by column; ties go to the lower class. */
    int[] predict(double[][] columns) {
        double[][] score = rawScores(columns);
        int[] out = new int[columns[0].length];
        for (int i = 0; i < out.length; i++) {
            if (classes == 2) {
                out[i] = score[0][i] > 0 ? 1 : 0;
            } else {
                int best = 0;
                for (int c = 1; c < score.length; c++) {
                    if (score[c][i] > score[best][i]) {
                        best = c;
                    }
                }
                out[i] = best;
            }
        }
        return out;
    }
}
