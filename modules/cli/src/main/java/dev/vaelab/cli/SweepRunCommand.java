package dev.vaelab.cli;

import dev.vaelab.core.error.VaelabException;
import dev.vaelab.core.spec.ExperimentSpec;
import dev.vaelab.sweep.ChildRun;
import dev.vaelab.sweep.ParentWatch;
import dev.vaelab.sweep.RunLock;
import dev.vaelab.sweep.SweepLayout;
import dev.vaelab.train.ExperimentResolver;
import dev.vaelab.train.ExperimentRunner;
import dev.vaelab.train.ResolvedExperiment;
import dev.vaelab.train.RunNames;
import dev.vaelab.train.RunOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code vaelab sweep-run <config>}: one run of a sweep, as a launcher starts it. It takes the run's
 * lock (so a run never runs twice at once), then trains, resumes or finds the run finished exactly
 * as {@code vaelab run} does. Exit codes: 0 finished, 1 failed, 75 another process holds the run.
 */
@Command(name = ChildRun.COMMAND, hidden = true, mixinStandardHelpOptions = true,
        description = "Run one run of a sweep under its lock (started by 'vaelab sweep' or a cluster launcher).")
final class SweepRunCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "CONFIG", description = "the run's resolved config")
    Path config;

    @Option(names = "--results", paramLabel = "DIR", defaultValue = "results", description = "results root")
    Path results;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "where datasets live")
    Path dataDir;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "0", description = "ONNX Runtime threads")
    int threads;

    @Option(names = "--tracking-uri", paramLabel = "URI", description = "MLflow tracking server")
    String trackingUri;

    @Option(names = "--run-name", paramLabel = "NAME", description = "the name the sweep planned for this run; a "
            + "different one (another vaelab version) is an error")
    String expectedName;

    @Option(names = "--parent-pid", paramLabel = "PID", description = "stop (as killed) when this process ends")
    Long parentPid;

    @Option(names = "--tag", paramLabel = "KEY=VALUE", description = "a tracking tag of the run (its sweep, the "
            + "sweep's parent run); repeatable")
    Map<String, String> tags = new LinkedHashMap<>();

    @Option(names = "--lock-wait", paramLabel = "SECONDS", defaultValue = "30",
            description = "how long to wait for another process holding the run (default: ${DEFAULT-VALUE})")
    int lockWait;

    private final ExperimentResolver resolver;
    private final ExperimentRunner runner;

    @jakarta.inject.Inject
    SweepRunCommand(ExperimentResolver resolver, ExperimentRunner runner) {
        this.resolver = resolver;
        this.runner = runner;
    }

    @Override
    public Integer call() {
        if (parentPid != null) {
            ParentWatch.exitWhenGone(parentPid, System.err);
        }
        ExperimentSpec spec = ExperimentSpec.load(config);
        ResolvedExperiment rx = resolver.resolve(spec);
        String name = RunNames.of(spec.name(), rx.resolvedYaml());
        if (expectedName != null && !expectedName.equals(name)) {
            throw new VaelabException(config + " resolves to run " + name + ", but the sweep planned " + expectedName
                    + " (was it planned by another vaelab version?); start the sweep again to re-plan it");
        }
        Path lockFile = SweepLayout.of(results, rx.experimentName()).lockFile(name);
        Optional<RunLock> lock = RunLock.acquire(lockFile, Duration.ofSeconds(lockWait));
        if (lock.isEmpty()) {
            System.err.println("run " + name + " is running in " + RunLock.holder(lockFile).orElse("another process")
                    + "; it is not started twice");
            return ChildRun.BUSY;
        }
        try (RunLock held = lock.get()) {
            RunOptions options = new RunOptions(Optional.of(results), Optional.ofNullable(dataDir), threads, System.out,
                    Optional.ofNullable(trackingUri), tags);
            runner.run(spec, options);
        }
        return ChildRun.FINISHED;
    }
}
