package dev.vaelab.cli.realmlflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads what a real MLflow server holds, over its REST API with nothing of vaelab's own client, so
 * the tests check what any MLflow user (the UI, Python) would read back.
 */
public final class MlflowRest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final String uri;
    private final HttpClient http = HttpClient.newHttpClient();

    public MlflowRest(String uri) {
        this.uri = uri.replaceAll("/+$", "");
    }

    /** A run as the server returns it: info, params, tags and latest metrics. */
    public record Run(String id, String name, String status, String experimentId, Map<String, String> params,
                      Map<String, String> tags, Map<String, Double> metrics) {}

    public Optional<String> experimentId(String name) {
        JsonNode r = request("GET", "/api/2.0/mlflow/experiments/get-by-name?experiment_name=" + enc(name), null, true);
        return r == null ? Optional.empty() : Optional.of(r.path("experiment").path("experiment_id").asText());
    }

    /** Every run of the experiment {@code name}, oldest first. */
    public List<Run> runs(String experimentName) {
        String id = experimentId(experimentName).orElseThrow(() -> new AssertionError("no experiment " + experimentName));
        List<Run> runs = new ArrayList<>();
        String token = "";
        do {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("experiment_ids", List.of(id));
            body.put("max_results", 1000);
            body.put("order_by", List.of("attributes.start_time ASC"));
            if (!token.isEmpty()) {
                body.put("page_token", token);
            }
            JsonNode r = request("POST", "/api/2.0/mlflow/runs/search", body, false);
            r.path("runs").forEach(n -> runs.add(run(n)));
            token = r.path("next_page_token").asText("");
        } while (!token.isEmpty());
        return runs;
    }

    public Run run(String runId) {
        return run(request("GET", "/api/2.0/mlflow/runs/get?run_id=" + enc(runId), null, false).path("run"));
    }

    /** The full history of one metric: {@code step -> value}, in step order as the server returns it. */
    public List<double[]> history(String runId, String key) {
        JsonNode r = request("GET", "/api/2.0/mlflow/metrics/get-history?run_id=" + enc(runId) + "&metric_key="
                + enc(key) + "&max_results=25000", null, false);
        List<double[]> out = new ArrayList<>();
        r.path("metrics").forEach(m -> out.add(new double[] {m.path("step").asLong(), m.path("value").asDouble()}));
        return out;
    }

    /** The artifact paths under {@code path} (recursively), each with its size. */
    public Map<String, Long> artifacts(String runId, String path) {
        Map<String, Long> out = new LinkedHashMap<>();
        JsonNode r = request("GET", "/api/2.0/mlflow/artifacts/list?run_id=" + enc(runId)
                + (path.isEmpty() ? "" : "&path=" + enc(path)), null, false);
        for (JsonNode f : r.path("files")) {
            if (f.path("is_dir").asBoolean()) {
                out.putAll(artifacts(runId, f.path("path").asText()));
            } else {
                out.put(f.path("path").asText(), f.path("file_size").asLong());
            }
        }
        return out;
    }

    /** An artifact's bytes, through the server's artifact proxy. */
    public byte[] artifact(Run run, String path) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(uri + "/api/2.0/mlflow-artifacts/artifacts/"
                + run.experimentId() + "/" + run.id() + "/artifacts/" + path)).GET().build();
        try {
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                throw new AssertionError("GET artifact " + path + ": " + response.statusCode());
            }
            return response.body();
        } catch (IOException e) {
            throw new AssertionError("GET artifact " + path + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Any GET of the REST API, for what the helpers above do not cover; null on 404. */
    public JsonNode get(String pathAndQuery) {
        return request("GET", pathAndQuery, null, true);
    }

    private static Run run(JsonNode n) {
        JsonNode info = n.path("info");
        Map<String, String> params = new LinkedHashMap<>();
        n.path("data").path("params").forEach(p -> params.put(p.path("key").asText(), p.path("value").asText()));
        Map<String, String> tags = new LinkedHashMap<>();
        n.path("data").path("tags").forEach(p -> tags.put(p.path("key").asText(), p.path("value").asText()));
        Map<String, Double> metrics = new LinkedHashMap<>();
        n.path("data").path("metrics").forEach(p -> metrics.put(p.path("key").asText(), p.path("value").asDouble()));
        return new Run(info.path("run_id").asText(), info.path("run_name").asText(), info.path("status").asText(),
                info.path("experiment_id").asText(), params, tags, metrics);
    }

    private JsonNode request(String method, String pathAndQuery, Object body, boolean allow404) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(uri + pathAndQuery));
            if (body == null) {
                b.GET();
            } else {
                b.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
            }
            HttpResponse<String> response = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            if (allow404 && response.statusCode() == 404) {
                return null;
            }
            if (response.statusCode() != 200) {
                throw new AssertionError(method + " " + pathAndQuery + ": " + response.statusCode() + " " + response.body());
            }
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError(method + " " + pathAndQuery + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
