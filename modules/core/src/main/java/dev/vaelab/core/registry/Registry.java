package dev.vaelab.core.registry;

import dev.vaelab.core.spec.ComponentSpec;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The implementations of one extension point keyed by their YAML {@code type}, as bound by Guice
 * {@code MapBinder}s (ours and plugins' alike). Resolving an unknown type fails at validation with
 * the file, line and known types, as Druid's PolyBind does.
 */
public final class Registry<F> {
    private final Map<String, F> factories;

    public Registry(Map<String, F> factories) {
        this.factories = new TreeMap<>(factories);
    }

    /** The factory for {@code spec.type()}. */
    public F resolve(ComponentSpec spec) {
        F factory = factories.get(spec.type());
        if (factory == null) {
            throw spec.unknownType(factories.keySet());
        }
        return factory;
    }

    /** The known types, sorted. */
    public Set<String> types() {
        return factories.keySet();
    }
}
