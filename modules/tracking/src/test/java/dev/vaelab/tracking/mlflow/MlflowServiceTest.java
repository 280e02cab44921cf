package dev.vaelab.tracking.mlflow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vaelab.tracking.MetricRow;
import dev.vaelab.tracking.RunStatus;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The fake server enforces MLflow's REST contract, and the client makes exactly one request per
 * call: its built-in retries (of 4xx and 5xx alike) are off, so every failure surfaces, classified.
 */
class MlflowServiceTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final FakeMlflowServer server = FakeMlflowServer.start();
    private final MlflowService service = new MlflowService(TrackingServer.resolve(server.uri(), Map.of()),
            MlflowTesting.fast());

    @AfterEach
    void stop() {
        service.close();
        server.close();
    }

    private MlflowRun newRun() {
        String experiment = service.createExperiment("contract");
        return service.createRun(experiment, "r", 1000, Map.of("k", "v"));
    }

    @Test
    void aChangedParamIsRefusedOnceWithTheServersMessage() {
        MlflowRun run = newRun();
        service.logBatch(run.runId(), List.of(), Map.of("lr", "0.001"), Map.of());
        service.logBatch(run.runId(), List.of(), Map.of("lr", "0.001"), Map.of()); // the same value again is fine
        int before = server.requests("log-batch").size();
        MlflowFailure f = assertThrows(MlflowFailure.class,
                () -> service.logBatch(run.runId(), List.of(), Map.of("lr", "0.01"), Map.of()));
        assertEquals(MlflowFailure.Kind.REJECTED, f.kind());
        assertTrue(f.is(400, "INVALID_PARAMETER_VALUE"), f.getMessage());
        assertTrue(f.getMessage().contains("Changing param values is not allowed"), f.getMessage());
        assertEquals(before + 1, server.requests("log-batch").size(), "a refused request is not resent");
    }

    @Test
    void serverErrorsRateLimitsAndRefusedConnectionsSurfaceAfterOneRequestEach() {
        MlflowRun run = newRun();
        List<MetricRow> rows = List.of(new MetricRow("train/loss", 1.0, 1, 10));
        server.faults().fail("POST", "log-batch", 1, 500).fail("POST", "log-batch", 1, 429);
        int before = server.requests("log-batch").size();
        MlflowFailure error = assertThrows(MlflowFailure.class, () -> service.logBatch(run.runId(), rows, Map.of(), Map.of()));
        assertEquals(MlflowFailure.Kind.UNCERTAIN, error.kind());
        assertEquals(500, error.status());
        MlflowFailure limited = assertThrows(MlflowFailure.class, () -> service.logBatch(run.runId(), rows, Map.of(), Map.of()));
        assertEquals(MlflowFailure.Kind.NOT_APPLIED, limited.kind());
        assertEquals(429, limited.status());
        assertEquals(before + 2, server.requests("log-batch").size(), "no hidden retries of 5xx or 429");
        server.stop();
        // a pooled connection may die under the first request, which is then uncertain; a new one is refused
        try {
            service.logBatch(run.runId(), rows, Map.of(), Map.of());
        } catch (MlflowFailure stale) {
            assertTrue(stale.kind() != MlflowFailure.Kind.REJECTED, stale.getMessage());
        }
        MlflowFailure refused = assertThrows(MlflowFailure.class, () -> service.logBatch(run.runId(), rows, Map.of(), Map.of()));
        assertEquals(MlflowFailure.Kind.NOT_APPLIED, refused.kind());
        assertTrue(refused.getMessage().contains("connection refused"), refused.getMessage());
    }

    @Test
    void anAnswerThatComesTooLateIsUncertain() {
        MlflowRun run = newRun();
        MlflowSettings quick = new MlflowSettings(java.time.Duration.ofSeconds(1), java.time.Duration.ofMillis(300),
                new Backoff(java.time.Duration.ofMillis(10), java.time.Duration.ofMillis(10)), 16, java.time.Duration.ofSeconds(1));
        try (MlflowService impatient = new MlflowService(TrackingServer.resolve(server.uri(), Map.of()), quick)) {
            server.faults().delayAnswer("POST", "log-batch", 1, java.time.Duration.ofMillis(800));
            MlflowFailure late = assertThrows(MlflowFailure.class, () -> impatient.logBatch(run.runId(),
                    List.of(new MetricRow("a", 1, 1, 1)), Map.of(), Map.of()));
            assertEquals(MlflowFailure.Kind.UNCERTAIN, late.kind(), late.getMessage());
        }
        // the server did the work although the answer was lost: exactly why uncertain batches are read back
        assertEquals(1, server.state().run(run.runId()).metrics.size());
    }

    @Test
    void unknownRunsAreNotFound() {
        assertTrue(service.getRun("0123456789abcdef0123456789abcdef").isEmpty());
        MlflowFailure f = assertThrows(MlflowFailure.class, () -> service.logBatch("0123456789abcdef0123456789abcdef",
                List.of(new MetricRow("a", 1, 1, 1)), Map.of(), Map.of()));
        assertTrue(f.is(404, "RESOURCE_DOES_NOT_EXIST"), f.getMessage());
        assertEquals(MlflowFailure.Kind.REJECTED, f.kind());
    }

    @Test
    void duplicateExperimentsAreRefused() {
        service.createExperiment("twice");
        MlflowFailure f = assertThrows(MlflowFailure.class, () -> service.createExperiment("twice"));
        assertTrue(f.is(400, "RESOURCE_ALREADY_EXISTS"), f.getMessage());
        assertTrue(service.experimentId("twice").isPresent());
        assertTrue(service.experimentId("never").isEmpty());
    }

    @Test
    void nanAndInfinitiesTravelAsMlflowStoresThem() {
        MlflowRun run = newRun();
        List<MetricRow> rows = List.of(new MetricRow("x", Double.NaN, 1, 10), new MetricRow("x", Double.POSITIVE_INFINITY, 2, 11),
                new MetricRow("x", Double.NEGATIVE_INFINITY, 3, 12), new MetricRow("x", -0.0, 4, 13),
                new MetricRow("x", Double.MIN_VALUE, 5, 14), new MetricRow("x", 0.1 + 0.2, 6, 15));
        service.logBatch(run.runId(), rows, Map.of(), Map.of());
        assertEquals(rows, server.state().run(run.runId()).metrics);
        assertEquals(rows, service.metricHistory(run.runId(), "x"));
    }

    @Test
    void metricHistoryFollowsPages() {
        MlflowRun run = newRun();
        List<MetricRow> rows = new ArrayList<>();
        for (int i = 0; i < 23; i++) {
            rows.add(new MetricRow("m", i, i, 100 + i));
        }
        service.logBatch(run.runId(), rows, Map.of(), Map.of());
        server.setHistoryPageSize(7);
        assertEquals(rows, service.metricHistory(run.runId(), "m"));
    }

    @Test
    void findsRunsByTagAndEndsThem() {
        MlflowRun run = newRun();
        assertEquals(List.of(run.runId()), service.findRuns(run.experimentId(), "k", "v").stream().map(MlflowRun::runId).toList());
        assertTrue(service.findRuns(run.experimentId(), "k", "w").isEmpty());
        service.setStatus(run.runId(), RunStatus.KILLED, 5000L);
        MlflowRun read = service.getRun(run.runId()).orElseThrow();
        assertEquals("KILLED", read.status());
        assertEquals(5000L, server.state().run(run.runId()).endTime);
        service.deleteRun(run.runId());
        assertTrue(service.findRuns(run.experimentId(), "k", "v").isEmpty(), "deleted runs are not found");
    }

    @Test
    void artifactsGoThroughTheProxiedArtifactApi() {
        MlflowRun run = newRun();
        assertTrue(run.artifactUri().startsWith("mlflow-artifacts:/"), run.artifactUri());
        ArtifactStore artifacts = service.artifacts(run);
        artifacts.put("config.yaml", "a: 1\n".getBytes());
        artifacts.put("images/samples+step+5+timestamp+9+gabc.png", new byte[] {1, 2});
        artifacts.put("dir with space/x.txt", new byte[] {3});
        assertArrayEquals(new byte[] {1, 2}, server.state().artifacts(server.state().run(run.runId()))
                .get("images/samples+step+5+timestamp+9+gabc.png"));
        assertEquals(List.of(new ArtifactFile("images/samples+step+5+timestamp+9+gabc.png", false, 2)),
                artifacts.list("images"));
        assertEquals(3, artifacts.list("").size());
        assertEquals(List.of(), artifacts.list("nothing-here"));
        assertTrue(server.requests().stream().anyMatch(r -> r.method().equals("PUT")
                && r.path().equals("/api/2.0/mlflow-artifacts/artifacts/1/" + run.runId() + "/artifacts/config.yaml")));
    }

    /** The server's own limits, sent around the client (which refuses to build such batches). */
    @Test
    void theServerEnforcesLogBatchLimitsAndTheKeyCharset() throws Exception {
        MlflowRun run = newRun();
        assertThrows(IllegalArgumentException.class, () -> service.logBatch(run.runId(), metrics(1001), Map.of(), Map.of()));
        assertRefused(batch(run.runId(), 1001, 0, 0), "at most 1000 metrics");
        assertRefused(batch(run.runId(), 0, 101, 0), "at most 100 params");
        assertRefused(batch(run.runId(), 0, 0, 101), "at most 100 tags");
        assertRefused(batch(run.runId(), 950, 30, 30), "at most 1000 total");
        for (String bad : List.of("a,b", "a//b", "/a", "a/../b", "x".repeat(251))) {
            ObjectNode body = JSON.createObjectNode().put("run_id", run.runId());
            body.putArray("metrics").addObject().put("key", bad).put("value", 1).put("timestamp", 1).put("step", 0);
            assertRefused(body, "etric name");
        }
        ObjectNode longParam = JSON.createObjectNode().put("run_id", run.runId());
        longParam.putArray("params").addObject().put("key", "p").put("value", "v".repeat(6001));
        assertRefused(longParam, "exceeded length limit of 6000");
        assertEquals(List.of(), server.state().run(run.runId()).metrics, "a refused batch writes nothing");
        service.logBatch(run.runId(), metrics(1000), Map.of(), Map.of());
        assertEquals(1000, server.state().run(run.runId()).metrics.size());
    }

    private static List<MetricRow> metrics(int n) {
        List<MetricRow> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            rows.add(new MetricRow("m", i, i, i));
        }
        return rows;
    }

    private static ObjectNode batch(String runId, int metrics, int params, int tags) {
        ObjectNode body = JSON.createObjectNode().put("run_id", runId);
        ArrayNode m = body.putArray("metrics");
        for (int i = 0; i < metrics; i++) {
            m.addObject().put("key", "m").put("value", i).put("timestamp", "1").put("step", "0");
        }
        ArrayNode p = body.putArray("params");
        for (int i = 0; i < params; i++) {
            p.addObject().put("key", "p" + i).put("value", "v");
        }
        ArrayNode t = body.putArray("tags");
        for (int i = 0; i < tags; i++) {
            t.addObject().put("key", "t" + i).put("value", "v");
        }
        return body;
    }

    private void assertRefused(ObjectNode body, String message) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(server.uri() + "/api/2.0/mlflow/runs/log-batch"))
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(400, response.statusCode(), response.body());
        Map<?, ?> error = JSON.readValue(response.body(), LinkedHashMap.class);
        assertEquals("INVALID_PARAMETER_VALUE", error.get("error_code"));
        assertTrue(((String) error.get("message")).contains(message), error.get("message") + " should say " + message);
    }
}
