package dev.vaelab.sweep;

import dev.vaelab.core.config.ConfigMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A launcher's own settings: its section of the sweep ({@code sweep.<launcher>} in the YAML) and
 * the command line's options over it, keyed as in the YAML ({@code --cpus-per-task 4} is
 * {@code cpus_per_task: ["4"]}; a repeatable option has one value per use).
 *
 * @param section the YAML section, if the sweep has one
 * @param commandLine the command line's values by YAML key, in the order given
 */
public record LauncherSettings(Optional<ConfigMap> section, Map<String, List<String>> commandLine) {
    public LauncherSettings {
        Objects.requireNonNull(section, "section");
        Map<String, List<String>> copy = new LinkedHashMap<>();
        commandLine.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        commandLine = java.util.Collections.unmodifiableMap(copy);
    }

    /** No section, nothing on the command line. */
    public static final LauncherSettings NONE = new LauncherSettings(Optional.empty(), Map.of());

    /** The command-line option that sets {@code key}: {@code cpus_per_task} is {@code --cpus-per-task}. */
    public static String option(String key) {
        return "--" + key.replace('_', '-');
    }
}
