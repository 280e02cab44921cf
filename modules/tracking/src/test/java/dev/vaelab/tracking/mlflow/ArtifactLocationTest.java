package dev.vaelab.tracking.mlflow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaelab.core.error.VaelabException;
import dev.vaelab.tracking.MetricsCsv;
import dev.vaelab.tracking.RunContext;
import dev.vaelab.tracking.RunLogger;
import dev.vaelab.tracking.RunRecord;
import dev.vaelab.tracking.RunStatus;
import dev.vaelab.tracking.RunStore;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Artifact locations other than mlflow-artifacts: file: is copied to directly, other schemes are refused clearly. */
class ArtifactLocationTest extends FakeServerTest {
    private RunStore logRun(String name) {
        RunStore store = MlflowTesting.store(root.resolve("results"), "loc", name);
        try (RunLogger log = loggers()
                .open(new RunContext(store, "loc", name, Map.of(), Map.of(), Optional.of(server.uri())))) {
            log.logMetrics(Map.of("train/loss", 3.0), 1);
            log.logImage("samples", 1, 1, MlflowTesting.grid(0));
            log.finish(RunStatus.FINISHED, null);
        }
        return store;
    }

    @Test
    void aReachableFileLocationIsWrittenDirectly() throws Exception {
        Path mlruns = Files.createDirectories(root.resolve("mlruns"));
        server.state().setArtifactRoot(mlruns.toUri().toString().replaceAll("/$", ""));
        RunStore store = logRun("file");
        FakeMlflowState.Run run = server.state().onlyRun("loc", "file");
        Path artifacts = mlruns.resolve(run.experimentId).resolve(run.runId).resolve("artifacts");
        assertArrayEquals(Files.readAllBytes(store.metricsFile()), Files.readAllBytes(artifacts.resolve("metrics.csv")));
        assertFalse(Files.exists(artifacts.resolve("grids")), "each grid is stored once, as an MLflow image");
        try (var images = Files.list(artifacts.resolve("images"))) {
            assertEquals(2, images.count());
        }
        assertTrue(server.requests("mlflow-artifacts").isEmpty(), "no uploads through the server");
        assertEquals("complete", RunStore.open(store.directory()).record().extra().get("mlflow_sync"));
    }

    @Test
    void anUnsupportedSchemeLogsEverythingButArtifactsAndSaysHowToFixIt() {
        server.state().setArtifactRoot("s3://bucket/mlruns");
        RunStore store = logRun("s3");
        FakeMlflowState.Run run = server.state().onlyRun("loc", "s3");
        assertEquals(MetricsCsv.read(store.metricsFile()), run.metrics);
        assertEquals("FINISHED", run.status);
        assertTrue(notices.any("--artifacts-destination"), notices.lines.toString());
        RunRecord record = RunStore.open(store.directory()).record();
        assertEquals("incomplete", record.extra().get("mlflow_sync"));
        assertTrue(record.extra().get("mlflow_sync_note").contains("s3://bucket/mlruns"), record.extra().toString());
    }

    @Test
    void locationsAreResolvedAsMlflowResolvesThem() {
        TrackingServer at = TrackingServer.resolve("https://mlflow.example/prefix/", Map.of());
        HttpClient http = HttpClient.newHttpClient();
        assertEquals("https://mlflow.example/prefix/api/2.0/mlflow-artifacts/artifacts/3/abc/artifacts",
                ArtifactStores.forLocation("mlflow-artifacts:/3/abc/artifacts", at, http, Duration.ofSeconds(1)).location());
        assertEquals("https://other:7000/api/2.0/mlflow-artifacts/artifacts/3/abc/artifacts",
                ArtifactStores.forLocation("mlflow-artifacts://other:7000/3/abc/artifacts", at, http, Duration.ofSeconds(1))
                        .location());
        for (String uri : new String[] {"s3://b/3/abc/artifacts", "gs://b/x", "dbfs:/x", "./mlruns/3/abc/artifacts",
                "file:///nowhere/at/all/3/abc/artifacts"}) {
            VaelabException e = assertThrows(VaelabException.class,
                    () -> ArtifactStores.forLocation(uri, at, http, Duration.ofSeconds(1)), uri);
            assertTrue(e.getMessage().contains("mlflow server"), e.getMessage());
        }
    }
}
