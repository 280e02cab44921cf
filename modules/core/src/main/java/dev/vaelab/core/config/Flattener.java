package dev.vaelab.core.config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/** Flattens a tree to dotted keys and scalar text; see {@link ConfigNode#flatten()}. */
final class Flattener {
    private Flattener() {}

    static Map<String, String> flatten(ConfigNode node) {
        Map<String, String> out = new LinkedHashMap<>();
        add(out, "", node);
        return out;
    }

    private static void add(Map<String, String> out, String key, ConfigNode node) {
        if (node instanceof ConfigScalar s) {
            out.put(key, text(s));
        } else if (node instanceof ConfigList l) {
            if (l.isFlat()) {
                out.put(key, l.elements().stream().map(e -> text((ConfigScalar) e))
                        .collect(Collectors.joining(", ", "[", "]")));
            } else {
                for (int i = 0; i < l.elements().size(); i++) {
                    add(out, ConfigPath.element(key, i), l.elements().get(i));
                }
            }
        } else {
            ConfigMap m = (ConfigMap) node;
            if (m.entries().isEmpty() && !key.isEmpty()) {
                out.put(key, "{}"); // keeps a section that is present but empty visible
            }
            for (ConfigMap.Entry e : m.entries()) {
                add(out, ConfigPath.child(key, e.key()), e.value());
            }
        }
    }

    private static String text(ConfigScalar s) {
        return s.isNull() ? "null" : s.text();
    }
}
