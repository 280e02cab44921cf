package dev.vaelab.tracking.mlflow;

import dev.vaelab.tracking.LocalRunLogger;
import dev.vaelab.tracking.RunLogger;
import dev.vaelab.tracking.RunStatus;
import java.util.Map;

/**
 * Logs a run to its local store and, through a {@link RunSender} thread, to an MLflow server. Every
 * call writes the local store first, exactly as {@link LocalRunLogger} does, and then hands the
 * rows or grid just written to the sender without waiting, so the training thread never waits on
 * the network and the server receives exactly what the store holds (same timestamps). Only
 * {@link #finish} waits, at most the drain timeout, for the sender to catch up.
 */
public final class MlflowRunLogger implements RunLogger {
    private final LocalRunLogger local;
    private final RunSender sender;

    private MlflowRunLogger(LocalRunLogger local, RunSender sender) {
        this.local = local;
        this.sender = sender;
    }

    /** Starts the sender of {@code local}'s run to {@code server} and returns the logger. */
    public static MlflowRunLogger start(LocalRunLogger local, TrackingServer server, MlflowSettings settings,
                                        Notices notices) {
        return start(local, server, settings, notices, RunSender.MAX_PENDING);
    }

    /** As {@link #start(LocalRunLogger, TrackingServer, MlflowSettings, Notices)}, holding at most {@code maxPending} rows in memory. */
    static MlflowRunLogger start(LocalRunLogger local, TrackingServer server, MlflowSettings settings, Notices notices,
                                 int maxPending) {
        RunSender sender = new RunSender(local.store(), new MlflowService(server, settings), settings, notices, maxPending);
        sender.start();
        return new MlflowRunLogger(local, sender);
    }

    @Override
    public void logMetric(String key, double value, long step) {
        logMetrics(Map.of(key, value), step);
    }

    @Override
    public void logMetrics(Map<String, Double> metrics, long step) {
        sender.offer(new RunSender.Rows(local.appendMetrics(metrics, step)));
    }

    @Override
    public void logImage(String kind, int epoch, long step, byte[] png) {
        sender.offer(new RunSender.Grid(local.writeGrid(kind, epoch, step, png)));
    }

    @Override
    public void logSummary(Map<String, Double> metrics) {
        // summary.json goes to the server with the other artifacts at the end
        local.logSummary(metrics);
    }

    @Override
    public void flush() {
        local.flush();
    }

    /** The local store's rows: the server mirrors them, and a resume cuts them first. */
    @Override
    public long metricRows() {
        return local.metricRows();
    }

    /** Ends the run locally, then waits at most the drain timeout for the server to have all of it. */
    @Override
    public void finish(RunStatus status, String error) {
        local.finish(status, error);
        sender.finish();
    }

    /** Whether everything the run logged reached the server; waits like {@link #finish}. */
    public boolean synced() {
        return sender.finish();
    }

    /** Events the bounded queue could not take (their content was read back from the store). */
    public long droppedEvents() {
        return sender.dropped();
    }

    @Override
    public void detach() {
        try {
            local.detach();
        } finally {
            try {
                sender.finish(); // sends what is left; the run stays running on the server
            } finally {
                sender.close();
            }
        }
    }

    @Override
    public void close() {
        try {
            local.close(); // marks a run that never finished as failed
        } finally {
            try {
                sender.finish();
            } finally {
                sender.close();
            }
        }
    }
}
