package dev.vaelab.tracking;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Logs a run to its {@link RunStore}: metrics to {@code metrics.csv}, grids to {@code grids/},
 * the summary to {@code summary.json} and the outcome to {@code run.json}.
 *
 * <p>Durability: each {@code logMetric}/{@code logMetrics} call hands its rows to the operating
 * system before returning, so a crash of the JVM (an out-of-memory kill, a native crash) loses
 * nothing already logged; {@link #flush}, {@link #finish} and {@link #close} also force the rows to
 * disk, so a crash of the machine loses only rows logged after the last of those.
 */
public final class LocalRunLogger implements RunLogger {
    private final RunStore store;
    private final Clock clock;

    /** Logs to {@code store}, stamping rows with {@code clock}; does no I/O. */
    public LocalRunLogger(RunStore store, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The store this logger writes. */
    public RunStore store() {
        return store;
    }

    @Override
    public void logMetric(String key, double value, long step) {
        appendMetrics(Map.of(key, value), step);
    }

    @Override
    public void logMetrics(Map<String, Double> metrics, long step) {
        appendMetrics(metrics, step);
    }

    /**
     * Does what {@link #logMetrics} does and returns the rows as written, one timestamp for all,
     * with their place in the file: what a logger mirroring this store sends on.
     */
    public AppendedRows appendMetrics(Map<String, Double> metrics, long step) {
        metrics.keySet().forEach(MetricKeys::requireValid);
        long timestamp = clock.millis();
        List<MetricRow> rows = new ArrayList<>(metrics.size());
        metrics.forEach((key, value) -> {
            if (value == null) {
                throw new IllegalArgumentException("metric " + key + " has no value");
            }
            rows.add(new MetricRow(key, value, step, timestamp));
        });
        long first = store.appendMetrics(rows);
        store.flushMetrics();
        return new AppendedRows(first, rows);
    }

    @Override
    public void logImage(String kind, int epoch, long step, byte[] png) {
        writeGrid(kind, epoch, step, png);
    }

    /** Does what {@link #logImage(String, int, long, byte[])} does and returns the grid's index entry. */
    public GridEntry writeGrid(String kind, int epoch, long step, byte[] png) {
        // The file name carries the epoch; the index keeps the step and time for trackers with a step slider.
        return store.writeGrid(kind, epoch, step, clock.millis(), png);
    }

    @Override
    public void logSummary(Map<String, Double> metrics) {
        store.writeSummary(metrics);
    }

    @Override
    public void flush() {
        store.syncMetrics();
    }

    @Override
    public long metricRows() {
        return store.metricRowCount();
    }

    @Override
    public void finish(RunStatus status, String error) {
        if (!status.isTerminal()) {
            throw new IllegalArgumentException("a run finishes in a terminal status, not " + status.wireName());
        }
        // Metrics first: a run.json that says "finished" promises that its metrics are on disk.
        store.syncMetrics();
        store.setStatus(status, error);
    }

    @Override
    public void detach() {
        try {
            store.syncMetrics();
        } finally {
            store.close();
        }
    }

    @Override
    public void close() {
        try {
            store.syncMetrics();
            if (store.record().status() == RunStatus.RUNNING) {
                store.setStatus(RunStatus.FAILED, "the run was closed without reporting how it ended");
            }
        } finally {
            store.close();
        }
    }
}
