package dev.vaelab.tracking.mlflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaelab.tracking.RunContext;
import dev.vaelab.tracking.RunLogger;
import dev.vaelab.tracking.RunStatus;
import dev.vaelab.tracking.RunStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The runs of an ended sweep carry their rank and whether they won, live or synced later, sent once. */
class SweepRanksTest extends FakeServerTest {
    private SweepRanks ranks() {
        return new SweepRanks(MlflowTesting.fast(), MlflowTesting.environment(), notices);
    }

    /** Runs b1 and b4 finish with a test/elbo, bx fails without one. */
    private void runs(Optional<String> uri) {
        TrackingRunLoggerFactory loggers = loggers();
        for (String name : List.of("b1", "b4", "bx")) {
            RunStore store = MlflowTesting.store(root, "sw", name);
            try (RunLogger log = loggers.open(new RunContext(store, "sw", name, Map.of(), Map.of(RunTags.SWEEP, "sw"), uri))) {
                if (name.equals("bx")) {
                    log.finish(RunStatus.FAILED, "training diverged");
                } else {
                    log.logMetrics(Map.of("test/elbo", name.equals("b1") ? -99.5 : -101.25), 100);
                    log.finish(RunStatus.FINISHED, null);
                }
            }
        }
    }

    private Path run(String name) {
        return root.resolve("sw").resolve(name);
    }

    private Map<String, String> tagsOnServer(String name) {
        return server.state().onlyRun("sw", name).tags;
    }

    private static String sync(RunStore store) {
        return store.record().extra().get(RunReplica.EXTRA_SYNC);
    }

    private MlflowSync.Report syncAll() {
        MlflowSync sync = new MlflowSync(MlflowTesting.fast(), MlflowTesting.environment(), notices);
        return sync.sync(List.of(root.resolve("sw")), Optional.of(server.uri()),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), false);
    }

    @Test
    void liveRunsGetTheirRanksAtOnceAndTaggingAgainSendsNothing() throws Exception {
        runs(Optional.of(server.uri()));
        ranks().tag(List.of(run("b1"), run("b4")), List.of(run("bx")), Optional.of(server.uri()));
        assertEquals("1", tagsOnServer("b1").get("vaelab.rank"));
        assertEquals("true", tagsOnServer("b1").get("vaelab.best"));
        assertEquals("2", tagsOnServer("b4").get("vaelab.rank"));
        assertEquals("false", tagsOnServer("b4").get("vaelab.best"));
        assertEquals("false", tagsOnServer("bx").get("vaelab.best"));
        assertFalse(tagsOnServer("bx").containsKey("vaelab.rank"), "a run without the metric has no rank");
        for (String name : List.of("b1", "b4", "bx")) {
            assertEquals("complete", sync(RunStore.open(run(name))), name + ": the server has all of it");
        }
        int requests = server.requests().size();
        String record = Files.readString(run("b1").resolve(RunStore.RUN_FILE));
        ranks().tag(List.of(run("b1"), run("b4")), List.of(run("bx")), Optional.of(server.uri()));
        assertEquals(requests, server.requests().size(), "the same ranks again: not a request");
        assertEquals(record, Files.readString(run("b1").resolve(RunStore.RUN_FILE)));
        assertEquals(3, syncAll().upToDate(), "and mlflow-sync finds nothing to send");
    }

    @Test
    void aNewWinnerTakesTheBestTagFromTheOld() {
        runs(Optional.of(server.uri()));
        ranks().tag(List.of(run("b1"), run("b4")), List.of(run("bx")), Optional.of(server.uri()));
        ranks().tag(List.of(run("b4"), run("b1")), List.of(run("bx")), Optional.of(server.uri()));
        assertEquals(Map.of("vaelab.rank", "1", "vaelab.best", "true"), ranked(tagsOnServer("b4")));
        assertEquals(Map.of("vaelab.rank", "2", "vaelab.best", "false"), ranked(tagsOnServer("b1")));
    }

    @Test
    void aRunWhoseServerCopyIsIncompleteGetsItsRankAndStaysIncomplete() {
        runs(Optional.of(server.uri()));
        RunStore.open(run("b4")).putExtra(RunReplica.EXTRA_SYNC, "incomplete");
        ranks().tag(List.of(run("b1"), run("b4")), List.of(run("bx")), Optional.of(server.uri()));
        assertEquals(Map.of("vaelab.rank", "2", "vaelab.best", "false"), ranked(tagsOnServer("b4")));
        assertEquals("incomplete", sync(RunStore.open(run("b4"))), "mlflow-sync still has the rest to send");
        assertEquals("complete", sync(RunStore.open(run("b1"))));
    }

    @Test
    void anOfflineSweepGetsItsRanksWithMlflowSyncAndASecondSyncSendsNothing() {
        runs(Optional.empty());
        ranks().tag(List.of(run("b1"), run("b4")), List.of(run("bx")), Optional.empty());
        assertEquals("1", RunStore.open(run("b1")).record().extra().get("tag.vaelab.rank"), "kept in the store");
        assertTrue(server.requests().isEmpty(), "nothing is sent without a tracking URI");
        MlflowSync.Report first = syncAll();
        assertEquals(3, first.synced(), first.toString());
        assertEquals(Map.of("vaelab.rank", "1", "vaelab.best", "true"), ranked(tagsOnServer("b1")));
        assertEquals(Map.of("vaelab.rank", "2", "vaelab.best", "false"), ranked(tagsOnServer("b4")));
        assertEquals(Map.of("vaelab.best", "false"), ranked(tagsOnServer("bx")));
        MlflowSync.Report second = syncAll();
        assertEquals(0, second.synced(), second.toString());
        assertEquals(3, second.upToDate(), second.toString());
    }

    @Test
    void aServerThatIsGoneCostsNoTimeAndMlflowSyncSendsTheRanksLater() {
        runs(Optional.of(server.uri()));
        server.stop();
        long start = System.nanoTime();
        ranks().tag(List.of(run("b1"), run("b4")), List.of(run("bx")), Optional.of(server.uri()));
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(millis < 5_000, "a refused connection is not waited for: " + millis + " ms");
        assertTrue(notices.any("`vaelab mlflow-sync " + root.resolve("sw") + "` sends them"), notices.lines.toString());
        assertEquals("pending", sync(RunStore.open(run("b1"))), "left for mlflow-sync");
        server.restart();
        MlflowSync.Report report = syncAll();
        assertTrue(report.ok(), report.toString());
        assertEquals(Map.of("vaelab.rank", "1", "vaelab.best", "true"), ranked(tagsOnServer("b1")));
        assertEquals(Map.of("vaelab.rank", "2", "vaelab.best", "false"), ranked(tagsOnServer("b4")));
        assertEquals("complete", sync(RunStore.open(run("b4"))));
    }

    private static Map<String, String> ranked(Map<String, String> tags) {
        Map<String, String> out = new java.util.TreeMap<>();
        for (String key : List.of("vaelab.rank", "vaelab.best")) {
            if (tags.containsKey(key)) {
                out.put(key, tags.get(key));
            }
        }
        return out;
    }
}
