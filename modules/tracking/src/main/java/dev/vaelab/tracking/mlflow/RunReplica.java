package dev.vaelab.tracking.mlflow;

import dev.vaelab.core.config.ConfigLoader;
import dev.vaelab.core.error.VaelabException;
import dev.vaelab.tracking.AtomicFiles;
import dev.vaelab.tracking.GridEntry;
import dev.vaelab.tracking.MetricRow;
import dev.vaelab.tracking.MetricsCsv;
import dev.vaelab.tracking.RunRecord;
import dev.vaelab.tracking.RunStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * One local run store mirrored into one MLflow run: the store is the truth, and everything sent is
 * derived from it, so a run logged live and a run synced later end up the same on the server.
 *
 * <p>Nothing is sent twice: {@link #attach} finds the run the store was mirrored to before (by the
 * id in {@code run.json}, else by the tag {@code vaelab.run_id}, which also covers a create whose
 * answer was lost) and sends only the metric rows the server lacks. After a failure that may have
 * written part of a batch (a 5xx, a timeout), the batch's keys are read back before it is sent
 * again. Params are logged once (logging the same value again is allowed; changing it is not),
 * tags and artifacts are replaced, so repeating them is harmless. If the server holds rows the
 * store no longer has (a resumed run dropped the rows logged after its checkpoint), that server run is
 * deleted and the store mirrored afresh, so the server never shows rows the run did not keep.
 *
 * <p>Every call goes through the {@link Retrier}; refusals (4xx) are thrown as {@link MlflowFailure}.
 * Not thread-safe: one sender thread uses it.
 */
final class RunReplica {
    static final String EXTRA_URI = "mlflow_tracking_uri";
    static final String EXTRA_EXPERIMENT = "mlflow_experiment_id";
    static final String EXTRA_RUN = "mlflow_run_id";
    static final String EXTRA_SYNC = "mlflow_sync";
    static final String EXTRA_NOTE = "mlflow_sync_note";
    static final String SYNC_PENDING = "pending";
    static final String SYNC_COMPLETE = "complete";
    static final String SYNC_INCOMPLETE = "incomplete";

    /** What attaching found: the local rows read, and those of them the server lacks, in file order. */
    record Attached(long localRows, List<MetricRow> missing) {}

    private final RunStore store;
    private final MlflowService service;
    private final Retrier retrier;
    private final Notices notices;
    private MlflowRun run;
    private ArtifactStore artifacts;
    private String artifactsProblem;
    private final Map<String, Long> onServer = new HashMap<>();
    private boolean imagesTagged;
    private boolean parentPending;

    RunReplica(RunStore store, MlflowService service, Retrier retrier, Notices notices) {
        this.store = store;
        this.service = service;
        this.retrier = retrier;
        this.notices = notices;
    }

    String runId() {
        return run.runId();
    }

    String experimentId() {
        return run.experimentId();
    }

    /** The run's page in the MLflow UI. */
    String page() {
        return service.server().runPage(run.experimentId(), run.runId());
    }

    /** Why artifacts cannot be stored, if they cannot. */
    Optional<String> artifactsProblem() {
        return Optional.ofNullable(artifactsProblem);
    }

    /**
     * Finds or creates the MLflow run of the store, records its id in {@code run.json}, logs the
     * params and tags it lacks and returns the metric rows it lacks.
     */
    Attached attach() {
        RunRecord record = store.record();
        String experimentId = retrier.call(() -> experiment(record.experiment()));
        MlflowRun existing = retrier.call(() -> existing(experimentId, record));
        List<MetricRow> local = localRows();
        List<MetricRow> missing = local;
        if (existing != null) {
            MlflowRun found = existing;
            List<MetricRow> remote = retrier.call(() -> serverRows(found));
            Optional<List<MetricRow>> difference = difference(local, remote);
            if (difference.isPresent()) {
                missing = difference.get();
            } else {
                retrier.run(() -> service.deleteRun(found.runId()));
                notices.say("MLflow: run " + found.runId() + " held metric rows this run no longer has (it resumed "
                        + "from its checkpoint, dropping what was logged after it); it is marked deleted and the run is "
                        + "logged afresh");
                existing = null;
            }
        }
        if (existing == null) {
            existing = retrier.call(() -> findOrCreate(experimentId, record));
        }
        run = existing;
        store.putExtras(Map.of(EXTRA_URI, service.server().display(), EXTRA_EXPERIMENT, run.experimentId(),
                EXTRA_RUN, run.runId()));
        try {
            artifacts = service.artifacts(run);
        } catch (VaelabException e) {
            artifactsProblem = e.getMessage();
            notices.say("MLflow: " + e.getMessage() + "; metrics and params are logged, artifacts stay local");
        }
        sendParams();
        sendTags(record);
        if (!record.status().isTerminal() && !run.status().equals("RUNNING")) {
            // a resumed run runs again; a terminal status is set by complete(), after everything else
            retrier.run(() -> service.setStatus(run.runId(), record.status(), null));
        }
        return new Attached(local.size(), missing);
    }

    /** Logs metric rows in batches within MLflow's limits, none twice. */
    void send(List<MetricRow> rows) {
        for (int from = 0; from < rows.size(); from += MlflowService.MAX_METRICS_PER_BATCH) {
            List<MetricRow> remaining = rows.subList(from, Math.min(rows.size(), from + MlflowService.MAX_METRICS_PER_BATCH));
            boolean uncertain = false;
            for (int attempt = 1; !remaining.isEmpty(); attempt++) {
                retrier.checkStopped();
                try {
                    if (uncertain) {
                        // the last attempt may have written some rows: send only those the server lacks
                        List<MetricRow> batch = remaining;
                        remaining = missingOnServer(batch);
                        uncertain = false;
                        if (remaining.isEmpty()) {
                            break;
                        }
                    }
                    service.logBatch(run.runId(), remaining, Map.of(), Map.of());
                    retrier.succeeded();
                    break;
                } catch (MlflowFailure f) {
                    if (f.rejected()) {
                        throw f;
                    }
                    uncertain |= f.kind() == MlflowFailure.Kind.UNCERTAIN;
                    retrier.pause(attempt, f);
                }
            }
        }
    }

    /**
     * Stores a grid once, as an MLflow image ({@code images/grids~<kind>+step+...png}, where the UI
     * reads it) with its WebP preview, then tags the run.
     */
    void uploadGrid(GridEntry entry) {
        if (artifacts == null) {
            return;
        }
        Path file = store.gridsDirectory().resolve(entry.file());
        if (!Files.isRegularFile(file)) {
            return;
        }
        byte[] png = read(file);
        String stem = stem(entry);
        put(stem + ".png", png);
        put(stem + "+compressed.webp", WebpPreview.of(png));
        tagImages();
    }

    /**
     * Stores every artifact of the run the server does not hold at its current size: the top-level
     * files ({@code config.yaml}, {@code metrics.csv}, {@code summary.json}, ...), the exported model
     * files (not the checkpoint) and the grids, once each, as MLflow images.
     */
    void uploadArtifacts() {
        if (artifacts == null) {
            return;
        }
        for (String dir : List.of("", RunStore.MODEL_DIR, "images", MlflowNames.LONG_PARAMS_DIR)) {
            for (ArtifactFile f : retrier.call(() -> artifacts.list(dir))) {
                onServer.put(f.path(), f.size());
            }
        }
        for (String path : artifactFiles()) {
            Path file = store.directory().resolve(path);
            if (!Long.valueOf(size(file)).equals(onServer.get(path))) {
                byte[] content = read(file);
                put(path, content);
            }
        }
        for (GridEntry entry : gridEntries()) {
            String stem = stem(entry);
            if (!onServer.containsKey(stem + ".png") || !onServer.containsKey(stem + "+compressed.webp")) {
                uploadGrid(entry);
            } else {
                tagImages();
            }
        }
    }

    private String stem(GridEntry entry) {
        return MlflowNames.imageStem(MlflowNames.gridImageKey(entry.kind()), entry.step(), entry.timestamp(),
                store.record().runId());
    }

    /** Uploads one file of the run directory ({@code /}-separated path), if artifacts can be stored. */
    void uploadFile(String path) {
        if (artifacts != null && Files.isRegularFile(store.directory().resolve(path))) {
            put(path, read(store.directory().resolve(path)));
        }
    }

    /**
     * Sends tags that changed (the sweep's parent, once it is on the server; tags added at the end),
     * then the run's status and end time from {@code record}.
     */
    void complete(RunRecord record) {
        sendTags(record);
        if (record.status().isTerminal()) {
            retrier.run(() -> service.setStatus(run.runId(), record.status(), record.endTime().toEpochMilli()));
        }
    }

    /**
     * Sends the tags that changed in the store since the run was mirrored to this server (a sweep's
     * ranks, set when the sweep ends), and nothing else. False, sending nothing, when the store was
     * not mirrored to this server or its run there is gone: a full sync must do it.
     */
    boolean retag() {
        RunRecord record = store.record();
        String id = record.extra().get(EXTRA_RUN);
        if (id == null || !service.server().display().equals(record.extra().get(EXTRA_URI))) {
            return false;
        }
        Optional<MlflowRun> there = retrier.call(() -> service.getRun(id));
        if (there.isEmpty() || !there.get().active()) {
            return false;
        }
        run = there.get();
        sendTags(record);
        return true;
    }

    /** Whether the parent run named by {@code vaelab.parent_run_id} was not found on the server yet. */
    boolean parentPending() {
        return parentPending;
    }

    // ----------------------------------------------------------------------------------------------

    private String experiment(String name) {
        Optional<String> id = service.experimentId(name);
        if (id.isPresent()) {
            return id.get();
        }
        try {
            return service.createExperiment(name);
        } catch (MlflowFailure f) {
            if (f.is(400, "RESOURCE_ALREADY_EXISTS")) {
                // another run of the sweep created it first, or a deleted experiment holds the name
                return service.experimentId(name).orElseThrow(() -> new MlflowFailure(MlflowFailure.Kind.REJECTED,
                        400, "RESOURCE_ALREADY_EXISTS", "experiment '" + name + "' is deleted on the server: restore it "
                        + "(`mlflow experiments restore`) or remove it for good (`mlflow gc`)", f));
            }
            throw f;
        }
    }

    /** The active server run this store was mirrored to, if any. */
    private MlflowRun existing(String experimentId, RunRecord record) {
        String uri = record.extra().get(EXTRA_URI);
        String id = record.extra().get(EXTRA_RUN);
        if (id != null && service.server().display().equals(uri)) {
            Optional<MlflowRun> byId = service.getRun(id);
            if (byId.isPresent() && byId.get().active()) {
                return byId.get();
            }
        }
        return service.findRuns(experimentId, RunTags.VAELAB_RUN_ID, record.runId()).stream().findFirst().orElse(null);
    }

    /** Looks before it creates, so a create whose answer was lost is not repeated. */
    private MlflowRun findOrCreate(String experimentId, RunRecord record) {
        List<MlflowRun> found = service.findRuns(experimentId, RunTags.VAELAB_RUN_ID, record.runId());
        if (!found.isEmpty()) {
            return found.get(0);
        }
        return service.createRun(experimentId, RunTags.of(record).get(RunTags.RUN_NAME), record.startTime().toEpochMilli(),
                tags(record, experimentId));
    }

    private List<MetricRow> serverRows(MlflowRun server) {
        List<MetricRow> rows = new ArrayList<>();
        for (String key : server.metricKeys().keySet()) {
            rows.addAll(service.metricHistory(server.runId(), key));
        }
        return rows;
    }

    /** Of {@code rows}, those the server does not hold, read back key by key. */
    private List<MetricRow> missingOnServer(List<MetricRow> rows) {
        Set<String> keys = new LinkedHashSet<>();
        rows.forEach(r -> keys.add(r.key()));
        List<MetricRow> remote = new ArrayList<>();
        for (String key : keys) {
            remote.addAll(service.metricHistory(run.runId(), key));
        }
        Map<MetricRow, Integer> counts = counts(remote);
        List<MetricRow> missing = new ArrayList<>();
        for (MetricRow row : rows) {
            if (!take(counts, row)) {
                missing.add(row);
            }
        }
        return missing;
    }

    /**
     * The local rows the server lacks, in file order; empty when the server holds a row the store
     * does not (counting repeats), which means the server run must be replaced.
     */
    static Optional<List<MetricRow>> difference(List<MetricRow> local, List<MetricRow> remote) {
        Map<MetricRow, Integer> counts = counts(remote);
        List<MetricRow> missing = new ArrayList<>();
        for (MetricRow row : local) {
            if (!take(counts, row)) {
                missing.add(row);
            }
        }
        return counts.isEmpty() ? Optional.of(missing) : Optional.empty();
    }

    private static Map<MetricRow, Integer> counts(List<MetricRow> rows) {
        Map<MetricRow, Integer> counts = new HashMap<>();
        rows.forEach(r -> counts.merge(canonical(r), 1, Integer::sum));
        return counts;
    }

    private static boolean take(Map<MetricRow, Integer> counts, MetricRow row) {
        MetricRow key = canonical(row);
        Integer n = counts.get(key);
        if (n == null) {
            return false;
        }
        if (n == 1) {
            counts.remove(key);
        } else {
            counts.put(key, n - 1);
        }
        return true;
    }

    /** SQL stores keep ±Infinity as ±Double.MAX_VALUE; read back, that is the same value. */
    private static MetricRow canonical(MetricRow row) {
        double v = row.value();
        if (v == Double.MAX_VALUE || v == -Double.MAX_VALUE) {
            return new MetricRow(row.key(), v > 0 ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY, row.step(),
                    row.timestamp());
        }
        return row;
    }

    private void sendParams() {
        Map<String, String> params = MlflowNames.params(RunTags.params(store.record())
                .orElseGet(() -> ConfigLoader.parse(store.readConfig(), RunStore.CONFIG_FILE).flatten()));
        Map<String, String> toLog = new LinkedHashMap<>();
        for (Map.Entry<String, String> p : params.entrySet()) {
            String value = p.getValue();
            if (MlflowNames.tooLongForParam(value)) {
                if (artifacts != null) {
                    put(MlflowNames.longParamArtifact(p.getKey()), value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                }
                value = MlflowNames.shortenedParam(p.getKey(), value);
            }
            String there = run.params().get(p.getKey());
            if (there == null) {
                toLog.put(p.getKey(), value);
            } else if (!there.equals(value)) {
                throw new MlflowFailure(MlflowFailure.Kind.REJECTED, 400, "INVALID_PARAMETER_VALUE", "param '"
                        + p.getKey() + "' of run " + run.runId() + " is '" + there + "' on the server but '" + value
                        + "' in " + store.configFile() + "; MLflow params cannot change", null);
            }
        }
        List<Map.Entry<String, String>> entries = new ArrayList<>(toLog.entrySet());
        for (int from = 0; from < entries.size(); from += MlflowService.MAX_PARAMS_PER_BATCH) {
            Map<String, String> batch = new LinkedHashMap<>();
            entries.subList(from, Math.min(entries.size(), from + MlflowService.MAX_PARAMS_PER_BATCH))
                    .forEach(e -> batch.put(e.getKey(), e.getValue()));
            retrier.run(() -> service.logBatch(run.runId(), List.of(), batch, Map.of()));
        }
    }

    private void sendTags(RunRecord record) {
        Map<String, String> wanted = tags(record, run.experimentId());
        Map<String, String> toSet = new LinkedHashMap<>();
        wanted.forEach((k, v) -> {
            if (!v.equals(run.tags().get(k))) {
                toSet.put(k, v);
            }
        });
        List<Map.Entry<String, String>> entries = new ArrayList<>(toSet.entrySet());
        for (int from = 0; from < entries.size(); from += MlflowService.MAX_TAGS_PER_BATCH) {
            Map<String, String> batch = new LinkedHashMap<>();
            entries.subList(from, Math.min(entries.size(), from + MlflowService.MAX_TAGS_PER_BATCH))
                    .forEach(e -> batch.put(e.getKey(), e.getValue()));
            retrier.run(() -> service.logBatch(run.runId(), List.of(), Map.of(), batch));
        }
        Map<String, String> now = new LinkedHashMap<>(run.tags());
        now.putAll(toSet);
        run = new MlflowRun(run.runId(), run.experimentId(), run.artifactUri(), run.status(), run.lifecycleStage(),
                run.params(), now, run.metricKeys());
    }

    /** The tags of the run, with the sweep's parent resolved to its id on this server when it is there. */
    private Map<String, String> tags(RunRecord record, String experimentId) {
        Map<String, String> tags = new LinkedHashMap<>(RunTags.of(record));
        tags.put(RunTags.CONFIG, MlflowNames.tagValue(store.readConfig()));
        String parent = tags.get(RunTags.PARENT_VAELAB_RUN_ID);
        parentPending = false;
        if (parent != null) {
            Optional<MlflowRun> found = retrier.call(() -> service.findRuns(experimentId, RunTags.VAELAB_RUN_ID, parent))
                    .stream().findFirst();
            if (found.isPresent()) {
                tags.put(RunTags.PARENT_RUN_ID, found.get().runId());
            } else {
                // the parent is not on this server yet; its id is set when it is
                tags.remove(RunTags.PARENT_RUN_ID);
                parentPending = true;
            }
        }
        return tags;
    }

    private void tagImages() {
        if (!imagesTagged && !"true".equals(run.tags().get(RunTags.LOGGED_IMAGES))) {
            retrier.run(() -> service.logBatch(run.runId(), List.of(), Map.of(), Map.of(RunTags.LOGGED_IMAGES, "true")));
        }
        imagesTagged = true;
    }

    private void put(String path, byte[] content) {
        retrier.run(() -> artifacts.put(path, content));
        onServer.put(path, (long) content.length);
    }

    private List<MetricRow> localRows() {
        return Files.exists(store.metricsFile()) ? MetricsCsv.read(store.metricsFile()) : List.of();
    }

    /** The grids to log as images: the index, else (runs from before it) the files named by the epoch metric. */
    List<GridEntry> gridEntries() {
        List<GridEntry> entries = store.readGridIndex();
        if (!entries.isEmpty() || !Files.isDirectory(store.gridsDirectory())) {
            return entries;
        }
        Map<Integer, MetricRow> epochRows = new HashMap<>();
        for (MetricRow row : localRows()) {
            if (row.key().equals("epoch")) {
                epochRows.putIfAbsent((int) row.value(), row);
            }
        }
        List<GridEntry> derived = new ArrayList<>();
        try (Stream<Path> files = Files.list(store.gridsDirectory())) {
            files.map(p -> p.getFileName().toString()).sorted().forEach(name -> {
                var m = java.util.regex.Pattern.compile("([a-z][a-z0-9_]*)_e(\\d+)\\.png").matcher(name);
                if (m.matches() && epochRows.containsKey(Integer.parseInt(m.group(2)))) {
                    MetricRow at = epochRows.get(Integer.parseInt(m.group(2)));
                    derived.add(new GridEntry(name, m.group(1), Integer.parseInt(m.group(2)), at.step(), at.timestamp()));
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + store.gridsDirectory(), e);
        }
        return derived;
    }

    /** The run directory's files that are artifacts, {@code /}-separated. */
    private List<String> artifactFiles() {
        List<String> files = new ArrayList<>();
        addFiles(files, "", name -> !name.equals(RunStore.RUN_FILE)
                && (name.endsWith(".yaml") || name.endsWith(".json") || name.endsWith(".csv") || name.endsWith(".txt")));
        addFiles(files, RunStore.MODEL_DIR, name -> !name.startsWith("checkpoint"));
        return files;
    }

    private void addFiles(List<String> out, String dir, java.util.function.Predicate<String> keep) {
        Path folder = dir.isEmpty() ? store.directory() : store.directory().resolve(dir);
        if (!Files.isDirectory(folder)) {
            return;
        }
        try (Stream<Path> entries = Files.list(folder)) {
            entries.filter(Files::isRegularFile).map(p -> p.getFileName().toString())
                    .filter(name -> !name.startsWith(".") && !name.startsWith(AtomicFiles.TEMP_PREFIX) && keep.test(name))
                    .sorted().forEach(name -> out.add(dir.isEmpty() ? name : dir + "/" + name));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + folder, e);
        }
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
