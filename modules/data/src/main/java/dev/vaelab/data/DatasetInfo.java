package dev.vaelab.data;

import java.util.List;
import java.util.Objects;

/**
 * What a dataset is, known before any pixel is read: enough to build a model for it and to check an
 * experiment against it.
 *
 * @param name the name used in experiment files ({@code data.dataset})
 * @param shape the shape of one image, C×H×W
 * @param labelNames one name per class, empty when the dataset has no labels
 * @param factors the ground-truth factors of variation, empty when the dataset has none
 * @param binary whether the pixels are already binary (0 and 255), so that binarizing changes nothing
 */
public record DatasetInfo(String name, ImageShape shape, List<String> labelNames, List<Factor> factors, boolean binary) {
    public DatasetInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(shape, "shape");
        labelNames = List.copyOf(labelNames);
        factors = List.copyOf(factors);
    }

    /** Number of classes, 0 when the dataset has no labels. */
    public int numClasses() {
        return labelNames.size();
    }

    /** Whether the dataset has class labels. */
    public boolean hasLabels() {
        return !labelNames.isEmpty();
    }

    /** Whether the images come with ground-truth factor classes. */
    public boolean hasFactors() {
        return !factors.isEmpty();
    }
}
