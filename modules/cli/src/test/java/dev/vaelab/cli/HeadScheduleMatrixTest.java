package dev.vaelab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.Injector;
import dev.vaelab.tracking.MetricRow;
import dev.vaelab.tracking.RunRecordJson;
import dev.vaelab.tracking.RunStatus;
import dev.vaelab.tracking.RunStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every likelihood head under {@code vae} and under {@code beta-vae}, every scale mode of the
 * location-scale heads, and every β schedule under {@code beta-vae}, each trained from YAML for 40
 * steps of real MNIST ({@code train.max_steps}): the run finishes, every logged loss is finite, the
 * loss improves from the first logged window to the last, the test ELBO is finite and the decoder's
 * mean draws the grids.
 */
class HeadScheduleMatrixTest {
    private static final String CONSTANT = "{type: constant, value: 1.0}";
    private static Injector injector;

    @TempDir
    Path dir;

    @BeforeAll
    static void bootstrap() {
        injector = Bootstrap.injector();
    }

    static Stream<Arguments> combinations() {
        return Stream.of(
                Arguments.of("vae", "{type: bernoulli}", CONSTANT),
                Arguments.of("vae", "{type: gaussian, sigma: 0.2}", CONSTANT),
                Arguments.of("vae", "{type: gaussian, scale: learned_per_pixel}", CONSTANT),
                Arguments.of("vae", "{type: laplace, scale: learned}", CONSTANT),
                Arguments.of("vae", "{type: continuous-bernoulli}", CONSTANT),
                Arguments.of("vae", "{type: categorical}", CONSTANT),
                Arguments.of("beta-vae", "{type: bernoulli}", "{type: linear, start: 0.0, end: 2.0, warmup_steps: 20}"),
                Arguments.of("beta-vae", "{type: gaussian, scale: predicted}",
                        "{type: cyclical, cycles: 2, ratio: 0.5, ramp: sigmoid}"),
                Arguments.of("beta-vae", "{type: gaussian, scale: learned}", "{type: cyclical, cycles: 3, max: 2.0}"),
                Arguments.of("beta-vae", "{type: laplace, scale: learned_per_pixel}",
                        "{type: sigmoid, end: 4.0, center_steps: 15, steepness: 0.3}"),
                Arguments.of("beta-vae", "{type: laplace, b: 0.1}", "{type: constant, value: 0.5}"),
                Arguments.of("beta-vae", "{type: continuous-bernoulli}",
                        "{type: capacity, c_max: 5.0, gamma: 50.0, warmup_steps: 20}"),
                Arguments.of("beta-vae", "{type: categorical}", "{type: constant, value: 4.0}"));
    }

    @ParameterizedTest(name = "{0} with {1} and beta {2}")
    @MethodSource("combinations")
    void trainsAFewStepsFromYaml(String model, String likelihood, String beta) throws IOException {
        ShortRuns.assumeMnist();
        String name = "matrix";
        ShortRuns.Outcome outcome = new ShortRuns(injector, dir).run(name, ShortRuns.experiment(name, model, likelihood,
                beta, "{epochs: 1, batch_size: 32, max_steps: 40}", "{every_steps: 10, grids_every_epochs: 1}"));
        assertEquals(0, outcome.exitCode(), outcome.err());
        Path run = outcome.run();
        assertEquals(RunStatus.FINISHED, RunRecordJson.read(run.resolve("run.json")).status());
        List<MetricRow> losses = outcome.metrics("train/loss");
        assertEquals(List.of(10L, 20L, 30L, 40L), losses.stream().map(MetricRow::step).toList(),
                "one loss per 10 steps, and the run stops at train.max_steps");
        assertTrue(losses.stream().allMatch(r -> Double.isFinite(r.value())), "a loss was not finite: " + losses);
        assertTrue(losses.get(3).value() < losses.get(0).value(), "the loss did not improve: " + losses);
        Map<String, Double> summary = RunStore.open(run).readSummary();
        assertTrue(Double.isFinite(summary.get("test/elbo")), "test ELBO " + summary.get("test/elbo"));
        assertEquals(40.0, summary.get("train/steps"));
        assertTrue(Files.isRegularFile(run.resolve("grids/samples_e001.png")), "no sample grid");
        assertEquals(losses.stream().map(MetricRow::step).toList(),
                outcome.metrics("train/beta").stream().map(MetricRow::step).toList(), "train/beta at every logged step");
        if (beta.contains("capacity")) {
            assertEquals(4, outcome.metrics("train/capacity").size(), "train/capacity at every logged step");
        }
    }
}
