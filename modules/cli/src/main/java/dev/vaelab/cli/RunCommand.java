package dev.vaelab.cli;

import dev.vaelab.core.config.ConfigLoader;
import dev.vaelab.core.config.ConfigMap;
import dev.vaelab.core.error.VaelabException;
import dev.vaelab.core.spec.ExperimentSpec;
import dev.vaelab.sweep.ChildRun;
import dev.vaelab.sweep.RunLock;
import dev.vaelab.sweep.SweepLayout;
import dev.vaelab.sweep.SweepPlanner;
import dev.vaelab.train.ExperimentRunner;
import dev.vaelab.train.RunOptions;
import dev.vaelab.train.RunOutcome;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code vaelab run <experiment.yaml>}: trains one experiment (a sweep of one), under the run's lock
 * as {@code sweep-run} takes it, so a run never trains in two processes at once.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Train one experiment and write results/<experiment>/<run>/. Exit codes: 0 finished, 1 failed, "
                + "75 the run is already running in another process.")
final class RunCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "EXPERIMENT", description = "the experiment YAML file")
    Path experiment;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "where datasets live (default: $VAELAB_DATA, else ~/.cache/vaelab/data); missing files are downloaded")
    Path dataDir;

    @Option(names = "--results", paramLabel = "DIR", defaultValue = "results", description = "results root (default: ${DEFAULT-VALUE})")
    Path results;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "override a key of the experiment, e.g. --set train.epochs=5 (repeatable; the run is named "
                    + "from the config it runs with)")
    List<String> settings = new ArrayList<>();

    @Option(names = "--tracking-uri", paramLabel = "URI",
            description = "MLflow tracking server (default: tracking.uri in the YAML, else $MLFLOW_TRACKING_URI; none: local store only)")
    String trackingUri;

    @Option(names = "--threads", paramLabel = "N",
            description = "ONNX Runtime threads, 1 to the machine's cores; more is an error, not clamped "
                    + "(default: train.threads, else every core)")
    Integer threads;

    @Option(names = "--restart", description = "move an earlier attempt of the run aside (to <run>.restarted-<time>) "
            + "and train afresh, instead of resuming it; the way out of a corrupt run.json or checkpoint")
    boolean restart;

    @Spec
    CommandSpec commandSpec;

    private final ExperimentRunner runner;

    @Inject
    RunCommand(ExperimentRunner runner) {
        this.runner = runner;
    }

    @Override
    public Integer call() {
        if (threads != null && threads < 1) {
            throw new VaelabException("--threads " + threads + " is not a number of threads; give 1 to "
                    + Runtime.getRuntime().availableProcessors() + " (the cores of this machine), or leave it out for all");
        }
        ConfigMap root = ConfigLoader.load(experiment);
        for (String setting : settings) {
            root = SweepPlanner.apply(root, setting);
        }
        ExperimentSpec spec = ExperimentSpec.parse(root);
        ExperimentRunner.RunIdentity identity = runner.identify(spec);
        // the same lock as sweep-run's: a second process on a live run would resume from its checkpoint
        Path lockFile = SweepLayout.of(results, identity.experiment()).lockFile(identity.runName());
        Optional<RunLock> lock = RunLock.tryAcquire(lockFile);
        if (lock.isEmpty()) {
            commandSpec.commandLine().getErr().println("error: run " + identity.runName() + " is already running in process "
                    + RunLock.holder(lockFile).orElse("(unknown)") + "; it is not started twice (wait for it, or stop "
                    + "that process and run this again to resume)");
            return ChildRun.BUSY;
        }
        try (RunLock held = lock.get()) {
            return train(spec);
        }
    }

    private int train(ExperimentSpec spec) {
        RunOptions options = new RunOptions(Optional.of(results), Optional.ofNullable(dataDir), threads == null ? 0 : threads,
                System.out, Optional.ofNullable(trackingUri));
        if (restart) {
            options = options.restarting();
        }
        RunOutcome outcome = runner.run(spec, options);
        Map<String, Double> s = outcome.summary();
        if (s.containsKey("test/elbo")) {
            System.out.printf("test ELBO %.2f nats, %.4f bits/dim; results in %s%n",
                    s.get("test/elbo"), s.getOrDefault("test/bits_per_dim", Double.NaN), outcome.directory());
        }
        return 0;
    }
}
