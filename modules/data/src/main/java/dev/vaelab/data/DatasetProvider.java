package dev.vaelab.data;

import dev.vaelab.core.config.ConfigMap;

/**
 * One dataset that {@code data.dataset} can name, bound by that name in a Guice
 * {@code MapBinder<String, DatasetProvider>} (see {@link DataModule}); a plugin module adds a dataset
 * with one {@code addBinding}.
 *
 * <p>{@link #configure} reads the dataset's own keys of the {@code data:} section (the common ones,
 * {@link DataSpec}, are already read) without touching the disk or the network, and returns the
 * configured dataset; the registry then rejects any key nobody read. Loading comes later, once the
 * whole experiment is valid.
 */
public interface DatasetProvider {
    /**
     * @param data the {@code data:} section; read this dataset's keys from it (e.g. {@code path}, or
     *     {@link DataSpec#testFraction} for a dataset without a test split), report bad values with
     *     {@link ConfigMap#invalid}, and leave {@code finish()} to the registry
     * @param common the keys every dataset has, already validated
     */
    DatasetSource configure(ConfigMap data, DataSpec common);

    /**
     * The default of {@code data.validation} for this dataset: 10% of the training split, since a
     * config cannot know how many images a file or folder holds. A dataset whose runs were named by a
     * fixed count keeps it (the MNIST family: 5000).
     */
    default ValidationSize defaultValidation() {
        return ValidationSize.TEN_PERCENT;
    }
}
