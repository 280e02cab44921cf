package dev.vaelab.sweep.slurm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaelab.core.config.ConfigException;
import dev.vaelab.core.config.ConfigLoader;
import dev.vaelab.core.error.VaelabException;
import dev.vaelab.sweep.LauncherSettings;
import dev.vaelab.sweep.Outcome;
import dev.vaelab.sweep.SweepReport;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The Slurm launcher's parts that need no cluster: options, scontrol's lines, the script, a missing sbatch. */
class SlurmPartsTest {
    @Test
    void sweepSlurmIsValidatedAtItsLine() {
        var root = ConfigLoader.parse("sweep:\n  slurm:\n    time: \"2h\"\n", "s.yaml");
        ConfigException e = assertThrows(ConfigException.class,
                () -> SlurmOptions.parse(root.map("sweep").map("slurm")));
        assertEquals("s.yaml:3:11: 'time' must be a Slurm time such as 02:00:00 or 1-00:00:00, got '2h'", e.getMessage());
        var ok = ConfigLoader.parse("sweep:\n  slurm: {partition: gpu, cpus_per_task: 4, mem: 8G, array_parallelism: 10,"
                + " sbatch_args: [--account=ml]}\n", "s.yaml");
        SlurmOptions options = SlurmOptions.parse(ok.map("sweep").map("slurm")).with(null, "01:00:00", null, null, 2, List.of("--qos=low"));
        assertEquals(List.of("--partition=gpu", "--time=01:00:00", "--cpus-per-task=4", "--mem=8G", "--account=ml",
                "--qos=low"), options.sbatchOptions());
        assertEquals(2, options.arrayParallelism());
        VaelabException cli = assertThrows(VaelabException.class, () -> options.with(null, null, 0, null, null, List.of()));
        assertEquals("--cpus-per-task must be at least 1, got 0", cli.getMessage());
    }

    @Test
    void scontrolLinesGiveOneStatePerTaskIncludingGroupedPendingOnes() {
        List<TaskState> grouped = TaskState.parse("JobId=1 ArrayJobId=1 ArrayTaskId=2-4%1 JobState=PENDING "
                + "Reason=JobArrayTaskLimit ExitCode=0:0");
        assertEquals(List.of(2, 3, 4), grouped.stream().map(TaskState::taskId).toList());
        assertTrue(grouped.get(0).active());
        TaskState done = TaskState.parse("JobId=3 ArrayJobId=1 ArrayTaskId=1 JobState=CANCELLED Reason=None ExitCode=0:15").get(0);
        assertEquals(new TaskState(1, "CANCELLED", "0:15", "None"), done);
        assertTrue(!done.active());
    }

    @Test
    void theScriptRunsEachTasksRunWithAbsolutePathsAndExecsTheJvm() {
        String script = JobScript.render("vaelab-x", Path.of("/r/x/sweep/slurm/1"), SlurmOptions.DEFAULT.with(null, null,
                        2, null, 3, List.of()), List.of("x-1", "x-2"), Optional.of("41"), List.of("/j/java", "@/a args", "Main"),
                List.of("--results", "/r", "--run-name", "$run"), Path.of("/r/x/sweep/configs"), Path.of("/r/x/sweep/logs"));
        assertTrue(script.contains("#SBATCH --array=0-1%3\n#SBATCH --output=/r/x/sweep/slurm/1/task-%a.out\n"), script);
        assertTrue(script.contains("#SBATCH --dependency=afterany:41\n"), script);
        assertTrue(script.contains("#SBATCH --cpus-per-task=2\n"), script);
        assertTrue(script.contains("  1) run='x-2' ;;\n"), script);
        assertTrue(script.contains("exec '/j/java' '@/a args' 'Main' sweep-run \"$config\" '--results' '/r' '--run-name' "
                + "\"$run\" >> \"$log\" 2>&1\n"), script);
    }

    @Test
    void eachTaskPassesItsSweptValuesAsItsMlflowName() {
        String script = JobScript.render("vaelab-x", Path.of("/r/x/sweep/slurm/1"), SlurmOptions.DEFAULT, List.of("x-1",
                        "x-2"), java.util.Map.of("x-1", "beta.end=4 seed=1", "x-2", "beta.end=1 seed='0'"), Optional.empty(),
                List.of("/j/java", "Main"), List.of("--run-name", "$run"), Path.of("/r/x/sweep/configs"),
                Path.of("/r/x/sweep/logs"));
        assertTrue(script.contains("  0) run='x-1'; swept='beta.end=4 seed=1' ;;\n"), script);
        assertTrue(script.contains("  1) run='x-2'; swept='beta.end=1 seed='\\''0'\\''' ;;\n"), script);
        assertTrue(script.contains("'--run-name' \"$run\" ${swept:+--tag \"vaelab.swept=$swept\"} >> \"$log\" 2>&1\n"),
                script);
    }

    @Test
    void theFinalJobWaitsForEveryArrayOnOneCpuAndEndsTheSweep() {
        SlurmOptions options = SlurmOptions.DEFAULT.with("gpu", "01:00:00", 8, "8G", 2, List.of("--account=ml"));
        String script = JobScript.renderEnd("vaelab-x-end", Path.of("/r/x/sweep/slurm/2"), options.oneCpu(),
                List.of("7", "9"), List.of("/j/java", "Main"), List.of("/r/x", "--tracking-uri", "http://h:5000"));
        assertTrue(script.contains("#SBATCH --dependency=afterany:7:9\n"), script);
        assertTrue(script.contains("#SBATCH --output=/r/x/sweep/slurm/2/end.out\n"), script);
        assertTrue(script.contains("#SBATCH --partition=gpu\n#SBATCH --time=01:00:00\n#SBATCH --cpus-per-task=1\n"
                + "#SBATCH --mem=8G\n#SBATCH --account=ml\n"), script);
        assertTrue(script.endsWith("exec '/j/java' 'Main' sweep-end '/r/x' '--tracking-uri' 'http://h:5000'\n"), script);
    }

    @Test
    void commandLineOptionsGoOverTheSectionAndUnknownOnesAreNamed() {
        var root = ConfigLoader.parse("sweep:\n  slurm: {partition: gpu, cpus_per_task: 4}\n", "s.yaml");
        var section = Optional.of(root.map("sweep").map("slurm"));
        SlurmOptions options = SlurmOptions.of(new LauncherSettings(section, Map.of("cpus_per_task", List.of("2"),
                "sbatch_args", List.of("--qos=a", "--qos=b"))));
        assertEquals(List.of("--partition=gpu", "--cpus-per-task=2", "--qos=a", "--qos=b"), options.sbatchOptions());
        VaelabException unknown = assertThrows(VaelabException.class,
                () -> SlurmOptions.of(new LauncherSettings(section, Map.of("gpus", List.of("1")))));
        assertEquals("--gpus is not an option of the slurm launcher; its options: --partition, --time, --cpus-per-task, "
                + "--mem, --array-parallelism, --sbatch-args", unknown.getMessage());
        VaelabException notANumber = assertThrows(VaelabException.class,
                () -> SlurmOptions.of(new LauncherSettings(section, Map.of("array_parallelism", List.of("ten")))));
        assertEquals("--array-parallelism must be a whole number, got 'ten'", notANumber.getMessage());
    }

    @Test
    void theFinalJobEndsTheParentKilledWhenTheUnfinishedRunsWereOnlyCancelled() {
        var finished = new SweepState.Row(0, "a", "seed=0", "finished", "1_0", "");
        var cancelled = new SweepState.Row(1, "b", "seed=1", "cancelled", "1_1", "cancelled in Slurm");
        var failed = new SweepState.Row(2, "c", "seed=2", "failed", "1_2", "FAILED, exit code 1:0");
        SweepReport resumable = SweepEnd.report(List.of(finished, cancelled));
        assertEquals(Outcome.KILLED, resumable.results().get("b").outcome());
        assertTrue(resumable.stopped(), "a cancelled run resumes when submitted again: the parent ends killed");
        SweepReport broken = SweepEnd.report(List.of(finished, cancelled, failed));
        assertEquals(Outcome.FAILED, broken.results().get("c").outcome());
        assertTrue(!broken.stopped(), "a failed run makes the sweep failed");
        SweepReport done = SweepEnd.report(List.of(finished));
        assertTrue(done.allFinished() && !done.stopped());
    }

    @Test
    void aMissingSbatchIsAClearError() {
        SlurmCommands slurm = new SlurmCommands("/nonexistent/sbatch", "/nonexistent/scontrol", Map.of());
        VaelabException e = assertThrows(VaelabException.class, () -> slurm.submit(Path.of("/tmp/job.sh")));
        assertTrue(e.getMessage().startsWith("cannot submit the sweep: /nonexistent/sbatch is not available ("), e.getMessage());
        assertTrue(e.getMessage().endsWith("run the sweep on a Slurm login node, or put Slurm's client commands on the PATH"));
    }
}
