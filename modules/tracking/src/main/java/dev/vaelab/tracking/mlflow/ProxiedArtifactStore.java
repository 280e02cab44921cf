package dev.vaelab.tracking.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Artifacts of an {@code mlflow-artifacts:} location, through the tracking server's proxied artifact
 * API as MLflow's own HTTP artifact repository uses it: {@code PUT
 * /api/2.0/mlflow-artifacts/artifacts/<location>/<path>} with the file as the body, and {@code GET
 * /api/2.0/mlflow-artifacts/artifacts?path=<location>/<dir>} to list. No Python is involved.
 */
final class ProxiedArtifactStore implements ArtifactStore {
    static final String API = "/api/2.0/mlflow-artifacts/artifacts";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final TrackingServer server;
    private final URI origin;
    private final String root;
    private final Duration timeout;

    /**
     * @param origin scheme, host and any path prefix of the server that proxies the artifacts
     * @param root the location inside the proxied store, such as {@code 1/<run>/artifacts}
     */
    ProxiedArtifactStore(HttpClient http, TrackingServer server, URI origin, String root, Duration timeout) {
        this.http = http;
        this.server = server;
        this.origin = origin;
        this.root = root.replaceAll("^/+|/+$", "");
        this.timeout = timeout;
    }

    @Override
    public void put(String path, Path file) {
        try {
            upload(path, HttpRequest.BodyPublishers.ofFile(file));
        } catch (FileNotFoundException e) {
            throw new IllegalArgumentException("no file " + file + " to upload", e);
        }
    }

    @Override
    public void put(String path, byte[] content) {
        upload(path, HttpRequest.BodyPublishers.ofByteArray(content));
    }

    private void upload(String path, HttpRequest.BodyPublisher body) {
        ArtifactPaths.requireRelative(path);
        URI uri = URI.create(origin + API + "/" + ArtifactPaths.encode(root + "/" + path));
        HttpRequest request = request(uri).header("Content-Type", ArtifactPaths.contentType(path)).PUT(body).build();
        send("upload artifact " + path, request);
    }

    @Override
    public List<ArtifactFile> list(String directory) {
        String dir = directory.isEmpty() ? root : root + "/" + ArtifactPaths.requireRelative(directory);
        URI uri = URI.create(origin + API + "?path=" + URLEncoder.encode(dir, StandardCharsets.UTF_8));
        String body = send("list artifacts in '" + directory + "'", request(uri).GET().build());
        List<ArtifactFile> files = new ArrayList<>();
        try {
            for (JsonNode f : JSON.readTree(body).path("files")) {
                String name = f.path("path").asText();
                // the server answers with paths relative to the listed directory
                String relative = directory.isEmpty() ? name : directory + "/" + name;
                files.add(new ArtifactFile(relative, f.path("is_dir").asBoolean(false),
                        f.has("file_size") ? f.get("file_size").asLong() : -1));
            }
        } catch (IOException e) {
            throw new MlflowFailure(MlflowFailure.Kind.REJECTED, 200, null,
                    "list artifacts: the server's answer is not MLflow's JSON: " + e.getMessage(), e);
        }
        return files;
    }

    @Override
    public String location() {
        return origin + API + "/" + root;
    }

    private HttpRequest.Builder request(URI uri) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(timeout)
                .header("User-Agent", "vaelab");
        server.authorization().ifPresent(value -> builder.header("Authorization", value));
        return builder;
    }

    private String send(String what, HttpRequest request) {
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw MlflowClients.connectionFailure(what, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MlflowFailure(MlflowFailure.Kind.UNCERTAIN, 0, null, what + ": interrupted", e);
        }
        if (response.statusCode() / 100 != 2) {
            throw MlflowClients.httpFailure(what, response.statusCode(), response.body(), null);
        }
        return response.body();
    }
}
