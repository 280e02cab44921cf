package dev.vaelab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vaelab.sweep.ChildJvm;
import dev.vaelab.sweep.PlanRecord;
import dev.vaelab.sweep.RunLock;
import dev.vaelab.sweep.SweepFiles;
import dev.vaelab.sweep.SweepLayout;
import dev.vaelab.tracking.MetricRow;
import dev.vaelab.tracking.MetricsCsv;
import dev.vaelab.tracking.RunRecord;
import dev.vaelab.tracking.RunRecordJson;
import dev.vaelab.tracking.RunStatus;
import dev.vaelab.tracking.RunStore;
import dev.vaelab.tracking.mlflow.RunTags;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sweep survives SIGKILL: a sweep running in its own JVM is killed with SIGKILL in the middle,
 * together with the JVM of one of its runs (past its first checkpoint); the sweep's other runs
 * notice that their sweep is gone and stop, recording themselves killed. Started again, the sweep
 * skips the runs that had finished (not launched again, their files untouched), resumes the
 * interrupted ones from their checkpoints, and ends with every run finished exactly once and every
 * metric equal to that of an uninterrupted sweep. Stopped gracefully (SIGTERM, as Ctrl-C), a sweep
 * asks its runs to stop, and they record themselves killed.
 */
class SweepKillTest {
    private static final Path DATA = SweepCommandTest.DATA;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RANK_TAG = RunTags.EXTRA_PREFIX + RunTags.RANK;
    private static final String BEST_TAG = RunTags.EXTRA_PREFIX + RunTags.BEST;
    /** All three start at once; the short one finishes first, the two long ones are running when the kill comes. */
    private static final String SWEEP = String.join("\n", "sweep:", "  parameters:", "    train.epochs: [1, 3, 4]",
            "  parallel: 3");

    @TempDir
    Path dir;

    @Test
    void aSweepKilledWithSigkillResumesToTheNumbersOfAnUninterruptedOne() throws Exception {
        assumeTrue(Files.exists(DATA.resolve("mnist/train-images-idx3-ubyte.gz")), "real MNIST is not at " + DATA);
        Path yaml = dir.resolve("kill.yaml");
        Files.writeString(yaml, SweepCommandTest.experiment("kill", 4, SWEEP));

        Path straight = dir.resolve("straight");
        var reference = SweepCommandTest.vaelab("sweep", yaml.toString(), "--results", straight.toString(),
                "--data-dir", DATA.toString());
        assertEquals(0, reference.code(), reference.err() + reference.out()
                + SweepCommandTest.logs(SweepLayout.of(straight, "kill")));

        Path results = dir.resolve("killed");
        SweepLayout layout = SweepLayout.of(results, "kill");
        Path sweepLog = dir.resolve("sweep.log");
        List<String> command = ChildJvm.current(Main.class.getName()).command(List.of("sweep", yaml.toString(),
                "--results", results.toString(), "--data-dir", DATA.toString()), dir.resolve("sweep-jvm.args"));
        Process sweep = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(sweepLog.toFile()).start();
        String crashed = awaitFinishedAndCheckpointed(layout, sweep, sweepLog);
        long crashedPid = RunLock.holderPid(layout.lockFile(crashed)).orElseThrow();
        List<ProcessHandle> runJvms = sweep.descendants().toList();
        sweep.destroyForcibly(); // SIGKILL: the sweep's stop hook does not run
        ProcessHandle.of(crashedPid).ifPresent(ProcessHandle::destroyForcibly);
        assertTrue(sweep.waitFor(30, TimeUnit.SECONDS));
        for (ProcessHandle run : runJvms) {
            run.onExit().get(30, TimeUnit.SECONDS); // orphans stop by themselves
            assertFalse(run.isAlive());
        }

        PlanRecord plan = SweepFiles.readPlan(layout).orElseThrow();
        Map<String, String> finishedBefore = new HashMap<>();
        Map<String, Long> attemptsBefore = new HashMap<>();
        List<String> stopped = new ArrayList<>();
        for (PlanRecord.Entry entry : plan.runs()) {
            Path runFile = layout.runDirectory(entry.name()).resolve(RunStore.RUN_FILE);
            attemptsBefore.put(entry.name(), attempts(Files.readString(layout.logFile(entry.name()))));
            if (!Files.exists(runFile)) {
                continue;
            }
            RunRecord record = RunRecordJson.read(runFile);
            if (record.status() == RunStatus.FINISHED) {
                finishedBefore.put(entry.name(), Files.readString(runFile));
            } else if (entry.name().equals(crashed)) {
                assertEquals(RunStatus.RUNNING, record.status(), "SIGKILL leaves no time to record anything");
            } else {
                assertEquals(RunStatus.KILLED, record.status(), entry.name() + " stopped when its sweep was gone");
                stopped.add(entry.name());
            }
        }
        assertFalse(finishedBefore.isEmpty());
        // the third run may have been training (then it stopped by itself, recorded killed, checked
        // above), finished, or not yet started when the sweep was killed: that depends on timing
        assertTrue(stopped.size() <= 1, "at most the third run was stopped: " + stopped);

        var restart = SweepCommandTest.vaelab("sweep", yaml.toString(), "--results", results.toString(),
                "--data-dir", DATA.toString());
        assertEquals(0, restart.code(), restart.err() + restart.out() + SweepCommandTest.logs(layout));

        for (PlanRecord.Entry entry : plan.runs()) {
            String name = entry.name();
            Path runDir = layout.runDirectory(name);
            assertEquals(RunStatus.FINISHED, RunRecordJson.read(runDir.resolve(RunStore.RUN_FILE)).status(), name);
            String log = Files.readString(layout.logFile(name));
            if (finishedBefore.containsKey(name)) {
                // the ended sweep adds its rank tags (the first sweep was killed before ranking): nothing else changes
                JsonNode after = JSON.readTree(Files.readString(runDir.resolve(RunStore.RUN_FILE)));
                ObjectNode extra = (ObjectNode) after.path("extra");
                assertTrue(extra.has(RANK_TAG) || extra.has(BEST_TAG), name + " was ranked: " + after);
                extra.remove(List.of(RANK_TAG, BEST_TAG));
                assertEquals(JSON.readTree(finishedBefore.get(name)), after, name + " had finished and was left alone");
                assertEquals(1, attempts(log), name + " was launched once:\n" + log);
            } else {
                assertEquals(attemptsBefore.get(name) + 1, attempts(log), name + " was launched once more:\n" + log);
            }
            if (name.equals(crashed)) {
                assertTrue(log.contains("resuming " + name + " after epoch "), log);
            }
            List<MetricRow> expected = comparable(straight.resolve("kill").resolve(name));
            List<MetricRow> actual = comparable(runDir);
            assertEquals(expected.size(), actual.size(), name + ": rows");
            for (int i = 0; i < expected.size(); i++) {
                assertEquals(expected.get(i).key(), actual.get(i).key(), name + " row " + i);
                assertEquals(expected.get(i).step(), actual.get(i).step(), name + " row " + i);
                assertEquals(expected.get(i).value(), actual.get(i).value(), 0.0,
                        name + ": " + expected.get(i).key() + " at step " + expected.get(i).step());
            }
            assertEquals(RunStore.open(straight.resolve("kill").resolve(name)).readSummary().get("test/elbo"),
                    RunStore.open(runDir).readSummary().get("test/elbo"), 0.0, name);
        }
        // nothing finished twice: the only finished run folders are the planned ones
        try (Stream<Path> folders = Files.list(layout.experimentDirectory())) {
            long finished = folders.map(f -> f.resolve(RunStore.RUN_FILE)).filter(Files::isRegularFile)
                    .map(RunRecordJson::read).filter(r -> r.status() == RunStatus.FINISHED).count();
            assertEquals(plan.runs().size(), finished);
        }
        // one run or two had finished when the sweep was killed, depending on timing
        assertTrue(restart.out().contains("all 3 runs finished (" + finishedBefore.size() + " already before)"),
                restart.out());
        assertTrue(Files.readString(layout.summaryMarkdown()).contains("3 runs (3 finished)"));
    }

    @Test
    void stoppingTheSweepStopsItsRunsWhichRecordThemselvesKilled() throws Exception {
        assumeTrue(Files.exists(DATA.resolve("mnist/train-images-idx3-ubyte.gz")), "real MNIST is not at " + DATA);
        Path yaml = dir.resolve("stop.yaml");
        Files.writeString(yaml, SweepCommandTest.experiment("stop", 4, String.join("\n", "sweep:", "  parameters:",
                "    seed: [0, 1, 2]", "  parallel: 2")));
        Path results = dir.resolve("stopped");
        SweepLayout layout = SweepLayout.of(results, "stop");
        Path sweepLog = dir.resolve("stop.log");
        List<String> command = ChildJvm.current(Main.class.getName()).command(List.of("sweep", yaml.toString(),
                "--results", results.toString(), "--data-dir", DATA.toString()), dir.resolve("stop-jvm.args"));
        Process sweep = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(sweepLog.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        List<String> training = List.of();
        // both have logged training metrics, so that the summary written on the way out draws its plots
        while (training.size() < 2) {
            assertTrue(System.nanoTime() < deadline && sweep.isAlive(), "two runs never trained:\n" + Files.readString(sweepLog));
            Thread.sleep(20);
            training = Files.exists(layout.planFile()) ? SweepFiles.readPlan(layout).orElseThrow().runs().stream()
                    .map(PlanRecord.Entry::name)
                    .filter(name -> Files.exists(layout.runDirectory(name).resolve(RunStore.RUN_FILE))
                            && hasMetrics(layout.runDirectory(name)))
                    .toList() : List.of();
        }
        sweep.destroy(); // SIGTERM, as Ctrl-C's SIGINT: the sweep's stop hook runs
        assertTrue(sweep.waitFor(90, TimeUnit.SECONDS), Files.readString(sweepLog));
        assertEquals(143, sweep.exitValue());
        String log = Files.readString(sweepLog);
        assertTrue(log.contains("stopping: asking 2 running run(s) to record themselves killed"), log);
        for (String name : training) {
            RunRecord record = RunRecordJson.read(layout.runDirectory(name).resolve(RunStore.RUN_FILE));
            assertEquals(RunStatus.KILLED, record.status(), name + ":\n" + log);
        }
        assertEquals(2, SweepFiles.readOutcomes(layout).values().stream()
                .filter(r -> r.outcome() == dev.vaelab.sweep.Outcome.KILLED).count());
        // the summary of what is done, with its plots, and the parent run ended as killed, before the process exited
        assertTrue(Files.isRegularFile(layout.summaryMarkdown()), "no summary:\n" + log);
        assertTrue(Files.readString(layout.summaryMarkdown()).contains("3 runs (2 killed, 1 pending)"),
                Files.readString(layout.summaryMarkdown()));
        assertTrue(log.contains("0/3 done, 0 running, 0 failed, 2 killed, 1 waiting"), log);
        try (Stream<Path> plots = Files.list(layout.plotsDirectory())) {
            assertTrue(plots.anyMatch(p -> p.getFileName().toString().startsWith("curves_")), "the training curves are drawn");
        }
        assertEquals(RunStatus.KILLED, RunRecordJson.read(layout.sweepDirectory().resolve("parent/run.json")).status());
    }

    private static boolean hasMetrics(Path runDir) {
        try {
            Path metrics = runDir.resolve("metrics.csv");
            return Files.isRegularFile(metrics) && Files.readAllLines(metrics).size() > 1;
        } catch (java.io.IOException e) {
            return false; // being replaced: look again
        }
    }

    /**
     * Waits until a run has finished and the two others are training, one past its first
     * checkpoint, then returns that one (to be killed mid-epoch, as ResumeTest does).
     */
    private static String awaitFinishedAndCheckpointed(SweepLayout layout, Process sweep, Path sweepLog) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
        while (System.nanoTime() < deadline) {
            Optional<PlanRecord> plan = Files.exists(layout.planFile()) ? SweepFiles.readPlan(layout) : Optional.empty();
            if (plan.isPresent()) {
                boolean anyFinished = false;
                int running = 0;
                String checkpointed = null;
                for (PlanRecord.Entry entry : plan.get().runs()) {
                    Path runDir = layout.runDirectory(entry.name());
                    Path runFile = runDir.resolve(RunStore.RUN_FILE);
                    if (!Files.exists(runFile)) {
                        continue;
                    }
                    RunStatus status = RunRecordJson.read(runFile).status();
                    anyFinished |= status == RunStatus.FINISHED;
                    running += status == RunStatus.RUNNING ? 1 : 0;
                    if (status == RunStatus.RUNNING && Files.exists(runDir.resolve("model/checkpoint"))
                            && RunLock.holderPid(layout.lockFile(entry.name())).isPresent()) {
                        checkpointed = entry.name();
                    }
                }
                if (anyFinished && running == 2 && checkpointed != null) {
                    Thread.sleep(150); // into the next epoch
                    return checkpointed;
                }
            }
            assertTrue(sweep.isAlive(), "the sweep ended before it could be killed:\n" + Files.readString(sweepLog));
            Thread.sleep(20);
        }
        throw new AssertionError("no run finished and another checkpointed within 240 s:\n" + Files.readString(sweepLog));
    }

    private static long attempts(String log) {
        return log.lines().filter(l -> l.startsWith("=== ")).count();
    }

    private static List<MetricRow> comparable(Path run) {
        return MetricsCsv.read(run.resolve(RunStore.METRICS_FILE)).stream()
                .filter(r -> !r.key().equals("train/examples_per_sec") && !r.key().equals("train/epoch_seconds"))
                .toList();
    }
}
