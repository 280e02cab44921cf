package dev.vaelab.sweep.summary;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One run as the summary shows it.
 *
 * @param index its position in the sweep (or in start order when there is no plan)
 * @param name its name (folder)
 * @param status {@code finished}, {@code failed}, {@code killed}, {@code running}, {@code pending}, ...
 * @param parameters its values of the swept keys, as text
 * @param metrics its key metrics: the final value from {@code summary.json}, else the last in {@code metrics.csv}
 * @param seconds its duration when it has ended, else null
 * @param error what went wrong, else null
 * @param curves per curve key, its (step, value) points in order
 */
public record RunRow(int index, String name, String status, Map<String, String> parameters,
                     Map<String, Double> metrics, Double seconds, String error, Map<String, List<double[]>> curves) {
    public RunRow {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(status, "status");
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
        curves = Collections.unmodifiableMap(new LinkedHashMap<>(curves));
    }

    /** The value of {@code metric}, if the run has one. */
    public Optional<Double> metric(String metric) {
        return Optional.ofNullable(metrics.get(metric));
    }

    /** {@code beta.end=4 seed=0}, or the name when nothing is swept. */
    public String label() {
        if (parameters.isEmpty()) {
            return name;
        }
        StringBuilder sb = new StringBuilder();
        parameters.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : " ").append(k).append('=').append(v));
        return sb.toString();
    }
}
