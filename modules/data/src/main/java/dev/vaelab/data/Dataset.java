package dev.vaelab.data;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A dataset loaded into memory: its three splits and what the pixels mean.
 *
 * <p>{@code binarization} says what has been done to the pixels: NONE (as published), STATIC (every
 * split sampled once) or DYNAMIC (validation and test sampled once so that their metrics compare
 * across epochs; training images still grayscale, resampled each epoch by the {@link BatchPlanner}).
 * A loader returns NONE; {@link Binarizer#prepare} gives the other two.
 *
 * @param info name, shape, label names and factors
 * @param train the training images
 * @param validation the validation images, empty when none were asked for
 * @param test the test images
 * @param binarization what has been done to the pixels
 */
public record Dataset(DatasetInfo info, ImageSet train, Optional<ImageSet> validation, ImageSet test, Binarization binarization) {
    public Dataset {
        Objects.requireNonNull(info, "info");
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(validation, "validation");
        Objects.requireNonNull(test, "test");
        Objects.requireNonNull(binarization, "binarization");
    }

    public String name() {
        return info.name();
    }

    public ImageShape shape() {
        return info.shape();
    }

    public int numClasses() {
        return info.numClasses();
    }

    public List<String> labelNames() {
        return info.labelNames();
    }

    /** The images of one split; VALIDATION is empty when the dataset has none. */
    public Optional<ImageSet> split(Split split) {
        return switch (split) {
            case TRAIN -> Optional.of(train);
            case VALIDATION -> validation;
            case TEST -> Optional.of(test);
        };
    }
}
