package dev.vaelab.train;

import dev.vaelab.core.error.DataException;
import dev.vaelab.core.error.RunStoppedException;
import dev.vaelab.core.error.VaelabException;
import dev.vaelab.core.random.RandomStreams;
import dev.vaelab.core.spec.ExperimentSpec;
import dev.vaelab.core.stop.ProcessStop;
import dev.vaelab.core.stop.StopRequest;
import dev.vaelab.data.Dataset;
import dev.vaelab.data.DatasetCache;
import dev.vaelab.data.LoadContext;
import dev.vaelab.data.Downloader;
import dev.vaelab.export.ExportRequest;
import dev.vaelab.export.ModelCard;
import dev.vaelab.export.OnnxExporter;
import dev.vaelab.onnx.runtime.OrtEngine;
import dev.vaelab.tracking.RunContext;
import dev.vaelab.tracking.RunLogger;
import dev.vaelab.tracking.RunLoggerFactory;
import dev.vaelab.tracking.RunRecord;
import dev.vaelab.tracking.RunRecordJson;
import dev.vaelab.tracking.RunStatus;
import dev.vaelab.tracking.RunStore;
import dev.vaelab.tracking.TrainingProgress;
import dev.vaelab.tracking.mlflow.MlflowFailure;
import dev.vaelab.tracking.mlflow.ModelRegistry;
import dev.vaelab.zoo.objective.VaeGraphs;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Runs one experiment from its spec to a finished run store: validate everything, load the data
 * (before any run folder exists, so a data error leaves nothing behind), train, evaluate, export,
 * summarise. A failure of any kind (a NaN loss included) marks the run {@code failed} with its
 * message and keeps everything logged so far; an interrupt marks it {@code killed}.
 *
 * <p>Running the same config and seed again finds the same run folder: a finished run is reused, a
 * killed or crashed one resumes in its folder from its last checkpoint, or from the start if it had
 * none (the random streams are functions of the seed and the epoch, so the result is the same as
 * an uninterrupted run's), and a failed one is moved aside and trained afresh.
 */
public final class ExperimentRunner {
    private final ExperimentResolver resolver;
    private final Downloader downloader;
    private final RunLoggerFactory loggers;
    private final OnnxExporter exporter;
    private final Trainer trainer;
    private final RunSettings settings;
    private final ModelRegistry registry;
    private final ProcessStop stops;

    @Inject
    ExperimentRunner(ExperimentResolver resolver, Downloader downloader, RunLoggerFactory loggers,
                     OnnxExporter exporter, Trainer trainer, RunSettings settings, ModelRegistry registry,
                     ProcessStop stops) {
        this.resolver = resolver;
        this.downloader = downloader;
        this.loggers = loggers;
        this.exporter = exporter;
        this.trainer = trainer;
        this.settings = settings;
        this.registry = registry;
        this.stops = stops;
    }

    /** The experiment and run names {@code spec} trains under, for a caller that takes the run's lock first. */
    public RunIdentity identify(ExperimentSpec spec) {
        ResolvedExperiment rx = resolver.resolve(spec);
        return new RunIdentity(rx.experimentName(), RunNames.of(spec.name(), rx.resolvedYaml()));
    }

    /** Where a run lives: its experiment's folder name and its own. */
    public record RunIdentity(String experiment, String runName) {
    }

    public RunOutcome run(ExperimentSpec spec, RunOptions options) {
        // Ctrl-C, a scheduler's SIGTERM, the sweep gone: the run is recorded killed, to be resumed
        try (StopRecorder stopped = new StopRecorder(stops)) {
            return run(spec, options, stopped);
        }
    }

    private RunOutcome run(ExperimentSpec spec, RunOptions options, StopRecorder stopped) {
        ResolvedExperiment rx = resolver.resolve(spec);
        int threads = settings.threads(options.threads(), rx.train(), spec.root());
        String experiment = rx.experimentName();
        String runName = RunNames.of(spec.name(), rx.resolvedYaml());
        Path resultsRoot = settings.resultsRoot(options.resultsRoot());
        Path directory = RunStore.directoryOf(resultsRoot, experiment, runName);
        Optional<Checkpoint> resumeFrom = Optional.empty();
        boolean reopen = false;
        String experimentFile = spec.root().location().file();
        if (options.restart() && Files.exists(directory)) {
            moveAside(directory, "restarted", "the earlier attempt", options.console());
        } else if (Files.exists(directory.resolve("run.json"))) {
            RunRecord previous;
            try {
                previous = RunRecordJson.read(directory.resolve("run.json"));
            } catch (DataException corrupt) {
                throw new VaelabException("run " + runName + " cannot be resumed: " + firstLine(corrupt.getMessage())
                        + "; 'vaelab run --restart " + experimentFile + "' moves this attempt aside and trains afresh", corrupt);
            }
            Path checkpoint = directory.resolve(RunStore.MODEL_DIR).resolve("checkpoint");
            if (previous.status() == RunStatus.FINISHED) {
                options.console().println("already finished: " + directory + " (same config and seed); delete it, or "
                        + "use --restart, to train again");
                return new RunOutcome(directory, RunStore.open(directory).readSummary(), true);
            } else if (previous.status() == RunStatus.FAILED) {
                moveAside(directory, previous.status().wireName(), "the failed attempt", options.console());
            } else {
                // killed, or still "running" after a crash: continue from the last completed epoch, or
                // from the start in the same folder when it was stopped before its first checkpoint
                reopen = true;
                if (Files.exists(checkpoint)) {
                    RunStore attempt = RunStore.open(directory);
                    try {
                        resumeFrom = Optional.of(Checkpoint.read(checkpoint));
                        if (resumeFrom.get().knowsMetricRows()) {
                            attempt.requireMetricRows(resumeFrom.get().metricRows()); // before the data loads
                        }
                    } catch (DataException unusable) {
                        throw unresumable(attempt, runName, unusable);
                    }
                }
            }
        }

        Dataset data = rx.data().load(new LoadContext(settings.dataRoot(options.dataDir()), downloader,
                DatasetCache.under(resultsRoot), new RandomStreams(spec.seed())));
        DisentanglementProbe.requireSample(data.test(), rx.eval().disentanglementSamples());
        checkMemory(rx, data);
        OrtEngine engine = new OrtEngine(threads, true);
        stopped.attach(engine);

        boolean reopening = reopen;
        Optional<Checkpoint> resuming = resumeFrom;
        RunStore store = stopped.attach(runName, () -> {
            if (!reopening) {
                return RunStore.create(resultsRoot, experiment, runName, rx.resolvedYaml());
            }
            RunStore reopened = RunStore.open(directory);
            long step = resuming.map(Checkpoint::updates).orElse(0L);
            int dropped = keepRowsBefore(reopened, resuming, runName);
            reopened.setStatus(RunStatus.RUNNING, null);
            options.console().printf("resuming %s after epoch %d (step %d; %d metric rows past it dropped)%n",
                    runName, resuming.map(Checkpoint::epochsDone).orElse(0), step, dropped);
            return reopened;
        });
        Optional<String> trackingUri = settings.trackingUri(options.trackingUri(), rx.tracking());
        // the experiment file is the run's source (MLflow's mlflow.source.name and git commit tags); the
        // params are what differs from the defaults, which MLflow's image cards print in full
        RunLogger logger = stopped.attach(loggers.open(new RunContext(store, experiment, runName,
                spec.root().flattenNonDefaults(), options.tags(), trackingUri)
                .withSource(Path.of(spec.root().location().file()).toAbsolutePath())));
        if (!reopen && !data.loadMetrics().isEmpty()) {
            // what loading found (e.g. data/skipped), at step 0; a resumed run kept its rows from the first attempt
            logger.logMetrics(data.loadMetrics(), 0);
        }
        options.console().printf("run %s: %s on %s, %d threads%n", runName, rx.model().type(), rx.dataset().name(), engine.threads());
        try {
            stops.leaveIfAsked(); // asked while the logger opened: recorded below, before anything trains
            Trainer.Trained result = trainer.train(rx, data, engine, logger, store.modelDirectory(),
                    TrainingProgress.onStderr(rx.train().epochs()), resumeFrom);
            stops.leaveIfAsked(); // asked after the last update: recorded below, not finished
            Map<String, Double> summary = new LinkedHashMap<>(result.summary());
            if (rx.export().onnx()) {
                ModelCard card = ModelCard.describe(result.graphs(), rx.dataset(), rx.data().spec().binarize(), rx.resolvedYaml(),
                        store.record().runId(), runName);
                summary.putAll(exporter.write(new ExportRequest(result.graphs(), result.parameters(), card),
                        store.modelDirectory()).summaryMetrics());
            }
            stops.leaveIfAsked(); // asked during the export: killed, so that running it again exports it
            logger.logSummary(summary);
            logger.finish(RunStatus.FINISHED, null);
            options.console().println("finished: " + directory);
            rx.tracking().register().ifPresent(name -> register(store, name, trackingUri, rx.export().onnx(), options));
            return new RunOutcome(directory, summary, false);
        } catch (RuntimeException | Error e) {
            Optional<StopRequest.Stop> stop = stops.stop();
            if (stop.isPresent() || jvmStopping()) {
                stop.ifPresent(stopped::record);
                throw new RunStoppedException("run " + runName + " was stopped" + stop.map(s -> " by " + s.reason())
                        .orElse("") + "; run it again to resume it", stop.map(StopRequest.Stop::exitCode).orElse(143), e);
            }
            // an Error (out of memory above all) fails the run like any other failure, with a reason
            String reason = e instanceof VaelabException ? e.getMessage() : failureReason(e);
            logger.finish(RunStatus.FAILED, reason);
            throw e instanceof VaelabException ? (VaelabException) e
                    : new VaelabException("run " + runName + " failed: " + reason, e);
        } finally {
            // after a recorded stop the gated logger takes nothing; while the JVM stops, its hook records
            if (!jvmStopping()) {
                logger.close();
            }
        }
    }

    /** Refuses, in one line, a run whose parameters and activations cannot fit, before any of them is allocated. */
    private static void checkMemory(ResolvedExperiment rx, Dataset data) {
        VaeGraphs graphs = new VaeGraphs(rx.model(), rx.head(), data.shape().size(), data.numClasses());
        MemoryEstimate estimate = MemoryEstimate.of(graphs.evaluationGraph(), java.util.Set.of("x", "y", "eps"),
                rx.optimizer().optimizer().slots().size(), rx.train().batchSize(), rx.eval().batchSize(),
                data.train().hasLabels()
                        ? ((long) data.train().count() + data.test().count()) * rx.model().latentDim() : 0);
        Runtime runtime = Runtime.getRuntime();
        long heapLeft = runtime.maxMemory() - (runtime.totalMemory() - runtime.freeMemory());
        estimate.check(heapLeft, MachineMemory.outsideHeap());
    }

    /** A failure's reason in words: what ran out for an Error, the exception otherwise. */
    static String failureReason(Throwable e) {
        if (e instanceof OutOfMemoryError) {
            return "out of memory (" + e.getMessage() + "): make the model or the batch size smaller, or give Java "
                    + "more memory (VAELAB_JAVA_OPTS=-Xmx4g)";
        }
        if (e instanceof StackOverflowError) {
            return "stack overflow";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    /**
     * {@code tracking.register}: the finished run's model as a new version of {@code name}. The run
     * is done whatever happens here, so a failure is said, with how to register it later.
     */
    private void register(RunStore store, String name, Optional<String> trackingUri, boolean exported,
                          RunOptions options) {
        String later = "; register it later with `vaelab register " + store.directory() + " --name " + name + "`";
        if (trackingUri.isEmpty() || !exported) {
            options.console().println("tracking.register: not registered (" + (trackingUri.isEmpty()
                    ? "no tracking URI" : "export.onnx is false, so there is no model") + ")" + later);
            return;
        }
        try {
            ModelRegistry.Version v = registry.register(store, name, trackingUri);
            options.console().println("registered " + v.name() + " version " + v.version() + " from " + v.source());
        } catch (VaelabException | MlflowFailure e) {
            options.console().println("tracking.register: not registered: " + e.getMessage() + later);
        }
    }

    /** Whether the JVM has begun to shut down (hooks can then no longer be added). */
    private static boolean jvmStopping() {
        Thread probe = new Thread(() -> { });
        try {
            Runtime.getRuntime().addShutdownHook(probe);
            Runtime.getRuntime().removeShutdownHook(probe);
            return false;
        } catch (IllegalStateException e) {
            return true;
        }
    }

    /**
     * Drops the metric rows a resumed run logs again: those after its checkpoint (counted by it,
     * or up to its step for a version-1 checkpoint), or all but loading's at step 0 without one.
     * Rows missing from before the checkpoint (checked before the data loads, and again here) fail
     * the attempt, which the next run moves aside.
     */
    private static int keepRowsBefore(RunStore store, Optional<Checkpoint> checkpoint, String runName) {
        if (checkpoint.isEmpty() || !checkpoint.get().knowsMetricRows()) {
            return store.retainMetricsThrough(checkpoint.map(Checkpoint::updates).orElse(0L));
        }
        try {
            return store.retainMetricRows(checkpoint.get().metricRows());
        } catch (DataException lost) {
            throw unresumable(store, runName, lost);
        }
    }

    /** Records the attempt failed, so that running it again moves it aside rather than repeating this. */
    private static VaelabException unresumable(RunStore store, String runName, DataException why) {
        String reason = "cannot resume: " + firstLine(why.getMessage());
        store.setStatus(RunStatus.FAILED, reason);
        return new VaelabException("run " + runName + " " + reason + "; it is now recorded failed: run it again (or "
                + "with --restart) to move this attempt aside and train afresh", why);
    }

    /** An earlier attempt is kept beside the new one, never overwritten, and the user is told where. */
    private static void moveAside(Path directory, String label, String what, java.io.PrintStream console) {
        Path aside = directory.resolveSibling(directory.getFileName() + "." + label + "-"
                + Instant.now().toString().replace(':', '-'));
        try {
            Files.move(directory, aside);
        } catch (IOException e) {
            throw new VaelabException("cannot move the earlier attempt " + directory + " aside: " + e.getMessage(), e);
        }
        console.println("moved " + what + " aside to " + aside + "; training afresh");
    }

    private static String firstLine(String message) {
        return message == null ? "unreadable" : message.lines().findFirst().orElse("unreadable").strip();
    }
}
