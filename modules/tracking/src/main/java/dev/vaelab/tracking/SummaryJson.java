package dev.vaelab.tracking;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vaelab.core.error.DataException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The layout of {@code summary.json}: one JSON object, metric key to number, sorted by key. JSON
 * has no NaN or infinity, so those are written as the strings {@code "NaN"}, {@code "Infinity"}
 * and {@code "-Infinity"} (what Python's {@code float()} parses).
 */
public final class SummaryJson {
    /** How {@link #toJson} writes the values JSON has no number for: {@link Double#toString}'s spelling. */
    private static final Set<String> NON_FINITE = Set.of("NaN", "Infinity", "-Infinity");

    private SummaryJson() {}

    /** The text of {@code summary.json}; every key must pass {@link MetricKeys#requireValid}. */
    public static String toJson(Map<String, Double> metrics) {
        ObjectNode node = JsonFiles.object();
        for (Map.Entry<String, Double> entry : new TreeMap<>(metrics).entrySet()) {
            String key = MetricKeys.requireValid(entry.getKey());
            double value = entry.getValue();
            if (Double.isFinite(value)) {
                node.put(key, value);
            } else {
                node.put(key, Double.toString(value));
            }
        }
        return JsonFiles.toText(node);
    }

    /** Reads a {@code summary.json} back, in file order. */
    public static Map<String, Double> read(Path file) {
        ObjectNode node = JsonFiles.readObject(file, "summary file");
        Map<String, Double> metrics = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            metrics.put(field.getKey(), number(file, field.getKey(), field.getValue()));
        }
        return metrics;
    }

    private static double number(Path file, String key, JsonNode value) {
        if (value.isNumber()) {
            return value.asDouble();
        }
        if (value.isTextual() && NON_FINITE.contains(value.asText())) {
            return Double.parseDouble(value.asText());
        }
        throw new DataException("summary file " + file + ": '" + key + "' is " + value
                + ", expected a number or \"NaN\", \"Infinity\", \"-Infinity\"");
    }
}
