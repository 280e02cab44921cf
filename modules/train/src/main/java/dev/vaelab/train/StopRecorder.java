package dev.vaelab.train;

import dev.vaelab.core.error.RunStoppedException;
import dev.vaelab.core.stop.ProcessStop;
import dev.vaelab.core.stop.StopRequest;
import dev.vaelab.onnx.runtime.OrtEngine;
import dev.vaelab.tracking.RunLogger;
import dev.vaelab.tracking.RunStatus;
import dev.vaelab.tracking.RunStore;
import java.util.function.Supplier;

/**
 * Records a run killed, once, however its process is asked to stop while the run holds the
 * process's stop: a signal (recorded on the signal's thread, at once), the training thread
 * unwinding from that stop, or the JVM's shutdown by any other way (a hook). It holds the stop from
 * the start of the run, before the data is loaded, so that no signal finds the run without it. The
 * run's store is created under its lock: a stop asked before that creates no store (an earlier
 * attempt's record stands), one asked after it is recorded in it, through the run's logger once
 * there is one. A run that has already recorded its end keeps it.
 */
final class StopRecorder implements AutoCloseable {
    private final ProcessStop.Scope scope;
    private RunStore store;
    private RunLogger logger;
    private Thread hook;
    private StopRequest.Stop stop;
    private boolean recorded;
    private volatile OrtEngine engine;

    StopRecorder(ProcessStop stops) {
        this.scope = stops.open(this::stopped);
    }

    /**
     * Creates or reopens the run's store with {@code opening}, unless the run was asked to stop
     * before; from then on a stop is recorded in it.
     *
     * @throws RunStoppedException when it was asked to stop
     */
    synchronized RunStore attach(String runName, Supplier<RunStore> opening) {
        if (stop != null) {
            throw new RunStoppedException("run " + runName + " was stopped by " + stop.reason()
                    + " before it started; run it again to train it", stop.exitCode());
        }
        store = opening.get();
        hook = new Thread(() -> stopped(new StopRequest.Stop(143, "the JVM's shutdown")), "vaelab-run-stopped");
        Runtime.getRuntime().addShutdownHook(hook);
        return store;
    }

    /**
     * From now on a stop is recorded through {@code runLogger} (locally, then to its tracking
     * server); returns the logger the run logs through, which takes nothing once the stop is
     * recorded: the steps the training thread still reports after it are past the last checkpoint
     * and dropped when the run resumes, and recording them in the store while the server's copy is
     * being ended would leave the two different.
     */
    synchronized RunLogger attach(RunLogger runLogger) {
        this.logger = runLogger;
        if (recorded) {
            // recorded in the store while the logger opened: the logger must end the run too
            logger.finish(RunStatus.KILLED, reason());
            logger.close();
        }
        return new Gated();
    }

    /** From now on a stop first ends {@code runEngine}'s running calls, so that training leaves ONNX Runtime at once. */
    void attach(OrtEngine runEngine) {
        this.engine = runEngine;
    }

    /** Ends the engine's calls (at once, before waiting for the lock), then records the stop. */
    private void stopped(StopRequest.Stop asked) {
        OrtEngine running = engine;
        if (running != null) {
            running.terminate();
        }
        record(asked);
    }

    /** Records the run killed by {@code asked}, unless that is done; returns once it is (other threads wait). */
    synchronized void record(StopRequest.Stop asked) {
        if (stop == null) {
            stop = asked;
        }
        if (store == null || recorded) {
            return;
        }
        recorded = true;
        if (logger == null) {
            if (!store.record().status().isTerminal()) {
                store.setStatus(RunStatus.KILLED, reason());
            }
            return;
        }
        if (!store.record().status().isTerminal()) {
            logger.finish(RunStatus.KILLED, reason());
        }
        logger.close();
    }

    private String reason() {
        return "stopped by " + stop.reason();
    }

    /** The run's logger until the stop is recorded; nothing after. */
    private final class Gated implements RunLogger {
        @Override
        public void logMetric(String key, double value, long step) {
            unlessRecorded(() -> logger.logMetric(key, value, step));
        }

        @Override
        public void logMetrics(java.util.Map<String, Double> metrics, long step) {
            unlessRecorded(() -> logger.logMetrics(metrics, step));
        }

        @Override
        public void logImage(String kind, int epoch, long step, byte[] png) {
            unlessRecorded(() -> logger.logImage(kind, epoch, step, png));
        }

        @Override
        public void logSummary(java.util.Map<String, Double> metrics) {
            unlessRecorded(() -> logger.logSummary(metrics));
        }

        @Override
        public void flush() {
            unlessRecorded(() -> logger.flush());
        }

        @Override
        public long metricRows() {
            return logger.metricRows();
        }

        @Override
        public void finish(RunStatus status, String error) {
            unlessRecorded(() -> logger.finish(status, error));
        }

        @Override
        public void close() {
            unlessRecorded(() -> logger.close());
        }

        @Override
        public void detach() {
            unlessRecorded(() -> logger.detach());
        }

        /** Under the recorder's lock, so that no call is half done when the stop is recorded. */
        private void unlessRecorded(Runnable call) {
            synchronized (StopRecorder.this) {
                if (!recorded) {
                    call.run();
                }
            }
        }
    }

    /** Gives the signals back and, unless the JVM is already stopping, removes the hook. */
    @Override
    public void close() {
        scope.close();
        Thread installed;
        synchronized (this) {
            installed = hook;
        }
        if (installed != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(installed);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs, or has run: it records the stop (once) as it should
            }
        }
    }
}
