package dev.vaelab.tracking.mlflow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaelab.tracking.MetricRow;
import dev.vaelab.tracking.MetricsCsv;
import dev.vaelab.tracking.RunContext;
import dev.vaelab.tracking.RunLogger;
import dev.vaelab.tracking.RunRecord;
import dev.vaelab.tracking.RunStatus;
import dev.vaelab.tracking.RunStore;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** A run logged live to the fake server: everything arrives, named and typed as MLflow expects. */
class MlflowRunLoggerTest extends FakeServerTest {
    /** The params the run opens with: what sets it apart from the defaults, list indices included. */
    private static final Map<String, String> PARAMS = Map.of("model.latent_dim", "10", "model.layers[1].size", "4",
            "model.encoder.hidden", "[400]", "train.epochs", "2");

    private RunLogger open(RunStore store) {
        return loggers().open(new RunContext(store, "mnist-beta", store.record().runName(), PARAMS,
                Map.of("vaelab.sweep", "b"), Optional.of(server.uri())));
    }

    @Test
    void aLiveRunShowsParamsTagsMetricsImagesArtifactsAndStatus() throws Exception {
        RunStore store = MlflowTesting.store(root, "mnist-beta", "beta4-seed0");
        Files.write(store.modelDirectory().resolve("encoder.onnx"), new byte[] {8, 1, 2, 3});
        Files.write(store.modelDirectory().resolve("checkpoint"), new byte[1000]);
        try (RunLogger log = open(store)) {
            for (long step = 50; step <= 200; step += 50) {
                Map<String, Double> train = new LinkedHashMap<>();
                train.put("train/loss", 100.0 - step / 10.0);
                train.put("train/kl", step == 100 ? Double.NaN : 3.5);
                train.put("train/beta", step == 150 ? Double.POSITIVE_INFINITY : 0.25);
                train.put("train/lr", step == 200 ? Double.NEGATIVE_INFINITY : 1e-3);
                log.logMetrics(train, step);
            }
            log.logMetrics(Map.of("epoch", 1.0, "val/elbo", -99.5), 200);
            log.logImage("samples", 1, 200, MlflowTesting.grid(1));
            log.logImage("reconstructions", 1, 200, MlflowTesting.grid(2));
            log.logSummary(Map.of("test/elbo", -98.25));
            log.finish(RunStatus.FINISHED, null);
        }

        FakeMlflowState.Run run = server.state().onlyRun("mnist-beta", "beta4-seed0");
        RunRecord record = RunStore.open(store.directory()).record();
        // metrics: exactly the rows of metrics.csv, NaN and infinities included
        List<MetricRow> local = MetricsCsv.read(store.metricsFile());
        assertEquals(18, local.size());
        assertEquals(local, run.metrics);
        // no params (MLflow's image cards would print them over the grids): the keys the run was opened
        // with, those that differ from the defaults, are tags config.<key>, list indices as dotted keys
        assertEquals(Map.of(), run.params);
        MlflowNames.params(PARAMS).forEach((k, v) -> assertEquals(v, run.tags.get("config." + k), k));
        assertEquals("4", run.tags.get("config.model.layers.1.size"));
        // tags
        assertEquals("beta4-seed0", run.tags.get("mlflow.runName"));
        assertEquals("ada", run.tags.get("mlflow.user"));
        assertEquals("LOCAL", run.tags.get("mlflow.source.type"));
        assertEquals(record.runId(), run.tags.get("vaelab.run_id"));
        assertEquals("0.1.0-test", run.tags.get("vaelab.version"));
        assertEquals("b", run.tags.get("vaelab.sweep"));
        assertEquals("true", run.tags.get("mlflow.loggedImages"));
        // status and times from run.json
        assertEquals("FINISHED", run.status);
        assertEquals(record.startTime().toEpochMilli(), run.startTime);
        assertEquals(record.endTime().toEpochMilli(), run.endTime);
        // artifacts
        Map<String, byte[]> artifacts = server.state().artifacts(run);
        for (String file : List.of("config.yaml", "metrics.csv", "summary.json", "model/encoder.onnx")) {
            assertArrayEquals(Files.readAllBytes(store.directory().resolve(file)), artifacts.get(file), file);
        }
        assertFalse(artifacts.containsKey("model/checkpoint"));
        assertFalse(artifacts.keySet().stream().anyMatch(p -> p.startsWith("grids/")), "each grid once, as an image");
        assertEquals(MlflowTesting.CONFIG, run.tags.get("vaelab.config"), "the full resolved config as a tag");
        assertFalse(artifacts.containsKey("run.json"));
        Pattern image = Pattern.compile("images/grids~(samples|reconstructions)\\+step\\+200\\+timestamp\\+(\\d+)\\+[g-z][0-9a-f]{7}"
                + "-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(\\.png|\\+compressed\\.webp)");
        Set<String> images = new TreeSet<>();
        for (String path : artifacts.keySet()) {
            if (path.startsWith("images/")) {
                assertTrue(image.matcher(path).matches(), path);
                images.add(path);
            }
        }
        assertEquals(4, images.size(), images.toString());
        for (String path : images) {
            if (path.endsWith(".webp")) {
                byte[] webp = artifacts.get(path);
                assertEquals("RIFF", new String(webp, 0, 4, StandardCharsets.US_ASCII));
                assertEquals("WEBP", new String(webp, 8, 4, StandardCharsets.US_ASCII));
                BufferedImage preview = ImageIO.read(new ByteArrayInputStream(webp));
                assertEquals(256, preview.getWidth());
                assertEquals(128, preview.getHeight());
                assertNotNull(artifacts.get(path.replace("+compressed.webp", ".png")), "a preview beside its image");
            }
        }
        // run.json says where the run went, and that it got there whole
        assertEquals(run.runId, record.extra().get("mlflow_run_id"));
        assertEquals(server.uri(), record.extra().get("mlflow_tracking_uri"));
        assertEquals("complete", record.extra().get("mlflow_sync"));
        assertTrue(notices.any("MLflow: run logged to " + server.uri() + "/#/experiments/1/runs/" + run.runId), notices.lines.toString());
    }
}
