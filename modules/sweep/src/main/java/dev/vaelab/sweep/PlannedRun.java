package dev.vaelab.sweep;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One run of a sweep, validated and named.
 *
 * @param index its position in the sweep, from 0
 * @param name the run's folder name: the experiment name plus a hash of {@code configYaml}
 * @param parameters the swept keys and this run's values, as text
 * @param configYaml the run's resolved config (defaults included, no {@code sweep:} section): what
 *     {@code vaelab run} or a launcher runs, and what the name hashes
 */
public record PlannedRun(int index, String name, Map<String, String> parameters, String configYaml) {
    public PlannedRun {
        Objects.requireNonNull(name, "name");
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        Objects.requireNonNull(configYaml, "configYaml");
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
