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
    /** Prefix of the MLflow params kept in {@code run.json}'s {@code extra} map. */
    public static final String PARAM_PREFIX = "param.";
    /** In {@code extra}: the params above were chosen when the run opened (runs from before log every key). */
    public static final String PARAMS_CHOSEN = "mlflow_params";

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
    /** On a sweep's parent: the best run's name, as MLflow shows it. */
    public static final String BEST_RUN = "vaelab.best_run";
    /** On each run of a finished sweep: its place by the sweep's metric, {@code 1} for the best (runs without the metric have none). */
    public static final String RANK = "vaelab.rank";
    /** On each run of a finished sweep: {@code true} on the best run, {@code false} on the others. */
    public static final String BEST = "vaelab.best";
    /** {@code sweep} on a sweep's parent run. */
    public static final String ROLE = "vaelab.role";
    /** Prefix of the tags of a run's config keys that differ from their defaults: {@code config.model.latent_dim}. */
    public static final String CONFIG_TAG_PREFIX = "config.";
    /** MLflow's run description, which the run page shows above everything else. */
    public static final String NOTE = "mlflow.note.content";
    /** Why a run failed or was stopped, one line. */
    public static final String ERROR = "vaelab.error";
    /** The resolved config, YAML (also the artifact {@code config.yaml}). */
    public static final String CONFIG = "vaelab.config";
    /** The run's folder name (config hash), when MLflow's run name says something else. */
    public static final String RUN_NAME_VAELAB = "vaelab.run_name";
    /** A sweep's run: its swept keys and values, {@code beta.end=4 seed=1}. */
    public static final String SWEPT = "vaelab.swept";
    /** MLflow's longest run name. */
    public static final int MAX_RUN_NAME = 250;

    private RunTags() {}

    /**
     * The tags to keep in the store for a run opened with {@code context}, as {@code extra} fields:
     * user, source type, experiment file and its git commit when known, the context's tags, and
     * the context's params: a run's (its config's keys that differ from the defaults) as tags
     * {@code config.<key>}; a sweep's run's swept keys and a sweep parent's params as
     * {@code param.<key>}, its MLflow params.
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
        // MLflow's image cards print every param of a run under its name, pushing the grid out of the
        // card; so a run's config goes to tags (config.<key>, its keys that differ from the defaults),
        // and only what tells a sweep's runs apart, the swept keys, is a param
        Map<String, String> params = new LinkedHashMap<>();
        String swept = context.tags().get(SWEPT);
        if ("sweep".equals(context.tags().get(ROLE))) {
            params.putAll(context.params()); // a sweep's parent: its definition (it has no grids)
        } else {
            context.params().forEach((k, v) -> extra.put(EXTRA_PREFIX + CONFIG_TAG_PREFIX + k, v));
        }
        if (swept != null) {
            Map<String, String> resolved = dev.vaelab.core.config.ConfigLoader.parse(context.store().readConfig(),
                    dev.vaelab.tracking.RunStore.CONFIG_FILE).flatten();
            sweptKeys(swept).forEach(k -> {
                if (resolved.containsKey(k)) {
                    params.put(k, resolved.get(k));
                }
            });
        }
        params.forEach((k, v) -> extra.put(PARAM_PREFIX + k, v));
        extra.put(PARAMS_CHOSEN, "true");
        return extra;
    }

    /** The params chosen when the run opened, in {@code extra}; empty for runs from before, which log every key. */
    public static java.util.Optional<Map<String, String>> params(RunRecord record) {
        if (!"true".equals(record.extra().get(PARAMS_CHOSEN))) {
            return java.util.Optional.empty();
        }
        Map<String, String> params = new TreeMap<>();
        record.extra().forEach((k, v) -> {
            if (k.startsWith(PARAM_PREFIX)) {
                params.put(k.substring(PARAM_PREFIX.length()), v);
            }
        });
        return java.util.Optional.of(params);
    }

    private static String oneLine(String text) {
        return text.strip().replaceAll("\\s*\\R\\s*", " ");
    }

    /**
     * The swept keys of a sweep's run, parsed from its {@link #SWEPT} tag ({@code beta.end=4 seed=1}:
     * a key is the word before each {@code =}; values may hold spaces, as in {@code [32, 16]}).
     */
    public static java.util.List<String> sweptKeys(String swept) {
        java.util.List<String> keys = new java.util.ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?:^| )([A-Za-z0-9_.\\[\\]-]+)=").matcher(swept);
        while (m.find()) {
            keys.add(m.group(1));
        }
        return keys;
    }

    /** The run name MLflow shows: a sweep's run says its swept values, cut to MLflow's limit; else the folder name. */
    static String runName(RunRecord record, Map<String, String> tags) {
        String swept = tags.get(SWEPT);
        if (swept == null || swept.isBlank()) {
            return record.runName();
        }
        return swept.length() <= MAX_RUN_NAME ? swept : swept.substring(0, MAX_RUN_NAME - 3) + "...";
    }

    /** Every tag a run gets on MLflow, from its record: derived ones and those kept in {@code extra}. */
    public static Map<String, String> of(RunRecord record) {
        Map<String, String> tags = new TreeMap<>();
        record.extra().forEach((k, v) -> {
            if (k.startsWith(EXTRA_PREFIX)) {
                tags.put(MlflowNames.key(k.substring(EXTRA_PREFIX.length())), MlflowNames.tagValue(v));
            }
        });
        tags.put(RUN_NAME, runName(record, tags));
        tags.put(RUN_NAME_VAELAB, record.runName());
        if ((record.status() == dev.vaelab.tracking.RunStatus.FAILED || record.status() == dev.vaelab.tracking.RunStatus.KILLED)
                && record.error() != null && !record.error().isBlank()) {
            // the reason where MLflow shows it: the run's description, and a tag to search runs by
            String reason = MlflowNames.tagValue(oneLine(record.error()));
            tags.put(NOTE, record.status().name().toLowerCase(java.util.Locale.ROOT) + ": " + reason);
            tags.put(ERROR, reason);
        }
        tags.put(VAELAB_RUN_ID, record.runId());
        tags.put(VAELAB_VERSION, record.vaelabVersion());
        tags.put(VAELAB_HOST, record.host());
        return tags;
    }
}
