package dev.vaelab.sweep;

import dev.vaelab.sweep.summary.RunRow;
import dev.vaelab.sweep.summary.SweepSummary;
import dev.vaelab.tracking.RunLoggerFactory;
import dev.vaelab.tracking.RunStatus;
import dev.vaelab.tracking.RunStore;
import dev.vaelab.tracking.mlflow.SweepParent;
import dev.vaelab.train.RunNames;
import dev.vaelab.train.RunOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The sweep's parent run: a run store at {@code results/<experiment>/sweep/parent} logged through
 * the same tracking as the runs, so that with a tracking URI the runs appear nested under their
 * sweep in MLflow (and {@code vaelab mlflow-sync} can send it all later otherwise). Started again,
 * the sweep reopens its parent, so resumed runs stay under it.
 */
public final class SweepTracking implements AutoCloseable {
    private final SweepParent parent;

    private SweepTracking(SweepParent parent) {
        this.parent = parent;
    }

    /** The parent's folder. */
    public static Path parentDirectory(SweepLayout layout) {
        return layout.sweepDirectory().resolve("parent");
    }

    /**
     * Opens (or reopens) the parent run of {@code plan}; {@code cliUri} and {@code envUri} are
     * the tracking URIs of the command line and the environment, the YAML's sits between them.
     */
    public static SweepTracking open(RunLoggerFactory loggers, SweepLayout layout, SweepPlan plan,
                                     Optional<String> cliUri, Optional<String> envUri) {
        Path directory = parentDirectory(layout);
        Optional<String> uri = RunOptions.trackingUri(cliUri, plan.trackingUri(), envUri);
        if (SweepParent.exists(directory)) {
            return new SweepTracking(SweepParent.resume(loggers, directory, uri));
        }
        String sweepId = RunNames.of(plan.experiment() + "-sweep", plan.definitionYaml());
        return new SweepTracking(SweepParent.open(loggers, directory, plan.experiment(), plan.experiment() + "-sweep",
                plan.experiment(), sweepId, plan.definitionYaml(), uri, Optional.of(plan.file())));
    }

    /** The tags each run of the sweep carries. */
    public Map<String, String> childTags() {
        return parent.childTags();
    }

    /**
     * Ends the parent run: finished when every run finished, killed when the sweep was stopped,
     * failed otherwise; with the summary table and the best run's metrics.
     */
    public void finish(SweepReport report, SweepSummary.Written summary) {
        RunStatus status = report.stopped() ? RunStatus.KILLED
                : report.allFinished() ? RunStatus.FINISHED : RunStatus.FAILED;
        String error = status == RunStatus.FINISHED ? null
                : report.unfinished().size() + " of " + report.results().size() + " runs did not finish";
        RunRow best = summary.table().rows().get(0);
        boolean ranked = best.metric(summary.table().metric().name()).isPresent();
        parent.finish(status, error, read(summary.csv()), ranked ? best.name() : null,
                ranked ? best.metrics() : Map.of(), ranked ? steps(summary.csv().getParent().resolve(best.name())) : 0);
    }

    @Override
    public void close() {
        parent.close();
    }

    /** The best run's last step, where its final metrics were logged. */
    private static long steps(Path run) {
        Double steps = RunStore.open(run).readSummary().get("train/steps");
        return steps == null ? 0 : steps.longValue();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            throw new dev.vaelab.core.error.DataException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
