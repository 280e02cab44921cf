package dev.vaelab.cli;

import dev.vaelab.core.config.SourceLocation;
import dev.vaelab.core.console.ProgressBar;
import dev.vaelab.core.error.VaelabException;
import dev.vaelab.sweep.LauncherSettings;
import dev.vaelab.sweep.Outcome;
import dev.vaelab.sweep.PlannedRun;
import dev.vaelab.sweep.RunResult;
import dev.vaelab.sweep.SweepConsole;
import dev.vaelab.sweep.SweepLaunch;
import dev.vaelab.sweep.SweepLauncher;
import dev.vaelab.sweep.SweepLaunchers;
import dev.vaelab.sweep.SweepLayout;
import dev.vaelab.sweep.SweepOptions;
import dev.vaelab.sweep.SweepPlan;
import dev.vaelab.sweep.SweepPlanner;
import dev.vaelab.sweep.SweepReport;
import dev.vaelab.sweep.SweepSpec;
import dev.vaelab.sweep.SweepTracking;
import dev.vaelab.sweep.summary.RunRow;
import dev.vaelab.sweep.summary.SweepSummary;
import dev.vaelab.tracking.RunLoggerFactory;
import dev.vaelab.tracking.mlflow.TrackingEnvironment;
import dev.vaelab.tracking.RunStore;
import dev.vaelab.tracking.mlflow.MlflowFailure;
import dev.vaelab.tracking.mlflow.ModelRegistry;
import dev.vaelab.tracking.mlflow.SweepRanks;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.BiConsumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code vaelab sweep <experiment.yaml>}: plans the sweep's runs (validating every one), runs them N
 * at once, each in its own process, skipping finished runs and resuming interrupted ones, then
 * writes the ranked summary; or, with a cluster launcher, hands the runs to the cluster's scheduler
 * and returns. The runs are tracked under a parent run of the sweep. Exit code 0 when every run
 * finished (or was submitted), 1 when some did not (or on a user error), 130 when stopped.
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

    @Option(names = "--register-best", paramLabel = "NAME", description = "when the sweep ran here, register its best "
            + "run's model as a new version of NAME in MLflow's Model Registry (the runs must be tracked)")
    String registerBest;

    private final SweepPlanner planner;
    private final SweepLaunchers launchers;
    private final RunLoggerFactory loggers;
    private final SweepRanks ranks;
    private final TrackingEnvironment environment;

    private final ModelRegistry registry;

    @jakarta.inject.Inject
    SweepCommand(SweepPlanner planner, SweepLaunchers launchers, RunLoggerFactory loggers, SweepRanks ranks,
                 TrackingEnvironment environment, ModelRegistry registry) {
        this.planner = planner;
        this.launchers = launchers;
        this.loggers = loggers;
        this.ranks = ranks;
        this.environment = environment;
        this.registry = registry;
    }

    @Override
    public Integer call() {
        PrintStream out = System.out;
        if (experiment == null) {
            throw new VaelabException("give the experiment YAML: vaelab sweep <experiment.yaml>, "
                    + "or vaelab sweep status <results/experiment>");
        }
        SweepPlan plan = planner.plan(experiment, settings);
        int lanes = parallel != null ? parallel : plan.spec().parallel();
        if (lanes < 1) {
            throw new VaelabException("--parallel must be at least 1, got " + lanes);
        }
        SweepSpec.Launch launch = launcher != null
                ? new SweepSpec.Launch(launcher, new SourceLocation("--launcher " + launcher, 1, 1))
                : plan.spec().launcher();
        // an unknown launcher or a bad launcher setting fails before anything is written
        SweepLauncher chosen = launchers.get(launch);
        LauncherSettings launcherSettings = new LauncherSettings(plan.spec().launcherSection(launch.name()),
                launcherOptions());
        chosen.validate(launcherSettings);
        SweepOptions options = new SweepOptions(results, lanes,
                SweepOptions.threadsPerRun(Runtime.getRuntime().availableProcessors(), lanes), launch,
                Optional.ofNullable(dataDir), Optional.ofNullable(trackingUri), !skipFailed, Map.of());
        SweepLayout layout = SweepLayout.of(results, plan.experiment());
        if (dryRun) {
            out.print(PlanTable.render(plan, options, layout));
            return 0;
        }
        SweepLaunch launched;
        try (SweepTracking tracking = SweepTracking.open(loggers, ranks, layout, plan, Optional.ofNullable(trackingUri),
                environment.trackingUri())) {
            launched = chosen.launch(plan, options, launcherSettings, tracking, SweepConsole.onStderr());
        }
        if (launched instanceof SweepLaunch.Submitted submitted) {
            if (registerBest != null) {
                out.println("--register-best: the sweep runs on " + launch.name() + "; register its best run when it "
                        + "has ended: vaelab register " + layout.experimentDirectory() + "/<best run> --name " + registerBest);
            }
            return printSubmitted(plan, layout, submitted, out);
        }
        int code = printRan(plan, layout, (SweepLaunch.Ran) launched, out);
        if (registerBest != null && code != STOPPED) {
            registerBest(((SweepLaunch.Ran) launched).summary(), out);
        }
        return code;
    }

    /** Registers the sweep's best run (the summary's first row, when it has the sweep's metric). */
    private void registerBest(SweepSummary.Written summary, PrintStream out) {
        RunRow best = summary.table().rows().get(0);
        if (best.metric(summary.table().metric().name()).isEmpty()) {
            throw new VaelabException("--register-best " + registerBest + ": no run of the sweep has "
                    + summary.table().metric().name() + ", so there is no best run to register");
        }
        try {
            ModelRegistry.Version v = registry.register(RunStore.open(summary.csv().getParent().resolve(best.name())),
                    registerBest, Optional.ofNullable(trackingUri));
            out.println("registered the best run " + best.name() + " (" + best.label() + ") as " + v.name() + " version "
                    + v.version());
        } catch (MlflowFailure f) {
            throw new VaelabException("--register-best: MLflow: " + f.getMessage(), f);
        }
    }

    /** The launcher options given on the command line, keyed as in the launcher's YAML section. */
    private Map<String, List<String>> launcherOptions() {
        Map<String, List<String>> given = new LinkedHashMap<>();
        BiConsumer<String, Object> put = (key, value) -> {
            if (value != null) {
                given.put(key, List.of(value.toString()));
            }
        };
        put.accept("partition", partition);
        put.accept("time", time);
        put.accept("cpus_per_task", cpusPerTask);
        put.accept("mem", mem);
        put.accept("array_parallelism", arrayParallelism);
        if (!sbatchArgs.isEmpty()) {
            given.put("sbatch_args", sbatchArgs);
        }
        return given;
    }

    private static int printRan(SweepPlan plan, SweepLayout layout, SweepLaunch.Ran ran, PrintStream out) {
        SweepReport report = ran.report();
        SweepSummary.Written summary = ran.summary();
        if (report.stopped()) {
            out.printf("stopped after %s: %d finished, %d killed (they resume), %d not started; run the same command "
                            + "to continue%n", ProgressBar.formatDuration(report.seconds()),
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
                    ProgressBar.formatDuration(report.seconds()));
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

    /** What a launcher that hands the sweep to a scheduler did; the job id alone on the last line, for scripts. */
    private static int printSubmitted(SweepPlan plan, SweepLayout layout, SweepLaunch.Submitted s, PrintStream out) {
        out.printf("sweep %s: %d runs, %d already finished, %d still queued or running%n", plan.experiment(),
                plan.runs().size(), s.finished().size(), s.queued().size());
        s.queued().forEach((run, task) -> out.printf("  %s is job %s: not submitted again%n", run, task));
        if (s.jobId().isEmpty()) {
            out.println("nothing to submit" + (s.queued().isEmpty() ? ": every run finished; vaelab summary "
                    + layout.experimentDirectory() + " tabulates them" : ""));
            return 0;
        }
        out.printf("submitted %d run%s, script %s%n", s.submitted().size(), s.submitted().size() == 1 ? "" : "s",
                s.script().map(Path::toString).orElse("-"));
        s.jobs().forEach(line -> out.println("  " + line));
        out.printf("watch it with: vaelab sweep status %s%n", layout.experimentDirectory());
        out.println(s.jobId().get());
        return 0;
    }
}
