package dev.vaelab.sweep.slurm;

import dev.vaelab.core.error.VaelabException;
import dev.vaelab.sweep.ChildJvm;
import dev.vaelab.sweep.ChildRun;
import dev.vaelab.sweep.LaunchRequest;
import dev.vaelab.sweep.Launcher;
import dev.vaelab.sweep.Outcome;
import dev.vaelab.sweep.PlannedRun;
import dev.vaelab.sweep.RunHandle;
import dev.vaelab.sweep.SweepFiles;
import dev.vaelab.sweep.SweepLayout;
import dev.vaelab.sweep.SweepOptions;
import dev.vaelab.sweep.SweepPlan;
import dev.vaelab.sweep.SweepRunner;
import dev.vaelab.tracking.AtomicFiles;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Hands a whole sweep to Slurm as one job array ({@code vaelab sweep --launcher slurm}): writes the
 * runs' resolved configs and one {@code sbatch} script beside them on the shared filesystem, submits
 * it with a task per run that is not finished, and returns the job id without waiting. Each task runs
 * {@link ChildRun#COMMAND} on its run, which takes the run's lock, trains or resumes from its last
 * checkpoint, and writes the run store under the sweep's results directory. Submitting the same sweep
 * again submits only the runs that are neither finished nor still queued or running in an earlier
 * submission.
 */
public final class SlurmLauncher implements Launcher {
    public static final String NAME = "slurm";

    private final ChildJvm jvm;
    private final SlurmCommands slurm;

    @Inject
    public SlurmLauncher(ChildJvm jvm, SlurmCommands slurm) {
        this.jvm = jvm;
        this.slurm = slurm;
    }

    /**
     * What a submission did.
     *
     * @param submission the accepted job array, empty when every run was finished or queued already
     * @param finished runs already finished, not submitted
     * @param queued runs still queued or running in an earlier submission, with their job and task
     * @param submitted runs in this job array, in task order
     */
    public record Submitted(Optional<Submission> submission, List<String> finished, Map<String, String> queued,
                            List<String> submitted) {
        public Submitted {
            finished = List.copyOf(finished);
            queued = Map.copyOf(queued);
            submitted = List.copyOf(submitted);
        }
    }

    /** Submits the runs of {@code plan} that are not finished as one job array. */
    public Submitted submit(SweepPlan plan, SweepOptions options, SlurmOptions resources) {
        SweepLayout layout = SweepLayout.of(options.resultsRoot().toAbsolutePath(), plan.experiment());
        SweepFiles.writePlan(layout, plan);
        List<Submission> earlier = Submission.all(layout);
        Map<String, Map<Integer, TaskState>> states = new LinkedHashMap<>();
        List<String> finished = new ArrayList<>();
        Map<String, String> queued = new LinkedHashMap<>();
        List<String> runs = new ArrayList<>();
        for (PlannedRun run : plan.runs()) {
            if (SweepRunner.priorState(layout, run.name()) == Outcome.FINISHED) {
                finished.add(run.name());
                continue;
            }
            Optional<Submission> last = Submission.latestFor(earlier, run.name());
            if (last.isPresent()) {
                String id = last.get().jobId().orElseThrow();
                Map<Integer, TaskState> tasks = states.computeIfAbsent(id, this::tasksById);
                int task = last.get().taskOf(run.name()).orElseThrow();
                TaskState state = tasks.get(task);
                if (state != null && state.active()) {
                    queued.put(run.name(), id + "_" + task + " (" + state.state().toLowerCase(java.util.Locale.ROOT) + ")");
                    continue;
                }
            }
            runs.add(run.name());
        }
        if (runs.isEmpty()) {
            return new Submitted(Optional.empty(), finished, queued, runs);
        }
        Submission submission = Submission.create(layout, runs);
        List<String> javaCommand = jvm.command(List.of(), submission.directory().resolve("java.args"));
        List<String> perRun = new ArrayList<>(List.of("--results", options.resultsRoot().toAbsolutePath().toString(),
                "--threads", Integer.toString(resources.cpusPerTask()), "--run-name", "$run"));
        options.dataDir().ifPresent(d -> perRun.addAll(List.of("--data-dir", d.toAbsolutePath().toString())));
        options.trackingUri().ifPresent(u -> perRun.addAll(List.of("--tracking-uri", u)));
        options.tags().forEach((k, v) -> perRun.addAll(List.of("--tag", k + "=" + v)));
        String script = JobScript.render("vaelab-" + plan.experiment(), submission.directory(), resources, runs,
                javaCommand, perRun, layout.configFile("x").getParent(), layout.logFile("x").getParent());
        AtomicFiles.writeString(submission.script(), script);
        String jobId = slurm.submit(submission.script());
        return new Submitted(Optional.of(submission.accepted(jobId)), finished, queued, runs);
    }

    /** The tasks Slurm still knows of a job, by task id. */
    Map<Integer, TaskState> tasksById(String jobId) {
        Map<Integer, TaskState> byId = new LinkedHashMap<>();
        slurm.tasks(jobId).forEach(t -> byId.put(t.taskId(), t));
        return byId;
    }

    /**
     * Not used: a Slurm sweep is submitted whole with {@link #submit}, and its runs are watched with
     * {@code vaelab sweep status}, not by a process that waits for them.
     */
    @Override
    public RunHandle start(LaunchRequest request) {
        throw new VaelabException("the slurm launcher submits a whole sweep as one job array "
                + "(vaelab sweep <yaml> --launcher slurm), not single runs");
    }
}
