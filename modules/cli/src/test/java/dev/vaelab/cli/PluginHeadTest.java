package dev.vaelab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import dev.vaelab.cli.plugin.LogisticHead;
import dev.vaelab.heads.HeadFactory;
import dev.vaelab.heads.HeadsModule;
import dev.vaelab.tracking.MetricRow;
import dev.vaelab.tracking.RunStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Extensibility (issue 3, item 8): a head from a separate Guice module, registered only through
 * {@code META-INF/services/com.google.inject.Module} in the test resources, is found by
 * {@link Bootstrap}'s {@code ServiceLoader}, validated like a built-in one and trained from YAML.
 */
class PluginHeadTest {
    @TempDir
    Path dir;

    private static Map<String, HeadFactory> heads(Injector injector) {
        return injector.getInstance(Key.get(new TypeLiteral<Map<String, HeadFactory>>() { }));
    }

    @Test
    void theServiceLoaderAddsThePluginsHeadBesideTheBuiltInOnes() {
        Map<String, HeadFactory> heads = heads(Bootstrap.injector());
        assertTrue(heads.containsKey(LogisticHead.TYPE), "the plugin's head is not registered: " + heads.keySet());
        assertTrue(heads.keySet().containsAll(List.of("bernoulli", "gaussian", "laplace", "continuous-bernoulli", "categorical")),
                heads.keySet().toString());
        // it is the plugin's module that brings it: the built-in module alone does not
        Map<String, HeadFactory> builtIn = heads(com.google.inject.Guice.createInjector(new HeadsModule()));
        assertFalse(builtIn.containsKey(LogisticHead.TYPE));
    }

    @Test
    void aYamlExperimentTrainsWithThePluginsHead() throws IOException {
        ShortRuns.assumeMnist();
        String yaml = ShortRuns.experiment("plugin", "vae", "{type: plugin-logistic, scale: learned}",
                "{type: constant, value: 1.0}", "{epochs: 1, batch_size: 32, max_steps: 40}",
                "{every_steps: 10, grids_every_epochs: 1}");
        ShortRuns.Outcome outcome = new ShortRuns(Bootstrap.injector(), dir).run("plugin", yaml);
        assertEquals(0, outcome.exitCode(), outcome.err());
        List<MetricRow> losses = outcome.metrics("train/loss");
        assertEquals(4, losses.size());
        assertTrue(losses.stream().allMatch(r -> Double.isFinite(r.value())), losses.toString());
        assertTrue(losses.get(3).value() < losses.get(0).value(), "the loss did not improve: " + losses);
        assertTrue(Double.isFinite(RunStore.open(outcome.run()).readSummary().get("test/elbo")));
    }

    @Test
    void itsOptionsAreValidatedAndAMisspeltTypeSuggestsIt() throws IOException {
        ShortRuns runs = new ShortRuns(Bootstrap.injector(), dir);
        ShortRuns.Outcome typo = runs.run("typo", ShortRuns.experiment("typo", "vae", "{type: plugin-logistc}",
                "{type: constant, value: 1.0}", "{epochs: 1}", "{every_steps: 10}"));
        assertEquals(1, typo.exitCode());
        assertTrue(typo.err().contains("unknown likelihood type 'plugin-logistc'")
                && typo.err().contains("did you mean 'plugin-logistic'"), typo.err());
        ShortRuns.Outcome clash = runs.run("clash", ShortRuns.experiment("clash", "vae",
                "{type: plugin-logistic, scale: predicted, s: 0.1}", "{type: constant, value: 1.0}", "{epochs: 1}",
                "{every_steps: 10}"));
        assertEquals(1, clash.exitCode());
        assertTrue(clash.err().contains("clash.yaml:9:") && clash.err().contains("contradicts 'scale: predicted'"), clash.err());
    }
}
