package dev.vaelab.tracking;

import dev.vaelab.core.error.Failures;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Sends every call to several loggers in order, such as the local store and MLflow. Each logger
 * gets each call even when an earlier one fails, so an unreachable server cannot stop the local
 * store from recording; the first failure is then rethrown with the others attached as suppressed.
 * Metric keys are checked once up front, so a bad key reaches no logger at all.
 */
public final class CompositeRunLogger implements RunLogger {
    private final List<RunLogger> loggers;

    /** Logs to {@code loggers} in order; the first is the run's record, whose rows {@link #metricRows} counts. */
    public CompositeRunLogger(List<RunLogger> loggers) {
        if (loggers.isEmpty()) {
            throw new IllegalArgumentException("a composite logger needs at least one logger");
        }
        this.loggers = List.copyOf(loggers);
    }

    @Override
    public void logMetric(String key, double value, long step) {
        MetricKeys.requireValid(key);
        forEach(logger -> logger.logMetric(key, value, step));
    }

    @Override
    public void logMetrics(Map<String, Double> metrics, long step) {
        metrics.keySet().forEach(MetricKeys::requireValid);
        forEach(logger -> logger.logMetrics(metrics, step));
    }

    @Override
    public void logImage(String kind, int epoch, long step, byte[] png) {
        forEach(logger -> logger.logImage(kind, epoch, step, png));
    }

    @Override
    public void logSummary(Map<String, Double> metrics) {
        metrics.keySet().forEach(MetricKeys::requireValid);
        forEach(logger -> logger.logSummary(metrics));
    }

    @Override
    public void flush() {
        forEach(RunLogger::flush);
    }

    /** The first logger's: it is the run's record (the local store), the others mirror it. */
    @Override
    public long metricRows() {
        return loggers.get(0).metricRows();
    }

    @Override
    public void finish(RunStatus status, String error) {
        forEach(logger -> logger.finish(status, error));
    }

    @Override
    public void close() {
        forEach(RunLogger::close);
    }

    @Override
    public void detach() {
        forEach(RunLogger::detach);
    }

    private void forEach(Consumer<RunLogger> call) {
        Failures.callEach(loggers, call);
    }
}
