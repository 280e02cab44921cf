package dev.vaelab.tracking;

import java.awt.image.BufferedImage;
import java.util.Map;

/**
 * Where a run reports what it measures and produces: the seam between training and the places
 * results go. {@link LocalRunLogger} writes the run directory; {@link
 * dev.vaelab.tracking.mlflow.MlflowRunLogger} wraps it to mirror what it wrote to an MLflow server
 * (the same rows, with the same timestamps); {@link CompositeRunLogger} fans calls out to
 * independent loggers. Metric keys follow ARCHITECTURE.md ("Metrics") and must pass
 * {@link MetricKeys#requireValid}; every value, NaN included, is recorded as given.
 *
 * <p>A run calls {@link #finish} once with its outcome, then {@link #close}. Implementations are
 * thread-safe.
 */
public interface RunLogger extends AutoCloseable {

    /** Records one value of {@code key} at the global {@code step}. */
    void logMetric(String key, double value, long step);

    /** Records several values at one global {@code step}; all keys are checked before any is recorded. */
    void logMetrics(Map<String, Double> metrics, long step);

    /**
     * Records an image grid of {@code kind} (such as {@code samples}, {@code reconstructions},
     * {@code traversals}, {@code classes}) for {@code epoch}, taken at the global {@code step}.
     */
    void logImage(String kind, int epoch, long step, byte[] png);

    /** As {@link #logImage(String, int, long, byte[])}, encoding {@code image} as PNG first. */
    default void logImage(String kind, int epoch, long step, BufferedImage image) {
        logImage(kind, epoch, step, Png.encode(image));
    }

    /** Records the run's final metrics, replacing earlier ones. */
    void logSummary(Map<String, Double> metrics);

    /** Makes everything logged so far durable; a crash after this loses none of it. */
    void flush();

    /**
     * How many metric rows the run's record holds, those of earlier attempts and those still being
     * written included. A checkpoint keeps this number, taken after {@link #flush}, so that a run
     * resumed from it keeps exactly the rows logged before it: rows logged after it at the same
     * step (the test metrics of a run stopped before it recorded its end) are dropped, not doubled.
     */
    long metricRows();

    /**
     * Ends the run in a terminal {@code status} with {@code error} (a message, or null) describing
     * what went wrong for {@link RunStatus#FAILED} or {@link RunStatus#KILLED}.
     */
    void finish(RunStatus status, String error);

    /** Flushes and releases everything; a run closed without {@link #finish} is recorded as failed. */
    @Override
    void close();

    /**
     * Flushes and releases everything, leaving the run running: another process ends it later (the
     * final job of a sweep handed to a scheduler reopens its parent run to end it). Instead of
     * {@link #close}, never with it.
     */
    void detach();
}
