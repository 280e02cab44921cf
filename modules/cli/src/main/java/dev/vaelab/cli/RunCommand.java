package dev.vaelab.cli;

import dev.vaelab.core.config.ConfigLoader;
import dev.vaelab.core.config.ConfigMap;
import dev.vaelab.core.spec.ExperimentSpec;
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
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vaelab run <experiment.yaml>}: trains one experiment (a sweep of one). */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Train one experiment and write results/<experiment>/<run>/.")
final class RunCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "EXPERIMENT", description = "the experiment YAML file")
    Path experiment;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "where datasets live (default: $VAELAB_DATA, else ~/.cache/vaelab/data); missing files are downloaded")
    Path dataDir;

    @Option(names = "--results", paramLabel = "DIR", description = "results root (default: results)")
    Path results;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "override a key of the experiment, e.g. --set train.epochs=5 (repeatable; the run is named "
                    + "from the config it runs with)")
    List<String> settings = new ArrayList<>();

    @Option(names = "--tracking-uri", paramLabel = "URI",
            description = "MLflow tracking server (default: tracking.uri in the YAML, else $MLFLOW_TRACKING_URI; none: local store only)")
    String trackingUri;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "0",
            description = "ONNX Runtime threads (default: train.threads, else every core)")
    int threads;

    private final ExperimentRunner runner;

    @Inject
    RunCommand(ExperimentRunner runner) {
        this.runner = runner;
    }

    @Override
    public Integer call() {
        ConfigMap root = ConfigLoader.load(experiment);
        for (String setting : settings) {
            root = SweepPlanner.apply(root, setting);
        }
        ExperimentSpec spec = ExperimentSpec.parse(root);
        RunOptions options = new RunOptions(Optional.ofNullable(results), Optional.ofNullable(dataDir), threads, System.out,
                Optional.ofNullable(trackingUri));
        RunOutcome outcome = runner.run(spec, options);
        Map<String, Double> s = outcome.summary();
        if (s.containsKey("test/elbo")) {
            System.out.printf("test ELBO %.2f nats, %.4f bits/dim; results in %s%n",
                    s.get("test/elbo"), s.getOrDefault("test/bits_per_dim", Double.NaN), outcome.directory());
        }
        return 0;
    }
}
