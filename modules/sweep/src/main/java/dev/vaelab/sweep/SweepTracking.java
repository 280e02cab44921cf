package dev.vaelab.sweep;

import dev.vaelab.sweep.summary.RunRow;
import dev.vaelab.sweep.summary.SweepSummary;
import dev.vaelab.tracking.RunLoggerFactory;
import dev.vaelab.tracking.RunStatus;
import dev.vaelab.tracking.RunStore;
import dev.vaelab.tracking.TrackingUri;
import dev.vaelab.tracking.mlflow.RunTags;
import dev.vaelab.tracking.mlflow.SweepParent;
import dev.vaelab.tracking.mlflow.SweepRanks;
import dev.vaelab.train.RunNames;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The sweep's parent run: a run store at {@code results/<experiment>/sweep/parent} logged through
 * the same tracking as the runs, so that with a tracking URI the runs appear nested under their
 * sweep in MLflow (and {@code vaelab mlflow-sync} can send it all later otherwise). Started again,
 * the sweep reopens its parent, so resumed runs stay under it.
 */
public final class SweepTracking implements AutoCloseable {
    /** How long to wait for another process that holds the parent run (a final job ending it, say). */
    private static final Duration LOCK_WAIT = Duration.ofSeconds(120);

    private final SweepParent parent;
    private final SweepRanks ranks;
    private final Optional<String> uri;
    private final RunLock lock;
    private boolean handedOver;

    private SweepTracking(SweepParent parent, SweepRanks ranks, Optional<String> uri, RunLock lock) {
        this.parent = parent;
        this.ranks = ranks;
        this.uri = uri;
        this.lock = lock;
    }

    /**
     * The parent run's lock: one process at a time opens it (two mirroring one run store to MLflow
     * would each take the other's rows for steps the run no longer has).
     */
    private static RunLock lock(SweepLayout layout) {
        Path file = layout.sweepDirectory().resolve("parent.lock");
        return RunLock.acquire(file, LOCK_WAIT).orElseThrow(() -> new dev.vaelab.core.error.VaelabException(
                "the parent run of sweep " + layout.experimentDirectory() + " is held by " + RunLock.holder(file)
                        .orElse("another process") + " (another vaelab sweep of this experiment, or its final job); "
                        + "wait for it to end"));
    }

    /** The parent's folder. */
    public static Path parentDirectory(SweepLayout layout) {
        return layout.sweepDirectory().resolve("parent");
    }

    /**
     * Opens (or reopens) the parent run of {@code plan}; {@code cliUri} and {@code envUri} are
     * the tracking URIs of the command line and the environment, the YAML's sits between them;
     * {@code ranks} tags the runs by rank when the sweep ends.
     */
    public static SweepTracking open(RunLoggerFactory loggers, SweepRanks ranks, SweepLayout layout, SweepPlan plan,
                                     Optional<String> cliUri, Optional<String> envUri) {
        Path directory = parentDirectory(layout);
        Optional<String> uri = TrackingUri.choose(cliUri, plan.trackingUri(), envUri);
        return locked(layout, ranks, uri, () -> {
            if (SweepParent.exists(directory)) {
                return SweepParent.resume(loggers, directory, uri);
            }
            String sweepId = RunNames.of(plan.experiment() + "-sweep", plan.definitionYaml());
            return SweepParent.open(loggers, directory, plan.experiment(), parentName(plan),
                    plan.experiment(), sweepId, plan.definitionYaml(), uri, Optional.of(plan.file()));
        });
    }

    /**
     * The parent's name in MLflow, after the sweep rather than the experiment (whose name MLflow
     * shows anyway): {@code sweep beta.end × seed (6 runs)}.
     */
    static String parentName(SweepPlan plan) {
        java.util.Set<String> keys = new java.util.LinkedHashSet<>();
        plan.runs().forEach(r -> keys.addAll(r.parameters().keySet()));
        String name = "sweep " + (keys.isEmpty() ? plan.experiment() : String.join(" \u00d7 ", keys)) + " ("
                + plan.runs().size() + (plan.runs().size() == 1 ? " run)" : " runs)");
        return name.length() <= RunTags.MAX_RUN_NAME ? name : name.substring(0, RunTags.MAX_RUN_NAME - 3) + "...";
    }

    /**
     * Reopens the parent run an earlier {@link #open} created, to end it from another process (the
     * final job of a sweep handed to a scheduler); {@code uri} is the tracking URI it was opened with.
     */
    public static SweepTracking reopen(RunLoggerFactory loggers, SweepRanks ranks, SweepLayout layout,
                                       Optional<String> uri) {
        Path directory = parentDirectory(layout);
        if (!SweepParent.exists(directory)) {
            throw new dev.vaelab.core.error.VaelabException("the sweep in " + layout.experimentDirectory()
                    + " has no parent run (no " + directory.resolve(RunStore.RUN_FILE) + ")");
        }
        return locked(layout, ranks, uri, () -> SweepParent.resume(loggers, directory, uri));
    }

    /** The parent {@code opening} opens, under the parent run's lock; the lock is let go if opening fails. */
    private static SweepTracking locked(SweepLayout layout, SweepRanks ranks, Optional<String> uri,
                                        java.util.function.Supplier<SweepParent> opening) {
        RunLock lock = lock(layout);
        try {
            return new SweepTracking(opening.get(), ranks, uri, lock);
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    /** The tracking URI the parent logs to, if any: the command line's, else the YAML's, else the environment's. */
    public Optional<String> uri() {
        return uri;
    }

    /** The tags each run of the sweep carries. */
    public Map<String, String> childTags() {
        return parent.childTags();
    }

    /**
     * Ends the parent run: finished when every run finished, killed when the sweep was stopped,
     * failed otherwise; with the summary table and the best run's metrics. First each run is tagged
     * with its rank, so the parent ends once everything of the sweep is on the server.
     */
    public void finish(SweepReport report, SweepSummary.Written summary) {
        RunStatus status = report.stopped() ? RunStatus.KILLED
                : report.allFinished() ? RunStatus.FINISHED : RunStatus.FAILED;
        String error = status == RunStatus.FINISHED ? null
                : report.unfinished().size() + " of " + report.results().size() + " runs did not finish";
        RunRow best = summary.table().rows().get(0);
        boolean ranked = best.metric(summary.table().metric().name()).isPresent();
        String metric = summary.table().metric().name();
        java.util.List<Double> byRank = summary.table().rows().stream().map(r -> r.metric(metric))
                .flatMap(java.util.Optional::stream).toList();
        Path runs = summary.csv().getParent();
        ranks.tag(summary.table().rows().stream().filter(r -> r.metric(metric).isPresent())
                        .map(r -> runs.resolve(r.name())).toList(),
                summary.table().rows().stream().filter(r -> r.metric(metric).isEmpty())
                        .map(r -> runs.resolve(r.name())).toList(), uri);
        parent.finish(status, error, read(summary.csv()), ranked ? best.name() : null,
                ranked ? best.metrics() : Map.of(), ranked ? steps(summary.csv().getParent().resolve(best.name())) : 0,
                metric, byRank);
    }

    /**
     * Leaves the parent run running when this process lets go of it: the sweep's runs go on elsewhere
     * and the final job that ends them {@link #reopen reopens} it to end it.
     */
    public void handOver() {
        handedOver = true;
    }

    /** Releases the parent run: ended if it was not {@link #finish finished} (as failed), or left running if handed over. */
    @Override
    public void close() {
        try (lock) {
            if (handedOver) {
                parent.detach();
            } else {
                parent.close();
            }
        }
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
