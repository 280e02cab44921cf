package dev.vaelab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaelab.tracking.MetricRow;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Objectives chosen by {@code objective: {type: ...}} train from YAML on real MNIST for 40 steps and
 * log their own terms at every logged step; their sections are validated like any other.
 */
class ObjectiveRunTest {
    @TempDir
    Path dir;

    private static String experiment(String name, String objective) {
        return ShortRuns.experiment(name, "vae", "{type: bernoulli}", "", "{epochs: 1, batch_size: 32, max_steps: 40}",
                "{every_steps: 10, grids_every_epochs: 0}").replace("beta: \n", "objective: " + objective + "\n");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "{type: beta-tcvae, beta: 6}|train/index_code_mi,train/total_correlation,train/dimwise_kl",
        "{type: iwae, samples: 5}|train/iw_bound",
        "{type: beta-vae, beta: {type: capacity, c_max: 3.0, gamma: 50.0, warmup_steps: 20}}|train/beta,train/capacity",
        "{type: elbo}|train/beta"})
    void trainsAndLogsItsTerms(String objectiveAndMetrics) throws IOException {
        ShortRuns.assumeMnist();
        String[] parts = objectiveAndMetrics.split("\\|");
        ShortRuns.Outcome outcome = new ShortRuns(Bootstrap.injector(), dir).run("objective", experiment("objective", parts[0]));
        assertEquals(0, outcome.exitCode(), outcome.err());
        List<MetricRow> losses = outcome.metrics("train/loss");
        assertEquals(List.of(10L, 20L, 30L, 40L), losses.stream().map(MetricRow::step).toList());
        assertTrue(losses.get(3).value() < losses.get(0).value(), "the loss did not improve: " + losses);
        for (String key : parts[1].split(",")) {
            List<MetricRow> rows = outcome.metrics(key);
            assertEquals(4, rows.size(), key + " at every logged step");
            assertTrue(rows.stream().allMatch(r -> Double.isFinite(r.value())), key + ": " + rows);
        }
        if (parts[0].contains("iwae")) {
            for (int i = 0; i < 4; i++) {
                assertEquals(-losses.get(i).value(), outcome.metrics("train/iw_bound").get(i).value(), 1e-3,
                        "the loss is the negative bound");
            }
        }
    }

    @Test
    void anObjectivesKeysAreCheckedAtTheirLine() throws IOException {
        ShortRuns runs = new ShortRuns(Bootstrap.injector(), dir);
        ShortRuns.Outcome typo = runs.run("typo", experiment("typo", "{type: iwae, sampels: 5}"));
        assertEquals(1, typo.exitCode());
        assertTrue(typo.err().contains("typo.yaml:10:") && typo.err().contains("unknown key 'sampels' in 'objective'")
                && typo.err().contains("did you mean 'samples'"), typo.err());
        assertTrue(typo.run() == null, "a run folder was made for an invalid file");

        ShortRuns.Outcome unknown = runs.run("unknown", experiment("unknown", "{type: iwea}"));
        assertTrue(unknown.err().contains("unknown objective type 'iwea'") && unknown.err().contains("did you mean 'iwae'"),
                unknown.err());

        ShortRuns.Outcome both = runs.run("both", experiment("both", "{type: beta-tcvae, beta: 6}")
                + "beta: {type: constant, value: 2}\n");
        assertEquals(1, both.exitCode());
        assertTrue(both.err().contains("both.yaml:15:") && both.err().contains("objective.beta"), both.err());
    }
}
