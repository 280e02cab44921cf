package dev.vaelab.tracking.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.vaelab.tracking.MetricRow;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An MLflow tracking server in the test JVM: a real HTTP server on 127.0.0.1 implementing the REST
 * API 2.0 endpoints vaelab uses, with the contract the MLflow docs and server state, and the
 * proxied artifact API ({@code /api/2.0/mlflow-artifacts/artifacts}).
 *
 * <p>Enforced: log-batch limits (1000 metrics, 100 params, 100 tags, 1000 in all, 1 MB), key
 * charset and path rules, key length 250, param values up to 6000 characters and tag values up to
 * 5000, param immutability (400 {@code INVALID_PARAMETER_VALUE}), unknown runs and experiments (404
 * {@code RESOURCE_DOES_NOT_EXIST}), duplicate experiments (400 {@code RESOURCE_ALREADY_EXISTS}),
 * logging only to active runs, proto3 JSON ({@code "NaN"}, {@code "Infinity"}, int64 as strings),
 * safe artifact paths, and, optionally, a required {@code Authorization} header. Metric values are
 * kept as sent, duplicates included, so a test sees anything sent twice.
 *
 * <p>Faults: {@link Faults} makes chosen requests fail, wait, half-apply or lose their answer;
 * {@link #stop()} refuses connections and {@link #restart()} comes back on the same port with the
 * same state. Every request is logged in {@link #requests()}.
 */
public final class FakeMlflowServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String API = "/api/2.0/mlflow/";
    private static final String ARTIFACTS = "/api/2.0/mlflow-artifacts/artifacts";
    private static final Pattern NAME = Pattern.compile("[\\w./\\- ]*", Pattern.UNICODE_CHARACTER_CLASS);
    private static final int MAX_REQUEST_BYTES = 1_000_000;

    /** One request as the server saw it. */
    public record Request(String method, String path, int status) {}

    private final FakeMlflowState state;
    private final Faults faults = new Faults();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fake-mlflow");
        t.setDaemon(true);
        return t;
    });
    private volatile String requiredAuthorization;
    private volatile int historyPageSize = 25_000;
    private HttpServer server;
    private int port;

    private FakeMlflowServer(FakeMlflowState state) {
        this.state = state;
    }

    /** A server with an empty store on an ephemeral port. */
    public static FakeMlflowServer start() {
        return start(new FakeMlflowState());
    }

    /** A server with {@code state} on an ephemeral port. */
    public static FakeMlflowServer start(FakeMlflowState state) {
        FakeMlflowServer fake = new FakeMlflowServer(state);
        fake.bindBelowEphemeralPorts();
        return fake;
    }

    /** {@code http://127.0.0.1:<port>}. */
    public String uri() {
        return "http://127.0.0.1:" + port;
    }

    public FakeMlflowState state() {
        return state;
    }

    public Faults faults() {
        return faults;
    }

    /** Every request so far, in order of arrival. */
    public List<Request> requests() {
        return List.copyOf(requests);
    }

    /** The requests to paths containing {@code part}. */
    public List<Request> requests(String part) {
        return requests.stream().filter(r -> r.path().contains(part)).toList();
    }

    /** Requires every request to carry this {@code Authorization} header (401 otherwise). */
    public void requireAuthorization(String value) {
        requiredAuthorization = value;
    }

    /** Makes get-history answer in pages of this many values. */
    public void setHistoryPageSize(int size) {
        historyPageSize = size;
    }

    /** Stops listening: new connections are refused until {@link #restart()}. */
    public synchronized void stop() {
        if (server != null) {
            server.stop(0);
            server = null;
        }
    }

    /** Listens again on the same port, with the same state. */
    public synchronized void restart() {
        stop();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            try {
                bind(port);
                return;
            } catch (IllegalStateException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    @Override
    public synchronized void close() {
        stop();
        executor.shutdownNow();
    }

    /**
     * Binds a free port below Linux's ephemeral range (32768-60999), so that once the server is
     * stopped a connection to it is refused: to a closed port inside that range, the kernel can pick
     * the same port as the client's source port and connect the socket to itself, and a test of
     * "refused" then waits for an answer that never comes.
     */
    private void bindBelowEphemeralPorts() {
        java.util.SplittableRandom random = new java.util.SplittableRandom();
        for (int attempt = 0; attempt < 200; attempt++) {
            try {
                bind(random.nextInt(20_000, 32_000));
                return;
            } catch (IllegalStateException taken) {
                // another process has it: try another
            }
        }
        throw new IllegalStateException("no free port in 20000-31999 after 200 tries");
    }

    private void bind(int wanted) {
        try {
            HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), wanted), 50);
            s.setExecutor(executor);
            s.createContext("/", this::handle);
            s.start();
            server = s;
            port = s.getAddress().getPort();
        } catch (BindException e) {
            throw new IllegalStateException("port " + wanted + " is taken", e);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---------------------------------------------------------------------------------------------

    /** An answer: a status and a JSON or binary body. */
    private record Answer(int status, byte[] body, String contentType) {
        static Answer json(JsonNode node) {
            return new Answer(200, node.toString().getBytes(StandardCharsets.UTF_8), "application/json");
        }

        static Answer error(int status, String code, String message) {
            ObjectNode node = JSON.createObjectNode().put("error_code", code).put("message", message);
            return new Answer(status, node.toString().getBytes(StandardCharsets.UTF_8), "application/json");
        }
    }

    /** A contract violation, answered as MLflow answers it. */
    private static final class Refusal extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int status;
        final String code;

        Refusal(int status, String code, String message) {
            super(message, null, false, false);
            this.status = status;
            this.code = code;
        }
    }

    private static Refusal invalid(String message) {
        return new Refusal(400, "INVALID_PARAMETER_VALUE", message);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getPath();
        Faults.Action action = faults.match(method, path);
        try {
            byte[] body = readAll(exchange.getRequestBody());
            if (action != null && action.delayBefore() != null) {
                sleep(action.delayBefore());
            }
            if (action != null && action.status() > 0) {
                respond(exchange, method, path, Answer.error(action.status(), action.errorCode(), "injected fault"));
                return;
            }
            Answer answer;
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            if (requiredAuthorization != null && !requiredAuthorization.equals(auth)) {
                answer = Answer.error(401, "UNAUTHENTICATED", "You are not authenticated. Please see "
                        + "https://www.mlflow.org/docs/latest/auth/index.html#authenticating-to-mlflow on how to "
                        + "authenticate.");
            } else {
                try {
                    answer = route(method, path, exchange.getRequestURI(), body, action);
                } catch (Refusal r) {
                    answer = Answer.error(r.status, r.code, r.getMessage());
                } catch (RuntimeException e) {
                    answer = Answer.error(500, "INTERNAL_ERROR", e.toString());
                }
            }
            if (action != null && action.delayAfter() != null) {
                sleep(action.delayAfter());
            }
            if (action != null && action.loseAnswer()) {
                requests.add(new Request(method, path, -1));
                // the answer is never sent: the connection just closes
                exchange.close();
                return;
            }
            respond(exchange, method, path, answer);
        } finally {
            exchange.close();
        }
    }

    private void respond(HttpExchange exchange, String method, String path, Answer answer) throws IOException {
        requests.add(new Request(method, path, answer.status()));
        exchange.getResponseHeaders().set("Content-Type", answer.contentType());
        exchange.sendResponseHeaders(answer.status(), answer.body().length == 0 ? -1 : answer.body().length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(answer.body());
        }
    }

    private Answer route(String method, String path, URI uri, byte[] body, Faults.Action action) {
        Map<String, String> query = query(uri.getRawQuery());
        if (path.equals(ARTIFACTS) && method.equals("GET")) {
            return listArtifacts(query.getOrDefault("path", ""));
        }
        if (path.startsWith(ARTIFACTS + "/")) {
            String artifact = path.substring(ARTIFACTS.length() + 1);
            return switch (method) {
                case "PUT" -> putArtifact(artifact, body);
                case "GET" -> getArtifact(artifact);
                default -> Answer.error(405, "BAD_REQUEST", "method " + method + " not allowed");
            };
        }
        if (!path.startsWith(API)) {
            return Answer.error(404, "ENDPOINT_NOT_FOUND", "No API endpoint found for " + path);
        }
        String endpoint = method + " " + path.substring(API.length());
        if (method.equals("POST") && body.length > MAX_REQUEST_BYTES && endpoint.endsWith("runs/log-batch")) {
            throw invalid("Batched logging API requests must be at most " + MAX_REQUEST_BYTES + " bytes, got "
                    + body.length + " request content bytes.");
        }
        JsonNode in = method.equals("GET") ? JSON.valueToTree(query) : parse(body);
        synchronized (state) {
            return switch (endpoint) {
                case "GET experiments/get-by-name" -> getExperimentByName(in);
                case "POST experiments/create" -> createExperiment(in);
                case "POST runs/create" -> createRun(in);
                case "GET runs/get" -> Answer.json(JSON.createObjectNode().set("run", runJson(run(in))));
                case "POST runs/update" -> updateRun(in);
                case "POST runs/delete" -> deleteRun(in);
                case "POST runs/log-batch" -> logBatch(in, action);
                case "POST runs/set-tag" -> setTag(in);
                case "POST runs/search" -> searchRuns(in);
                case "GET metrics/get-history" -> history(in);
                default -> Answer.error(404, "ENDPOINT_NOT_FOUND", "No API endpoint found for " + endpoint);
            };
        }
    }

    // ---- experiments --------------------------------------------------------------------------

    private Answer getExperimentByName(JsonNode in) {
        String name = required(in, "experiment_name");
        for (FakeMlflowState.Experiment e : state.experiments.values()) {
            if (e.name.equals(name)) {
                return Answer.json(JSON.createObjectNode().set("experiment", experimentJson(e)));
            }
        }
        throw new Refusal(404, "RESOURCE_DOES_NOT_EXIST", "Could not find experiment with name '" + name + "'");
    }

    private Answer createExperiment(JsonNode in) {
        String name = required(in, "name");
        if (name.isBlank()) {
            throw invalid("Invalid experiment name: '" + name + "'");
        }
        for (FakeMlflowState.Experiment e : state.experiments.values()) {
            if (e.name.equals(name)) {
                throw new Refusal(400, "RESOURCE_ALREADY_EXISTS", "Experiment '" + name + "' already exists.");
            }
        }
        String id = Integer.toString(state.nextExperiment++);
        String location = in.hasNonNull("artifact_location") ? in.get("artifact_location").asText()
                : state.artifactRoot + "/" + id;
        state.experiments.put(id, new FakeMlflowState.Experiment(id, name, location));
        return Answer.json(JSON.createObjectNode().put("experiment_id", id));
    }

    private static ObjectNode experimentJson(FakeMlflowState.Experiment e) {
        return JSON.createObjectNode().put("experiment_id", e.id).put("name", e.name)
                .put("artifact_location", e.artifactLocation).put("lifecycle_stage", e.lifecycleStage);
    }

    // ---- runs ---------------------------------------------------------------------------------

    private Answer createRun(JsonNode in) {
        String experimentId = in.path("experiment_id").asText("0");
        FakeMlflowState.Experiment experiment = state.experiments.get(experimentId);
        if (experiment == null) {
            throw new Refusal(404, "RESOURCE_DOES_NOT_EXIST", "No Experiment with id=" + experimentId + " exists");
        }
        if (!experiment.lifecycleStage.equals("active")) {
            throw invalid("The experiment " + experimentId + " must be in the 'active' state. Current state is "
                    + experiment.lifecycleStage + ".");
        }
        Map<String, String> tags = new LinkedHashMap<>();
        for (JsonNode t : in.path("tags")) {
            String key = required(t, "key");
            String value = t.path("value").asText("");
            checkName("tag", key);
            checkLength("Tag value", value, 5000);
            tags.put(key, value);
        }
        String runName = in.hasNonNull("run_name") ? in.get("run_name").asText() : tags.get("mlflow.runName");
        if (runName == null || runName.isEmpty()) {
            throw invalid("this fake requires a run name");
        }
        if (tags.containsKey("mlflow.runName") && !tags.get("mlflow.runName").equals(runName)) {
            throw invalid("Both 'run_name' argument and 'mlflow.runName' tag are specified, but with different "
                    + "values (run_name='" + runName + "', mlflow.runName='" + tags.get("mlflow.runName") + "').");
        }
        tags.put("mlflow.runName", runName);
        String runId = UUID.randomUUID().toString().replace("-", "");
        String artifactUri = experiment.artifactLocation + "/" + runId + "/artifacts";
        FakeMlflowState.Run run = new FakeMlflowState.Run(runId, experimentId, runName,
                in.path("user_id").asText("unknown"), int64(in, "start_time", System.currentTimeMillis()), artifactUri);
        run.tags.putAll(tags);
        state.runs.put(runId, run);
        return Answer.json(JSON.createObjectNode().set("run", runJson(run)));
    }

    private FakeMlflowState.Run run(JsonNode in) {
        String id = in.hasNonNull("run_id") ? in.get("run_id").asText() : in.path("run_uuid").asText(null);
        if (id == null || id.isEmpty()) {
            throw invalid("Missing value for required parameter 'run_id'. See the API docs for more information "
                    + "about request parameters.");
        }
        FakeMlflowState.Run run = state.runs.get(id);
        if (run == null) {
            throw new Refusal(404, "RESOURCE_DOES_NOT_EXIST", "Run with id=" + id + " not found");
        }
        return run;
    }

    private FakeMlflowState.Run activeRun(JsonNode in) {
        FakeMlflowState.Run run = run(in);
        if (!run.lifecycleStage.equals("active")) {
            throw invalid("The run " + run.runId + " must be in the 'active' state. Current state is "
                    + run.lifecycleStage + ".");
        }
        return run;
    }

    private Answer updateRun(JsonNode in) {
        FakeMlflowState.Run run = activeRun(in);
        if (in.hasNonNull("status")) {
            String status = in.get("status").asText();
            if (!Set.of("RUNNING", "SCHEDULED", "FINISHED", "FAILED", "KILLED").contains(status)) {
                throw invalid("Invalid run status " + status);
            }
            run.status = status;
        }
        if (in.hasNonNull("end_time")) {
            run.endTime = int64(in, "end_time", 0);
        }
        if (in.hasNonNull("run_name")) {
            run.runName = in.get("run_name").asText();
            run.tags.put("mlflow.runName", run.runName);
        }
        return Answer.json(JSON.createObjectNode().set("run_info", runJson(run).get("info")));
    }

    private Answer deleteRun(JsonNode in) {
        run(in).lifecycleStage = "deleted";
        return Answer.json(JSON.createObjectNode());
    }

    private Answer setTag(JsonNode in) {
        FakeMlflowState.Run run = activeRun(in);
        String key = required(in, "key");
        checkName("tag", key);
        String value = in.path("value").asText("");
        checkLength("Tag value", value, 5000);
        run.tags.put(key, value);
        return Answer.json(JSON.createObjectNode());
    }

    private Answer logBatch(JsonNode in, Faults.Action action) {
        JsonNode metrics = in.path("metrics");
        JsonNode params = in.path("params");
        JsonNode tags = in.path("tags");
        if (metrics.size() > 1000) {
            throw invalid("A batch logging request can contain at most 1000 metrics. Got " + metrics.size()
                    + " metrics. Please split up metrics across multiple requests and try again.");
        }
        if (params.size() > 100) {
            throw invalid("A batch logging request can contain at most 100 params. Got " + params.size()
                    + " params. Please split up params across multiple requests and try again.");
        }
        if (tags.size() > 100) {
            throw invalid("A batch logging request can contain at most 100 tags. Got " + tags.size()
                    + " tags. Please split up tags across multiple requests and try again.");
        }
        int total = metrics.size() + params.size() + tags.size();
        if (total > 1000) {
            throw invalid("A batch logging request can contain at most 1000 total metrics, params and tags. Got "
                    + total + " total.");
        }
        List<MetricRow> rows = new ArrayList<>();
        for (int i = 0; i < metrics.size(); i++) {
            JsonNode m = metrics.get(i);
            String key = required(m, "key", "metrics[" + i + "].key");
            checkName("metric", key);
            if (!m.has("value")) {
                throw invalid("Missing value for required parameter 'metrics[" + i + "].value'.");
            }
            if (!m.has("timestamp")) {
                throw invalid("Missing value for required parameter 'metrics[" + i + "].timestamp'.");
            }
            rows.add(new MetricRow(key, dbl(m.get("value")), int64(m, "step", 0), int64(m, "timestamp", 0)));
        }
        Map<String, String> newParams = new LinkedHashMap<>();
        Set<String> duplicates = new HashSet<>();
        for (int i = 0; i < params.size(); i++) {
            JsonNode p = params.get(i);
            String key = required(p, "key", "params[" + i + "].key");
            checkName("param", key);
            String value = p.path("value").asText("");
            checkLength("Param value '" + shorten(value) + "'", value, 6000);
            if (newParams.containsKey(key) && !newParams.get(key).equals(value)) {
                duplicates.add(key);
            }
            newParams.put(key, value);
        }
        if (!duplicates.isEmpty()) {
            throw invalid("Duplicate parameter keys have been submitted: " + duplicates + ". Please ensure the request "
                    + "contains only one param value per param key.");
        }
        Map<String, String> newTags = new LinkedHashMap<>();
        for (int i = 0; i < tags.size(); i++) {
            JsonNode t = tags.get(i);
            String key = required(t, "key", "tags[" + i + "].key");
            checkName("tag", key);
            String value = t.path("value").asText("");
            checkLength("Tag value '" + shorten(value) + "'", value, 5000);
            newTags.put(key, value);
        }
        FakeMlflowState.Run run = activeRun(in);
        for (Map.Entry<String, String> p : newParams.entrySet()) {
            String old = run.params.get(p.getKey());
            if (old != null && !old.equals(p.getValue())) {
                throw invalid("Changing param values is not allowed. Param with key='" + p.getKey() + "' was already "
                        + "logged with value='" + old + "' for run ID='" + run.runId + "'. Attempted logging new value '"
                        + p.getValue() + "'.");
            }
        }
        if (action != null && action.partialMetrics() >= 0) {
            // the documented hazard: an error after part of the batch was written
            run.metrics.addAll(rows.subList(0, Math.min(action.partialMetrics(), rows.size())));
            throw new Refusal(500, "INTERNAL_ERROR", "injected failure after a partial write");
        }
        run.metrics.addAll(rows);
        run.params.putAll(newParams);
        run.tags.putAll(newTags);
        return Answer.json(JSON.createObjectNode());
    }

    private Answer searchRuns(JsonNode in) {
        Set<String> experiments = new HashSet<>();
        in.path("experiment_ids").forEach(e -> experiments.add(e.asText()));
        String view = in.path("run_view_type").asText("ACTIVE_ONLY");
        Map<String, String> tagFilter = parseFilter(in.path("filter").asText(""));
        int max = in.has("max_results") ? in.get("max_results").asInt() : 1000;
        if (max > 50_000) {
            throw invalid("Invalid value " + max + " for parameter 'max_results' supplied. It must be at most 50000");
        }
        List<FakeMlflowState.Run> matching = new ArrayList<>();
        for (FakeMlflowState.Run run : state.runs.values()) {
            boolean lifecycle = view.equals("ALL") || view.equals("ACTIVE_ONLY") == run.lifecycleStage.equals("active");
            boolean tagsMatch = tagFilter.entrySet().stream().allMatch(f -> f.getValue().equals(run.tags.get(f.getKey())));
            if (experiments.contains(run.experimentId) && lifecycle && tagsMatch) {
                matching.add(run);
            }
        }
        matching.sort(Comparator.comparingLong((FakeMlflowState.Run r) -> -r.startTime).thenComparing(r -> r.runId));
        int offset = in.hasNonNull("page_token") ? Integer.parseInt(in.get("page_token").asText()) : 0;
        ObjectNode out = JSON.createObjectNode();
        ArrayNode runs = out.putArray("runs");
        for (int i = offset; i < Math.min(matching.size(), offset + max); i++) {
            runs.add(runJson(matching.get(i)));
        }
        if (offset + max < matching.size()) {
            out.put("next_page_token", Integer.toString(offset + max));
        }
        return Answer.json(out);
    }

    /** The subset of MLflow's filter grammar vaelab uses: {@code tags.<key> = '<value>'} joined by AND. */
    private static Map<String, String> parseFilter(String filter) {
        Map<String, String> tags = new LinkedHashMap<>();
        if (filter.isBlank()) {
            return tags;
        }
        Pattern clause = Pattern.compile("\\s*tags\\.(`[^`]+`|\"[^\"]+\"|[\\w.]+)\\s*=\\s*'((?:[^'\\\\]|\\\\.)*)'\\s*");
        for (String part : filter.split("(?i)\\s+and\\s+")) {
            Matcher m = clause.matcher(part);
            if (!m.matches()) {
                throw invalid("Invalid filter '" + filter + "' (this fake reads tags.<key> = '<value>' AND ...)");
            }
            String key = m.group(1).replaceAll("^[`\"]|[`\"]$", "");
            tags.put(key, m.group(2).replace("\\'", "'"));
        }
        return tags;
    }

    private Answer history(JsonNode in) {
        FakeMlflowState.Run run = run(in);
        String key = required(in, "metric_key");
        List<MetricRow> values = run.metrics.stream().filter(m -> m.key().equals(key)).toList();
        int max = Math.min(historyPageSize, in.has("max_results") ? Integer.parseInt(in.get("max_results").asText())
                : 25_000);
        int offset = in.hasNonNull("page_token") ? Integer.parseInt(in.get("page_token").asText()) : 0;
        ObjectNode out = JSON.createObjectNode();
        ArrayNode metrics = out.putArray("metrics");
        for (int i = offset; i < Math.min(values.size(), offset + max); i++) {
            metrics.add(metricJson(values.get(i)));
        }
        if (offset + max < values.size()) {
            out.put("next_page_token", Integer.toString(offset + max));
        }
        return Answer.json(out);
    }

    private ObjectNode runJson(FakeMlflowState.Run run) {
        ObjectNode node = JSON.createObjectNode();
        ObjectNode info = node.putObject("info");
        info.put("run_id", run.runId).put("run_uuid", run.runId).put("run_name", run.runName)
                .put("experiment_id", run.experimentId).put("user_id", run.userId).put("status", run.status)
                .put("start_time", run.startTime).put("artifact_uri", run.artifactUri)
                .put("lifecycle_stage", run.lifecycleStage);
        if (run.endTime != null) {
            info.put("end_time", run.endTime);
        }
        ObjectNode data = node.putObject("data");
        ArrayNode metrics = data.putArray("metrics");
        Map<String, MetricRow> latest = new LinkedHashMap<>();
        for (MetricRow m : run.metrics) {
            // MLflow's latest value: the largest step, then the latest time, then the largest value
            latest.merge(m.key(), m, (a, b) -> Comparator.comparingLong(MetricRow::step)
                    .thenComparingLong(MetricRow::timestamp).thenComparingDouble(MetricRow::value).compare(a, b) >= 0 ? a : b);
        }
        latest.values().forEach(m -> metrics.add(metricJson(m)));
        ArrayNode params = data.putArray("params");
        run.params.forEach((k, v) -> params.addObject().put("key", k).put("value", v));
        ArrayNode tags = data.putArray("tags");
        run.tags.forEach((k, v) -> tags.addObject().put("key", k).put("value", v));
        return node;
    }

    private static ObjectNode metricJson(MetricRow m) {
        ObjectNode node = JSON.createObjectNode().put("key", m.key());
        if (Double.isFinite(m.value())) {
            node.put("value", m.value());
        } else {
            node.put("value", Double.isNaN(m.value()) ? "NaN" : m.value() > 0 ? "Infinity" : "-Infinity");
        }
        return node.put("timestamp", m.timestamp()).put("step", m.step());
    }

    // ---- artifacts ----------------------------------------------------------------------------

    private Answer putArtifact(String rawPath, byte[] body) {
        String path = artifactPath(rawPath);
        synchronized (state) {
            state.artifacts.put(path, body);
        }
        return Answer.json(JSON.createObjectNode());
    }

    private Answer getArtifact(String rawPath) {
        String path = artifactPath(rawPath);
        synchronized (state) {
            byte[] bytes = state.artifacts.get(path);
            if (bytes == null) {
                return Answer.error(404, "RESOURCE_DOES_NOT_EXIST", "File not found: " + path);
            }
            return new Answer(200, bytes, "application/octet-stream");
        }
    }

    private Answer listArtifacts(String dir) {
        String prefix = dir.isEmpty() ? "" : artifactPath(dir) + "/";
        Map<String, Long> entries = new LinkedHashMap<>();
        synchronized (state) {
            for (Map.Entry<String, byte[]> a : state.artifacts.entrySet()) {
                if (a.getKey().startsWith(prefix)) {
                    String rest = a.getKey().substring(prefix.length());
                    int slash = rest.indexOf('/');
                    if (slash < 0) {
                        entries.put(rest, (long) a.getValue().length);
                    } else {
                        entries.putIfAbsent(rest.substring(0, slash), -1L);
                    }
                }
            }
        }
        ObjectNode out = JSON.createObjectNode();
        if (!entries.isEmpty()) {
            ArrayNode files = out.putArray("files");
            entries.forEach((name, size) -> {
                ObjectNode f = files.addObject().put("path", name).put("is_dir", size < 0);
                if (size >= 0) {
                    f.put("file_size", size);
                }
            });
        }
        return Answer.json(out);
    }

    /** MLflow's validate_path_is_safe: relative, no '..', no empty segment. */
    private static String artifactPath(String path) {
        String p = path.replaceAll("/+$", "");
        if (p.isEmpty() || p.startsWith("/") || p.contains("\\")) {
            throw invalid("Invalid path");
        }
        for (String segment : p.split("/", -1)) {
            if (segment.isEmpty() || segment.equals("..") || segment.equals(".")) {
                throw invalid("Invalid path");
            }
        }
        return p;
    }

    // ---- checks and JSON ----------------------------------------------------------------------

    private static void checkName(String what, String key) {
        String label = what.equals("metric") ? "metric name" : what.equals("param") ? "param name" : "tag name";
        if (!NAME.matcher(key).matches()) {
            throw invalid("Invalid " + label + ": '" + key + "'. Names may only contain alphanumerics, underscores (_), "
                    + "dashes (-), periods (.), spaces ( ), and slashes (/).");
        }
        String normalized = normpath(key);
        // MLflow's path_not_unique
        if (!normalized.equals(key) || normalized.equals(".") || normalized.startsWith("..") || normalized.startsWith("/")) {
            throw invalid("Invalid " + label + ": '" + key + "'. Names may be treated as files in certain cases, and "
                    + "must not resolve to other names when treated as such. This name would resolve to '"
                    + normalized + "'");
        }
        if (key.length() > 250) {
            throw invalid(Character.toUpperCase(what.charAt(0)) + what.substring(1) + " name '" + key + "' had length "
                    + key.length() + ", which exceeded length limit of 250");
        }
    }

    /** Python's posixpath.normpath, which MLflow applies to names. */
    private static String normpath(String path) {
        if (path.isEmpty()) {
            return ".";
        }
        boolean absolute = path.startsWith("/");
        List<String> out = new ArrayList<>();
        for (String s : path.split("/")) {
            if (s.isEmpty() || s.equals(".")) {
                continue;
            }
            if (s.equals("..") && !out.isEmpty() && !out.get(out.size() - 1).equals("..")) {
                out.remove(out.size() - 1);
            } else if (!(s.equals("..") && absolute)) {
                out.add(s);
            }
        }
        String joined = String.join("/", out);
        return absolute ? "/" + joined : joined.isEmpty() ? "." : joined;
    }

    private static void checkLength(String what, String value, int limit) {
        if (value.length() > limit) {
            throw invalid(what + " had length " + value.length() + ", which exceeded length limit of " + limit);
        }
    }

    private static String shorten(String value) {
        return value.length() > 50 ? value.substring(0, 50) + "..." : value;
    }

    private static String required(JsonNode in, String field) {
        return required(in, field, field);
    }

    private static String required(JsonNode in, String field, String label) {
        if (!in.hasNonNull(field) || in.get(field).asText().isEmpty()) {
            throw invalid("Missing value for required parameter '" + label + "'. See the API docs for more "
                    + "information about request parameters.");
        }
        return in.get(field).asText();
    }

    /** A proto3 JSON int64: a number or a decimal string. */
    private static long int64(JsonNode in, String field, long absent) {
        JsonNode v = in.get(field);
        if (v == null || v.isNull()) {
            return absent;
        }
        if (v.isIntegralNumber()) {
            return v.asLong();
        }
        try {
            return Long.parseLong(v.asText());
        } catch (NumberFormatException e) {
            throw invalid("Invalid value " + v + " for parameter '" + field + "' supplied");
        }
    }

    /** A proto3 JSON double: a number, or "NaN", "Infinity", "-Infinity". */
    private static double dbl(JsonNode v) {
        if (v.isNumber()) {
            return v.asDouble();
        }
        switch (v.asText()) {
            case "NaN":
                return Double.NaN;
            case "Infinity":
                return Double.POSITIVE_INFINITY;
            case "-Infinity":
                return Double.NEGATIVE_INFINITY;
            default:
                try {
                    return Double.parseDouble(v.asText());
                } catch (NumberFormatException e) {
                    throw invalid("Invalid value " + v + " for a metric value");
                }
        }
    }

    private static JsonNode parse(byte[] body) {
        try {
            JsonNode node = JSON.readTree(body);
            return node == null ? JSON.createObjectNode() : node;
        } catch (IOException e) {
            throw new Refusal(400, "BAD_REQUEST", "Malformed JSON: " + e.getMessage());
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.put(k, v);
        }
        return out;
    }

    private static byte[] readAll(InputStream in) throws IOException {
        try (in) {
            return in.readAllBytes();
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---------------------------------------------------------------------------------------------

    /**
     * Faults to inject: each rule matches requests by method and a part of the path, acts on the
     * next {@code times} of them (or all, when {@code times} is negative), then expires.
     */
    public static final class Faults {
        /** What to do to a matched request. */
        public record Action(int status, String errorCode, Duration delayBefore, Duration delayAfter,
                             int partialMetrics, boolean loseAnswer) {}

        private record Rule(String method, String pathPart, int[] remaining, Action action) {}

        private final List<Rule> rules = Collections.synchronizedList(new ArrayList<>());

        /** Lets the next {@code skip} matching requests through, then answers all later ones with {@code status}. */
        public Faults failAfter(String method, String pathPart, int skip, int status) {
            add(method, pathPart, skip, new Action(0, null, null, null, -1, false));
            return fail(method, pathPart, -1, status);
        }

        /** Answers the next {@code times} matching requests with {@code status} without doing them. */
        public Faults fail(String method, String pathPart, int times, int status) {
            String code = status == 429 ? "REQUEST_LIMIT_EXCEEDED" : status == 503 ? "TEMPORARILY_UNAVAILABLE"
                    : status >= 500 ? "INTERNAL_ERROR" : "BAD_REQUEST";
            return add(method, pathPart, times, new Action(status, code, null, null, -1, false));
        }

        /** Waits before handling every matching request (slow server). */
        public Faults delay(String method, String pathPart, int times, Duration before) {
            return add(method, pathPart, times, new Action(0, null, before, null, -1, false));
        }

        /** Handles the request, then waits before answering (an answer that may come too late). */
        public Faults delayAnswer(String method, String pathPart, int times, Duration after) {
            return add(method, pathPart, times, new Action(0, null, null, after, -1, false));
        }

        /** Writes the first {@code metrics} metrics of the next matching log-batch, then answers 500. */
        public Faults partialWrite(int times, int metrics) {
            return add("POST", "runs/log-batch", times, new Action(0, null, null, null, metrics, false));
        }

        /** Handles the request, then closes the connection without an answer. */
        public Faults loseAnswer(String method, String pathPart, int times) {
            return add(method, pathPart, times, new Action(0, null, null, null, -1, true));
        }

        public void clear() {
            rules.clear();
        }

        private Faults add(String method, String pathPart, int times, Action action) {
            rules.add(new Rule(method, pathPart, new int[] {times}, action));
            return this;
        }

        Action match(String method, String path) {
            synchronized (rules) {
                for (Rule rule : rules) {
                    if ((rule.method() == null || rule.method().equals(method)) && path.contains(rule.pathPart())
                            && rule.remaining()[0] != 0) {
                        if (rule.remaining()[0] > 0) {
                            rule.remaining()[0]--;
                        }
                        return rule.action();
                    }
                }
            }
            return null;
        }
    }

    @Override
    public String toString() {
        return "FakeMlflowServer[" + uri() + ", " + state.runs.size() + " runs]";
    }
}
