package dev.vaelab.tracking.mlflow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaelab.core.config.ConfigLoader;
import dev.vaelab.tracking.MetricRow;
import dev.vaelab.tracking.RunContext;
import dev.vaelab.tracking.RunLogger;
import dev.vaelab.tracking.RunStatus;
import dev.vaelab.tracking.RunStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A sweep is a parent run with its runs nested under it, live or synced later. */
class SweepParentTest extends FakeServerTest {
    private static final String DEFINITION = String.join("\n",
            "seed: 3",
            "beta: {type: linear, end: 2}",
            "sweep:",
            "  method: grid",
            "  parameters:",
            "    beta.end: [1, 4]",
            "    seed: [0]",
            "  metric: {name: test/elbo, goal: maximize}",
            "");
    private static final String TABLE = "run,beta.end,test/elbo\nb1,1,-99.5\nb4,4,-101.25\n";

    private void sweep(Optional<String> uri) {
        TrackingRunLoggerFactory loggers = loggers();
        try (SweepParent parent = SweepParent.open(loggers, root.resolve("sw/sweep/parent"), "sw", "sw-sweep", "sw",
                "a1b2", DEFINITION, uri, Optional.empty())) {
            uri.ifPresent(u -> assertTrue(parent.mlflowRunId(Duration.ofSeconds(10)).isPresent()));
            for (String name : List.of("b1", "b4")) {
                RunStore store = MlflowTesting.store(root, "sw", name);
                try (RunLogger log = loggers.open(new RunContext(store, "sw", name, Map.of(), parent.childTags(), uri))) {
                    log.logMetrics(Map.of("test/elbo", name.equals("b1") ? -99.5 : -101.25), 100);
                    log.finish(RunStatus.FINISHED, null);
                }
            }
            parent.finish(RunStatus.FINISHED, null, TABLE, "b1", Map.of("test/elbo", -99.5), 100, "test/elbo",
                    List.of(-99.5, -101.25));
        }
    }

    private void assertNested(FakeMlflowServer at) {
        FakeMlflowState.Run parent = at.state().onlyRun("sw", "sw-sweep");
        assertEquals("sweep", parent.tags.get("vaelab.role"));
        assertEquals("a1b2", parent.tags.get("vaelab.sweep_id"));
        assertEquals("b1", parent.tags.get("vaelab.best_run"));
        Map<String, String> definition = new java.util.LinkedHashMap<>(ConfigLoader.parse(DEFINITION, "d").flatten());
        definition.remove("seed"); // base values of swept keys, which no run used
        definition.remove("beta.end");
        assertEquals(MlflowNames.params(definition), parent.params);
        assertEquals("[1, 4]", parent.params.get("sweep.parameters.beta.end"));
        assertEquals("linear", parent.params.get("beta.type"));
        long t = parent.metrics.get(0).timestamp();
        assertEquals(List.of(new MetricRow("test/elbo", -99.5, 100, t), new MetricRow("ranked/test/elbo", -99.5, 1,
                parent.metrics.get(1).timestamp()), new MetricRow("ranked/test/elbo", -101.25, 2,
                parent.metrics.get(2).timestamp())), parent.metrics, "the best run's metrics, then the sweep by rank");
        assertEquals("FINISHED", parent.status);
        Map<String, byte[]> files = at.state().artifacts(parent);
        assertArrayEquals(TABLE.getBytes(StandardCharsets.UTF_8), files.get("sweep.csv"));
        assertArrayEquals(DEFINITION.getBytes(StandardCharsets.UTF_8), files.get("config.yaml"));
        for (String name : List.of("b1", "b4")) {
            FakeMlflowState.Run child = at.state().onlyRun("sw", name);
            assertEquals(parent.runId, child.tags.get("mlflow.parentRunId"), name);
            assertEquals("a1b2", child.tags.get("vaelab.sweep_id"));
            assertEquals("sw", child.tags.get("vaelab.sweep"));
        }
    }

    @Test
    void aLiveSweepNestsItsRunsUnderItsParent() {
        sweep(Optional.of(server.uri()));
        assertNested(server);
    }

    @Test
    void anOfflineSweepIsNestedWhenSynced() {
        sweep(Optional.empty());
        MlflowSync sync = new MlflowSync(MlflowTesting.fast(), MlflowTesting.environment(), notices);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MlflowSync.Report report = sync.sync(List.of(root.resolve("sw")), Optional.of(server.uri()),
                new PrintStream(out, true, StandardCharsets.UTF_8), false);
        assertEquals(3, report.synced(), report + "\n" + out);
        assertNested(server);
    }
}
