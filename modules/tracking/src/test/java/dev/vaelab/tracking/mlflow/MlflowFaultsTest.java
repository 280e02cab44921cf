package dev.vaelab.tracking.mlflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaelab.tracking.MetricRow;
import dev.vaelab.tracking.MetricsCsv;
import dev.vaelab.tracking.RunContext;
import dev.vaelab.tracking.RunLogger;
import dev.vaelab.tracking.RunRecord;
import dev.vaelab.tracking.RunStatus;
import dev.vaelab.tracking.RunStore;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Live logging against a server that fails: every fault ends with the server holding exactly the
 * rows of {@code metrics.csv}, each once, and the training thread never waits on the server.
 */
class MlflowFaultsTest extends FakeServerTest {
    private RunLogger open(RunStore store, MlflowSettings settings, Map<String, String> env) {
        return loggers(settings, env, MlflowTesting.START).open(new RunContext(store, "faults", store.record().runName(), Map.of(), Map.of(),
                Optional.of(server.uri())));
    }

    private static void logSteps(RunLogger log, long from, long to) {
        for (long step = from; step < to; step++) {
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("train/loss", 100.0 / (step + 1));
            m.put("train/kl", step % 7 == 0 ? Double.NaN : step * 0.5);
            m.put("train/beta", 1.0);
            log.logMetrics(m, step);
        }
    }

    /** The server holds each row of the store exactly once, in the store's order. */
    private FakeMlflowState.Run assertMirrored(RunStore store) {
        FakeMlflowState.Run run = server.state().onlyRun("faults", store.record().runName());
        List<MetricRow> local = MetricsCsv.read(store.metricsFile());
        assertEquals(local.size(), run.metrics.size(), "rows on the server");
        assertEquals(local, run.metrics);
        return run;
    }

    @Test
    void serverErrorsRateLimitsPartialWritesAndLostAnswersLoseAndDuplicateNothing() {
        MlflowSettings settings = new MlflowSettings(Duration.ofSeconds(2), Duration.ofMillis(400),
                new Backoff(Duration.ofMillis(5), Duration.ofMillis(40)), 4096, Duration.ofSeconds(30));
        server.faults()
                .fail("POST", "log-batch", 2, 500)
                .fail("POST", "log-batch", 2, 429)
                .fail("POST", "log-batch", 1, 503)
                .partialWrite(2, 2)
                .loseAnswer("POST", "log-batch", 2)
                .delayAnswer("POST", "log-batch", 1, Duration.ofMillis(700))
                .fail("PUT", "mlflow-artifacts", 3, 502)
                .fail("POST", "runs/update", 2, 500)
                .fail("POST", "runs/create", 1, 503);
        RunStore store = MlflowTesting.store(root, "faults", "errors");
        try (RunLogger log = open(store, settings, Map.of())) {
            logSteps(log, 0, 60);
            log.logImage("samples", 1, 60, MlflowTesting.grid(3));
            logSteps(log, 60, 120);
            log.finish(RunStatus.FINISHED, null);
        }
        FakeMlflowState.Run run = assertMirrored(store);
        assertEquals("FINISHED", run.status);
        assertTrue(server.state().artifacts(run).containsKey("metrics.csv"));
        assertEquals(1, server.state().runs("faults").size(), "a create that failed was not repeated into a second run");
        assertTrue(server.requests("log-batch").stream().anyMatch(r -> r.status() == -1), "answers were lost");
        assertEquals("complete", RunStore.open(store.directory()).record().extra().get("mlflow_sync"));
        // fifteen failures, reported as outages (at most one line each), not one by one
        assertTrue(notices.count("retrying in the background") <= 3, notices.lines.toString());
    }

    @Test
    void aServerThatGoesAwayAndComesBackWithItsStateGetsEverythingOnce() throws Exception {
        RunStore store = MlflowTesting.store(root, "faults", "outage");
        try (RunLogger log = open(store, MlflowTesting.fast(), Map.of())) {
            logSteps(log, 0, 30);
            waitFor(() -> server.state().runs("faults").size() == 1
                    && server.state().onlyRun("faults", "outage").metrics.size() == 90);
            server.stop(); // connections refused in the middle of the run
            logSteps(log, 30, 60);
            waitFor(() -> notices.any("retrying in the background"));
            server.restart();
            logSteps(log, 60, 90);
            log.finish(RunStatus.FINISHED, null);
        }
        assertMirrored(store);
        assertEquals(1, notices.count("retrying in the background"), notices.lines.toString());
        assertTrue(notices.any("answers again"), notices.lines.toString());
    }

    @Test
    void whatMissesTheDrainDeadlineIsRecordedAsUnsyncedAndSyncedLater() {
        RunStore store = MlflowTesting.store(root, "faults", "unsynced");
        server.stop();
        try (RunLogger log = open(store, MlflowTesting.fast(Duration.ofMillis(500)), Map.of())) {
            logSteps(log, 0, 40);
            log.finish(RunStatus.FINISHED, null);
        }
        RunRecord record = RunStore.open(store.directory()).record();
        assertEquals("finished", record.status().wireName(), "the local run is whole");
        assertEquals("incomplete", record.extra().get("mlflow_sync"));
        assertTrue(record.extra().get("mlflow_sync_note").startsWith("120 metric rows"), record.extra().toString());
        assertTrue(notices.any("vaelab mlflow-sync " + store.directory()), notices.lines.toString());

        server.restart();
        MlflowSync sync = new MlflowSync(MlflowTesting.fast(), MlflowTesting.environment(), notices);
        MlflowSync.Report report = sync.sync(List.of(store.directory()), Optional.of(server.uri()), System.out, false);
        assertEquals(1, report.synced(), report.toString());
        FakeMlflowState.Run run = assertMirrored(store);
        assertEquals("FINISHED", run.status);
        assertEquals("complete", RunStore.open(store.directory()).record().extra().get("mlflow_sync"));
    }

    @Test
    void aServerThatRefusedEveryConnectionCostsTheRunNoWaitAtItsEnd() {
        RunStore store = MlflowTesting.store(root, "faults", "nobody");
        server.stop();
        long start = System.nanoTime();
        try (RunLogger log = open(store, MlflowTesting.fast(Duration.ofSeconds(60)), Map.of())) {
            logSteps(log, 0, 10);
            log.finish(RunStatus.FINISHED, null);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        assertTrue(seconds < 10, "the run waited " + seconds + " s for a server that is not there");
        RunRecord record = RunStore.open(store.directory()).record();
        assertEquals("incomplete", record.extra().get("mlflow_sync"));
        assertTrue(record.extra().get("mlflow_sync_note").contains("no server took a connection during the whole run"),
                record.extra().toString());
        assertTrue(record.extra().get("mlflow_sync_note").contains("connection refused"), record.extra().toString());
    }

    @Test
    void anHtmlErrorPageIsSummarisedInOneLine() {
        String page = "<!DOCTYPE html>\n<html>\n<head>\n  <title>502 Bad Gateway</title>\n</head>\n<body>\n"
                + "<center><h1>502 Bad Gateway</h1></center>\n<hr><center>nginx/1.22.1</center>\n</body>\n</html>\n";
        MlflowFailure f = MlflowClients.httpFailure("log a batch", 502, page, null);
        assertEquals("log a batch: HTTP 502: 502 Bad Gateway", f.getMessage());
        String untitled = "<html><body><h1>Forbidden</h1>\n<p>You do not have\n access.</p></body></html>";
        assertEquals("get run: HTTP 403: Forbidden You do not have access.",
                MlflowClients.httpFailure("get run", 403, untitled, null).getMessage());
        assertEquals("get run: HTTP 404 RESOURCE_DOES_NOT_EXIST: Run 'x' not found", MlflowClients.httpFailure("get run",
                404, "{\"error_code\": \"RESOURCE_DOES_NOT_EXIST\", \"message\": \"Run 'x' not found\"}", null)
                .getMessage());
    }

    @Test
    void aRefusalIsReportedOnceWithTheServersMessageAndNotRetried() {
        server.requireAuthorization("Bearer right");
        RunStore store = MlflowTesting.store(root, "faults", "refused");
        try (RunLogger log = open(store, MlflowTesting.fast(), Map.of("MLFLOW_TRACKING_TOKEN", "wrong"))) {
            logSteps(log, 0, 20);
            log.finish(RunStatus.FINISHED, null);
        }
        assertEquals(1, server.requests().size(), "the refused request was sent once: " + server.requests());
        assertEquals(401, server.requests().get(0).status());
        assertEquals(1, notices.count("the server refused"), notices.lines.toString());
        assertTrue(notices.any("UNAUTHENTICATED"), notices.lines.toString());
        RunRecord record = RunStore.open(store.directory()).record();
        assertEquals("incomplete", record.extra().get("mlflow_sync"));
        assertTrue(record.extra().get("mlflow_sync_note").contains("HTTP 401"), record.extra().toString());
        assertEquals(60, MetricsCsv.read(store.metricsFile()).size(), "the local store has everything");
    }

    @Test
    void credentialsFromTheEnvironmentAreSentAsMlflowClientsSendThem() {
        server.requireAuthorization("Basic " + java.util.Base64.getEncoder().encodeToString("ada:s3cret".getBytes()));
        RunStore store = MlflowTesting.store(root, "faults", "basic");
        try (RunLogger log = open(store, MlflowTesting.fast(),
                Map.of("MLFLOW_TRACKING_USERNAME", "ada", "MLFLOW_TRACKING_PASSWORD", "s3cret", "MLFLOW_TRACKING_TOKEN", "t"))) {
            logSteps(log, 0, 5);
            log.logImage("samples", 1, 5, MlflowTesting.grid(1));
            log.finish(RunStatus.FINISHED, null);
        }
        FakeMlflowState.Run run = assertMirrored(store);
        assertFalse(server.state().artifacts(run).isEmpty(), "artifact uploads carry the credentials too");
        assertTrue(server.requests().stream().noneMatch(r -> r.status() == 401), server.requests().toString());
    }

    @Test
    void aSlowServerDoesNotSlowTheTrainingThread() {
        server.faults().delay(null, "/api/", -1, Duration.ofMillis(150));
        MlflowSettings settings = new MlflowSettings(Duration.ofSeconds(2), Duration.ofSeconds(5),
                new Backoff(Duration.ofMillis(10), Duration.ofMillis(100)), 8, Duration.ofSeconds(60));
        RunStore store = MlflowTesting.store(root, "faults", "slow");
        long loggingNanos;
        MlflowRunLogger live;
        try (RunLogger log = open(store, settings, Map.of())) {
            live = (MlflowRunLogger) log;
            long start = System.nanoTime();
            logSteps(log, 0, 2000);
            loggingNanos = System.nanoTime() - start;
            log.finish(RunStatus.FINISHED, null);
        }
        // a logger that waited on the server would need 2000 x 150 ms; this one never waits
        assertTrue(loggingNanos < Duration.ofMillis(3000).toNanos(), "2000 logMetrics calls took "
                + loggingNanos / 1_000_000 + " ms against a server answering in 150 ms");
        assertTrue(live.droppedEvents() > 0, "the queue of 8 overflowed, and the rows were read back from the store");
        assertMirrored(store);
    }

    @Test
    void aLongOutageKeepsOnlyABoundedBacklogInMemoryAndStillLosesNothing() throws Exception {
        RunStore store = MlflowTesting.store(root, "faults", "backlog");
        store.putExtras(Map.of("tag.mlflow.user", "ada"));
        server.stop();
        try (RunLogger log = MlflowRunLogger.start(new dev.vaelab.tracking.LocalRunLogger(store,
                new MlflowTesting.SteppingClock(MlflowTesting.START)), TrackingServer.resolve(server.uri(), Map.of()),
                MlflowTesting.fast(), notices, 50)) {
            logSteps(log, 0, 400); // 1200 rows while the server is down, at most 50 of them in memory
            waitFor(() -> notices.any("retrying in the background"));
            server.restart();
            logSteps(log, 400, 420);
            log.finish(RunStatus.FINISHED, null);
        }
        assertMirrored(store);
    }

    private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting");
            }
            Thread.sleep(10);
        }
    }
}
