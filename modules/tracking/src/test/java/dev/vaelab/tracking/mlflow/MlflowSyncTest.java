package dev.vaelab.tracking.mlflow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaelab.tracking.LocalRunLogger;
import dev.vaelab.tracking.MetricsCsv;
import dev.vaelab.tracking.RunContext;
import dev.vaelab.tracking.RunLogger;
import dev.vaelab.tracking.RunStatus;
import dev.vaelab.tracking.RunStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vaelab mlflow-sync}: offline runs replayed, indistinguishable from live ones, idempotent, resumable. */
class MlflowSyncTest {
    private static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";

    @TempDir
    Path root;

    private final FakeMlflowServer live = FakeMlflowServer.start();
    private final FakeMlflowServer later = FakeMlflowServer.start();
    private final MlflowTesting.Collected notices = new MlflowTesting.Collected();
    private final ByteArrayOutputStream console = new ByteArrayOutputStream();

    @AfterEach
    void stop() {
        live.close();
        later.close();
    }

    private TrackingRunLoggerFactory factory() {
        return new TrackingRunLoggerFactory(MlflowTesting.fast(), MlflowTesting.environment(), notices,
                new MlflowTesting.SteppingClock(MlflowTesting.START));
    }

    private MlflowSync sync(Duration patience) {
        return new MlflowSync(MlflowTesting.fast(patience), MlflowTesting.environment(), notices);
    }

    private MlflowSync.Report sync(Path path, FakeMlflowServer server) {
        return sync(Duration.ofSeconds(20)).sync(List.of(path), Optional.of(server.uri()),
                new PrintStream(console, true, StandardCharsets.UTF_8), false);
    }

    /** The same calls a training loop makes. */
    private static void train(RunLogger log) {
        for (int epoch = 1; epoch <= 3; epoch++) {
            for (long step = (epoch - 1) * 100L + 10; step <= epoch * 100L; step += 10) {
                Map<String, Double> m = new LinkedHashMap<>();
                m.put("train/loss", 200.0 / step);
                m.put("train/kl", step == 30 ? Double.NaN : 4.0);
                log.logMetrics(m, step);
            }
            log.logMetrics(Map.of("epoch", (double) epoch, "val/elbo", -100.0 + epoch), epoch * 100L);
            log.logImage("samples", epoch, epoch * 100L, MlflowTesting.grid(epoch));
        }
        log.logSummary(Map.of("test/elbo", -97.0));
        log.finish(RunStatus.FINISHED, null);
    }

    @Test
    void aRunMadeOfflineAndSyncedIsIndistinguishableFromALiveOne() throws IOException {
        Path repo = root.resolve("repo");
        Files.createDirectories(repo.resolve(".git/refs/heads"));
        Files.writeString(repo.resolve(".git/HEAD"), "ref: refs/heads/main\n");
        Files.writeString(repo.resolve(".git/refs/heads/main"), COMMIT + "\n");
        Path experimentFile = Files.writeString(repo.resolve("exp.yaml"), MlflowTesting.CONFIG);

        RunStore online = MlflowTesting.store(root.resolve("a"), "twin", "run");
        Path offlineDir = root.resolve("b/twin/run");
        copy(online.directory(), offlineDir);
        RunStore offline = RunStore.open(offlineDir, new MlflowTesting.SteppingClock(MlflowTesting.START.plusMillis(1)));
        Files.write(online.modelDirectory().resolve("decoder.onnx"), new byte[] {1, 2, 3});
        Files.write(offline.modelDirectory().resolve("decoder.onnx"), new byte[] {1, 2, 3});

        Map<String, String> tags = Map.of("vaelab.sweep", "s");
        try (RunLogger log = factory().open(new RunContext(online, "twin", "run", Map.of(), tags, Optional.of(live.uri()),
                Optional.of(experimentFile)))) {
            train(log);
        }
        try (RunLogger log = factory().open(new RunContext(offline, "twin", "run", Map.of(), tags, Optional.empty(),
                Optional.of(experimentFile)))) {
            assertTrue(log instanceof LocalRunLogger, "no tracking URI: the local store only");
            train(log);
        }
        assertTrue(notices.any("vaelab mlflow-sync"), "a hint on how to see offline runs: " + notices.lines);
        MlflowSync.Report report = sync(root.resolve("b/twin"), later);
        assertEquals(1, report.synced(), report.toString() + console);

        FakeMlflowState.Run a = live.state().onlyRun("twin", "run");
        FakeMlflowState.Run b = later.state().onlyRun("twin", "run");
        assertEquals(a.params, b.params);
        assertEquals(a.tags, b.tags);
        assertEquals(COMMIT, b.tags.get("mlflow.source.git.commit"));
        assertEquals(experimentFile.toAbsolutePath().toString(), b.tags.get("mlflow.source.name"));
        assertEquals(a.metrics, b.metrics);
        assertEquals(MetricsCsv.read(offline.metricsFile()), b.metrics);
        assertEquals(List.of(a.status, a.startTime, a.endTime, a.runName, a.userId),
                List.of(b.status, b.startTime, b.endTime, b.runName, b.userId));
        Map<String, byte[]> aFiles = live.state().artifacts(a);
        Map<String, byte[]> bFiles = later.state().artifacts(b);
        assertEquals(aFiles.keySet(), bFiles.keySet());
        aFiles.forEach((path, bytes) -> assertArrayEquals(bytes, bFiles.get(path), path));
        assertEquals(6, aFiles.keySet().stream().filter(p -> p.startsWith("images/")).count(), aFiles.keySet().toString());
    }

    @Test
    void syncingTwiceSendsNothingTheSecondTime() {
        RunStore store = MlflowTesting.store(root, "twice", "run");
        try (RunLogger log = factory().open(new RunContext(store, "twice", "run", Map.of(), Map.of(), Optional.empty()))) {
            train(log);
        }
        assertEquals(1, sync(root.resolve("twice"), later).synced());
        int requests = later.requests().size();
        MlflowSync.Report again = sync(root.resolve("twice"), later);
        assertEquals(1, again.upToDate(), again.toString());
        assertEquals(List.of("/api/2.0/mlflow/runs/get"), later.requests().subList(requests, later.requests().size())
                .stream().map(FakeMlflowServer.Request::path).toList());
        assertEquals(MetricsCsv.read(store.metricsFile()), later.state().onlyRun("twice", "run").metrics);
        assertTrue(console.toString().contains("up to date"), console.toString());
    }

    @Test
    void aSyncCutShortContinuesWhereItStopped() {
        RunStore store = MlflowTesting.store(root, "big", "run");
        try (RunLogger log = factory().open(new RunContext(store, "big", "run", Map.of(), Map.of(), Optional.empty()))) {
            for (long step = 0; step < 1750; step++) {
                log.logMetrics(Map.of("train/loss", 1.0 / (step + 1), "train/kl", step * 0.25), step);
            }
            log.finish(RunStatus.FINISHED, null);
        }
        // two batches of rows go through (a run has no params), then the server fails for good
        later.faults().failAfter("POST", "log-batch", 2, 503);
        MlflowSync.Report cut = sync(Duration.ofMillis(300)).sync(List.of(store.directory()), Optional.of(later.uri()),
                new PrintStream(console, true, StandardCharsets.UTF_8), false);
        assertEquals(1, cut.failures().size(), cut.toString());
        assertTrue(cut.failures().get(0).contains("gave up"), cut.failures().toString());
        assertEquals("incomplete", RunStore.open(store.directory()).record().extra().get("mlflow_sync"));
        assertEquals(2000, later.state().onlyRun("big", "run").metrics.size());

        later.faults().clear();
        MlflowSync.Report resumed = sync(store.directory(), later);
        assertEquals(1, resumed.synced(), resumed.toString());
        assertTrue(console.toString().contains("1500 metric rows sent, 2000 already there"), console.toString());
        assertEquals(MetricsCsv.read(store.metricsFile()), later.state().onlyRun("big", "run").metrics);
        assertEquals("FINISHED", later.state().onlyRun("big", "run").status);
    }

    @Test
    void aRunStillBeingWrittenIsSkipped() {
        RunStore store = MlflowTesting.store(root, "busy", "run");
        try (LocalRunLogger log = new LocalRunLogger(store, new MlflowTesting.SteppingClock(MlflowTesting.START))) {
            log.logMetrics(Map.of("train/loss", 1.0), 1);
            MlflowSync.Report report = sync(store.directory(), later);
            assertEquals(1, report.skipped(), report.toString());
            assertTrue(later.requests().isEmpty());
        }
    }

    @Test
    void aCrashedRunIsSyncedAsRunningAndFinishedByItsResume() {
        RunStore store = MlflowTesting.store(root, "crash", "run");
        LocalRunLogger log = new LocalRunLogger(store, new MlflowTesting.SteppingClock(MlflowTesting.START));
        log.logMetrics(Map.of("train/loss", 2.0), 1);
        store.close(); // the process died: no finish, run.json still says running
        assertEquals(1, sync(store.directory(), later).synced());
        assertEquals("RUNNING", later.state().onlyRun("crash", "run").status);
        assertEquals(1, later.state().onlyRun("crash", "run").metrics.size());
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
