package dev.vaelab.tracking.mlflow;

import dev.vaelab.tracking.RunContext;
import dev.vaelab.tracking.RunRecord;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The tags of a run on MLflow, and how they are kept in the local store so that a run synced later,
 * from another machine, gets the same tags as a live one. What depends on where and how the run was
 * started (user, experiment file, git commit, the sweep it belongs to) is written into
 * {@code run.json}'s {@code extra} map as {@code tag.<key>} when the run's logger opens; what
 * {@code run.json} holds anyway (name, ids, version, host) is derived from it.
 */
public final class RunTags {
    /** Prefix of tags kept in {@code run.json}'s {@code extra} map. */
    public static final String EXTRA_PREFIX = "tag.";

    public static final String RUN_NAME = "mlflow.runName";
    public static final String USER = "mlflow.user";
    public static final String SOURCE_NAME = "mlflow.source.name";
    public static final String SOURCE_TYPE = "mlflow.source.type";
    public static final String GIT_COMMIT = "mlflow.source.git.commit";
    public static final String PARENT_RUN_ID = "mlflow.parentRunId";
    public static final String LOGGED_IMAGES = "mlflow.loggedImages";
    public static final String VAELAB_RUN_ID = "vaelab.run_id";
    public static final String VAELAB_VERSION = "vaelab.version";
    public static final String VAELAB_HOST = "vaelab.host";
    public static final String SWEEP = "vaelab.sweep";
    public static final String SWEEP_ID = "vaelab.sweep_id";
    /** The vaelab run id of the sweep's parent run; resolved to {@link #PARENT_RUN_ID} on each server. */
    public static final String PARENT_VAELAB_RUN_ID = "vaelab.parent_run_id";
    /** {@code sweep} on a sweep's parent run. */
    public static final String ROLE = "vaelab.role";

    private RunTags() {}

    /**
     * The tags to keep in the store for a run opened with {@code context}, as {@code extra} fields:
     * user, source type, experiment file and its git commit when known, and the context's tags.
     */
    public static Map<String, String> toRecord(RunContext context, String user) {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put(USER, user);
        tags.put(SOURCE_TYPE, "LOCAL");
        context.source().ifPresent(file -> {
            tags.put(SOURCE_NAME, file.toAbsolutePath().normalize().toString());
            GitCommit.of(file).ifPresent(commit -> tags.put(GIT_COMMIT, commit));
        });
        tags.putAll(context.tags());
        Map<String, String> extra = new LinkedHashMap<>();
        tags.forEach((k, v) -> extra.put(EXTRA_PREFIX + k, v));
        return extra;
    }

    /** Every tag a run gets on MLflow, from its record: derived ones and those kept in {@code extra}. */
    public static Map<String, String> of(RunRecord record) {
        Map<String, String> tags = new TreeMap<>();
        record.extra().forEach((k, v) -> {
            if (k.startsWith(EXTRA_PREFIX)) {
                tags.put(MlflowNames.key(k.substring(EXTRA_PREFIX.length())), MlflowNames.tagValue(v));
            }
        });
        tags.put(RUN_NAME, record.runName());
        tags.put(VAELAB_RUN_ID, record.runId());
        tags.put(VAELAB_VERSION, record.vaelabVersion());
        tags.put(VAELAB_HOST, record.host());
        return tags;
    }
}
