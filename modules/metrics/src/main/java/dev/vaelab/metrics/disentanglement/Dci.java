package dev.vaelab.metrics.disentanglement;

import java.util.stream.IntStream;

/**
 * Disentanglement, completeness and informativeness (DCI) of Eastwood and Williams 2018, "A
 * Framework for the Quantitative Evaluation of Disentangled Representations", as
 * disentanglement_lib's {@code dci.py} computes them.
 *
 * <p>One {@link GradientBoostedTrees} classifier (scikit-learn's defaults, as the reference) per
 * factor predicts it from all latents of the training points; its normalised impurity importances
 * are column {@code k} of the importance matrix {@code R[d][k]}.
 * <ul>
 *   <li>disentanglement {@code = sum_d rho_d (1 - H_F(P[d][.]))}, where {@code P[d][.]} is row
 *       {@code d} of {@code R} normalised, {@code H_F} the entropy in base {@code F} (the number of
 *       factors), and {@code rho_d = sum_k R[d][k] / sum R} the latent's share of importance;
 *   <li>completeness {@code = sum_k rho_k (1 - H_D(P[.][k]))}, over the columns, in base {@code D};
 *   <li>informativeness: the classifiers' accuracy on the held-out points, averaged over factors.
 * </ul>
 * As in the reference, {@code 1e-11} is added to every importance before the entropies, and an
 * all-zero matrix weighs every latent and factor equally. With one factor, {@code H_1} is taken as 0
 * (a latent can only be about that factor).
 */
public final class Dci {
    /** The three scores. */
    public record Scores(double disentanglement, double completeness, double informativeness) {
    }

    private static final double SMOOTHING = 1e-11;

    private final GradientBoostedTrees.Settings settings;

    public Dci() {
        this(GradientBoostedTrees.Settings.SKLEARN_DEFAULTS);
    }

    Dci(GradientBoostedTrees.Settings settings) {
        this.settings = settings;
    }

    public Scores scores(FactorSample train, FactorSample test) {
        double[][] importance = new double[train.dims()][train.factorCount()];
        double[][] trainColumns = new double[train.dims()][];
        double[][] testColumns = new double[test.dims()][];
        for (int d = 0; d < train.dims(); d++) {
            trainColumns[d] = train.latent(d);
            testColumns[d] = test.latent(d);
        }
        SortedFeatures features = new SortedFeatures(trainColumns);
        double[] accuracies = new double[train.factorCount()];
        // the factors' classifiers are independent and each is deterministic, so they may train at once
        IntStream.range(0, train.factorCount()).parallel().forEach(k -> {
            GradientBoostedTrees model = GradientBoostedTrees.fit(features, train.factor(k), train.classes(k), settings);
            double[] imp = model.importances();
            for (int d = 0; d < imp.length; d++) {
                importance[d][k] = Math.abs(imp[d]);
            }
            int[] predicted = model.predict(testColumns);
            int[] truth = test.factor(k);
            int correct = 0;
            for (int i = 0; i < truth.length; i++) {
                if (predicted[i] == truth[i]) {
                    correct++;
                }
            }
            accuracies[k] = (double) correct / truth.length;
        });
        double accuracy = 0;
        for (double a : accuracies) {
            accuracy += a;
        }
        return new Scores(disentanglement(importance), completeness(importance), accuracy / train.factorCount());
    }

    /** Disentanglement of an importance matrix {@code [D][F]}. */
    static double disentanglement(double[][] importance) {
        return weightedOneMinusEntropy(importance, false);
    }

    /** Completeness of an importance matrix {@code [D][F]}. */
    static double completeness(double[][] importance) {
        return weightedOneMinusEntropy(importance, true);
    }

    /** {@code sum_g weight_g (1 - H(group g))} over rows, or over columns when {@code byColumn}. */
    private static double weightedOneMinusEntropy(double[][] importance, boolean byColumn) {
        int rows = importance.length;
        int columns = importance[0].length;
        int groups = byColumn ? columns : rows;
        int size = byColumn ? rows : columns;
        double total = 0;
        for (double[] row : importance) {
            for (double v : row) {
                total += v;
            }
        }
        double score = 0;
        for (int g = 0; g < groups; g++) {
            double groupSum = 0;
            double smoothedSum = 0;
            for (int j = 0; j < size; j++) {
                double v = byColumn ? importance[j][g] : importance[g][j];
                groupSum += v;
                smoothedSum += v + SMOOTHING;
            }
            double entropy = 0;
            for (int j = 0; j < size; j++) {
                double p = ((byColumn ? importance[j][g] : importance[g][j]) + SMOOTHING) / smoothedSum;
                entropy -= p * Math.log(p);
            }
            double normalisedEntropy = size == 1 ? 0 : entropy / Math.log(size);
            double weight = total == 0 ? 1.0 / groups : groupSum / total;
            score += weight * (1 - normalisedEntropy);
        }
        return score;
    }
}
