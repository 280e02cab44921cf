package dev.vaelab.data;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * @param loadMetrics what loading found out that a run should log once at its start, by metric name
 *     (e.g. {@code data/skipped}, the unreadable images a folder skipped); empty for most datasets
 */
public record Dataset(DatasetInfo info, ImageSet train, Optional<ImageSet> validation, ImageSet test, Binarization binarization,
        Map<String, Double> loadMetrics) {
    public Dataset {
        Objects.requireNonNull(info, "info");
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(validation, "validation");
        Objects.requireNonNull(test, "test");
        Objects.requireNonNull(binarization, "binarization");
        loadMetrics = Collections.unmodifiableMap(new LinkedHashMap<>(loadMetrics));
    }

    /** A dataset whose loading has nothing to report. */
    public Dataset(DatasetInfo info, ImageSet train, Optional<ImageSet> validation, ImageSet test, Binarization binarization) {
        this(info, train, validation, test, binarization, Map.of());
    }

    /** This dataset with {@code metrics} added to its load metrics. */
    public Dataset withLoadMetrics(Map<String, Double> metrics) {
        Map<String, Double> all = new LinkedHashMap<>(loadMetrics);
        all.putAll(metrics);
        return new Dataset(info, train, validation, test, binarization, all);
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
