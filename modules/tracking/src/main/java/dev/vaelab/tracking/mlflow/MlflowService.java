package dev.vaelab.tracking.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vaelab.tracking.MetricRow;
import dev.vaelab.tracking.RunStatus;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.mlflow.api.proto.Service;
import org.mlflow.tracking.MlflowClient;
import org.mlflow.tracking.MlflowClientException;
import org.mlflow.tracking.RunsPage;

/**
 * The calls vaelab makes to one MLflow server: the tracking API through {@code mlflow-client}
 * (made by {@link MlflowClients}, one attempt per call) and artifacts over plain HTTP. Every call
 * either succeeds or throws an {@link MlflowFailure} saying whether to retry; none retries itself.
 * Thread-safe; {@link #close()} aborts calls in flight.
 */
public final class MlflowService implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** MLflow's limits on one {@code runs/log-batch} request. */
    public static final int MAX_METRICS_PER_BATCH = 1000;
    public static final int MAX_PARAMS_PER_BATCH = 100;
    public static final int MAX_TAGS_PER_BATCH = 100;
    public static final int MAX_ENTITIES_PER_BATCH = 1000;

    private final TrackingServer server;
    private final MlflowSettings settings;
    private final MlflowClient client;
    private final HttpClient http;

    public MlflowService(TrackingServer server, MlflowSettings settings) {
        this.server = server;
        this.settings = settings;
        this.client = MlflowClients.create(server, settings);
        this.http = HttpClient.newBuilder().connectTimeout(settings.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER).version(HttpClient.Version.HTTP_1_1).build();
    }

    public TrackingServer server() {
        return server;
    }

    /** The id of the active experiment of this name, if there is one. */
    public Optional<String> experimentId(String name) {
        return call("look up experiment '" + name + "'", () -> client.getExperimentByName(name))
                .filter(e -> !"deleted".equals(e.getLifecycleStage()))
                .map(Service.Experiment::getExperimentId);
    }

    /** Creates an experiment; fails with 400 RESOURCE_ALREADY_EXISTS when one of that name exists. */
    public String createExperiment(String name) {
        return call("create experiment '" + name + "'", () -> client.createExperiment(name));
    }

    /** Creates a running run with these tags, starting at {@code startTime} (ms). */
    public MlflowRun createRun(String experimentId, String runName, long startTime, Map<String, String> tags) {
        Service.CreateRun.Builder request = Service.CreateRun.newBuilder().setExperimentId(experimentId)
                .setRunName(runName).setStartTime(startTime);
        tags.forEach((k, v) -> request.addTags(Service.RunTag.newBuilder().setKey(k).setValue(v)));
        Service.RunInfo info = call("create run '" + runName + "'", () -> client.createRun(request.build()));
        return new MlflowRun(info.getRunId(), info.getExperimentId(), info.getArtifactUri(), info.getStatus().name(),
                info.getLifecycleStage(), Map.of(), tags, Map.of());
    }

    /** The run with this id; empty when the server does not know it (404 RESOURCE_DOES_NOT_EXIST). */
    public Optional<MlflowRun> getRun(String runId) {
        try {
            return Optional.of(toRun(call("get run " + runId, () -> client.getRun(runId))));
        } catch (MlflowFailure f) {
            if (f.status() == 404) {
                return Optional.empty();
            }
            throw f;
        }
    }

    /** The active runs of an experiment that have tag {@code key} set to {@code value}. */
    public List<MlflowRun> findRuns(String experimentId, String key, String value) {
        String filter = "tags.`" + key + "` = '" + value.replace("'", "\\'") + "'";
        List<MlflowRun> runs = new ArrayList<>();
        RunsPage page = call("search runs", () -> client.searchRuns(List.of(experimentId), filter,
                Service.ViewType.ACTIVE_ONLY, 1000));
        while (true) {
            page.getItems().forEach(run -> runs.add(toRun(run)));
            if (!page.hasNextPage()) {
                return runs;
            }
            RunsPage current = page;
            page = call("search runs", () -> (RunsPage) current.getNextPage());
        }
    }

    /**
     * Logs one batch. The caller keeps within MLflow's limits ({@value #MAX_METRICS_PER_BATCH}
     * metrics, {@value #MAX_PARAMS_PER_BATCH} params, {@value #MAX_TAGS_PER_BATCH} tags,
     * {@value #MAX_ENTITIES_PER_BATCH} in all); this checks and refuses more without sending.
     */
    public void logBatch(String runId, List<MetricRow> metrics, Map<String, String> params, Map<String, String> tags) {
        if (metrics.size() > MAX_METRICS_PER_BATCH || params.size() > MAX_PARAMS_PER_BATCH
                || tags.size() > MAX_TAGS_PER_BATCH || metrics.size() + params.size() + tags.size() > MAX_ENTITIES_PER_BATCH) {
            throw new IllegalArgumentException("a batch of " + metrics.size() + " metrics, " + params.size()
                    + " params and " + tags.size() + " tags is over MLflow's limits");
        }
        List<Service.Metric> m = new ArrayList<>(metrics.size());
        for (MetricRow row : metrics) {
            m.add(Service.Metric.newBuilder().setKey(row.key()).setValue(row.value()).setStep(row.step())
                    .setTimestamp(row.timestamp()).build());
        }
        List<Service.Param> p = new ArrayList<>(params.size());
        params.forEach((k, v) -> p.add(Service.Param.newBuilder().setKey(k).setValue(v).build()));
        List<Service.RunTag> t = new ArrayList<>(tags.size());
        tags.forEach((k, v) -> t.add(Service.RunTag.newBuilder().setKey(k).setValue(v).build()));
        call("log a batch of " + metrics.size() + " metrics, " + params.size() + " params, " + tags.size() + " tags",
                () -> {
                    client.logBatch(runId, m, p, t);
                    return null;
                });
    }

    /**
     * Every value the server holds of one metric of a run, in the server's order, page by page.
     * (The client's own {@code getMetricHistory} fails on a second page in 2.17.2: it appends to
     * the first page's unmodifiable list.)
     */
    public List<MetricRow> metricHistory(String runId, String key) {
        List<MetricRow> rows = new ArrayList<>();
        String token = null;
        do {
            String path = "metrics/get-history?run_id=" + query(runId) + "&metric_key=" + query(key)
                    + "&max_results=25000" + (token == null ? "" : "&page_token=" + query(token));
            String body = call("read the history of " + key, () -> client.sendGet(path));
            JsonNode page;
            try {
                page = JSON.readTree(body);
            } catch (java.io.IOException e) {
                throw new MlflowFailure(MlflowFailure.Kind.REJECTED, 200, null, "read the history of " + key
                        + ": the server's answer is not MLflow's JSON: " + e.getMessage(), e);
            }
            for (JsonNode m : page.path("metrics")) {
                rows.add(new MetricRow(m.path("key").asText(key), number(m.path("value")), m.path("step").asLong(0),
                        m.path("timestamp").asLong(0)));
            }
            token = page.path("next_page_token").asText("");
        } while (!token.isEmpty());
        return rows;
    }

    /**
     * A proto3 JSON double: a number, or a string such as {@code NaN}, {@code Infinity} or
     * {@code -Infinity}, each of which {@link Double#parseDouble} reads as it is.
     */
    private static double number(JsonNode value) {
        return value.isNumber() ? value.asDouble() : Double.parseDouble(value.asText());
    }

    private static String query(String value) {
        return java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Ends a run in {@code status} at {@code endTime} (ms); RUNNING puts it back to running. */
    public void setStatus(String runId, RunStatus status, Long endTime) {
        Service.RunStatus proto = Service.RunStatus.valueOf(status.name());
        call("set the status of run " + runId + " to " + status.name(), () -> {
            if (endTime == null) {
                client.setTerminated(runId, proto);
            } else {
                client.setTerminated(runId, proto, endTime);
            }
            return null;
        });
    }

    /** Marks a run deleted (MLflow keeps it, restorable, out of the default views). */
    public void deleteRun(String runId) {
        call("delete run " + runId, () -> {
            client.deleteRun(runId);
            return null;
        });
    }

    /** The artifact location of {@code run}; throws a user error for locations vaelab cannot write. */
    public ArtifactStore artifacts(MlflowRun run) {
        return ArtifactStores.forLocation(run.artifactUri(), server, http, settings.requestTimeout());
    }

    /** Closes connections; calls in flight fail. */
    @Override
    public void close() {
        client.close();
    }

    private static MlflowRun toRun(Service.Run run) {
        Service.RunInfo info = run.getInfo();
        Map<String, String> params = new LinkedHashMap<>();
        run.getData().getParamsList().forEach(p -> params.put(p.getKey(), p.getValue()));
        Map<String, String> tags = new LinkedHashMap<>();
        run.getData().getTagsList().forEach(t -> tags.put(t.getKey(), t.getValue()));
        Map<String, Long> metrics = new LinkedHashMap<>();
        run.getData().getMetricsList().forEach(m -> metrics.put(m.getKey(), m.getStep()));
        return new MlflowRun(info.getRunId(), info.getExperimentId(), info.getArtifactUri(), info.getStatus().name(),
                info.getLifecycleStage(), params, tags, metrics);
    }

    private static <T> T call(String what, Supplier<T> call) {
        try {
            return call.get();
        } catch (MlflowFailure f) {
            throw f;
        } catch (MlflowClientException | IllegalStateException e) {
            throw MlflowClients.failure(what, e);
        }
    }
}
