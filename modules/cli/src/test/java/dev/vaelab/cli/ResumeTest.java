package dev.vaelab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaelab.tracking.MetricRow;
import dev.vaelab.tracking.MetricsCsv;
import dev.vaelab.tracking.RunRecordJson;
import dev.vaelab.tracking.RunStatus;
import dev.vaelab.tracking.RunStore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run killed with SIGKILL in the middle of training resumes from its last checkpoint when started
 * again, and ends with exactly the numbers of a run that was never interrupted.
 */
class ResumeTest {
    private static final Path DATA = ShortRuns.DATA;

    @TempDir
    Path dir;

    @Test
    void aRunKilledMidwayResumesToTheSameNumbers() throws Exception {
        ShortRuns.assumeMnist();
        Path yaml = dir.resolve("resume.yaml");
        Files.writeString(yaml, String.join("\n",
                "name: resume",
                "seed: 3",
                "data: {dataset: mnist, binarize: dynamic, validation: 2000}",
                "model: {type: vae, latent_dim: 4, encoder: {type: mlp, hidden: [32]}, decoder: {type: mlp, hidden: [32]}}",
                "likelihood: {type: bernoulli}",
                "train: {epochs: 4, batch_size: 200}",
                "log: {every_steps: 25, grids_every_epochs: 0}",
                "export: {onnx: false}", ""));

        Path straight = dir.resolve("straight");
        assertEquals(0, run(yaml, straight));

        Path resumed = dir.resolve("resumed");
        // the class path goes in an argument file: ORT crashes in a process with a long command line
        List<String> command = dev.vaelab.sweep.ChildJvm.current(Main.class.getName()).command(List.of(
                "run", yaml.toString(), "--results", resumed.toString(), "--data-dir", DATA.toString(), "--threads", "2"),
                dir.resolve("child.args"));
        Process child = new ProcessBuilder(command)
                .redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile()).start();
        Path runDir = awaitCheckpoint(resumed.resolve("resume"), child);
        child.destroyForcibly(); // SIGKILL: no shutdown hook runs, run.json still says running
        assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        assertEquals(RunStatus.RUNNING, RunRecordJson.read(runDir.resolve("run.json")).status());

        assertEquals(0, run(yaml, resumed));
        assertEquals(RunStatus.FINISHED, RunRecordJson.read(runDir.resolve("run.json")).status());
        List<MetricRow> a = comparable(only(straight.resolve("resume")));
        List<MetricRow> b = comparable(runDir);
        assertEquals(a.size(), b.size(), "the resumed run logged a different number of rows");
        for (int i = 0; i < a.size(); i++) {
            assertEquals(a.get(i).key(), b.get(i).key(), "row " + i);
            assertEquals(a.get(i).step(), b.get(i).step(), "row " + i);
            assertEquals(a.get(i).value(), b.get(i).value(), 0.0, a.get(i).key() + " at step " + a.get(i).step());
        }
        Map<String, Double> s1 = RunStore.open(only(straight.resolve("resume"))).readSummary();
        Map<String, Double> s2 = RunStore.open(runDir).readSummary();
        assertEquals(s1.get("test/elbo"), s2.get("test/elbo"), 0.0);
    }

    @Test
    void aRunStoppedAfterItsTestMetricsLogsThemOnceWhenResumed() throws Exception {
        ShortRuns.assumeMnist();
        Path yaml = dir.resolve("late.yaml");
        Files.writeString(yaml, String.join("\n",
                "name: late",
                "seed: 5",
                "data: {dataset: mnist, binarize: dynamic, validation: 50000}",
                "model: {type: vae, latent_dim: 4, encoder: {type: mlp, hidden: [32]}, decoder: {type: mlp, hidden: [32]}}",
                "likelihood: {type: bernoulli}",
                "train: {epochs: 2, batch_size: 200}",
                "log: {every_steps: 25, grids_every_epochs: 0}",
                "export: {onnx: false}", ""));
        Path straight = dir.resolve("straight");
        assertEquals(0, run(yaml, straight));
        List<MetricRow> expected = comparable(only(straight.resolve("late")));
        List<MetricRow> all = MetricsCsv.read(only(straight.resolve("late")).resolve("metrics.csv"));
        // the final report: the test split's metrics and the probe's, logged after the last checkpoint
        long report = all.stream().filter(r -> r.key().startsWith("test/") || r.key().startsWith("probe/")).count();
        assertTrue(report >= 4 && all.subList(all.size() - (int) report, all.size()).stream().allMatch(r -> r.step() == 100),
                all.toString());

        // stopped as SweepKillTest's sweep once caught a run: its test metrics logged (after its last
        // checkpoint, at the same step), its end not yet recorded
        Path stopped = dir.resolve("stopped");
        assertEquals(0, run(yaml, stopped));
        Path runDir = only(stopped.resolve("late"));
        RunStore.open(runDir).setStatus(RunStatus.RUNNING, null);
        String resumed = runCapturingOutput(yaml, stopped);
        assertTrue(resumed.contains("resuming " + runDir.getFileName() + " after epoch 2 (step 100; " + report + " metric rows past it dropped)"),
                resumed);
        assertEquals(RunStatus.FINISHED, RunRecordJson.read(runDir.resolve("run.json")).status());
        List<MetricRow> actual = comparable(runDir);
        assertEquals(expected.stream().map(r -> r.key() + "@" + r.step() + "=" + r.value()).toList(),
                actual.stream().map(r -> r.key() + "@" + r.step() + "=" + r.value()).toList());

        // rows lost from before the checkpoint: the attempt cannot resume whole, says so, and is recorded failed
        RunStore.open(runDir).setStatus(RunStatus.KILLED, "stopped by SIGTERM");
        List<String> lines = Files.readAllLines(runDir.resolve("metrics.csv"));
        Files.write(runDir.resolve("metrics.csv"), lines.subList(0, 10));
        StringWriter err = new StringWriter();
        // said before the data loads: an empty data folder would otherwise be the error
        Path noData = Files.createDirectories(dir.resolve("no-data"));
        int code = Main.execute(Bootstrap.injector(), new PrintWriter(err, true), "run", yaml.toString(),
                "--results", stopped.toString(), "--data-dir", noData.toString(), "--threads", "2");
        assertEquals(1, code, err.toString());
        assertEquals(List.of("error: run " + runDir.getFileName() + " cannot resume: " + runDir.resolve("metrics.csv")
                + " holds 9 rows, fewer than the " + (all.size() - report) + " logged before the run's checkpoint; it"
                + " is now recorded failed: run it again (or with --restart) to move this attempt aside and train afresh"),
                err.toString().lines().filter(l -> l.startsWith("error:")).toList(), err.toString());
        assertEquals(RunStatus.FAILED, RunRecordJson.read(runDir.resolve("run.json")).status());
        assertEquals(0, run(yaml, stopped));
        try (Stream<Path> folders = Files.list(stopped.resolve("late"))) {
            assertEquals(2, folders.count(), "the failed attempt moved aside, a fresh one beside it");
        }
        assertEquals(expected.size(), comparable(runDir).size());
    }

    private String runCapturingOutput(Path yaml, Path results) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.PrintStream saved = System.out;
        System.setOut(new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            run(yaml, results);
        } finally {
            System.setOut(saved);
        }
        return out.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    private int run(Path yaml, Path results) {
        StringWriter err = new StringWriter();
        int code = Main.execute(Bootstrap.injector(), new PrintWriter(err, true), "run", yaml.toString(),
                "--results", results.toString(), "--data-dir", DATA.toString(), "--threads", "2");
        assertEquals(0, code, err.toString());
        return code;
    }

    /** Waits until the child has written a checkpoint and is past it, i.e. killed mid-epoch. */
    private static Path awaitCheckpoint(Path experimentDir, Process child) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (Files.isDirectory(experimentDir)) {
                Path run = only(experimentDir);
                if (Files.exists(run.resolve("model/checkpoint"))) {
                    Thread.sleep(150); // into the second epoch
                    return run;
                }
            }
            assertTrue(child.isAlive(), "the child run ended before it could be killed: " + log(experimentDir));
            Thread.sleep(20);
        }
        throw new AssertionError("no checkpoint within 120 s");
    }

    private static Path only(Path experimentDir) throws Exception {
        try (Stream<Path> s = Files.list(experimentDir)) {
            List<Path> runs = s.filter(Files::isDirectory).toList();
            assertEquals(1, runs.size(), "runs: " + runs);
            return runs.get(0);
        }
    }

    private static List<MetricRow> comparable(Path run) {
        return MetricsCsv.read(run.resolve("metrics.csv")).stream()
                .filter(r -> !r.key().equals("train/examples_per_sec") && !r.key().equals("train/epoch_seconds"))
                .toList();
    }

    private static String log(Path experimentDir) {
        try {
            return Files.readString(experimentDir.getParent().getParent().resolve("child.log"));
        } catch (java.io.IOException e) {
            return "(no child.log: " + e.getMessage() + ")";
        }
    }
}
