package dev.vaelab.train;

import java.util.ArrayList;
import java.util.List;
import org.tribuo.MutableDataset;
import org.tribuo.Model;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.evaluation.LabelEvaluator;
import org.tribuo.classification.sgd.linear.LogisticRegressionTrainer;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/**
 * A downstream probe of the representation: a Tribuo logistic regression trained on the latent
 * means of the training set and scored on the test set ({@code probe/accuracy}). A linear probe
 * measures how much of the label the code holds in a linearly readable form.
 */
final class LatentProbe {
    private static final LabelFactory LABELS = new LabelFactory();
    // Tribuo's SGD trainers log every 1000 examples at INFO; a strong reference keeps the level set
    private static final java.util.logging.Logger SGD_LOG = java.util.logging.Logger.getLogger(
            org.tribuo.common.sgd.AbstractSGDTrainer.class.getName());

    static {
        SGD_LOG.setLevel(java.util.logging.Level.WARNING);
    }

    private LatentProbe() {
    }

    /** Accuracy on the test codes of a probe trained on the training codes. */
    static double accuracy(float[] trainCodes, int[] trainLabels, float[] testCodes, int[] testLabels, int dims) {
        String[] names = featureNames(dims);
        Model<Label> model = new LogisticRegressionTrainer().train(dataset("vaelab latent means (train)", trainCodes, trainLabels, names));
        return new LabelEvaluator().evaluate(model, dataset("vaelab latent means (test)", testCodes, testLabels, names)).accuracy();
    }

    /** A Tribuo dataset of rows of {@code dims} features with integer labels. */
    static MutableDataset<Label> dataset(String description, float[] rows, int[] labels, String[] names) {
        MutableDataset<Label> data = new MutableDataset<>(new SimpleDataSourceProvenance(description, LABELS), LABELS);
        int dims = names.length;
        for (int i = 0; i < labels.length; i++) {
            double[] values = new double[dims];
            for (int d = 0; d < dims; d++) {
                values[d] = rows[i * dims + d];
            }
            data.add(new ArrayExample<>(new Label(Integer.toString(labels[i])), names, values));
        }
        return data;
    }

    static String[] featureNames(int dims) {
        List<String> names = new ArrayList<>();
        int width = String.valueOf(dims - 1).length();
        for (int d = 0; d < dims; d++) {
            names.add(String.format("z%0" + width + "d", d));
        }
        return names.toArray(String[]::new);
    }
}
