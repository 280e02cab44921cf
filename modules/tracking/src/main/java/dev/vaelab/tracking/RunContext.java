package dev.vaelab.tracking;

import java.util.Map;
import java.util.Optional;

/**
 * What a run logger needs to know about the run it logs: its local store, names, the flattened
 * resolved config (MLflow params), tags (e.g. the sweep it belongs to) and the tracking URI, if any.
 */
public record RunContext(RunStore store, String experiment, String runName, Map<String, String> params,
                         Map<String, String> tags, Optional<String> trackingUri) {
    public RunContext {
        params = Map.copyOf(params);
        tags = Map.copyOf(tags);
    }
}
