package dev.vaelab.data;

import dev.vaelab.core.config.ConfigMap;
import dev.vaelab.core.config.Suggestions;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The datasets {@code data.dataset} can name: every {@link DatasetProvider} bound in the
 * {@code MapBinder} of {@link DataModule}, ours and plugins' alike. It reads the {@code data:} section:
 * the common keys, then the chosen provider's, then rejects what nobody read.
 */
public final class DatasetRegistry {
    private final Map<String, DatasetProvider> providers;

    @Inject
    public DatasetRegistry(Map<String, DatasetProvider> providers) {
        this.providers = new TreeMap<>(providers);
    }

    /** The known dataset names, sorted. */
    public Set<String> names() {
        return providers.keySet();
    }

    /**
     * Validates the {@code data:} section and configures its dataset, reading nothing from disk; an
     * unknown name is an error at its value listing the known ones with the closest match.
     */
    public ConfiguredData resolve(ConfigMap data) {
        // an unknown name gets the usual default here and its error just below, at its value
        DataSpec common = DataSpec.parse(data,
                name -> providers.containsKey(name) ? providers.get(name).defaultValidation() : ValidationSize.TEN_PERCENT);
        DatasetProvider provider = providers.get(common.dataset());
        if (provider == null) {
            throw data.invalid("dataset", "names no known dataset: '" + common.dataset() + "'; known datasets: "
                    + Suggestions.list(providers.keySet()) + Suggestions.didYouMean(common.dataset(), providers.keySet()));
        }
        DatasetSource source = provider.configure(data, common);
        data.finish();
        return new ConfiguredData(common, source);
    }

    /**
     * A validated {@code data:} section.
     *
     * @param spec the common keys
     * @param source the configured dataset
     */
    public record ConfiguredData(DataSpec spec, DatasetSource source) {
        /** The dataset's shape, labels and factors. */
        public DatasetInfo info() {
            return source.info();
        }

        /** Loads the dataset and applies the run's binarization (seeded by {@code context.streams()}). */
        public Dataset load(LoadContext context) {
            return new Binarizer(context.streams()).prepare(source.load(context), spec.binarization());
        }
    }
}
