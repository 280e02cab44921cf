package dev.vaelab.tracking.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vaelab.core.error.VaelabException;
import dev.vaelab.tracking.RunRecord;
import dev.vaelab.tracking.RunStore;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Puts a run's model into MLflow's Model Registry: a version of a registered model (created when
 * new) whose source is the run's {@code model/} artifact folder, an MLflow Model directory, with
 * the run's key metrics as version tags. The run must be on the server already (logged live or
 * sent with {@code vaelab mlflow-sync}); everything goes over MLflow's REST API.
 */
public final class ModelRegistry {
    /** The summary metrics a version is tagged with, where the run has them. */
    static final List<String> KEY_METRICS = List.of("test/elbo", "test/nll_iw", "test/bits_per_dim", "test/kl",
            "test/recon_ll", "probe/accuracy");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A registered version: the model's name, the version's number, its source and the MLflow run id. */
    public record Version(String name, String version, String source, String runId) {}

    private final MlflowSettings settings;
    private final TrackingEnvironment environment;

    @Inject
    public ModelRegistry(MlflowSettings settings, TrackingEnvironment environment) {
        this.settings = settings;
        this.environment = environment;
    }

    /**
     * Registers the model of the run in {@code store} as a new version of {@code name} on the server
     * of {@code trackingUri}, else the one the run was logged to, else {@code MLFLOW_TRACKING_URI}.
     */
    public Version register(RunStore store, String name, Optional<String> trackingUri) {
        RunRecord record = store.record();
        String logged = record.extra().get(RunReplica.EXTRA_URI);
        String uri = trackingUri.or(() -> Optional.ofNullable(logged))
                .or(() -> Optional.ofNullable(environment.variables().get("MLFLOW_TRACKING_URI")))
                .orElseThrow(() -> new VaelabException("no tracking URI for " + store.directory()
                        + ": give --tracking-uri (the run was never logged to MLflow)"));
        TrackingServer server = TrackingServer.resolve(uri, environment.variables());
        if (!Files.isRegularFile(store.modelDirectory().resolve("MLmodel"))) {
            throw new VaelabException(store.directory() + " has no MLflow model (" + store.modelDirectory().resolve("MLmodel")
                    + "): run `vaelab export " + store.directory() + "`, then `vaelab mlflow-sync`, and register again");
        }
        String runId = record.extra().get(RunReplica.EXTRA_RUN);
        if (runId == null || !server.display().equals(logged)
                || !RunReplica.SYNC_COMPLETE.equals(record.extra().get(RunReplica.EXTRA_SYNC))) {
            throw new VaelabException("run " + store.directory() + " is not (completely) on " + server.display()
                    + ": run `vaelab mlflow-sync " + store.directory() + " --tracking-uri " + server.display()
                    + "` first, then register it");
        }
        HttpClient http = HttpClient.newBuilder().connectTimeout(settings.connectTimeout()).build();
        JsonNode run = call(http, server, "GET", "runs/get?run_id=" + runId, null, "read run " + runId);
        String source = run.path("run").path("info").path("artifact_uri").asText() + "/" + RunStore.MODEL_DIR;
        ObjectNode create = JSON.createObjectNode().put("name", name);
        try {
            call(http, server, "POST", "registered-models/create", create, "create registered model '" + name + "'");
        } catch (MlflowFailure f) {
            if (!f.is(400, "RESOURCE_ALREADY_EXISTS")) {
                throw f;
            }
        }
        ObjectNode version = JSON.createObjectNode().put("name", name).put("source", source).put("run_id", runId)
                .put("description", "vaelab run " + record.runName() + " (" + record.experiment() + ")");
        ArrayNode tags = version.putArray("tags");
        Map<String, Double> summary = Files.isRegularFile(store.directory().resolve(RunStore.SUMMARY_FILE))
                ? store.readSummary() : Map.of();
        for (String key : KEY_METRICS) {
            Double v = summary.get(key);
            if (v != null) {
                tags.addObject().put("key", key).put("value", Double.toString(v));
            }
        }
        tags.addObject().put("key", RunTags.VAELAB_RUN_ID).put("value", record.runId());
        tags.addObject().put("key", RunTags.RUN_NAME_VAELAB).put("value", record.runName());
        JsonNode created = call(http, server, "POST", "model-versions/create", version,
                "create a version of registered model '" + name + "'");
        return new Version(name, created.path("model_version").path("version").asText(), source, runId);
    }

    private JsonNode call(HttpClient http, TrackingServer server, String method, String path, JsonNode body, String what) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.base() + "/api/2.0/mlflow/" + path))
                .timeout(settings.requestTimeout()).header("User-Agent", "vaelab");
        server.authorization().ifPresent(v -> request.header("Authorization", v));
        if (body == null) {
            request.GET();
        } else {
            request.header("Content-Type", "application/json").method(method,
                    HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw MlflowClients.connectionFailure(what, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new VaelabException(what + ": interrupted", e);
        }
        if (response.statusCode() / 100 != 2) {
            throw MlflowClients.httpFailure(what, response.statusCode(), response.body(), null);
        }
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new VaelabException(what + ": the server's answer is not MLflow's JSON: "
                    + MlflowClients.oneLine(response.body()), e);
        }
    }
}
