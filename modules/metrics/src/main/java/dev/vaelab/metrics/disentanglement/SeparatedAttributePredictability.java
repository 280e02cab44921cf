package dev.vaelab.metrics.disentanglement;

import java.util.Arrays;

/**
 * The SAP score (separated attribute predictability) of Kumar et al. 2018, "Variational Inference
 * of Disentangled Latent Concepts from Unlabeled Observations", Section 3, for discrete factors (the
 * reference's {@code sap_score} with {@code continuous_factors=False}).
 *
 * <p>The score matrix {@code S[d][k]} is the balanced accuracy (mean recall over the factor's
 * classes present in the test points) on held-out points of a classifier that predicts factor
 * {@code k} from latent {@code d} alone; SAP is the gap between the best and second best latent per
 * factor, averaged over factors. For a latent that carries a factor and independent other latents,
 * the gap is about {@code 1 - 1/K} for a factor with {@code K} balanced classes; for an uninformative
 * code it is about 0.
 *
 * <p>The reference trains scikit-learn's class-balanced {@code LinearSVC(C=0.01)}; here the
 * classifier is its deterministic one-dimensional counterpart, a class-balanced thresholding
 * classifier: the classes present in the training points are ordered by their mean latent value and
 * split at the midpoints between neighbouring means, which is the decision rule of one-dimensional
 * linear discriminant analysis with equal priors. The reference scores plain accuracy of its
 * balanced classifier; balanced accuracy keeps a skewed factor's majority class from looking
 * informative.
 */
public final class SeparatedAttributePredictability {
    /** {@code S[d][k]}, the held-out balanced accuracy of latent {@code d} for factor {@code k}. */
    public double[][] scoreMatrix(FactorSample train, FactorSample test) {
        double[][] scores = new double[train.dims()][train.factorCount()];
        for (int d = 0; d < train.dims(); d++) {
            for (int k = 0; k < train.factorCount(); k++) {
                ThresholdClassifier classifier = ThresholdClassifier.fit(train.latent(d), train.factor(k), train.classes(k));
                scores[d][k] = balancedAccuracy(classifier, test.latent(d), test.factor(k), test.classes(k));
            }
        }
        return scores;
    }

    public double score(FactorSample train, FactorSample test) {
        return gapOfTopTwo(scoreMatrix(train, test));
    }

    /** The mean over columns of the gap between the largest and second largest entry. */
    static double gapOfTopTwo(double[][] matrix) {
        int columns = matrix[0].length;
        double sum = 0;
        for (int k = 0; k < columns; k++) {
            double[] column = new double[matrix.length];
            for (int d = 0; d < matrix.length; d++) {
                column[d] = matrix[d][k];
            }
            Arrays.sort(column);
            sum += column[column.length - 1] - column[column.length - 2];
        }
        return sum / columns;
    }

    static double balancedAccuracy(ThresholdClassifier classifier, double[] x, int[] y, int classes) {
        long[] support = new long[classes];
        long[] hits = new long[classes];
        for (int i = 0; i < x.length; i++) {
            support[y[i]]++;
            if (classifier.predict(x[i]) == y[i]) {
                hits[y[i]]++;
            }
        }
        double recall = 0;
        int present = 0;
        for (int c = 0; c < classes; c++) {
            if (support[c] > 0) {
                recall += (double) hits[c] / support[c];
                present++;
            }
        }
        return recall / present;
    }

    /** Classes ordered by mean along one latent, split halfway between neighbouring means. */
    static final class ThresholdClassifier {
        private final int[] classOrder;
        private final double[] thresholds;

        private ThresholdClassifier(int[] classOrder, double[] thresholds) {
            this.classOrder = classOrder;
            this.thresholds = thresholds;
        }

        static ThresholdClassifier fit(double[] x, int[] y, int classes) {
            double[] sum = new double[classes];
            long[] count = new long[classes];
            for (int i = 0; i < x.length; i++) {
                sum[y[i]] += x[i];
                count[y[i]]++;
            }
            Integer[] present = java.util.stream.IntStream.range(0, classes)
                    .filter(c -> count[c] > 0)
                    .boxed()
                    .toArray(Integer[]::new);
            // stable: equal means keep class order
            Arrays.sort(present, (a, b) -> Double.compare(sum[a] / count[a], sum[b] / count[b]));
            int[] order = new int[present.length];
            double[] thresholds = new double[Math.max(0, present.length - 1)];
            for (int j = 0; j < present.length; j++) {
                order[j] = present[j];
                if (j > 0) {
                    thresholds[j - 1] = (sum[present[j - 1]] / count[present[j - 1]] + sum[present[j]] / count[present[j]]) / 2;
                }
            }
            return new ThresholdClassifier(order, thresholds);
        }

        /** The class whose interval holds {@code v}; a value on a threshold goes to the lower class. */
        int predict(double v) {
            int lo = 0;
            int hi = thresholds.length;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (thresholds[mid] < v) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            return classOrder[lo];
        }
    }
}
