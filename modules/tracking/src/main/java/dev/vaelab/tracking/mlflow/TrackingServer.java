package dev.vaelab.tracking.mlflow;

import dev.vaelab.core.error.VaelabException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An MLflow tracking server and how to authenticate with it, read the way MLflow's own clients read
 * it: {@code MLFLOW_TRACKING_USERNAME} and {@code MLFLOW_TRACKING_PASSWORD} for basic
 * authentication, else {@code MLFLOW_TRACKING_TOKEN} as a bearer token. Credentials written into
 * the URI ({@code http://user:pass@host}) are taken as basic authentication and kept out of
 * {@link #display()}, which is what vaelab prints and records.
 *
 * @param base the server's address without credentials and without a trailing slash, e.g.
 *     {@code http://127.0.0.1:5000} or {@code https://host/mlflow}
 * @param username basic-authentication user
 * @param password basic-authentication password
 * @param token bearer token
 */
public record TrackingServer(URI base, Optional<String> username, Optional<String> password, Optional<String> token) {
    public TrackingServer {
        Objects.requireNonNull(base, "base");
    }

    /**
     * The server at {@code uri}, with credentials from {@code env}.
     *
     * @throws VaelabException when {@code uri} is not an http(s) address, saying how to start a server
     */
    public static TrackingServer resolve(String uri, Map<String, String> env) {
        URI parsed;
        try {
            parsed = new URI(uri.strip());
        } catch (URISyntaxException e) {
            throw new VaelabException("tracking URI '" + uri + "' is not a valid URI: " + e.getMessage() + howToStart());
        }
        String scheme = parsed.getScheme() == null ? "" : parsed.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || parsed.getHost() == null) {
            throw new VaelabException("tracking URI '" + uri + "' is not an MLflow server: vaelab logs to MLflow over "
                    + "HTTP, so give an http:// or https:// address" + howToStart());
        }
        Optional<String> user = nonBlank(env.get("MLFLOW_TRACKING_USERNAME"));
        Optional<String> password = nonBlank(env.get("MLFLOW_TRACKING_PASSWORD"));
        if (parsed.getRawUserInfo() != null && user.isEmpty()) {
            String info = parsed.getUserInfo();
            int colon = info.indexOf(':');
            user = Optional.of(colon < 0 ? info : info.substring(0, colon));
            password = Optional.of(colon < 0 ? "" : info.substring(colon + 1));
        }
        String path = parsed.getRawPath() == null ? "" : parsed.getRawPath().replaceAll("/+$", "");
        URI base = URI.create(scheme + "://" + parsed.getHost() + (parsed.getPort() < 0 ? "" : ":" + parsed.getPort())
                + path);
        return new TrackingServer(base, user, password, nonBlank(env.get("MLFLOW_TRACKING_TOKEN")));
    }

    /** The address as printed and recorded: no credentials. */
    public String display() {
        return base.toString();
    }

    /** The value of an HTTP {@code Authorization} header, as MLflow's clients send it: basic first, then bearer. */
    public Optional<String> authorization() {
        if (username.isPresent() && password.isPresent()) {
            String pair = username.get() + ":" + password.get();
            return Optional.of("Basic " + java.util.Base64.getEncoder()
                    .encodeToString(pair.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }
        return token.map(t -> "Bearer " + t);
    }

    /** The MLflow UI page of a run. */
    public String runPage(String experimentId, String runId) {
        return display() + "/#/experiments/" + experimentId + "/runs/" + runId;
    }

    /** How to get a server to log to, appended to errors about the URI. */
    static String howToStart() {
        return "; start a server with `mlflow server --host 127.0.0.1 --port 5000` (it proxies artifacts by "
                + "default) and pass --tracking-uri http://127.0.0.1:5000";
    }

    private static Optional<String> nonBlank(String value) {
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value);
    }
}
