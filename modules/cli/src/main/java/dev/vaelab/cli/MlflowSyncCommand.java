package dev.vaelab.cli;

import dev.vaelab.core.error.VaelabException;
import dev.vaelab.tracking.mlflow.MlflowSync;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code vaelab mlflow-sync results/<experiment>[/<run>]...}: replays local runs into an MLflow
 * server. Idempotent and resumable: run it again after an interruption, or after more runs finished.
 */
@Command(name = "mlflow-sync", mixinStandardHelpOptions = true,
        description = "Send runs from the results folder to an MLflow server: runs made offline, or whose live "
                + "logging did not get everything through. Safe to repeat; nothing is sent twice.")
final class MlflowSyncCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "PATH", description = "results/<experiment> (all its runs) or results/<experiment>/<run>")
    List<Path> paths;

    @Option(names = "--tracking-uri", paramLabel = "URI",
            description = "MLflow tracking server (default: tracking.uri of each run's config, else $MLFLOW_TRACKING_URI)")
    String trackingUri;

    private final MlflowSync sync;

    @jakarta.inject.Inject
    MlflowSyncCommand(MlflowSync sync) {
        this.sync = sync;
    }

    @Override
    public Integer call() {
        MlflowSync.Report report = sync.sync(paths, Optional.ofNullable(trackingUri), System.out, System.console() != null);
        System.out.printf("%d synced, %d up to date, %d skipped, %d failed%n", report.synced(), report.upToDate(),
                report.skipped(), report.failures().size());
        if (!report.ok()) {
            throw new VaelabException("mlflow-sync did not complete:\n  " + String.join("\n  ", report.failures()));
        }
        return 0;
    }
}
