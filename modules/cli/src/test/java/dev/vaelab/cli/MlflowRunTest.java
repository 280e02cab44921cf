package dev.vaelab.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.AbstractModule;
import com.google.inject.Injector;
import dev.vaelab.tracking.MetricRow;
import dev.vaelab.tracking.MetricsCsv;
import dev.vaelab.tracking.RunContext;
import dev.vaelab.tracking.RunLoggerFactory;
import dev.vaelab.tracking.RunStore;
import dev.vaelab.tracking.mlflow.FakeMlflowServer;
import dev.vaelab.tracking.mlflow.FakeMlflowState;
import dev.vaelab.tracking.mlflow.MlflowNames;
import dev.vaelab.tracking.mlflow.MlflowSettings;
import dev.vaelab.tracking.mlflow.Notices;
import dev.vaelab.tracking.mlflow.TrackingEnvironment;
import dev.vaelab.tracking.mlflow.TrackingRunLoggerFactory;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vaelab run --tracking-uri} trains on MNIST and logs the run live to an MLflow server (the
 * in-process fake); the same experiment run offline and sent with {@code vaelab mlflow-sync} ends
 * up the same on a second server, apart from the times and ids that differ between any two runs.
 */
class MlflowRunTest {
    @TempDir
    Path dir;

    private final FakeMlflowServer live = FakeMlflowServer.start();
    private final FakeMlflowServer later = FakeMlflowServer.start();

    @AfterEach
    void stop() {
        live.close();
        later.close();
    }

    @Test
    void aRunLogsLiveAndAnOfflineTwinSyncedLaterMatchesIt() throws Exception {
        ShortRuns.assumeMnist();
        Path yaml = Files.writeString(dir.resolve("tracked.yaml"), String.join("\n",
                "name: tracked",
                "seed: 3",
                "data: {dataset: mnist, binarize: dynamic, validation: 500}",
                "model: {type: vae, latent_dim: 4, encoder: {type: mlp, hidden: [32]}, decoder: {type: mlp, hidden: [32]}}",
                "likelihood: {type: bernoulli}",
                "train: {epochs: 1, batch_size: 100, max_steps: 60}",
                "eval: {batch_size: 250}",
                "log: {every_steps: 10, grids_every_epochs: 1}",
                "export: {onnx: true}",
                ""));
        AtomicReference<RunContext> seen = new AtomicReference<>();
        Injector injector = Bootstrap.injector(new AbstractModule() {
            @Override
            protected void configure() {
                TrackingRunLoggerFactory real = new TrackingRunLoggerFactory(MlflowSettings.defaults(),
                        TrackingEnvironment.system(), Notices.printingTo(System.out));
                bind(RunLoggerFactory.class).toInstance(context -> {
                    seen.set(context);
                    return real.open(context);
                });
            }
        });
        Path online = dir.resolve("online");
        assertEquals(0, run(injector, "run", yaml.toString(), "--results", online.toString(), "--data-dir",
                ShortRuns.DATA.toString(), "--threads", "2", "--tracking-uri", live.uri()));
        Path runDir = only(online.resolve("tracked"));
        FakeMlflowState.Run a = live.state().onlyRun("tracked", runDir.getFileName().toString());
        assertEquals(MetricsCsv.read(runDir.resolve("metrics.csv")), a.metrics, "every row of metrics.csv, once");
        assertEquals(Map.of(), a.params, "no params: MLflow's image cards would print them over the grids");
        MlflowNames.params(seen.get().params()).forEach((k, v) -> assertEquals(v, a.tags.get("config." + k), k));
        assertEquals("60", a.tags.get("config.train.max_steps"), "what differs from the defaults, as tags");
        assertFalse(a.tags.containsKey("config.train.threads"), "a default is not among them: " + a.tags);
        assertEquals("FINISHED", a.status);
        assertEquals("true", a.tags.get("mlflow.loggedImages"));
        Map<String, byte[]> files = live.state().artifacts(a);
        List<String> grids;
        try (Stream<Path> pngs = Files.list(runDir.resolve("grids"))) {
            grids = pngs.map(p -> "grids/" + p.getFileName()).filter(p -> p.endsWith(".png")).sorted().toList();
        }
        assertTrue(grids.contains("grids/samples_e001.png"), grids.toString());
        for (String file : List.of("config.yaml", "metrics.csv", "summary.json", "model/encoder.onnx",
                "model/decoder.onnx")) {
            assertArrayEquals(Files.readAllBytes(runDir.resolve(file)), files.get(file), file);
        }
        assertEquals(2L * grids.size(), files.keySet().stream().filter(p -> p.startsWith("images/grids~")).count(),
                "each grid as an MLflow image and its preview: " + files.keySet());
        assertFalse(files.keySet().stream().anyMatch(p -> p.startsWith("grids/")), "each grid uploaded once");
        assertEquals("complete", RunStore.open(runDir).record().extra().get("mlflow_sync"));

        Path offline = dir.resolve("offline");
        assertEquals(0, run(injector, "run", yaml.toString(), "--results", offline.toString(), "--data-dir",
                ShortRuns.DATA.toString(), "--threads", "2"));
        assertEquals(0, run(injector, "mlflow-sync", offline.resolve("tracked").toString(), "--tracking-uri", later.uri()));
        FakeMlflowState.Run b = later.state().onlyRun("tracked", runDir.getFileName().toString());
        assertEquals(a.params, b.params);
        assertEquals(a.tags.keySet(), b.tags.keySet());
        assertEquals(withoutTimes(a.metrics), withoutTimes(b.metrics), "the same numbers at the same steps");
        assertEquals(imagesNamelessly(live.state().artifacts(a).keySet()), imagesNamelessly(later.state().artifacts(b).keySet()));
        assertEquals(a.status, b.status);

        int requests = later.requests().size();
        assertEquals(0, run(injector, "mlflow-sync", offline.resolve("tracked").toString(), "--tracking-uri", later.uri()));
        assertEquals(1, later.requests().size() - requests, "a second sync only checks the run is there");
    }

    private static int run(Injector injector, String... args) {
        StringWriter err = new StringWriter();
        int code = Main.execute(injector, new PrintWriter(err, true), args);
        if (code != 0) {
            System.err.println(err);
        }
        return code;
    }

    /** Rows without their time, and only the key and step of the two metrics that measure time. */
    private static List<String> withoutTimes(List<MetricRow> rows) {
        return rows.stream().map(r -> r.key() + "@" + r.step() + (r.key().equals("train/examples_per_sec")
                || r.key().equals("train/epoch_seconds") ? "" : "=" + r.value())).toList();
    }

    /** Artifact paths with each image's time and id replaced, which differ between two runs. */
    private static Set<String> imagesNamelessly(Set<String> paths) {
        return paths.stream().map(p -> p.replaceAll("\\+timestamp\\+\\d+\\+[0-9a-z-]+", "+timestamp+T+ID"))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static Path only(Path experiment) throws Exception {
        try (Stream<Path> runs = Files.list(experiment)) {
            List<Path> all = runs.filter(p -> Files.exists(p.resolve("run.json"))).toList();
            assertEquals(1, all.size(), all.toString());
            return all.get(0);
        }
    }
}
