package dev.vaelab.cli;

import dev.vaelab.core.error.VaelabException;
import dev.vaelab.tracking.RunStore;
import dev.vaelab.tracking.mlflow.MlflowFailure;
import dev.vaelab.tracking.mlflow.ModelRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code vaelab register results/<experiment>/<run> --name NAME}: a new version of the registered
 * model NAME in MLflow's Model Registry, whose source is the run's logged {@code model/} folder.
 */
@Command(name = "register", mixinStandardHelpOptions = true,
        description = "Register a run's model (its model/ folder, an MLflow Model) as a new version of a registered "
                + "model in MLflow, tagged with the run's key metrics. The run must be on the server (logged live or "
                + "sent with mlflow-sync).")
final class RegisterCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "RUN", description = "results/<experiment>/<run>")
    Path run;

    @Option(names = "--name", required = true, paramLabel = "NAME", description = "the registered model's name")
    String name;

    @Option(names = "--tracking-uri", paramLabel = "URI",
            description = "MLflow tracking server (default: the one the run was logged to, else $MLFLOW_TRACKING_URI)")
    String trackingUri;

    private final ModelRegistry registry;

    @jakarta.inject.Inject
    RegisterCommand(ModelRegistry registry) {
        this.registry = registry;
    }

    @Override
    public Integer call() {
        if (!Files.isRegularFile(run.resolve(RunStore.RUN_FILE))) {
            throw new VaelabException(run + " is not a run folder (no " + RunStore.RUN_FILE + "): give "
                    + "results/<experiment>/<run>");
        }
        try {
            ModelRegistry.Version v = registry.register(RunStore.open(run), name, Optional.ofNullable(trackingUri));
            System.out.println("registered " + v.name() + " version " + v.version() + " from " + v.source());
            return 0;
        } catch (MlflowFailure f) {
            throw new VaelabException("MLflow: " + f.getMessage(), f);
        }
    }
}
