package dev.vaelab.train;

import dev.vaelab.data.ImageSet;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.evaluation.LabelEvaluator;
import org.tribuo.classification.sgd.linear.LinearSGDTrainer;
import org.tribuo.classification.sgd.objectives.LogMulticlass;
import org.tribuo.math.optimisers.AdaGrad;

/**
 * How recognisable a conditional model's samples are ({@code probe/class_grid_accuracy}): a
 * multinomial logistic regression trained on real training images scores the class grid's images
 * against the label each was drawn for. The classifier's own accuracy on the real test images
 * ({@code probe/class_grid_classifier_accuracy}) is the ceiling to read it against.
 */
final class ClassGridProbe {
    private static final int TRAINING_IMAGES = 30_000;
    private static final int EPOCHS = 8;

    private ClassGridProbe() {
    }

    /** The accuracy on the grid's images, then the classifier's accuracy on the real test images. */
    static double[] accuracy(ImageSet train, ImageSet test, float[] gridImages, int[] gridLabels) {
        int n = Math.min(TRAINING_IMAGES, train.count());
        String[] names = LatentProbe.featureNames(train.imageSize());
        Model<Label> classifier = new LinearSGDTrainer(new LogMulticlass(), new AdaGrad(0.2, 0.1), EPOCHS,
                n * EPOCHS, 1, 1L).train(pixels(train, n, names));
        LabelEvaluator evaluator = new LabelEvaluator();
        double grid = evaluator.evaluate(classifier,
                LatentProbe.dataset("class grid", gridImages, gridLabels, names)).accuracy();
        double real = evaluator.evaluate(classifier, pixels(test, test.count(), names)).accuracy();
        return new double[] {grid, real};
    }

    private static MutableDataset<Label> pixels(ImageSet images, int count, String[] names) {
        int d = images.imageSize();
        float[] rows = new float[count * d];
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            for (int p = 0; p < d; p++) {
                rows[i * d + p] = images.pixel(i, p) / 255f;
            }
            labels[i] = images.label(i);
        }
        return LatentProbe.dataset("real images", rows, labels, names);
    }
}
