package dev.vaelab.cli;

import dev.vaelab.core.spec.ExperimentSpec;
import dev.vaelab.data.DataRoot;
import dev.vaelab.train.ExperimentRunner;
import dev.vaelab.train.RunOptions;
import dev.vaelab.train.RunOutcome;
import java.nio.file.Path;
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

    @Option(names = "--results", paramLabel = "DIR", defaultValue = "results", description = "results root (default: ${DEFAULT-VALUE})")
    Path results;

    @Option(names = "--tracking-uri", paramLabel = "URI",
            description = "MLflow tracking server (default: tracking.uri in the YAML, else $MLFLOW_TRACKING_URI; none: local store only)")
    String trackingUri;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "0",
            description = "ONNX Runtime threads (default: train.threads, else every core)")
    int threads;

    private final ExperimentRunner runner;

    RunCommand(ExperimentRunner runner) {
        this.runner = runner;
    }

    @Override
    public Integer call() {
        ExperimentSpec spec = ExperimentSpec.load(experiment);
        RunOptions options = new RunOptions(results, DataRoot.resolve(Optional.ofNullable(dataDir), System.getenv()),
                threads, System.out, Optional.ofNullable(trackingUri), Optional.ofNullable(System.getenv("MLFLOW_TRACKING_URI")));
        RunOutcome outcome = runner.run(spec, options);
        Map<String, Double> s = outcome.summary();
        if (s.containsKey("test/elbo")) {
            System.out.printf("test ELBO %.2f nats, %.4f bits/dim; results in %s%n",
                    s.get("test/elbo"), s.getOrDefault("test/bits_per_dim", Double.NaN), outcome.directory());
        }
        return 0;
    }
}
