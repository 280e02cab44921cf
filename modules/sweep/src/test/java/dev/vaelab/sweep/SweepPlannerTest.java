package dev.vaelab.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.Guice;
import com.google.inject.Injector;
import dev.vaelab.core.config.ConfigException;
import dev.vaelab.core.config.ConfigLoader;
import dev.vaelab.core.spec.ExperimentSpec;
import dev.vaelab.data.DataModule;
import dev.vaelab.heads.HeadsModule;
import dev.vaelab.train.ExperimentResolver;
import dev.vaelab.train.RunNames;
import dev.vaelab.train.TrainModule;
import dev.vaelab.zoo.ZooModule;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Planning validates every run as {@code vaelab run} would, names runs from configs that do not
 * contain the sweep (so a growing sweep keeps its runs), and reports errors at the sweep's values.
 */
class SweepPlannerTest {
    private static final String BASE = """
            name: plan
            data: {dataset: mnist, binarize: dynamic, validation: 5000}
            model:
              type: beta-vae
              latent_dim: 10
              encoder: {type: mlp, hidden: [64]}
              decoder: {type: mlp, hidden: [64]}
            likelihood: {type: bernoulli}
            beta: {type: linear, start: 0.0, end: 1.0, warmup_epochs: 1}
            train: {epochs: 2}
            """;
    private static Injector injector;

    @TempDir
    Path dir;

    @BeforeAll
    static void bootstrap() {
        injector = Guice.createInjector(new DataModule(), new ZooModule(), new HeadsModule(), new TrainModule(), new SweepModule(),
                binder -> binder.bind(ChildJvm.class).toInstance(ChildJvm.current("Main")));
    }

    private SweepPlan plan(String sweep, String... settings) throws Exception {
        Path file = dir.resolve("plan.yaml");
        Files.writeString(file, BASE + sweep);
        return injector.getInstance(SweepPlanner.class).plan(file, List.of(settings));
    }

    @Test
    void everyRunIsValidatedAndNamedFromItsOwnConfig() throws Exception {
        SweepPlan plan = plan("""
                sweep:
                  parameters:
                    beta.end: [1, 4]
                    model.latent_dim: [2, 10]
                  parallel: 2
                """);
        assertEquals("plan", plan.experiment());
        assertEquals(4, plan.runs().size());
        assertEquals(4, plan.runs().stream().map(PlannedRun::name).distinct().count());
        ExperimentResolver resolver = injector.getInstance(ExperimentResolver.class);
        for (PlannedRun run : plan.runs()) {
            assertFalse(run.configYaml().contains("sweep"), run.configYaml());
            // the config reads back to itself, so the runner that loads the file finds the same name
            var rx = resolver.resolve(ExperimentSpec.parse(ConfigLoader.parse(run.configYaml(), "run.yaml")));
            assertEquals(run.configYaml(), rx.resolvedYaml());
            assertEquals(run.name(), RunNames.of("plan", rx.resolvedYaml()));
            var model = ConfigLoader.parse(run.configYaml(), "run.yaml").map("model");
            assertEquals(run.parameters().get("model.latent_dim"), Integer.toString(model.integer("latent_dim")));
        }
        assertEquals(Map.of("beta.end", "4", "model.latent_dim", "2"), plan.runs().get(2).parameters());
    }

    @Test
    void growingTheSweepKeepsTheNamesOfItsRuns() throws Exception {
        SweepPlan small = plan("sweep:\n  parameters:\n    beta.end: [1, 4]\n");
        SweepPlan large = plan("sweep:\n  parameters:\n    beta.end: [1, 4, 16]\n  parallel: 3\n"
                + "  metric: {name: test/nll_iw, goal: minimize}\n");
        assertEquals(small.runs().get(0).name(), large.runs().get(0).name());
        assertEquals(small.runs().get(1).name(), large.runs().get(1).name());
        // and a run of the sweep is the run of the same config without one
        Path single = dir.resolve("single.yaml");
        Files.writeString(single, BASE.replace("end: 1.0", "end: 4"));
        assertEquals(small.runs().get(1).name(),
                injector.getInstance(SweepPlanner.class).plan(single, List.of()).runs().get(0).name());
    }

    @Test
    void equalConfigsAreOneRun() throws Exception {
        // 1 and 1.0 are different texts, so different configs; the same value twice is one run
        SweepPlan plan = plan("sweep:\n  method: random\n  run_cap: 12\n  parameters:\n    beta.end: [1, 4]\n");
        assertEquals(2, plan.runs().size());
        assertEquals(10, plan.duplicates());
    }

    @Test
    void aBadValueIsReportedAtItsLineWithItsRun() throws Exception {
        var e = assertThrows(ConfigException.class, () -> plan("""
                sweep:
                  parameters:
                    model.latent_dim: [2, 0]
                    beta.end: [1]
                """));
        assertEquals("plan.yaml:13:27: 'latent_dim' in 'model' must be at least 1, got 0 (in the sweep run "
                + "model.latent_dim=0 beta.end=1)", e.getMessage().replace(dir.resolve("plan.yaml").toString(), "plan.yaml"));
        var typo = assertThrows(ConfigException.class, () -> plan("sweep:\n  parameters:\n    model.latnt_dim: [2]\n"));
        assertTrue(typo.getMessage().contains(":13:23: unknown key 'latnt_dim' in 'model'"), typo.getMessage());
        assertTrue(typo.getMessage().contains("(did you mean 'latent_dim'?)"), typo.getMessage());
    }

    @Test
    void setOverridesTheBaseAndIsValidatedLikeIt() throws Exception {
        SweepPlan plan = plan("sweep:\n  parameters:\n    seed: [0, 1]\n", "train.epochs=5", "sweep.parallel=4");
        assertTrue(plan.runs().get(0).configYaml().contains("epochs: 5"));
        assertEquals(4, plan.spec().parallel());
        var e = assertThrows(ConfigException.class, () -> plan("sweep:\n  parameters:\n    seed: [0]\n", "train.epochs=x"));
        assertTrue(e.getMessage().startsWith("--set:1:1: 'epochs' in 'train' must be an integer, got 'x'"), e.getMessage());
        assertThrows(dev.vaelab.core.error.VaelabException.class, () -> plan("", "train.epochs"));
    }
}
