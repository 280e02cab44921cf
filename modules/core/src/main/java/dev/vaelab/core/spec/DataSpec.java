package dev.vaelab.core.spec;

import dev.vaelab.core.config.ConfigMap;
import java.util.List;
import java.util.Set;

/**
 * The {@code data:} section: which dataset, how it is binarized, and how many training examples are
 * held out for validation.
 *
 * @param dataset one of {@link #DATASETS}
 * @param binarize {@code none} (grey levels in [0, 1]), {@code static} (thresholded once, seeded) or
 *     {@code dynamic} (resampled every epoch)
 * @param validation training examples held out for validation, 0 for none
 */
public record DataSpec(String dataset, String binarize, int validation) {
    /** The datasets the data module provides. */
    public static final Set<String> DATASETS = Set.of("mnist", "fashion-mnist", "binarized-mnist");
    /** The binarization modes. */
    public static final Set<String> BINARIZE = Set.of("none", "static", "dynamic");

    private static final List<String> KEYS = List.of("dataset", "binarize", "validation");

    /** Reads and validates the section. */
    public static DataSpec parse(ConfigMap data) {
        data.allowOnly(KEYS);
        return new DataSpec(
                data.choice("dataset", DATASETS),
                data.choice("binarize", BINARIZE, "none"),
                data.intAtLeast("validation", 0, 5000));
    }
}
