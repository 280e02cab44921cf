package dev.vaelab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.inject.Injector;
import dev.vaelab.sweep.PlanRecord;
import dev.vaelab.sweep.SweepFiles;
import dev.vaelab.sweep.SweepLayout;
import dev.vaelab.sweep.slurm.SlurmCommands;
import dev.vaelab.sweep.slurm.TaskState;
import dev.vaelab.tracking.RunRecordJson;
import dev.vaelab.tracking.RunStatus;
import dev.vaelab.tracking.mlflow.FakeMlflowServer;
import dev.vaelab.tracking.mlflow.FakeMlflowState;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code vaelab sweep --launcher slurm} on a real one-node Slurm cluster started for the test
 * ({@code modules/sweep/src/test/slurm/cluster.sh}, under a temporary directory, stopped at the end):
 * a 3-run sweep goes in as one job array, one task is cancelled while it trains, {@code sweep status}
 * says so, the resubmission sends only that run, which resumes, and in the end every run finished
 * exactly once and the summary is the same as the same sweep's run with the local launcher. Skipped,
 * saying why, where Slurm is not installed, this is not root, or the cluster does not start.
 */
class SlurmSweepTest {
    private static final Path CLUSTER_SCRIPT = Path.of("../sweep/src/test/slurm/cluster.sh").toAbsolutePath().normalize();

    private static Path dir;
    private static Map<String, String> environment;
    private static Injector injector;

    @BeforeAll
    static void startCluster() throws Exception {
        for (String tool : List.of("munged", "slurmctld", "slurmd", "sbatch", "scontrol", "scancel")) {
            assumeTrue(onPath(tool), "Slurm is not installed (" + tool + " is not on the PATH): install slurmctld slurmd "
                    + "slurm-client munge, as .ci/run does, to run the Slurm launcher's tests");
        }
        assumeTrue("root".equals(System.getProperty("user.name")), "the test Slurm cluster needs root (munged and slurmd "
                + "run as root); running as " + System.getProperty("user.name"));
        dir = Files.createTempDirectory("vaelab-slurm");
        ProcessBuilder cluster = new ProcessBuilder("bash", CLUSTER_SCRIPT.toString(), "start",
                dir.resolve("cluster").toString()).redirectErrorStream(true);
        cluster.environment().put("MAX_ARRAY_SIZE", "2"); // so that a 3-run sweep is split into two arrays
        Process start = cluster.start();
        String out = new String(start.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        boolean started = start.waitFor(60, TimeUnit.SECONDS) && start.exitValue() == 0;
        assumeTrue(started, "the test Slurm cluster did not start: " + out);
        environment = new HashMap<>(System.getenv());
        environment.put("SLURM_CONF", out.strip().lines().reduce((a, b) -> b).orElseThrow());
        SlurmCommands slurm = new SlurmCommands("sbatch", "scontrol", environment);
        injector = Bootstrap.injector(binder -> binder.bind(SlurmCommands.class).toInstance(slurm));
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (dir != null) {
            new ProcessBuilder("bash", CLUSTER_SCRIPT.toString(), "stop", dir.resolve("cluster").toString())
                    .inheritIO().start().waitFor(60, TimeUnit.SECONDS);
        }
    }

    @Test
    void aCancelledTaskIsResubmittedAndEveryRunFinishesExactlyOnce() throws Exception {
        ShortRuns.assumeMnist();
        // a run that outlasts its one-minute time limit, submitted first so that its minute passes beside the sweep
        Path slow = dir.resolve("slow.yaml");
        Files.writeString(slow, SweepCommandTest.experiment("slow", 2000, "sweep: {parameters: {seed: [0]}}"));
        Path results = dir.resolve("results");
        Result timed = vaelab("sweep", slow.toString(), "--launcher", "slurm", "--time", "1", "--results",
                results.toString(), "--data-dir", SweepCommandTest.DATA.toString());
        assertEquals(0, timed.code(), timed.err() + timed.out());
        String slowJob = lastLine(timed);

        Path yaml = dir.resolve("slt.yaml");
        Files.writeString(yaml, SweepCommandTest.experiment("slt", 2, String.join("\n", "sweep:",
                "  parameters:", "    seed: [0, 1, 2]", "  slurm: {cpus_per_task: 1, array_parallelism: 1}"))
                .replace("batch_size: 100}", "batch_size: 100, max_steps: 150}"));
        SweepLayout layout = SweepLayout.of(results, "slt");
        Path parentRun = layout.sweepDirectory().resolve("parent/run.json");
        try (FakeMlflowServer mlflow = FakeMlflowServer.start()) {
            Result first = vaelab("sweep", yaml.toString(), "--launcher", "slurm", "--results", results.toString(),
                    "--data-dir", SweepCommandTest.DATA.toString(), "--tracking-uri", mlflow.uri());
            assertEquals(0, first.code(), first.err() + first.out());
            // the cluster's MaxArraySize is 2: three runs are two arrays, the second after the first to keep %1
            List<String> jobs = first.out().lines().filter(l -> l.startsWith("  job")).toList();
            assertEquals(3, jobs.size(), first.out());
            String job = jobs.get(0).replaceAll("  job array (\\d+): 2 tasks \\(array 0-1%1\\)", "$1");
            assertTrue(job.matches("\\d+"), first.out());
            String next = jobs.get(1).replaceAll("  job array (\\d+): 1 task \\(array 0-0%1, after " + job + "\\)", "$1");
            assertTrue(next.matches("\\d+"), first.out());
            assertTrue(jobs.get(2).matches("  job \\d+: ends the sweep once they end \\(the summary, the parent run\\)"),
                    first.out());
            assertEquals(next, lastLine(first));
            assertEquals(RunStatus.RUNNING, RunRecordJson.read(parentRun).status(), "the parent runs until the final job");

            // cancel the second run's task once it trains (the first, at %1, has finished by then)
            String second = SweepFiles.readPlan(layout).orElseThrow().runs().get(1).name();
            waitFor(() -> Files.exists(layout.runDirectory(second).resolve("metrics.csv")), 180, "run 2 to train", layout);
            run("scancel", job + "_1");
            String end = jobs.get(2).replaceAll("  job (\\d+): .*", "$1");
            waitFor(() -> jobEnded(end), 300, "the final job to end the sweep", layout);
            assertEquals(RunStatus.KILLED, RunRecordJson.read(parentRun).status(), "a cancelled run resumes: the sweep is killed");

            Result status = vaelab("sweep", "status", layout.experimentDirectory().toString());
            assertEquals(1, status.code(), status.out() + status.err());
            List<String> rows = status.out().lines().toList();
            assertTrue(rows.get(1).matches("1\\s+slt-\\w+\\s+seed=0\\s+finished\\s+" + job + "_0"), status.out());
            assertTrue(rows.get(2).matches("2\\s+" + second + "\\s+seed=1\\s+(killed|cancelled)\\s+" + job + "_1\\s+.*"),
                    status.out());
            assertTrue(rows.get(3).matches("3\\s+slt-\\w+\\s+seed=2\\s+finished\\s+" + next + "_0"), status.out());
            assertEquals(RunStatus.KILLED, RunRecordJson.read(layout.runDirectory(second).resolve("run.json")).status(),
                    "the cancelled run recorded itself killed");

            Result again = vaelab("sweep", yaml.toString(), "--launcher", "slurm", "--results", results.toString(),
                    "--data-dir", SweepCommandTest.DATA.toString(), "--tracking-uri", mlflow.uri());
            assertEquals(0, again.code(), again.err() + again.out());
            assertTrue(again.out().contains("2 already finished") && again.out().contains(": 1 task (array 0-0%1)"),
                    again.out());
            String end2 = again.out().lines().filter(l -> l.matches("  job \\d+: ends the sweep.*")).findFirst()
                    .orElseThrow().replaceAll("  job (\\d+): .*", "$1");
            waitFor(() -> jobEnded(end2), 300, "the resubmission's final job to end the sweep", layout);
            assertEquals(RunStatus.FINISHED, RunRecordJson.read(parentRun).status());
            Result done = vaelab("sweep", "status", layout.experimentDirectory().toString());
            assertEquals(0, done.code(), done.out() + SweepCommandTest.logs(layout));
            assertTrue(done.out().contains("3 runs: 3 finished"), done.out());
            Result nothing = vaelab("sweep", yaml.toString(), "--launcher", "slurm", "--results", results.toString());
            assertTrue(nothing.out().contains("nothing to submit: every run finished"), nothing.out());

            PlanRecord plan = SweepFiles.readPlan(layout).orElseThrow();
            FakeMlflowState.Run parent = mlflow.state().onlyRun("slt", "sweep seed (3 runs)");
            assertEquals("FINISHED", parent.status, "the final job ended the sweep's parent run");
            assertTrue(mlflow.state().artifacts(parent).containsKey("sweep.csv"));
            assertTrue(plan.runs().stream().anyMatch(r -> r.name().equals(parent.tags.get("vaelab.best_run"))),
                    parent.tags.toString());
            for (PlanRecord.Entry run : plan.runs()) {
                assertEquals(RunStatus.FINISHED, RunRecordJson.read(layout.runDirectory(run.name()).resolve("run.json")).status());
                assertNoDuplicateSteps(layout.runDirectory(run.name()).resolve("metrics.csv"));
                FakeMlflowState.Run child = mlflow.state().runs("slt").stream()
                        .filter(r -> run.name().equals(r.tags.get("vaelab.run_name"))).findFirst().orElseThrow();
                assertTrue(child.runName.matches("seed=[012]"), "named by its swept value: " + child.runName);
                assertEquals("FINISHED", child.status, run.name());
                assertEquals(parent.runId, child.tags.get("mlflow.parentRunId"), "every task's run nests under the sweep");
            }
        }
        try (Stream<Path> runs = Files.list(layout.experimentDirectory())) {
            List<String> folders = runs.filter(p -> Files.exists(p.resolve("run.json")))
                    .map(p -> p.getFileName().toString()).sorted().toList();
            assertEquals(3, folders.size(), "one run folder per run: " + folders);
        }

        // the same sweep with the local launcher: the same table
        Path local = dir.resolve("local");
        Result localRun = vaelab("sweep", yaml.toString(), "--results", local.toString(),
                "--data-dir", SweepCommandTest.DATA.toString(), "--parallel", "1");
        assertEquals(0, localRun.code(), localRun.err() + localRun.out());
        assertEquals(table(vaelab("summary", local.resolve("slt").toString())),
                table(vaelab("summary", layout.experimentDirectory().toString())));

        // the run past its time limit: Slurm ended it, it recorded itself killed and resumes from its checkpoint
        SweepLayout slowLayout = SweepLayout.of(results, "slow");
        waitFor(() -> slurm().tasks(slowJob).stream().noneMatch(TaskState::active), 240, "the time limit", slowLayout);
        String slowRun = SweepFiles.readPlan(slowLayout).orElseThrow().runs().get(0).name();
        assertEquals(RunStatus.KILLED, RunRecordJson.read(slowLayout.runDirectory(slowRun).resolve("run.json")).status(),
                SweepCommandTest.logs(slowLayout));
        assertTrue(Files.exists(slowLayout.runDirectory(slowRun).resolve("model/checkpoint")));
        Result slowStatus = vaelab("sweep", "status", slowLayout.experimentDirectory().toString());
        assertTrue(slowStatus.out().lines().anyMatch(l -> l.matches("1\\s+" + slowRun + "\\s+seed=0\\s+killed\\s+"
                + slowJob + "_0\\s+time limit reached; resumes from its checkpoint when submitted again")), slowStatus.out());
        preemptedRunIsKilledAndResumable(results);
    }

    /** A run preempted by a job of a higher partition (PreemptMode=CANCEL) is recorded killed, and said to be preempted. */
    private void preemptedRunIsKilledAndResumable(Path results) throws Exception {
        Path yaml = dir.resolve("pre.yaml");
        Files.writeString(yaml, SweepCommandTest.experiment("pre", 2000, "sweep: {parameters: {seed: [0]}}"));
        Result submitted = vaelab("sweep", yaml.toString(), "--launcher", "slurm", "--cpus-per-task", "2", "--results",
                results.toString(), "--data-dir", SweepCommandTest.DATA.toString());
        assertEquals(0, submitted.code(), submitted.err() + submitted.out());
        String job = lastLine(submitted);
        SweepLayout layout = SweepLayout.of(results, "pre");
        String name = SweepFiles.readPlan(layout).orElseThrow().runs().get(0).name();
        waitFor(() -> Files.exists(layout.runDirectory(name).resolve("model/checkpoint")), 180, "run pre to checkpoint",
                layout);
        run("sbatch", "--partition=urgent", "--cpus-per-task=2", "--output=/dev/null", "--wrap=sleep 1");
        waitFor(() -> slurm().tasks(job).stream().noneMatch(TaskState::active), 120, "the preemption", layout);
        assertEquals(RunStatus.KILLED, RunRecordJson.read(layout.runDirectory(name).resolve("run.json")).status(),
                SweepCommandTest.logs(layout));
        Result status = vaelab("sweep", "status", layout.experimentDirectory().toString());
        assertTrue(status.out().lines().anyMatch(l -> l.matches("1\\s+" + name + "\\s+seed=0\\s+killed\\s+" + job
                + "_0\\s+preempted; resumes from its checkpoint when submitted again")), status.out());
    }

    /** Whether Slurm says job {@code id} (not an array) completed; it fails the test if it ended otherwise. */
    private static boolean jobEnded(String id) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("scontrol", "show", "job", "-o", id).redirectErrorStream(true);
        pb.environment().putAll(environment);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        String state = out.replaceAll("(?s).*JobState=(\\S+).*", "$1");
        if (List.of("FAILED", "CANCELLED", "TIMEOUT", "NODE_FAIL", "OUT_OF_MEMORY").contains(state)) {
            throw new AssertionError("job " + id + " ended " + state + ": " + out);
        }
        return state.equals("COMPLETED");
    }

    private static String lastLine(Result r) {
        return r.out().strip().lines().reduce((a, b) -> b).orElseThrow();
    }

    @Test
    void anUnknownPartitionIsAnErrorWithSlurmsMessage() throws Exception {
        Path yaml = dir.resolve("bad.yaml");
        Files.writeString(yaml, SweepCommandTest.experiment("bad", 1, "sweep: {parameters: {seed: [0]}}"));
        Result r = vaelab("sweep", yaml.toString(), "--launcher", "slurm", "--partition", "nosuch",
                "--results", dir.resolve("bad-results").toString());
        assertEquals(1, r.code(), r.out());
        assertTrue(r.err().startsWith("error: sbatch rejected the sweep's job array (exit code 1): \"sbatch: error: "
                + "invalid partition specified: nosuch"), r.err());
        Result time = vaelab("sweep", yaml.toString(), "--launcher", "slurm", "--time", "two hours");
        assertEquals("error: --time must be a Slurm time such as 02:00:00 or 1-00:00:00, got 'two hours'\n", time.err());
    }

    /** The summary's table without its time column, which differs between any two attempts. */
    private static List<String> table(Result summary) {
        assertEquals(0, summary.code(), summary.err());
        return summary.out().lines().filter(l -> !l.startsWith("written:"))
                .map(l -> l.replaceAll("\\s+(time|\\d+(\\.\\d+)?m?s|-+)$", "")).toList();
    }

    private static void assertNoDuplicateSteps(Path metrics) throws Exception {
        Set<String> seen = new HashSet<>();
        for (String line : Files.readAllLines(metrics).subList(1, Files.readAllLines(metrics).size())) {
            String[] f = line.split(",");
            assertTrue(seen.add(f[0] + "@" + f[2]), "metric " + f[0] + " at step " + f[2] + " twice in " + metrics);
        }
    }

    private static SlurmCommands slurm() {
        return injector.getInstance(SlurmCommands.class);
    }

    private interface Check {
        boolean ok() throws Exception;
    }

    private static void waitFor(Check check, int seconds, String what, SweepLayout layout) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!check.ok()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what + SweepCommandTest.logs(layout));
            }
            Thread.sleep(200);
        }
    }

    private static void run(String... command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(environment);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), String.join(" ", command) + ": " + out);
    }

    private static boolean onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, tool))) {
                return true;
            }
        }
        return Files.isExecutable(Path.of("/usr/sbin", tool));
    }

    private record Result(int code, String out, String err) {
    }

    private static Result vaelab(String... args) {
        StringWriter err = new StringWriter();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream saved = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            int code = Main.execute(injector, new PrintWriter(err, true), args);
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString());
        } finally {
            System.setOut(saved);
        }
    }
}
