package dev.vaelab.core.config;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * What readers asked of one {@link ConfigMap}: the keys they asked for (the map's allowed keys) and
 * the defaults they applied (what the resolved config adds). Guarded by its own lock because
 * factories may read their sections from different threads.
 */
final class ReadLog {
    private final Set<String> asked = new LinkedHashSet<>();
    private final Map<String, ConfigNode> defaults = new LinkedHashMap<>();
    private final Map<String, ConfigNode> offered = new LinkedHashMap<>();

    synchronized void ask(String key) {
        asked.add(key);
    }

    synchronized Set<String> asked() {
        return Set.copyOf(asked);
    }

    /** The default already applied for {@code key}, or the one {@code make} builds, recorded now. */
    synchronized ConfigNode applyDefault(String key, Supplier<ConfigNode> make) {
        return defaults.computeIfAbsent(key, k -> make.get());
    }

    /** Records the default a reader offered for {@code key} though the key was present (to tell non-defaults). */
    synchronized void offer(String key, Supplier<ConfigNode> make) {
        offered.computeIfAbsent(key, k -> make.get());
    }

    /** The defaults offered for keys, applied or not. */
    synchronized Map<String, ConfigNode> offered() {
        Map<String, ConfigNode> all = new LinkedHashMap<>(offered);
        all.putAll(defaults);
        return all;
    }

    synchronized Map<String, ConfigNode> defaults() {
        return new LinkedHashMap<>(defaults);
    }
}
