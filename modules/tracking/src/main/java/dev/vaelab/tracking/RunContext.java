package dev.vaelab.tracking;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * What a run logger needs to know about the run it logs: its local store, names, its MLflow params
 * (the flattened keys of its config that differ from their defaults; the full resolved config is
 * {@code config.yaml}), tags (e.g. the sweep it belongs to, see
 * {@link dev.vaelab.tracking.mlflow.SweepParent#childTags()}), the tracking URI, if any, and the
 * experiment file it came from, if known (MLflow's {@code mlflow.source.name} and, when the file is
 * in a git repository, {@code mlflow.source.git.commit}).
 */
public record RunContext(RunStore store, String experiment, String runName, Map<String, String> params,
                         Map<String, String> tags, Optional<String> trackingUri, Optional<Path> source) {
    public RunContext {
        params = Map.copyOf(params);
        tags = Map.copyOf(tags);
    }

    /** A context whose experiment file is not known. */
    public RunContext(RunStore store, String experiment, String runName, Map<String, String> params,
                      Map<String, String> tags, Optional<String> trackingUri) {
        this(store, experiment, runName, params, tags, trackingUri, Optional.empty());
    }

    /** This context with the experiment file it was read from. */
    public RunContext withSource(Path experimentFile) {
        return new RunContext(store, experiment, runName, params, tags, trackingUri, Optional.of(experimentFile));
    }

    /** This context with more tags, replacing tags of the same keys. */
    public RunContext withTags(Map<String, String> more) {
        Map<String, String> merged = new java.util.LinkedHashMap<>(tags);
        merged.putAll(more);
        return new RunContext(store, experiment, runName, params, merged, trackingUri, source);
    }
}
