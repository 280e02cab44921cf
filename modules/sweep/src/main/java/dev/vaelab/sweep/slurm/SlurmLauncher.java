package dev.vaelab.sweep.slurm;

import dev.vaelab.sweep.ChildJvm;
import dev.vaelab.sweep.ChildRun;
import dev.vaelab.sweep.LauncherSettings;
import dev.vaelab.sweep.Outcome;
import dev.vaelab.sweep.PlannedRun;
import dev.vaelab.sweep.RunResult;
import dev.vaelab.sweep.SweepConsole;
import dev.vaelab.sweep.SweepFiles;
import dev.vaelab.sweep.SweepLaunch;
import dev.vaelab.sweep.SweepLauncher;
import dev.vaelab.sweep.SweepLayout;
import dev.vaelab.sweep.SweepOptions;
import dev.vaelab.sweep.SweepPlan;
import dev.vaelab.sweep.SweepReport;
import dev.vaelab.sweep.SweepRunner;
import dev.vaelab.sweep.SweepTracking;
import dev.vaelab.sweep.summary.SweepSummary;
import dev.vaelab.tracking.AtomicFiles;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Hands a whole sweep to Slurm ({@code vaelab sweep --launcher slurm}) and returns without waiting:
 * writes the runs' resolved configs and an {@code sbatch} script beside them on the shared
 * filesystem, and submits the runs that are not finished as a job array, a task per run (several
 * arrays when the sweep has more runs than the cluster's {@code MaxArraySize}; with a {@code %K}
 * limit each waits for the one before, so that K holds for the whole sweep). Each task runs
 * {@link ChildRun#COMMAND} on its run, which takes the run's lock, trains or resumes from its last
 * checkpoint, and writes its run store under the sweep's results directory. A final job waits for the
 * arrays, then writes the summary and ends the sweep's parent run ({@code vaelab sweep-end}).
 * Submitting the same sweep again submits only the runs that are neither finished nor still queued or
 * running in an earlier submission.
 */
public final class SlurmLauncher implements SweepLauncher {
    public static final String NAME = "slurm";

    private final ChildJvm jvm;
    private final SlurmCommands slurm;

    @Inject
    public SlurmLauncher(ChildJvm jvm, SlurmCommands slurm) {
        this.jvm = jvm;
        this.slurm = slurm;
    }

    @Override
    public void validate(LauncherSettings settings) {
        SlurmOptions.of(settings);
    }

    @Override
    public SweepLaunch launch(SweepPlan plan, SweepOptions options, LauncherSettings settings, SweepTracking tracking,
                              SweepConsole console) {
        SlurmOptions resources = SlurmOptions.of(settings);
        SweepLayout layout = SweepLayout.of(options.resultsRoot().toAbsolutePath(), plan.experiment());
        SweepFiles.writePlan(layout, plan);
        List<Submission> earlier = Submission.all(layout);
        Map<String, Map<Integer, TaskState>> states = new LinkedHashMap<>();
        List<String> finished = new ArrayList<>();
        Map<String, String> queued = new LinkedHashMap<>();
        Set<String> activeJobs = new LinkedHashSet<>();
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
                    queued.put(run.name(), id + "_" + task + " (" + state.state().toLowerCase(Locale.ROOT) + ")");
                    activeJobs.add(id);
                    continue;
                }
            }
            runs.add(run.name());
        }
        if (runs.isEmpty()) {
            if (queued.isEmpty()) { // every run finished: end the sweep now, no job needed
                endFinished(plan, layout, tracking);
            } else { // an earlier submission's final job ends it
                tracking.handOver();
            }
            return new SweepLaunch.Submitted(Optional.empty(), List.of(), finished, queued, List.of(), Optional.empty());
        }
        SweepOptions runOptions = options.withTags(tracking.childTags());
        List<String> javaCommand = List.of();
        List<String> jobs = new ArrayList<>();
        Optional<String> previous = Optional.empty();
        Submission submission = null;
        int size = slurm.maxArraySize();
        for (int from = 0; from < runs.size(); from += size) {
            List<String> part = runs.subList(from, Math.min(runs.size(), from + size));
            submission = Submission.create(layout, part);
            javaCommand = jvm.command(List.of(), submission.directory().resolve("java.args"));
            Optional<String> after = resources.arrayParallelism() > 0 ? previous : Optional.empty();
            String script = JobScript.render("vaelab-" + plan.experiment(), submission.directory(), resources, part,
                    swept(plan), after, javaCommand, perRun(runOptions, resources), layout.configFile("x").getParent(),
                    layout.logFile("x").getParent());
            AtomicFiles.writeString(submission.script(), script);
            String id = slurm.submit(submission.script());
            tracking.handOver(); // its runs train now whatever happens here: the final job ends the parent run
            submission = submission.accepted(id);
            activeJobs.add(id);
            jobs.add("job array " + id + ": " + part.size() + " task" + (part.size() == 1 ? "" : "s") + " (array 0-"
                    + (part.size() - 1) + (resources.arrayParallelism() > 0 ? "%" + resources.arrayParallelism() : "")
                    + after.map(a -> ", after " + a).orElse("") + ")");
            previous = Optional.of(id);
        }
        jobs.add(submitEnd(plan, layout, submission, resources, List.copyOf(activeJobs), javaCommand, tracking.uri()));
        return new SweepLaunch.Submitted(previous, runs, finished, queued, jobs, Optional.of(submission.script()));
    }

    /** Each run's swept values ({@code beta.end=4 seed=1}), its name in MLflow; empty when nothing is swept. */
    private static java.util.Map<String, String> swept(SweepPlan plan) {
        java.util.Map<String, String> labels = new java.util.LinkedHashMap<>();
        plan.runs().stream().filter(r -> !r.parameters().isEmpty()).forEach(r -> labels.put(r.name(), r.label()));
        return labels;
    }

    /** The arguments of {@code sweep-run} that every task shares; {@code $run} is the task's run. */
    private static List<String> perRun(SweepOptions options, SlurmOptions resources) {
        List<String> perRun = new ArrayList<>(List.of("--results", options.resultsRoot().toAbsolutePath().toString(),
                "--threads", Integer.toString(resources.cpusPerTask()), "--run-name", "$run"));
        options.dataDir().ifPresent(d -> perRun.addAll(List.of("--data-dir", d.toAbsolutePath().toString())));
        options.trackingUri().ifPresent(u -> perRun.addAll(List.of("--tracking-uri", u)));
        options.tags().forEach((k, v) -> perRun.addAll(List.of("--tag", k + "=" + v)));
        return perRun;
    }

    /**
     * Submits the final job, which waits for {@code arrays}; a rejection does not undo the arrays
     * (their runs train either way), it is said, with what to run instead.
     */
    private String submitEnd(SweepPlan plan, SweepLayout layout, Submission last, SlurmOptions resources,
                             List<String> arrays, List<String> javaCommand, Optional<String> uri) {
        List<String> arguments = new ArrayList<>(List.of(layout.experimentDirectory().toString()));
        uri.ifPresent(u -> arguments.addAll(List.of("--tracking-uri", u)));
        Path script = last.directory().resolve("end.sh");
        AtomicFiles.writeString(script, JobScript.renderEnd("vaelab-" + plan.experiment() + "-end", last.directory(),
                resources.oneCpu(), arrays, javaCommand, arguments));
        try {
            String id = slurm.submit(script);
            AtomicFiles.writeString(last.directory().resolve("end-job-id"), id + "\n");
            return "job " + id + ": ends the sweep once they end (the summary, the parent run)";
        } catch (dev.vaelab.core.error.VaelabException e) {
            return "the final job was not accepted (" + e.getMessage() + "); once the arrays end, run: vaelab sweep-end "
                    + layout.experimentDirectory();
        }
    }

    /** Ends a sweep whose runs all finished: the summary, and the parent run finished. */
    private static void endFinished(SweepPlan plan, SweepLayout layout, SweepTracking tracking) {
        Map<String, RunResult> results = new LinkedHashMap<>();
        plan.runs().forEach(r -> results.put(r.name(), RunResult.reused(r.name(), Outcome.FINISHED, null)));
        tracking.finish(new SweepReport(results, false, 0), SweepSummary.write(layout.experimentDirectory(), Optional.empty()));
    }

    /** The tasks Slurm still knows of a job, by task id. */
    Map<Integer, TaskState> tasksById(String jobId) {
        Map<Integer, TaskState> byId = new LinkedHashMap<>();
        slurm.tasks(jobId).forEach(t -> byId.put(t.taskId(), t));
        return byId;
    }
}
