package dev.vaelab.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.multibindings.MapBinder;
import dev.vaelab.core.config.ConfigException;
import dev.vaelab.core.config.ConfigLoader;
import dev.vaelab.core.config.ConfigMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DatasetRegistryTest {
    private static final String FILE = "experiments/x.yaml";

    /** A dataset a plugin might add: one key of its own, and no test split of its own. */
    static final class Toy implements DatasetProvider {
        @Override
        public DatasetSource configure(ConfigMap data, DataSpec common) {
            int size = data.positiveInt("size", 8);
            double testFraction = DataSpec.testFraction(data);
            return new DatasetSource() {
                @Override
                public DatasetInfo info() {
                    return new DatasetInfo("toy", new ImageShape(3, size, size), List.of(),
                            List.of(new Factor("hue", List.of(0.0, 0.5))), false);
                }

                @Override
                public Dataset load(LoadContext context) {
                    throw new UnsupportedOperationException("toy " + testFraction);
                }
            };
        }
    }

    static final class ToyPlugin extends AbstractModule {
        @Override
        protected void configure() {
            MapBinder.newMapBinder(binder(), String.class, DatasetProvider.class).addBinding("toy").to(Toy.class);
        }
    }

    private static DatasetRegistry registry() {
        return Guice.createInjector(new DataModule(), new ToyPlugin()).getInstance(DatasetRegistry.class);
    }

    private static ConfigMap data(String flow) {
        return ConfigLoader.parse("data: " + flow + "\n", FILE).map("data");
    }

    private static ConfigException failure(String flow) {
        return assertThrows(ConfigException.class, () -> registry().resolve(data(flow)));
    }

    @Test
    void builtInsAndAPluginBindingAreKnown() {
        DatasetRegistry registry = registry();
        assertEquals(List.of("binarized-mnist", "cifar10", "dsprites", "fashion-mnist", "image-folder", "mnist", "numpy", "sprites", "toy"),
                List.copyOf(registry.names()));
        DatasetRegistry.ConfiguredData toy = registry.resolve(data("{dataset: toy, size: 16, test_fraction: 0.25}"));
        assertEquals(new ImageShape(3, 16, 16), toy.info().shape());
        assertEquals("hue", toy.info().factors().get(0).name());
        assertEquals(new DataSpec("toy", "none", new ValidationSize.Share(10)), toy.spec(), "a dataset of unknown size holds out 10% by default");
    }

    @Test
    void mnistFamilyDescribesItselfWithoutLoading() {
        DatasetInfo mnist = registry().resolve(data("{dataset: mnist, binarize: dynamic}")).info();
        assertEquals(new DatasetInfo("mnist", new ImageShape(1, 28, 28), List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"),
                List.of(), false), mnist);
        DatasetInfo binarized = registry().resolve(data("{dataset: binarized-mnist, validation: 10000}")).info();
        assertTrue(binarized.binary());
        assertEquals(0, binarized.numClasses());
    }

    @Test
    void unknownDatasetListsTheKnownOnesWithTheClosest() {
        ConfigException e = failure("{dataset: mnits}");
        assertEquals("experiments/x.yaml:1:17: 'dataset' in 'data' names no known dataset: 'mnits'; known datasets:"
                + " binarized-mnist, cifar10, dsprites, fashion-mnist, image-folder, mnist, numpy, sprites, toy (did you mean 'mnist'?)", e.getMessage());
    }

    @Test
    void commonKeysAreValidated() {
        assertEquals("experiments/x.yaml:1:34: 'binarize' in 'data' must be one of dynamic, none, static, got 'always'",
                failure("{dataset: mnist, binarize: always}").getMessage());
        assertEquals("experiments/x.yaml:1:36: 'validation' in 'data' must be at least 0, got -1",
                failure("{dataset: mnist, validation: -1}").getMessage());
        assertEquals("experiments/x.yaml:1:37: 'test_fraction' in 'data' must be in (0, 1), the share of images held out"
                + " for testing; got 1.5", failure("{dataset: toy, test_fraction: 1.5}").getMessage());
    }

    @Test
    void keysNobodyReadAreRejectedWithTheClosest() {
        assertEquals("experiments/x.yaml:1:24: unknown key 'binarise' in 'data'; allowed keys: binarize, dataset,"
                + " validation (did you mean 'binarize'?)", failure("{dataset: mnist, binarise: dynamic}").getMessage());
        // test_fraction is a key of datasets without a test split only
        assertEquals("experiments/x.yaml:1:24: unknown key 'test_fraction' in 'data'; allowed keys: binarize, dataset,"
                + " validation", failure("{dataset: mnist, test_fraction: 0.2}").getMessage());
        assertEquals("experiments/x.yaml:1:31: unknown key 'sise' in 'data'; allowed keys: binarize, dataset, size,"
                + " test_fraction, validation (did you mean 'size'?)", failure("{dataset: toy, size: 4, sise: 4}").getMessage());
    }

    @Test
    void theResolvedSectionKeepsTheDefaultsInTheirOrder() {
        // the resolved config names the run, so MNIST's section must resolve as before the registry
        ConfigMap section = data("{dataset: mnist}");
        registry().resolve(section);
        assertEquals(Map.of("dataset", "mnist", "binarize", "none", "validation", "5000"), section.resolved().flatten());
        assertEquals(List.of("dataset", "binarize", "validation"), List.copyOf(section.resolved().flatten().keySet()));
        // byte for byte, as the run's config.yaml records it
        assertEquals("dataset: mnist\nbinarize: none\nvalidation: 5000\n", section.resolved().toYaml());
        for (String name : List.of("fashion-mnist", "binarized-mnist")) {
            ConfigMap family = data("{dataset: " + name + "}");
            assertEquals(new ValidationSize.Count(5000), registry().resolve(family).spec().validation());
            assertEquals("dataset: " + name + "\nbinarize: none\nvalidation: 5000\n", family.resolved().toYaml());
        }
    }

    @Test
    void otherDatasetsRecordTheRuleOfTheirDefaultValidation() {
        ConfigMap section = data("{dataset: toy}");
        registry().resolve(section);
        assertEquals(Map.of("dataset", "toy", "binarize", "none", "validation", "10%", "size", "8", "test_fraction", "0.1"),
                section.resolved().flatten());
        // the recorded rule reads back as the same rule, so the resolved config reproduces the run
        ConfigMap again = data(section.resolved().toYaml().replace("\n", ", ").replaceAll(", $", "").replaceAll("^", "{") + "}");
        assertEquals(new ValidationSize.Share(10), registry().resolve(again).spec().validation());
        assertEquals(new ValidationSize.Share(2.5), registry().resolve(data("{dataset: toy, validation: 2.5%}")).spec().validation());
        assertEquals(new ValidationSize.Count(300), registry().resolve(data("{dataset: toy, validation: 300}")).spec().validation());
        assertEquals(new ValidationSize.Share(10), registry().resolve(data("{dataset: mnist, validation: 10%}")).spec().validation());
    }

    @Test
    void aBadValidationShareIsNamedAtItsValue() {
        assertEquals("experiments/x.yaml:1:34: 'validation' in 'data' must be a share of the training split in [0%, 100%); got '100%'",
                failure("{dataset: toy, validation: 100%}").getMessage());
        assertEquals("experiments/x.yaml:1:34: 'validation' in 'data' must be a number of images such as 500 or a share of the training"
                + " split such as 10%; got 'ten%'", failure("{dataset: toy, validation: ten%}").getMessage());
        assertEquals("experiments/x.yaml:1:34: 'validation' in 'data' must be at least 0, got -1", failure("{dataset: toy, validation: -1}").getMessage());
    }
}
