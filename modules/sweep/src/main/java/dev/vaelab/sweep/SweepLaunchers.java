package dev.vaelab.sweep;

import dev.vaelab.core.config.ConfigException;
import dev.vaelab.core.config.Suggestions;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** The launchers bound by name ({@link SweepModule}, plugins); an unknown name is an error that lists the known ones. */
public final class SweepLaunchers {
    private final Map<String, SweepLauncher> byName;

    @Inject
    public SweepLaunchers(Map<String, SweepLauncher> byName) {
        this.byName = new TreeMap<>(byName);
    }

    /** The launcher chosen by {@code launch}. */
    public SweepLauncher get(SweepSpec.Launch launch) {
        SweepLauncher launcher = byName.get(launch.name());
        if (launcher == null) {
            throw new ConfigException(launch.location(), "unknown launcher '" + launch.name() + "'; known launchers: "
                    + Suggestions.list(byName.keySet()) + Suggestions.didYouMean(launch.name(), byName.keySet()));
        }
        return launcher;
    }

    /** Their names, which are also the keys of their sections under {@code sweep:}. */
    public Set<String> names() {
        return byName.keySet();
    }
}
