package dev.vaelab.sweep.slurm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaelab.core.config.ConfigException;
import dev.vaelab.core.config.ConfigLoader;
import dev.vaelab.core.error.VaelabException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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
                        2, null, 3, List.of()), List.of("x-1", "x-2"), List.of("/j/java", "@/a args", "Main"),
                List.of("--results", "/r", "--run-name", "$run"), Path.of("/r/x/sweep/configs"), Path.of("/r/x/sweep/logs"));
        assertTrue(script.contains("#SBATCH --array=0-1%3\n#SBATCH --output=/r/x/sweep/slurm/1/task-%a.out\n"), script);
        assertTrue(script.contains("#SBATCH --cpus-per-task=2\n"), script);
        assertTrue(script.contains("  1) run='x-2' ;;\n"), script);
        assertTrue(script.contains("exec '/j/java' '@/a args' 'Main' sweep-run \"$config\" '--results' '/r' '--run-name' "
                + "\"$run\" >> \"$log\" 2>&1\n"), script);
    }

    @Test
    void aMissingSbatchIsAClearError() {
        SlurmCommands slurm = new SlurmCommands("/nonexistent/sbatch", "/nonexistent/scontrol", Map.of());
        VaelabException e = assertThrows(VaelabException.class, () -> slurm.submit(Path.of("/tmp/job.sh")));
        assertTrue(e.getMessage().startsWith("cannot submit the sweep: /nonexistent/sbatch is not available ("), e.getMessage());
        assertTrue(e.getMessage().endsWith("run the sweep on a Slurm login node, or put Slurm's client commands on the PATH"));
    }
}
