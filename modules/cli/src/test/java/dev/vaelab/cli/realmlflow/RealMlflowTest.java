package dev.vaelab.cli.realmlflow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaelab.cli.realmlflow.MlflowRest.Run;
import dev.vaelab.tracking.MetricRow;
import dev.vaelab.tracking.MetricsCsv;
import dev.vaelab.tracking.RunRecordJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * vaelab against a real MLflow 3.11 server ({@link RealMlflow}), everything read back over REST as
 * any MLflow client reads it: a run, a CVAE run with all its grids, a sweep with nested runs, an
 * offline run synced later, a diverged run, a run stopped by SIGTERM and one resumed after its test
 * metrics (its server run replaced). Every training is a few dozen steps, but the stopped one.
 */
@ExtendWith(RealMlflow.class)
class RealMlflowTest {
    @TempDir
    Path dir;

    private static MlflowRest rest;
    private static final String SUFFIX = Long.toString(System.currentTimeMillis(), 36);

    @BeforeAll
    static void client() {
        Vaelab.assumeMnist();
        rest = new MlflowRest(RealMlflow.uri());
    }

    @Test
    void aRunIsLoggedLiveWithEveryRowParamsTagsArtifactsAndImages() throws Exception {
        String name = "it-run-" + SUFFIX;
        Path results = dir.resolve("results");
        Vaelab.Outcome o = Vaelab.run(dir, Vaelab.experiment(name, "vae", ""), "--results", results.toString(),
                "--tracking-uri", RealMlflow.uri());
        assertEquals(0, o.code(), o.err());
        Path runDir = Vaelab.onlyRun(results.resolve(name));
        Run run = only(rest.runs(name));
        assertEquals("FINISHED", run.status());
        assertEquals(RunRecordJson.read(runDir.resolve("run.json")).runId(), run.tags().get("vaelab.run_id"));
        assertHistoryMatches(runDir, run);
        Map<String, Long> artifacts = rest.artifacts(run.id(), "");
        for (String file : List.of("config.yaml", "metrics.csv", "summary.json", "model/encoder.onnx", "model/decoder.onnx")) {
            assertArrayEquals(Files.readAllBytes(runDir.resolve(file)), rest.artifact(run, file), file);
        }
        assertEquals("true", run.tags().get("mlflow.loggedImages"));
        assertTrue(artifacts.keySet().stream().anyMatch(p -> p.startsWith("images/grids~samples+step+0+")),
                "the untrained model's grid at step 0: " + artifacts);
        assertTrue(artifacts.keySet().stream().anyMatch(p -> p.startsWith("images/grids~samples+step+20+")), artifacts.toString());
        assertTrue(artifacts.keySet().stream().noneMatch(p -> p.startsWith("grids/")), "each grid once: " + artifacts);
        assertEquals(Map.of(), run.params(), "no params: the image cards would print them over the grids");
        assertEquals("4", run.tags().get("config.model.latent_dim"), "what differs from the defaults, as tags");
        assertEquals("20", run.tags().get("config.train.max_steps"));
        assertTrue(!run.tags().containsKey("config.train.threads"), "a default is not among them: " + run.tags());
        assertEquals(Files.readString(runDir.resolve("config.yaml")), run.tags().get("vaelab.config"));
        assertEquals("complete", RunRecordJson.read(runDir.resolve("run.json")).extra().get("mlflow_sync"));
    }

    @Test
    void aCvaeRunLogsEveryKindOfGridAsAnImageWithItsPreview() throws Exception {
        String name = "it-cvae-" + SUFFIX;
        Path results = dir.resolve("results");
        Vaelab.Outcome o = Vaelab.run(dir, Vaelab.experiment(name, "cvae", ""), "--results", results.toString(),
                "--tracking-uri", RealMlflow.uri());
        assertEquals(0, o.code(), o.err());
        Run run = only(rest.runs(name));
        Map<String, Long> images = rest.artifacts(run.id(), "images");
        for (String kind : List.of("samples", "reconstructions", "traversals", "classes", "analogies")) {
            List<String> png = images.keySet().stream().filter(p -> p.startsWith("images/grids~" + kind + "+step+")
                    && p.endsWith(".png")).toList();
            List<String> webp = images.keySet().stream().filter(p -> p.startsWith("images/grids~" + kind + "+step+")
                    && p.endsWith("+compressed.webp")).toList();
            assertTrue(!png.isEmpty() && png.size() == webp.size(), kind + ": " + images.keySet());
        }
    }

    @Test
    void anOfflineRunSyncedLaterMatchesItsStoreAndASecondSyncSendsNothing() throws Exception {
        String name = "it-offline-" + SUFFIX;
        Path results = dir.resolve("results");
        Vaelab.Outcome o = Vaelab.run(dir, Vaelab.experiment(name, "vae", ""), "--results", results.toString());
        assertEquals(0, o.code(), o.err());
        assertTrue(rest.experimentId(name).isEmpty(), "nothing reached the server before the sync");
        Vaelab.Outcome sync = Vaelab.cli("mlflow-sync", results.resolve(name).toString(), "--tracking-uri", RealMlflow.uri());
        assertEquals(0, sync.code(), sync.err());
        Path runDir = Vaelab.onlyRun(results.resolve(name));
        Run run = only(rest.runs(name));
        assertEquals("FINISHED", run.status());
        assertHistoryMatches(runDir, run);
        Map<String, Long> before = rest.artifacts(run.id(), "");
        Vaelab.Outcome again = Vaelab.cli("mlflow-sync", results.resolve(name).toString(), "--tracking-uri",
                RealMlflow.uri());
        assertEquals(0, again.code(), again.err());
        assertEquals(1, rest.runs(name).size());
        assertEquals(before, rest.artifacts(run.id(), ""));
        assertHistoryMatches(runDir, only(rest.runs(name)));
    }

    @Test
    void aDivergedRunIsFailedOnTheServerWithTheStepsBeforeIt() throws Exception {
        String name = "it-diverge-" + SUFFIX;
        Path results = dir.resolve("results");
        String yaml = Vaelab.experiment(name, "vae", "").replace("optimizer: {type: adam, lr: 1.0e-3}",
                "optimizer: {type: sgd, lr: 1.0e+4}").replace("every_steps: 5", "every_steps: 1");
        Vaelab.Outcome o = Vaelab.run(dir, yaml, "--results", results.toString(), "--tracking-uri", RealMlflow.uri());
        assertEquals(1, o.code(), o.err());
        Path runDir = Vaelab.onlyRun(results.resolve(name));
        Run run = only(rest.runs(name));
        assertEquals("FAILED", run.status());
        assertHistoryMatches(runDir, run);
        String error = RunRecordJson.read(runDir.resolve("run.json")).error();
        assertTrue(error.contains("training diverged"), error);
        assertEquals(error, run.tags().get("vaelab.error"));
        assertEquals("failed: " + error, run.tags().get("mlflow.note.content"), "the run's description says why");
    }

    @Test
    void aRunStoppedBySigtermIsKilledOnTheServerWithTheReason() throws Exception {
        String name = "it-stopped-" + SUFFIX;
        Path results = dir.resolve("results");
        Path yaml = Vaelab.write(dir, name, Vaelab.experiment(name, "vae", "")
                .replace("train: {epochs: 1, batch_size: 100, max_steps: 20,", "train: {epochs: 50, batch_size: 100,"));
        Process child = new ProcessBuilder(dev.vaelab.sweep.ChildJvm.current(dev.vaelab.cli.Main.class.getName()).command(
                List.of("run", yaml.toString(), "--data-dir", Vaelab.DATA.toAbsolutePath().toString(), "--results", results.toString(),
                        "--threads", "1", "--tracking-uri", RealMlflow.uri()), dir.resolve("child.args")))
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile()).start();
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(120);
        while (rest.experimentId(name).isEmpty() || rest.runs(name).isEmpty()
                || rest.history(only(rest.runs(name)).id(), "train/loss").size() < 2) {
            assertTrue(child.isAlive() && System.nanoTime() < deadline, "not training on the server: "
                    + Files.readString(dir.resolve("child.log")));
            Thread.sleep(200);
        }
        child.destroy(); // SIGTERM
        assertTrue(child.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
        String log = Files.readString(dir.resolve("child.log"));
        assertEquals(143, child.exitValue(), log);
        Run run = only(rest.runs(name));
        assertEquals("KILLED", run.status(), log);
        assertEquals("stopped by SIGTERM", run.tags().get("vaelab.error"));
        assertEquals("killed: stopped by SIGTERM", run.tags().get("mlflow.note.content"), "the run's description says why");
        assertHistoryMatches(Vaelab.onlyRun(results.resolve(name)), run);
    }

    @Test
    void aRunStoppedAfterItsTestMetricsHasThemOnceOnTheServerWhenResumed() throws Exception {
        String name = "it-late-" + SUFFIX;
        Path results = dir.resolve("results");
        String yaml = Vaelab.experiment(name, "vae", "");
        Vaelab.Outcome first = Vaelab.run(dir, yaml, "--results", results.toString(), "--tracking-uri", RealMlflow.uri());
        assertEquals(0, first.code(), first.err());
        Path runDir = Vaelab.onlyRun(results.resolve(name));
        String firstId = only(rest.runs(name)).id();
        assertEquals(1, rest.history(firstId, "test/elbo").size());
        // as a kill finds it between its test metrics (logged after the last checkpoint) and its end
        dev.vaelab.tracking.RunStore.open(runDir).setStatus(dev.vaelab.tracking.RunStatus.RUNNING, null);

        Vaelab.Outcome resumed = Vaelab.run(dir, yaml, "--results", results.toString(), "--tracking-uri", RealMlflow.uri());
        assertEquals(0, resumed.code(), resumed.err());
        assertTrue(resumed.out().contains("metric rows past it dropped)"), resumed.out());
        Run run = only(rest.runs(name));
        assertEquals("FINISHED", run.status());
        assertHistoryMatches(runDir, run);
        assertEquals(1, rest.history(run.id(), "test/elbo").size(), "the test metrics once, on the store and the server");
        assertEquals(1, MetricsCsv.read(runDir.resolve("metrics.csv")).stream().filter(r -> r.key().equals("test/elbo")).count());
        assertTrue(!run.id().equals(firstId), "the server run that held the dropped rows was replaced");
        assertTrue(resumed.out().contains("MLflow: run " + firstId + " held metric rows this run no longer has"), resumed.out());
    }

    @Test
    void aSweepNestsItsRunsUnderItsParent() throws Exception {
        String name = "it-sweep-" + SUFFIX;
        Path results = dir.resolve("results");
        String yaml = Vaelab.experiment(name, "beta-vae", String.join("\n", "sweep:", "  parameters:",
                "    beta.value: [1.0, 4.0]", "  parallel: 1"));
        Vaelab.Outcome o = Vaelab.cli("sweep", Vaelab.write(dir, name, yaml).toString(), "--results",
                results.toString(), "--data-dir", Vaelab.DATA.toString(), "--tracking-uri", RealMlflow.uri(),
                "--register-best", name + "-best");
        assertEquals(0, o.code(), o.err() + o.out());
        List<Run> runs = rest.runs(name);
        assertEquals(3, runs.size(), runs.toString());
        Run parent = runs.stream().filter(r -> "sweep".equals(r.tags().get("vaelab.role"))).findFirst().orElseThrow();
        List<Run> children = runs.stream().filter(r -> r != parent).toList();
        for (Run child : children) {
            assertEquals(parent.id(), child.tags().get("mlflow.parentRunId"), child.toString());
            assertEquals("FINISHED", child.status());
            assertTrue(child.tags().get("vaelab.run_name").matches(name + "-[0-9a-f]{8}"), "the hash stays a tag");
            assertEquals(Map.of("beta.value", child.name().substring("beta.value=".length())), child.params());
        }
        assertEquals(List.of("beta.value=1.0", "beta.value=4.0"), children.stream().map(Run::name).sorted().toList(),
                "children are told apart by name");
        assertEquals("sweep beta.value (2 runs)", parent.name());
        assertEquals("FINISHED", parent.status());
        assertEquals("[1.0, 4.0]", parent.params().get("sweep.parameters.beta.value"));
        assertTrue(!parent.params().containsKey("beta.value"), "no base value of a swept key: " + parent.params());
        List<double[]> ranked = rest.history(parent.id(), "ranked/test/elbo");
        assertEquals(2, ranked.size());
        assertEquals(List.of(1.0, 2.0), ranked.stream().map(r -> r[0]).sorted().toList());
        double best = ranked.stream().filter(r -> r[0] == 1).findFirst().orElseThrow()[1];
        double second = ranked.stream().filter(r -> r[0] == 2).findFirst().orElseThrow()[1];
        assertTrue(best >= second, "ranked best first (test/elbo is maximised): " + best + ", " + second);
        assertTrue(rest.artifacts(parent.id(), "").containsKey("sweep.csv"));
        Run bestChild = assertRanked(parent, children);
        String bestRun = bestChild.tags().get("vaelab.run_name");
        assertTrue(o.out().contains("registered the best run " + bestRun), o.out());
        com.fasterxml.jackson.databind.JsonNode version = rest.get("/api/2.0/mlflow/model-versions/get?name=" + name
                + "-best&version=1").path("model_version");
        assertEquals(bestChild.id(), version.path("run_id").asText(), "--register-best registers the best run");
    }

    @Test
    void anOfflineSweepGetsItsRanksWithMlflowSyncAndASecondSyncSendsNothing() throws Exception {
        String name = "it-sweep-offline-" + SUFFIX;
        Path results = dir.resolve("results");
        String yaml = Vaelab.experiment(name, "beta-vae", String.join("\n", "sweep:", "  parameters:",
                "    beta.value: [1.0, 4.0]", "  parallel: 1"));
        Vaelab.Outcome o = Vaelab.cli("sweep", Vaelab.write(dir, name, yaml).toString(), "--results",
                results.toString(), "--data-dir", Vaelab.DATA.toString());
        assertEquals(0, o.code(), o.err() + o.out());
        assertTrue(rest.experimentId(name).isEmpty(), "nothing reached the server before the sync");
        Vaelab.Outcome sync = Vaelab.cli("mlflow-sync", results.resolve(name).toString(), "--tracking-uri", RealMlflow.uri());
        assertEquals(0, sync.code(), sync.err() + sync.out());
        List<Run> runs = rest.runs(name);
        assertEquals(3, runs.size(), runs.toString());
        Run parent = runs.stream().filter(r -> "sweep".equals(r.tags().get("vaelab.role"))).findFirst().orElseThrow();
        List<Run> children = runs.stream().filter(r -> r != parent).toList();
        assertRanked(parent, children);
        Vaelab.Outcome again = Vaelab.cli("mlflow-sync", results.resolve(name).toString(), "--tracking-uri",
                RealMlflow.uri());
        assertEquals(0, again.code(), again.err() + again.out());
        assertEquals(3, again.out().lines().filter(l -> l.startsWith("up to date: ")).count(),
                "a second sync sends nothing: " + again.out());
        assertEquals(runs, rest.runs(name), "the same runs, tags and metrics after the second sync");
    }

    /**
     * The sweep's children carry their rank by the sweep's metric ({@code ranked/test/elbo} on the
     * parent, step = rank) and whether they won, and the winner is the parent's {@code vaelab.best_run};
     * returns the winner.
     */
    private static Run assertRanked(Run parent, List<Run> children) {
        List<double[]> ranked = rest.history(parent.id(), "ranked/test/elbo");
        assertEquals(children.size(), ranked.size(), "every child is ranked");
        for (Run child : children) {
            int rank = Integer.parseInt(child.tags().get("vaelab.rank"));
            double value = ranked.stream().filter(r -> r[0] == rank).findFirst().orElseThrow()[1];
            assertEquals(value, child.metrics().get("test/elbo"), child.name() + " is at rank " + rank);
            assertEquals(Boolean.toString(rank == 1), child.tags().get("vaelab.best"), child.name());
        }
        assertEquals(List.of("1", "2"), children.stream().map(c -> c.tags().get("vaelab.rank")).sorted().toList());
        Run best = children.stream().filter(c -> "true".equals(c.tags().get("vaelab.best"))).findFirst().orElseThrow();
        assertEquals(parent.tags().get("vaelab.best_run"), best.tags().get("vaelab.run_name"),
                "the child tagged best is the parent's best run");
        return best;
    }

    /** Every row of the run's {@code metrics.csv} is on the server, key by key, and nothing else. */
    static void assertHistoryMatches(Path runDir, Run run) {
        Map<String, List<MetricRow>> local = MetricsCsv.read(runDir.resolve("metrics.csv")).stream()
                .collect(Collectors.groupingBy(MetricRow::key));
        assertEquals(local.keySet(), rest.run(run.id()).metrics().keySet(), "metric keys");
        for (Map.Entry<String, List<MetricRow>> e : local.entrySet()) {
            List<String> there = rest.history(run.id(), e.getKey()).stream().map(r -> (long) r[0] + "=" + r[1])
                    .sorted().toList();
            List<String> here = e.getValue().stream().map(r -> r.step() + "=" + canonical(r.value())).sorted().toList();
            assertEquals(here, there, e.getKey());
        }
    }

    /** The value as the server returns it: SQL stores keep ±Infinity as ±Double.MAX_VALUE. */
    private static double canonical(double v) {
        return Double.isInfinite(v) ? Math.copySign(Double.MAX_VALUE, v) : v;
    }

    static Run only(List<Run> runs) {
        assertEquals(1, runs.size(), runs.toString());
        return runs.get(0);
    }
}
