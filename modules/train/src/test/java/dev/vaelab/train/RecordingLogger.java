package dev.vaelab.train;

import dev.vaelab.tracking.RunLogger;
import dev.vaelab.tracking.RunStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A {@link RunLogger} that keeps every call, for assertions. */
final class RecordingLogger implements RunLogger {
    record Row(String key, double value, long step) {
    }

    record Image(String kind, int epoch, long step, byte[] png) {
    }

    final List<Row> rows = new ArrayList<>();
    final List<Image> images = new ArrayList<>();
    final List<Map<String, Double>> batches = new ArrayList<>();
    int flushes;

    @Override
    public void logMetric(String key, double value, long step) {
        rows.add(new Row(key, value, step));
    }

    @Override
    public void logMetrics(Map<String, Double> metrics, long step) {
        batches.add(new LinkedHashMap<>(metrics));
        metrics.forEach((k, v) -> rows.add(new Row(k, v, step)));
    }

    @Override
    public void logImage(String kind, int epoch, long step, byte[] png) {
        images.add(new Image(kind, epoch, step, png));
    }

    @Override
    public void logSummary(Map<String, Double> metrics) {
    }

    @Override
    public void flush() {
        flushes++;
    }

    @Override
    public long metricRows() {
        return rows.size();
    }

    @Override
    public void finish(RunStatus status, String error) {
    }

    @Override
    public void close() {
    }

    @Override
    public void detach() {
    }

    /** The rows of {@code key}, in order. */
    List<Row> rows(String key) {
        return rows.stream().filter(r -> r.key().equals(key)).toList();
    }
}
