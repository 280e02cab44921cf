package dev.vaelab.tracking.mlflow;

import dev.vaelab.core.config.ConfigLoader;
import dev.vaelab.tracking.AtomicFiles;
import dev.vaelab.tracking.RunContext;
import dev.vaelab.tracking.RunLogger;
import dev.vaelab.tracking.RunLoggerFactory;
import dev.vaelab.tracking.RunStatus;
import dev.vaelab.tracking.RunStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The parent run of a sweep. It is a run store of its own, in a directory the sweep chooses (such
 * as {@code results/<experiment>/sweep/parent/}, where {@code vaelab mlflow-sync
 * results/<experiment>} finds it), logged through the same {@link RunLoggerFactory} as the sweep's runs, so it reaches MLflow live
 * when a tracking URI is set and through {@code vaelab mlflow-sync} otherwise, exactly like a run:
 *
 * <ul>
 *   <li>params: the sweep definition, flattened, without the base values of swept keys;
 *       {@code config.yaml}: the definition itself (an artifact);
 *   <li>tags: {@code vaelab.role=sweep}, {@code vaelab.sweep} (name), {@code vaelab.sweep_id};
 *   <li>at {@link #finish}: the summary table as the artifact {@value #TABLE_FILE}, the best run's
 *       metrics as the parent's metrics (and {@code summary.json}), the sweep's metric of every run
 *       by rank as {@code ranked/<metric>} (a chart of the whole sweep), the tag {@code vaelab.best_run}.
 * </ul>
 *
 * Each run of the sweep passes {@link #childTags()} in its {@link RunContext#tags()}; its logger
 * then sets {@code mlflow.parentRunId} to the parent's id on whatever server it logs to, as soon as
 * the parent is there, so runs nest under their sweep in the MLflow UI.
 */
public final class SweepParent implements AutoCloseable {
    /** The summary table's file in the parent's store, and its artifact name. */
    public static final String TABLE_FILE = "sweep.csv";
    /** The parent's metric of the sweep's runs by rank: {@code ranked/test/elbo} at step 1 is the best run's. */
    public static final String RANKED_PREFIX = "ranked/";

    private final RunStore store;
    private final RunLogger logger;
    private final String sweepName;
    private final String sweepId;

    private SweepParent(RunStore store, RunLogger logger, String sweepName, String sweepId) {
        this.store = store;
        this.logger = logger;
        this.sweepName = sweepName;
        this.sweepId = sweepId;
    }

    /**
     * Creates the parent run and opens its logger.
     *
     * @param loggers the injected run logger factory
     * @param directory the parent's run directory, e.g. {@code results/<experiment>/sweep/parent}; it
     *     must not hold a run yet (see {@link #exists})
     * @param experiment the MLflow experiment the sweep's runs go to (their {@code tracking.experiment})
     * @param runName the parent's name in MLflow, e.g. {@code <sweep>-sweep}
     * @param sweepName the sweep's name
     * @param sweepId the sweep's id
     * @param definitionYaml the sweep definition, YAML (its flattened keys become the params)
     * @param trackingUri the tracking URI, if any (resolved as for runs)
     * @param source the sweep file, if known
     */
    public static SweepParent open(RunLoggerFactory loggers, Path directory, String experiment, String runName,
                                   String sweepName, String sweepId, String definitionYaml, Optional<String> trackingUri,
                                   Optional<Path> source) {
        Map<String, String> params = definitionParams(definitionYaml);
        RunStore store = RunStore.createAt(directory, experiment, runName, definitionYaml, java.time.Clock.systemUTC(),
                dev.vaelab.tracking.RunEnvironment.detect());
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put(RunTags.ROLE, "sweep");
        tags.put(RunTags.SWEEP, sweepName);
        tags.put(RunTags.SWEEP_ID, sweepId);
        RunContext context = new RunContext(store, experiment, runName, params, tags, trackingUri, source);
        return new SweepParent(store, loggers.open(context), sweepName, sweepId);
    }

    /**
     * The params of a sweep's parent: its definition flattened, without the base values of the keys
     * it sweeps ({@code beta.end} when {@code sweep.parameters.beta.end} is swept), which no run used.
     */
    static Map<String, String> definitionParams(String definitionYaml) {
        Map<String, String> flat = ConfigLoader.parse(definitionYaml, "sweep definition").flatten();
        String swept = "sweep.parameters.";
        Map<String, String> params = new LinkedHashMap<>();
        flat.forEach((k, v) -> {
            boolean base = flat.keySet().stream().anyMatch(d -> d.startsWith(swept)
                    && (k.equals(d.substring(swept.length())) || k.startsWith(d.substring(swept.length()) + ".")));
            if (!base) {
                params.put(k, v);
            }
        });
        return params;
    }

    /**
     * Reopens the parent run in {@code directory}, left by an earlier, interrupted attempt of the
     * sweep, to log the rest of it; its run id and tags are kept, so its runs stay nested under it.
     */
    public static SweepParent resume(RunLoggerFactory loggers, Path directory, Optional<String> trackingUri) {
        RunStore store = RunStore.open(directory);
        store.setStatus(RunStatus.RUNNING, null);
        Map<String, String> extra = store.record().extra();
        String sweepName = extra.getOrDefault(RunTags.EXTRA_PREFIX + RunTags.SWEEP, "");
        String sweepId = extra.getOrDefault(RunTags.EXTRA_PREFIX + RunTags.SWEEP_ID, "");
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put(RunTags.ROLE, "sweep");
        tags.put(RunTags.SWEEP, sweepName);
        tags.put(RunTags.SWEEP_ID, sweepId);
        Map<String, String> params = definitionParams(store.readConfig());
        RunContext context = new RunContext(store, store.record().experiment(), store.record().runName(), params, tags,
                trackingUri, Optional.empty());
        return new SweepParent(store, loggers.open(context), sweepName, sweepId);
    }

    /** Whether {@code directory} holds a parent run already. */
    public static boolean exists(Path directory) {
        return java.nio.file.Files.isRegularFile(directory.resolve(RunStore.RUN_FILE));
    }

    /** The parent's local store. */
    public RunStore store() {
        return store;
    }

    /** The tags every run of the sweep carries: sweep name and id, and the parent's vaelab run id. */
    public Map<String, String> childTags() {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put(RunTags.SWEEP, sweepName);
        tags.put(RunTags.SWEEP_ID, sweepId);
        tags.put(RunTags.PARENT_VAELAB_RUN_ID, store.record().runId());
        return tags;
    }

    /**
     * The parent's MLflow run id, once its logger has created it; waits at most {@code wait}.
     * Empty without a tracking URI or while the server cannot be reached.
     */
    public Optional<String> mlflowRunId(Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            String id = store.record().extra().get(RunReplica.EXTRA_RUN);
            if (id != null || System.nanoTime() >= deadline) {
                return Optional.ofNullable(id);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
    }

    /**
     * Ends the sweep: writes the summary table, logs the best run's metrics at {@code step} on the
     * parent, names the best run, and ends the parent in {@code status}.
     *
     * @param summaryCsv the sweep's summary table, CSV text
     * @param bestRunName the best run's name, or null when no run finished
     * @param bestMetrics the best run's key metrics (keys as in ARCHITECTURE.md, e.g. {@code test/elbo})
     * @param step the step those metrics were logged at in the best run
     */
    public void finish(RunStatus status, String error, String summaryCsv, String bestRunName,
                       Map<String, Double> bestMetrics, long step) {
        finish(status, error, summaryCsv, bestRunName, bestMetrics, step, null, java.util.List.of());
    }

    /**
     * As {@link #finish(RunStatus, String, String, String, Map, long)}, and logs {@code ranked}, the
     * sweep's metric of each run from best to worst, as the metric {@code ranked/<metric>} at steps
     * 1, 2, ... (rank), which MLflow charts as a line over the whole sweep.
     */
    public void finish(RunStatus status, String error, String summaryCsv, String bestRunName,
                       Map<String, Double> bestMetrics, long step, String metric, java.util.List<Double> ranked) {
        AtomicFiles.writeString(store.directory().resolve(TABLE_FILE), Objects.requireNonNull(summaryCsv, "summaryCsv"));
        if (bestRunName != null) {
            store.putExtra(RunTags.EXTRA_PREFIX + RunTags.BEST_RUN, bestRunName);
        }
        // a sweep ended again with the same best run (resubmitted, started again when done) logs no second copy
        boolean logged = java.nio.file.Files.isRegularFile(store.directory().resolve(RunStore.SUMMARY_FILE))
                && bestMetrics.equals(store.readSummary());
        if (!bestMetrics.isEmpty() && !logged) {
            logger.logMetrics(bestMetrics, step);
            for (int rank = 1; metric != null && rank <= ranked.size(); rank++) {
                logger.logMetric(RANKED_PREFIX + metric, ranked.get(rank - 1), rank);
            }
            logger.logSummary(bestMetrics);
        }
        logger.finish(status, error);
    }

    @Override
    public void close() {
        logger.close();
    }

    /** Releases the parent run, leaving it running, for another process to {@link #resume} and {@link #finish}. */
    public void detach() {
        logger.detach();
    }
}
