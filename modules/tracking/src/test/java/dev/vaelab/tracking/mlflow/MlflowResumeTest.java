package dev.vaelab.tracking.mlflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaelab.tracking.MetricsCsv;
import dev.vaelab.tracking.RunContext;
import dev.vaelab.tracking.RunLogger;
import dev.vaelab.tracking.RunStatus;
import dev.vaelab.tracking.RunStore;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A killed run resumed from its checkpoint: the MLflow run continues, or is replaced when steps were dropped. */
class MlflowResumeTest extends FakeServerTest {
    private RunLogger open(RunStore store) {
        return loggers(MlflowTesting.fast(), Map.of(), MlflowTesting.START.plusSeconds(store.metricRowCount()))
                .open(new RunContext(store, "resume", "run", Map.of(), Map.of(), Optional.of(server.uri())));
    }

    private static void steps(RunLogger log, long from, long to, double scale) {
        for (long step = from; step < to; step++) {
            log.logMetrics(Map.of("train/loss", scale / (step + 1)), step);
        }
    }

    @Test
    void aResumedRunContinuesTheSameMlflowRun() {
        RunStore store = MlflowTesting.store(root, "resume", "run");
        try (RunLogger log = open(store)) {
            steps(log, 0, 10, 1);
            log.finish(RunStatus.KILLED, "interrupted");
        }
        String first = server.state().onlyRun("resume", "run").runId;
        assertEquals("KILLED", server.state().run(first).status);

        RunStore again = RunStore.open(store.directory());
        again.setStatus(RunStatus.RUNNING, null);
        assertEquals(0, again.retainMetricsThrough(9));
        try (RunLogger log = open(again)) {
            steps(log, 10, 20, 1);
            log.finish(RunStatus.FINISHED, null);
        }
        FakeMlflowState.Run run = server.state().onlyRun("resume", "run");
        assertEquals(first, run.runId);
        assertEquals("FINISHED", run.status);
        assertEquals(MetricsCsv.read(again.metricsFile()), run.metrics);
    }

    @Test
    void stepsDroppedByAResumeReplaceTheMlflowRun() {
        RunStore store = MlflowTesting.store(root, "resume", "run");
        try (RunLogger log = open(store)) {
            steps(log, 0, 20, 1);
            log.finish(RunStatus.KILLED, "interrupted");
        }
        String first = server.state().onlyRun("resume", "run").runId;

        RunStore again = RunStore.open(store.directory());
        again.setStatus(RunStatus.RUNNING, null);
        assertEquals(10, again.retainMetricsThrough(9)); // the checkpoint was at step 9
        try (RunLogger log = open(again)) {
            steps(log, 10, 20, 2);
            log.finish(RunStatus.FINISHED, null);
        }
        FakeMlflowState.Run run = server.state().onlyRun("resume", "run");
        assertNotEquals(first, run.runId);
        assertEquals("deleted", server.state().run(first).lifecycleStage);
        assertEquals(MetricsCsv.read(again.metricsFile()), run.metrics);
        assertEquals(run.runId, RunStore.open(store.directory()).record().extra().get("mlflow_run_id"));
        assertTrue(notices.any("marked deleted"), notices.lines.toString());
    }
}
