package dev.vaelab.data;

import dev.vaelab.core.config.ConfigMap;
import java.util.Set;
import java.util.function.Function;

/**
 * The keys of the {@code data:} section every dataset has: which dataset, how it is binarized, and how
 * many training examples are held out for validation. The chosen {@link DatasetProvider} reads the
 * dataset's own keys from the same section.
 *
 * @param dataset the name of a bound {@link DatasetProvider}
 * @param binarize {@code none} (grey levels in [0, 1]), {@code static} (sampled once, seeded) or
 *     {@code dynamic} (resampled every epoch)
 * @param validation training examples held out for validation: a count (0 for none) or a share of the
 *     training split; its default is the chosen provider's ({@link DatasetProvider#defaultValidation()})
 */
public record DataSpec(String dataset, String binarize, ValidationSize validation) {
    /** The binarization modes. */
    public static final Set<String> BINARIZE = Set.of("none", "static", "dynamic");
    /** The test fraction of a dataset without a published test split, when {@code test_fraction} is absent. */
    public static final double DEFAULT_TEST_FRACTION = 0.1;

    /** A spec with a count of validation images. */
    public DataSpec(String dataset, String binarize, int validation) {
        this(dataset, binarize, new ValidationSize.Count(validation));
    }

    /**
     * Reads the common keys in the order their defaults appear in the resolved config (which names the
     * run); the provider reads the rest and the registry then {@link ConfigMap#finish()}es the section.
     *
     * @param defaultValidation the default of {@code validation} for a dataset name
     */
    public static DataSpec parse(ConfigMap data, Function<String, ValidationSize> defaultValidation) {
        String dataset = data.string("dataset");
        return new DataSpec(
                dataset,
                data.choice("binarize", BINARIZE, "none"),
                ValidationSize.read(data, "validation", defaultValidation.apply(dataset)));
    }

    /** The binarization as an enum. */
    public Binarization binarization() {
        return Binarization.fromName(binarize);
    }

    /**
     * {@code test_fraction}, for a dataset that publishes no test split: the share of its images held
     * out as a seeded test split (default 0.1). Only such providers call it, so elsewhere the key is
     * unknown and rejected.
     */
    public static double testFraction(ConfigMap data) {
        double fraction = data.number("test_fraction", DEFAULT_TEST_FRACTION);
        if (!(fraction > 0 && fraction < 1)) {
            throw data.invalid("test_fraction", "must be in (0, 1), the share of images held out for testing; got " + fraction);
        }
        return fraction;
    }
}
