package dev.vaelab.sweep;

import dev.vaelab.core.error.DataException;
import dev.vaelab.tracking.RunRecordJson;
import dev.vaelab.tracking.RunStatus;
import dev.vaelab.tracking.RunStore;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs a planned sweep: writes each run's config, skips runs that already finished, launches the
 * others (N at once, each in its own process through the {@link RunStarter}), records how
 * each ended, and keeps a progress display. A run that fails, however it fails, is recorded and the
 * sweep goes on. On Ctrl-C (or SIGTERM) the running runs are asked to stop, record themselves
 * killed and resume from their last checkpoint when the sweep is started again.
 */
public final class SweepRunner {
    private static final long POLL_MILLIS = 100;
    /** How long a stopping run may take to record itself killed before it is ended forcibly. */
    private static final long STOP_GRACE_SECONDS = 60;

    private final RunStarter starter;

    @Inject
    public SweepRunner(RunStarter starter) {
        this.starter = starter;
    }

    /** Runs {@code plan} to its end or until stopped. */
    public SweepReport run(SweepPlan plan, SweepOptions options, SweepConsole console) {
        return run(plan, options, console, report -> { });
    }

    /**
     * Runs {@code plan} to its end or until stopped, then hands the report to {@code atEnd} (to
     * summarise, to close a tracking parent run) before returning; on Ctrl-C the process waits
     * for {@code atEnd} before it exits.
     */
    public SweepReport run(SweepPlan plan, SweepOptions options, SweepConsole console, Consumer<SweepReport> atEnd) {
        SweepLayout layout = SweepLayout.of(options.resultsRoot(), plan.experiment());
        SweepFiles.writePlan(layout, plan);
        return new Execution(plan, options, starter, layout, console, atEnd).run();
    }

    /**
     * The error a failed run recorded, or what is wrong with its record when it cannot be read: one
     * corrupt {@code run.json} is reported for its run, and the sweep goes on.
     */
    public static String recordedError(SweepLayout layout, String runName) {
        Path runFile = layout.runDirectory(runName).resolve(RunStore.RUN_FILE);
        try {
            return RunRecordJson.read(runFile).error();
        } catch (DataException corrupt) {
            return corruptNote(corrupt);
        }
    }

    /** How a record that cannot be read is reported, with the way out. */
    public static String corruptNote(DataException corrupt) {
        // the first line: a JSON parser's message goes on with where it was in the stream
        String problem = corrupt.getMessage().lines().findFirst().orElse("unreadable").strip();
        return "corrupt: " + problem + "; 'vaelab run --restart' on the run's config moves it aside and "
                + "trains it afresh";
    }

    /**
     * Where a run stands before the sweep launches anything: finished, failed or killed in an earlier
     * attempt, or pending (never started, or interrupted: it resumes).
     */
    public static Outcome priorState(SweepLayout layout, String runName) {
        Path runFile = layout.runDirectory(runName).resolve(RunStore.RUN_FILE);
        if (!Files.isRegularFile(runFile)) {
            return Outcome.PENDING;
        }
        RunStatus status;
        try {
            status = RunRecordJson.read(runFile).status();
        } catch (DataException corrupt) {
            return Outcome.FAILED; // an unreadable record is that run's failure, never the sweep's
        }
        return switch (status) {
            case FINISHED -> Outcome.FINISHED;
            case FAILED -> Outcome.FAILED;
            case KILLED -> Outcome.KILLED;
            case RUNNING -> Outcome.RUNNING;
        };
    }

    /** One run of a sweep: the mutable state, confined to this class and guarded by its monitor. */
    private static final class Execution {
        private final SweepPlan plan;
        private final SweepOptions options;
        private final RunStarter starter;
        private final SweepLayout layout;
        private final SweepConsole console;
        private final Consumer<SweepReport> atEnd;
        private final Deque<PlannedRun> waiting = new ArrayDeque<>();
        private final Map<String, Active> active = new LinkedHashMap<>();
        private final Map<String, RunResult> results = new LinkedHashMap<>();
        private final List<Double> endedSeconds = new ArrayList<>();
        private final CountDownLatch ended = new CountDownLatch(1);
        private final long startNanos = System.nanoTime();
        private boolean stopping;

        private record Active(PlannedRun run, RunHandle handle, long startNanos) {
        }

        Execution(SweepPlan plan, SweepOptions options, RunStarter starter, SweepLayout layout, SweepConsole console,
                  Consumer<SweepReport> atEnd) {
            this.plan = plan;
            this.options = options;
            this.starter = starter;
            this.layout = layout;
            this.console = console;
            this.atEnd = atEnd;
        }

        SweepReport run() {
            classify();
            Thread onStop = new Thread(this::stopAndWait, "vaelab-sweep-stop");
            Runtime.getRuntime().addShutdownHook(onStop);
            try {
                loop();
                SweepReport report = report();
                atEnd.accept(report);
                return report;
            } finally {
                ended.countDown();
                try {
                    Runtime.getRuntime().removeShutdownHook(onStop);
                } catch (IllegalStateException shuttingDown) {
                    // the hook is running: it waits for the count-down above
                }
            }
        }

        private synchronized SweepReport report() {
            for (PlannedRun run : waiting) {
                results.put(run.name(), new RunResult(run.name(), Outcome.PENDING, null, null, 0, false));
            }
            console.finish(status());
            Map<String, RunResult> ordered = new LinkedHashMap<>();
            plan.runs().forEach(r -> ordered.put(r.name(), results.get(r.name())));
            return new SweepReport(ordered, stopping, (System.nanoTime() - startNanos) / 1e9);
        }

        /** Sorts the runs into those already done and those to launch, and says so. */
        private synchronized void classify() {
            int resumed = 0;
            int retried = 0;
            for (PlannedRun run : plan.runs()) {
                Outcome prior = priorState(layout, run.name());
                if (prior == Outcome.FINISHED) {
                    results.put(run.name(), RunResult.reused(run.name(), Outcome.FINISHED, null));
                } else if (prior == Outcome.FAILED && !options.retryFailed()) {
                    String error = recordedError(layout, run.name());
                    results.put(run.name(), RunResult.reused(run.name(), Outcome.FAILED, error));
                } else {
                    resumed += prior == Outcome.KILLED || prior == Outcome.RUNNING ? 1 : 0;
                    retried += prior == Outcome.FAILED ? 1 : 0;
                    waiting.add(run);
                }
            }
            console.event(String.format("sweep %s: %d runs (%d already finished, %d to resume, %d failed before and "
                            + "%s, %d new), %d at once with %d thread%s each, results in %s",
                    plan.experiment(), plan.runs().size(), results.values().stream()
                            .filter(r -> r.outcome() == Outcome.FINISHED).count(), resumed,
                    retried + results.values().stream().filter(r -> r.outcome() == Outcome.FAILED).count(),
                    options.retryFailed() ? "retried" : "kept as failed", waiting.size() - resumed - retried,
                    options.parallel(), options.threadsPerRun(), options.threadsPerRun() == 1 ? "" : "s",
                    layout.experimentDirectory()));
        }

        private void loop() {
            while (true) {
                synchronized (this) {
                    while (!stopping && active.size() < options.parallel() && !waiting.isEmpty()) {
                        launch(waiting.poll());
                    }
                    for (Active a : List.copyOf(active.values())) {
                        OptionalInt code = a.handle().exitCode();
                        if (code.isPresent()) {
                            complete(a, code.getAsInt());
                        }
                    }
                    if (active.isEmpty() && (stopping || waiting.isEmpty())) {
                        return;
                    }
                    console.status(this::status);
                }
                try {
                    Thread.sleep(POLL_MILLIS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    requestStop();
                }
            }
        }

        private void launch(PlannedRun run) {
            LaunchRequest request = new LaunchRequest(run, layout.configFile(run.name()), layout.logFile(run.name()),
                    options.resultsRoot(), options.threadsPerRun(), options.dataDir(), options.trackingUri(),
                    layout.sweepDirectory(), options.tags());
            RunHandle handle;
            try {
                handle = starter.start(request);
            } catch (RuntimeException e) {
                record(new RunResult(run.name(), Outcome.FAILED, "could not start: " + e.getMessage(), null, 0, false), run);
                return;
            }
            active.put(run.name(), new Active(run, handle, System.nanoTime()));
            console.event("started  [" + (run.index() + 1) + "] " + run.label() + "  (" + run.name() + ", "
                    + handle.describe() + ")");
        }

        private void complete(Active a, int exitCode) {
            active.remove(a.run().name());
            double seconds = (System.nanoTime() - a.startNanos()) / 1e9;
            RunResult result = ExitInterpreter.interpret(layout, a.run(), exitCode, seconds, stopping);
            if (result.outcome() == Outcome.FINISHED || result.outcome() == Outcome.FAILED) {
                endedSeconds.add(seconds);
            }
            record(result, a.run());
        }

        private void record(RunResult result, PlannedRun run) {
            results.put(run.name(), result);
            SweepFiles.writeOutcomes(layout, List.of(result));
            String head = String.format("%-8s [%d] %s", result.outcome().wireName(), run.index() + 1, run.label());
            String detail = switch (result.outcome()) {
                case FINISHED -> metricText(run.name());
                case BUSY -> result.error();
                default -> ExitInterpreter.firstLine(result.error()) + " (log: " + layout.logFile(run.name()) + ")";
            };
            console.event(head + "  " + dev.vaelab.core.console.ProgressBar.formatDuration(result.seconds())
                    + (detail.isEmpty() ? "" : "  " + detail));
        }

        /** {@code test/elbo -98.12}: the ranking metric of a finished run, when its summary has it. */
        private String metricText(String runName) {
            Path summary = layout.runDirectory(runName).resolve(RunStore.SUMMARY_FILE);
            if (!Files.isRegularFile(summary)) {
                return "";
            }
            Double value;
            try {
                value = RunStore.open(layout.runDirectory(runName)).readSummary().get(plan.spec().metric().name());
            } catch (DataException corrupt) {
                return "corrupt summary";
            }
            return value == null ? "" : plan.spec().metric().name() + " " + String.format("%.4f", value);
        }

        /** Asks every running run to stop and launches no more; returns their handles. */
        private List<RunHandle> requestStop() {
            List<RunHandle> handles;
            synchronized (this) {
                if (stopping) {
                    return List.of();
                }
                stopping = true;
                handles = active.values().stream().map(Active::handle).toList();
                console.event("stopping: asking " + handles.size() + " running run(s) to record themselves killed; "
                        + "start the sweep again to resume them");
            }
            handles.forEach(RunHandle::stop);
            return handles;
        }

        /** The shutdown hook (Ctrl-C, SIGTERM): stops the runs, then waits for the loop to record them. */
        private void stopAndWait() {
            List<RunHandle> handles = requestStop();
            try {
                if (!ended.await(STOP_GRACE_SECONDS, TimeUnit.SECONDS)) {
                    handles.forEach(RunHandle::kill);
                    ended.await(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            // the JVM ends when this hook returns, before the command can say it
            console.event("stopped; start the same sweep again to resume the killed runs and run the others");
        }

        private SweepStatus status() {
            long now = System.nanoTime();
            List<SweepStatus.Running> running = new ArrayList<>();
            for (Active a : active.values()) {
                running.add(new SweepStatus.Running(a.run().index(), a.run().name(), a.run().label(),
                        (now - a.startNanos()) / 1e9, LogTail.last(layout.logFile(a.run().name()))));
            }
            int finished = (int) results.values().stream().filter(r -> r.outcome() == Outcome.FINISHED).count();
            int killed = (int) results.values().stream().filter(r -> r.outcome() == Outcome.KILLED).count();
            int failed = (int) results.values().stream().filter(r -> r.outcome() != Outcome.FINISHED
                    && r.outcome() != Outcome.PENDING && r.outcome() != Outcome.KILLED).count();
            return new SweepStatus(plan.experiment(), plan.runs().size(), finished, failed, killed, waiting.size(), running,
                    (now - startNanos) / 1e9,
                    SweepStatus.eta(endedSeconds, running, waiting.size(), options.parallel()));
        }
    }
}
