package dev.vaelab.sweep;

import dev.vaelab.core.config.ConfigList;
import dev.vaelab.core.config.ConfigNode;
import dev.vaelab.core.config.ConfigScalar;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The values one run of a sweep gives the swept keys, in the order the parameters are written.
 *
 * @param values dotted key to the value that replaces it in the base config
 */
public record Assignment(Map<String, ConfigNode> values) {
    public Assignment {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /** The values as short text for tables and logs: {@code 4}, {@code [400, 200]}, {@code {type: adam}}. */
    public Map<String, String> texts() {
        Map<String, String> out = new LinkedHashMap<>();
        values.forEach((key, value) -> out.put(key, text(value)));
        return Collections.unmodifiableMap(out);
    }

    /** {@code beta.end=4 seed=0}. */
    public String label() {
        return texts().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" "));
    }

    /** One value as text on one line. */
    static String text(ConfigNode value) {
        if (value instanceof ConfigScalar s) {
            return s.text();
        }
        if (value instanceof ConfigList l && l.isFlat()) {
            return value.flatten().get("");
        }
        return value.flatten().entrySet().stream()
                .map(e -> e.getKey() + ": " + e.getValue())
                .collect(Collectors.joining(", ", value instanceof ConfigList ? "[" : "{", value instanceof ConfigList ? "]" : "}"));
    }
}
