package dev.vaelab.core.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Builds the tree in which one dotted key is replaced, for sweeps and command-line overrides. The
 * result is a fresh tree (nothing read yet); the input is untouched.
 */
final class Overrides {
    private Overrides() {}

    /** Parses an override's value text; a block map ({@code a: 1} without braces) is refused. */
    static ConfigNode parse(String dottedKey, String valueText, SourceLocation origin) {
        try {
            return ConfigLoader.parseValue(valueText, origin, "");
        } catch (ConfigException e) {
            throw new ConfigException(origin, "override of '" + dottedKey + "': " + e.detail(), e);
        }
    }

    static ConfigMap apply(ConfigMap root, String dottedKey, ConfigNode value, SourceLocation origin) {
        String[] keys = dottedKey.split("\\.", -1);
        for (String key : keys) {
            if (key.isEmpty()) {
                throw new ConfigException(origin, "cannot override '" + dottedKey + "': empty key between dots");
            }
        }
        return replace(root, keys, 0, value, origin, dottedKey);
    }

    private static ConfigMap replace(ConfigMap map, String[] keys, int depth, ConfigNode value,
                                     SourceLocation origin, String dottedKey) {
        String key = keys[depth];
        String childPath = ConfigPath.child(map.path(), key);
        boolean last = depth == keys.length - 1;
        List<ConfigMap.Entry> entries = new ArrayList<>();
        boolean found = false;
        for (ConfigMap.Entry e : map.entries()) {
            String path = ConfigPath.child(map.path(), e.key());
            if (!e.key().equals(key)) {
                entries.add(new ConfigMap.Entry(e.key(), e.keyLocation(), copy(e.value(), path)));
                continue;
            }
            found = true;
            ConfigNode replaced = last ? copy(value, path) : descend(e.value(), keys, depth, value, origin, dottedKey);
            entries.add(new ConfigMap.Entry(key, e.keyLocation(), replaced));
        }
        if (!found) {
            // A new key sits at the override, so if no reader wants it, finish() points there.
            ConfigNode added = last
                    ? copy(value, childPath)
                    : replace(new ConfigMap(List.of(), origin, childPath), keys, depth + 1, value, origin, dottedKey);
            entries.add(new ConfigMap.Entry(key, origin, added));
        }
        return new ConfigMap(entries, map.location(), map.path());
    }

    private static ConfigNode descend(ConfigNode existing, String[] keys, int depth, ConfigNode value,
                                      SourceLocation origin, String dottedKey) {
        if (existing instanceof ConfigMap m) {
            return replace(m, keys, depth + 1, value, origin, dottedKey);
        }
        if (existing instanceof ConfigScalar s && s.isNull()) {
            return replace(new ConfigMap(List.of(), origin, existing.path()), keys, depth + 1, value, origin, dottedKey);
        }
        throw new ConfigException(origin, "cannot override '" + dottedKey + "': '" + existing.path()
                + "' is " + ValueReader.describe(existing) + " (at " + existing.location() + "), not a map");
    }

    /** A deep copy placed at {@code path}; maps are new, so nothing read from the original carries over. */
    static ConfigNode copy(ConfigNode node, String path) {
        if (node instanceof ConfigScalar s) {
            return new ConfigScalar(s.text(), s.plain(), s.location(), path);
        }
        if (node instanceof ConfigList l) {
            List<ConfigNode> elements = new ArrayList<>();
            for (ConfigNode e : l.elements()) {
                elements.add(copy(e, ConfigPath.element(path, elements.size())));
            }
            return new ConfigList(elements, l.location(), path);
        }
        List<ConfigMap.Entry> entries = new ArrayList<>();
        for (ConfigMap.Entry e : ((ConfigMap) node).entries()) {
            entries.add(new ConfigMap.Entry(e.key(), e.keyLocation(), copy(e.value(), ConfigPath.child(path, e.key()))));
        }
        return new ConfigMap(entries, node.location(), path);
    }
}
