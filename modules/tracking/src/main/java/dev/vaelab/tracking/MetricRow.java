package dev.vaelab.tracking;

import java.util.Objects;

/**
 * One value of one metric: a row of {@code metrics.csv}. Equality compares values as
 * {@link Double#compare} does (the record default), so rows holding NaN compare equal.
 *
 * @param key a metric key accepted by {@link MetricKeys#requireValid}
 * @param value the value; NaN and infinities are kept, not dropped
 * @param step the global training step the value belongs to
 * @param timestamp when it was logged, in milliseconds since the epoch (MLflow's unit)
 */
public record MetricRow(String key, double value, long step, long timestamp) {
    public MetricRow {
        Objects.requireNonNull(key, "key");
    }
}
