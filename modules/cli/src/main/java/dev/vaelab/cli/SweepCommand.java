package dev.vaelab.cli;

import dev.vaelab.core.config.SourceLocation;
import dev.vaelab.sweep.Outcome;
import dev.vaelab.sweep.PlannedRun;
import dev.vaelab.sweep.RunResult;
import dev.vaelab.sweep.SweepConsole;
import dev.vaelab.sweep.SweepLayout;
import dev.vaelab.sweep.SweepOptions;
import dev.vaelab.sweep.SweepPlan;
import dev.vaelab.sweep.SweepPlanner;
import dev.vaelab.sweep.SweepReport;
import dev.vaelab.sweep.SweepRunner;
import dev.vaelab.sweep.SweepSpec;
import dev.vaelab.sweep.SweepTracking;
import dev.vaelab.sweep.slurm.SlurmLauncher;
import dev.vaelab.sweep.summary.SweepSummary;
import dev.vaelab.tracking.RunLoggerFactory;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code vaelab sweep <experiment.yaml>}: plans the sweep's runs (validating every one), runs them N
 * at once, each in its own process, skipping finished runs and resuming interrupted ones, then
 * writes the ranked summary. The runs are tracked under a parent run of the sweep. Exit code 0 when every run finished, 1 when some did not (or on a
 * user error), 130 when stopped.
 */
@Command(name = "sweep", mixinStandardHelpOptions = true,
        description = "Run a sweep (the sweep: section of an experiment) and summarise it in results/<experiment>/.")
final class SweepCommand implements Callable<Integer> {
    /** The exit code of a sweep stopped by Ctrl-C (128 + SIGINT). */
    static final int STOPPED = 130;

    // optional to picocli so that 'vaelab sweep status DIR' parses; call() requires it
    @Parameters(index = "0", arity = "0..1", paramLabel = "EXPERIMENT", description = "the experiment YAML with a sweep: section")
    Path experiment;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "override a key of the base config, e.g. --set train.epochs=5 (repeatable)")
    List<String> settings = new ArrayList<>();

    @Option(names = "--parallel", paramLabel = "N", description = "runs at once (default: sweep.parallel, else 1); "
            + "the machine's cores are divided among them")
    Integer parallel;

    @Option(names = "--dry-run", description = "print the planned runs and exit")
    boolean dryRun;

    @Option(names = "--results", paramLabel = "DIR", defaultValue = "results", description = "results root (default: ${DEFAULT-VALUE})")
    Path results;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "where datasets live (default: $VAELAB_DATA, else ~/.cache/vaelab/data)")
    Path dataDir;

    @Option(names = "--tracking-uri", paramLabel = "URI",
            description = "MLflow tracking server (default: tracking.uri in the YAML, else $MLFLOW_TRACKING_URI)")
    String trackingUri;

    @Option(names = "--launcher", paramLabel = "NAME", description = "where runs execute (default: sweep.launcher, else local)")
    String launcher;

    @Option(names = "--partition", paramLabel = "P", description = "slurm: the partition (default: sweep.slurm.partition)")
    String partition;

    @Option(names = "--time", paramLabel = "HH:MM:SS", description = "slurm: each run's time limit (default: sweep.slurm.time)")
    String time;

    @Option(names = "--cpus-per-task", paramLabel = "N", description = "slurm: CPUs (and ONNX Runtime threads) of each run "
            + "(default: sweep.slurm.cpus_per_task, else 1)")
    Integer cpusPerTask;

    @Option(names = "--mem", paramLabel = "M", description = "slurm: each run's memory, e.g. 8G (default: sweep.slurm.mem)")
    String mem;

    @Option(names = "--array-parallelism", paramLabel = "K", description = "slurm: runs at once, the %%K of the job array "
            + "(default: sweep.slurm.array_parallelism, else no limit)")
    Integer arrayParallelism;

    @Option(names = "--sbatch-arg", paramLabel = "ARG", description = "slurm: a further sbatch option, e.g. "
            + "--sbatch-arg=--account=ml (repeatable; after sweep.slurm.sbatch_args)")
    List<String> sbatchArgs = new ArrayList<>();

    @Option(names = "--skip-failed", description = "keep runs that failed in an earlier attempt as failed instead of retrying them")
    boolean skipFailed;

    private final SweepPlanner planner;
    private final SweepRunner runner;
    private final RunLoggerFactory loggers;

    SweepCommand(SweepPlanner planner, SweepRunner runner, RunLoggerFactory loggers) {
        this.planner = planner;
        this.runner = runner;
        this.loggers = loggers;
    }

    @Override
    public Integer call() {
        PrintStream out = System.out;
        if (experiment == null) {
            throw new dev.vaelab.core.error.VaelabException("give the experiment YAML: vaelab sweep <experiment.yaml>, "
                    + "or vaelab sweep status <results/experiment>");
        }
        SweepPlan plan = planner.plan(experiment, settings);
        int lanes = parallel != null ? parallel : plan.spec().parallel();
        if (lanes < 1) {
            throw new dev.vaelab.core.error.VaelabException("--parallel must be at least 1, got " + lanes);
        }
        SweepSpec.Launch launch = launcher != null
                ? new SweepSpec.Launch(launcher, new SourceLocation("--launcher " + launcher, 1, 1))
                : plan.spec().launcher();
        runner.launcher(launch); // an unknown launcher fails before anything is written
        SweepOptions options = new SweepOptions(results, lanes,
                SweepOptions.threadsPerRun(Runtime.getRuntime().availableProcessors(), lanes), launch,
                Optional.ofNullable(dataDir), Optional.ofNullable(trackingUri), !skipFailed, java.util.Map.of());
        SweepLayout layout = SweepLayout.of(results, plan.experiment());
        if (dryRun) {
            out.print(PlanTable.render(plan, options, layout));
            return 0;
        }
        if (runner.launcher(launch) instanceof SlurmLauncher slurm) {
            return SlurmSubmit.submit(slurm, experiment, plan, options, layout, out, partition, time, cpusPerTask, mem,
                    arrayParallelism, sbatchArgs);
        }
        Optional<String> envUri = Optional.ofNullable(System.getenv("MLFLOW_TRACKING_URI"));
        SweepReport report;
        AtomicReference<SweepSummary.Written> written = new AtomicReference<>();
        try (SweepTracking tracking = SweepTracking.open(loggers, layout, plan, Optional.ofNullable(trackingUri), envUri)) {
            report = runner.run(plan, options.withTags(tracking.childTags()), SweepConsole.onStderr(), ended -> {
                // also on Ctrl-C, before the process exits: the table of what is done, the parent run ended
                written.set(SweepSummary.write(layout.experimentDirectory(), Optional.empty()));
                tracking.finish(ended, written.get());
            });
        }
        SweepSummary.Written summary = written.get();
        if (report.stopped()) {
            out.printf("stopped after %s: %d finished, %d killed (they resume), %d not started; run the same command "
                            + "to continue%n", dev.vaelab.core.console.ProgressBar.formatDuration(report.seconds()),
                    report.count(Outcome.FINISHED), report.count(Outcome.KILLED), report.count(Outcome.PENDING));
            return STOPPED;
        }
        out.println();
        out.print(summary.table().toText());
        out.println(summary.table().headline());
        out.println("summary: " + summary.csv() + ", " + summary.markdown() + ", " + summary.plots().size()
                + " plots in " + layout.plotsDirectory());
        if (report.allFinished()) {
            out.printf("all %d runs finished (%d already before) in %s%n", report.results().size(), report.reused(),
                    dev.vaelab.core.console.ProgressBar.formatDuration(report.seconds()));
            return 0;
        }
        List<RunResult> unfinished = report.unfinished();
        out.printf("%d of %d runs did not finish:%n", unfinished.size(), report.results().size());
        for (RunResult r : unfinished) {
            PlannedRun run = plan.runs().stream().filter(p -> p.name().equals(r.run())).findFirst().orElseThrow();
            out.printf("  %s [%d] %s: %s%n", r.outcome().wireName(), run.index() + 1, run.label(),
                    r.errorMessage().map(e -> e.lines().findFirst().orElse("")).orElse(""));
        }
        return 1;
    }
}
