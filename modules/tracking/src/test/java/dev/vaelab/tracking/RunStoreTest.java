package dev.vaelab.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vaelab.core.error.DataException;
import dev.vaelab.core.error.VaelabException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunStoreTest {
    static final Instant START = Instant.parse("2025-03-04T05:06:07.089Z");
    static final RunEnvironment ENV = new RunEnvironment("lab-01", "9.9.9");

    @TempDir
    Path root;

    private final TestClock clock = new TestClock(START);

    private RunStore create(String runName) {
        return RunStore.create(root, "mnist-beta", runName, "name: mnist-beta\nseed: 0\n", clock, ENV);
    }

    @Test
    void createLaysOutTheRunDirectory() throws Exception {
        try (RunStore store = create("beta4-seed0")) {
            Path dir = root.resolve("mnist-beta").resolve("beta4-seed0");
            assertEquals(dir, store.directory());
            assertEquals("name: mnist-beta\nseed: 0\n", Files.readString(dir.resolve("config.yaml")));
            assertTrue(Files.isDirectory(dir.resolve("grids")));
            assertTrue(Files.isDirectory(store.modelDirectory()));
            assertFalse(Files.exists(dir.resolve("metrics.csv")), "no metrics file before the first row");

            RunRecord record = store.record();
            assertEquals(RunStatus.RUNNING, record.status());
            assertEquals(START, record.startTime());
            assertEquals("lab-01", record.host());
            assertEquals("9.9.9", record.vaelabVersion());
            assertEquals(record.runId(), UUID.fromString(record.runId()).toString());

            JsonNode json = new ObjectMapper().readTree(dir.resolve("run.json").toFile());
            assertEquals("running", json.get("status").asText());
            assertEquals("2025-03-04T05:06:07.089Z", json.get("start_time").asText());
            assertEquals(START.toEpochMilli(), json.get("start_time_ms").asLong());
            assertTrue(json.get("end_time").isNull());
            assertTrue(json.get("duration_ms").isNull());
        }
    }

    @Test
    void runJsonRoundTripsThroughOpen() throws Exception {
        RunRecord written;
        try (RunStore store = create("r1")) {
            store.putExtra("mlflow_run_id", "0123abcd");
            clock.advance(Duration.ofMillis(61_500));
            store.setStatus(RunStatus.FAILED, "loss became NaN at step 1200");
            written = store.record();
        }
        RunRecord read = RunStore.open(root.resolve("mnist-beta/r1")).record();

        assertEquals(written, read);
        assertEquals(RunStatus.FAILED, read.status());
        assertEquals("loss became NaN at step 1200", read.error());
        assertEquals(START.plusMillis(61_500), read.endTime());
        assertEquals(Duration.ofMillis(61_500), read.duration().orElseThrow());
        assertEquals(Map.of("mlflow_run_id", "0123abcd"), read.extra());
        JsonNode json = new ObjectMapper().readTree(root.resolve("mnist-beta/r1/run.json").toFile());
        assertEquals(61_500, json.get("duration_ms").asLong());
        assertEquals(START.toEpochMilli() + 61_500, json.get("end_time_ms").asLong());
        assertEquals("failed", json.get("status").asText());
    }

    @Test
    void resumingClearsEndTimeAndError() {
        try (RunStore store = create("r1")) {
            store.setStatus(RunStatus.KILLED, "interrupted");
        }
        RunStore reopened = RunStore.open(root.resolve("mnist-beta/r1"), clock);
        clock.advance(Duration.ofMinutes(5));
        reopened.setStatus(RunStatus.RUNNING, null);

        RunRecord record = RunStore.open(reopened.directory()).record();
        assertEquals(RunStatus.RUNNING, record.status());
        assertNull(record.endTime());
        assertNull(record.error());
        assertEquals(START, record.startTime());
    }

    @Test
    void aResumeKeepsTheRowsCountedBeforeItsCheckpointEvenAtTheCheckpointsStep() {
        try (LocalRunLogger log = new LocalRunLogger(create("r1"), clock)) {
            log.logMetrics(Map.of("train/loss", 3.0), 50);
            log.logMetric("val/elbo", -90.0, 100);
            log.logMetric("val/kl", 4.0, 100);
            // the checkpoint of the last epoch is taken here, after 3 rows; the test metrics come at the same step
            log.logMetrics(Map.of("test/elbo", -91.0, "test/kl", 4.1), 100);
        }
        RunStore reopened = RunStore.open(root.resolve("mnist-beta/r1"), clock);
        assertEquals(2, reopened.retainMetricRows(3));
        assertEquals(java.util.List.of("train/loss", "val/elbo", "val/kl"),
                reopened.readMetrics().stream().map(MetricRow::key).toList());
        assertEquals(3, reopened.metricRowCount());
        assertEquals(0, reopened.retainMetricRows(3));
        // by step alone the test metrics would stay, and a resumed run would log them a second time
        assertEquals(0, reopened.retainMetricsThrough(100));

        reopened.requireMetricRows(3);
        assertEquals(lostRows(() -> reopened.requireMetricRows(5)), lostRows(() -> reopened.retainMetricRows(5)),
                "checked alone, before the data loads, as when it would drop rows");
        DataException lost = assertThrows(DataException.class, () -> reopened.retainMetricRows(5));
        assertTrue(lost.getMessage().contains("metrics.csv holds 3 rows, fewer than the 5 logged before the run's checkpoint"),
                lost.getMessage());
        assertEquals(3, reopened.readMetrics().size(), "nothing is dropped when it refuses");
        reopened.close();
    }

    private static String lostRows(org.junit.jupiter.api.function.Executable call) {
        return assertThrows(DataException.class, call).getMessage();
    }

    @Test
    void aCheckpointThatCountedRowsFindsNoMetricsFileAndSaysSo() {
        create("r2").close();
        RunStore reopened = RunStore.open(root.resolve("mnist-beta/r2"), clock);
        assertEquals(0, reopened.retainMetricRows(0));
        assertThrows(DataException.class, () -> reopened.retainMetricRows(1));
    }

    @Test
    void refusesToCreateOverAnExistingRun() {
        create("r1").close();
        VaelabException e = assertThrows(VaelabException.class, () -> create("r1"));
        assertTrue(e.getMessage().contains("already holds a run"), e.getMessage());
    }

    @Test
    void openRequiresARunDirectory() throws Exception {
        Files.createDirectories(root.resolve("empty"));
        assertThrows(DataException.class, () -> RunStore.open(root.resolve("empty")));
        Files.writeString(root.resolve("empty/run.json"), "{\"run_id\": \"x\"}");
        DataException e = assertThrows(DataException.class, () -> RunStore.open(root.resolve("empty")));
        assertTrue(e.getMessage().contains("'experiment'"), e.getMessage());
    }

    @Test
    void rejectsNamesThatAreNotOneFolder() {
        for (String bad : new String[] {"", " ", ".", "..", "a/b", "a\\b", "run:1", "tab\tname", " lead", "dot."}) {
            assertThrows(VaelabException.class, () -> RunStore.directoryOf(root, "exp", bad), bad);
            assertThrows(VaelabException.class, () -> RunStore.directoryOf(root, bad, "run"), bad);
        }
        assertEquals(root.resolve("exp/beta.end=4_seed=0"), RunStore.directoryOf(root, "exp", "beta.end=4_seed=0"));
    }

    @Test
    void namesGridFilesByKindAndEpoch() {
        try (RunStore store = create("r1")) {
            assertEquals(store.gridsDirectory().resolve("samples_e005.png"), store.gridFile("samples", 5));
            assertEquals(store.gridsDirectory().resolve("reconstructions_e000.png"),
                    store.gridFile("reconstructions", 0));
            assertEquals(store.gridsDirectory().resolve("traversals_e1234.png"), store.gridFile("traversals", 1234));
            assertThrows(VaelabException.class, () -> store.gridFile("../x", 1));
            assertThrows(VaelabException.class, () -> store.gridFile("Samples", 1));
            assertThrows(IllegalArgumentException.class, () -> store.gridFile("classes", -1));
        }
    }

    @Test
    void summaryRoundTripsNonFiniteValuesAsStrings() throws Exception {
        Map<String, Double> summary = new LinkedHashMap<>();
        summary.put("test/elbo", -87.123456789012345);
        summary.put("test/nll_iw", Double.NaN);
        summary.put("test/bits_per_dim", Double.POSITIVE_INFINITY);
        summary.put("val/kl", Double.NEGATIVE_INFINITY);
        summary.put("probe/accuracy", 0.1f + 0.0);
        try (RunStore store = create("r1")) {
            store.writeSummary(summary);
            assertEquals(summary, store.readSummary());
        }
        JsonNode json = new ObjectMapper().readTree(root.resolve("mnist-beta/r1/summary.json").toFile());
        assertTrue(json.get("test/elbo").isNumber());
        assertEquals(-87.123456789012345, json.get("test/elbo").asDouble());
        assertEquals("NaN", json.get("test/nll_iw").textValue());
        assertEquals("Infinity", json.get("test/bits_per_dim").textValue());
        assertEquals("-Infinity", json.get("val/kl").textValue());
    }

    @Test
    void summaryRejectsBadKeys() {
        try (RunStore store = create("r1")) {
            assertThrows(VaelabException.class, () -> store.writeSummary(Map.of("test,elbo", 1.0)));
            assertFalse(Files.exists(store.summaryFile()));
        }
    }
}
