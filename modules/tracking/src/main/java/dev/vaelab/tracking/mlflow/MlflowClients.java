package dev.vaelab.tracking.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vaelab.core.error.VaelabException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import org.mlflow.tracking.MlflowClient;
import org.mlflow.tracking.MlflowClientException;
import org.mlflow.tracking.MlflowHttpException;
import org.mlflow.tracking.creds.BasicMlflowHostCreds;
import org.mlflow.tracking.creds.MlflowHostCredsProvider;
import org.mlflow_project.apachehttp.client.config.RequestConfig;
import org.mlflow_project.apachehttp.conn.ConnectTimeoutException;
import org.mlflow_project.apachehttp.impl.client.CloseableHttpClient;
import org.mlflow_project.apachehttp.impl.client.HttpClientBuilder;
import org.mlflow_project.apachehttp.impl.conn.PoolingHttpClientConnectionManager;

/**
 * Builds {@link MlflowClient}s that make exactly one attempt per call, with timeouts, and turns
 * their exceptions into classified {@link MlflowFailure}s.
 *
 * <p>Why: the client's own HTTP layer ({@code MlflowHttpCaller}, mlflow-client 2.17.2) resends
 * every failed request up to three times at once, 4xx answers included, waits up to a minute on
 * 429 inside the call, and has no timeouts. That would resend a refused batch, hide which failures
 * were retried, and could hang a run's sender forever. The caller is package-private and the
 * client builds its own, so this class constructs one with retries off ({@code maxRetryAttempts =
 * 1}, no rate-limit loop) over an HTTP client with timeouts and without automatic retries, and puts
 * it into the client. vaelab's sender does the retrying, with back-off, knowing which requests are
 * safe to repeat. This is the only class that touches the client's internals or its shaded
 * dependencies ({@code org.mlflow_project.*}); a client version that changes them fails here with a
 * clear message, and {@code MlflowClientsTest} checks that a refused request is sent once.
 */
final class MlflowClients {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CALLER_CLASS = "org.mlflow.tracking.MlflowHttpCaller";

    private MlflowClients() {}

    /** A client of {@code server} that makes one attempt per call within the settings' timeouts. */
    static MlflowClient create(TrackingServer server, MlflowSettings settings) {
        MlflowHostCredsProvider creds = new BasicMlflowHostCreds(server.display(), server.username().orElse(null),
                server.password().orElse(null), server.token().orElse(null), false);
        int connect = (int) settings.connectTimeout().toMillis();
        int request = (int) settings.requestTimeout().toMillis();
        PoolingHttpClientConnectionManager pool = new PoolingHttpClientConnectionManager();
        // A server restart leaves pooled connections dead; check them before reuse after a second idle.
        pool.setValidateAfterInactivity(1000);
        CloseableHttpClient http = HttpClientBuilder.create()
                .setConnectionManager(pool)
                .disableAutomaticRetries()
                .setDefaultRequestConfig(RequestConfig.custom().setConnectTimeout(connect)
                        .setConnectionRequestTimeout(connect).setSocketTimeout(request).build())
                .build();
        MlflowClient client = new MlflowClient(creds);
        try {
            Class<?> callerClass = Class.forName(CALLER_CLASS);
            Constructor<?> constructor = callerClass.getDeclaredConstructor(MlflowHostCredsProvider.class, int.class,
                    int.class, int.class, CloseableHttpClient.class);
            constructor.setAccessible(true);
            // no time spent retrying 429s, no wait before it, one attempt in all
            Object caller = constructor.newInstance(creds, 0, 0, 1, http);
            Field field = MlflowClient.class.getDeclaredField("httpCaller");
            field.setAccessible(true);
            field.set(client, caller);
        } catch (ReflectiveOperationException | RuntimeException e) {
            client.close();
            throw new VaelabException("this mlflow-client does not have the HTTP layer vaelab configures ("
                    + CALLER_CLASS + "(creds, int, int, int, CloseableHttpClient) and MlflowClient.httpCaller, as in "
                    + "2.17.2): " + e, e);
        }
        return client;
    }

    /** The failure {@code e}, thrown by the client while doing {@code what}, stands for. */
    static MlflowFailure failure(String what, RuntimeException e) {
        if (e instanceof MlflowHttpException http) {
            return httpFailure(what, http.getStatusCode(), http.getBodyMessage(), e);
        }
        Throwable cause = e instanceof MlflowClientException ? e.getCause() : e;
        if (cause instanceof IOException io) {
            return connectionFailure(what, io);
        }
        if (cause instanceof IllegalStateException) {
            // the client was closed under the call: the sender is being stopped
            return new MlflowFailure(MlflowFailure.Kind.NOT_APPLIED, 0, null, what + ": the connection was closed", e);
        }
        // a 2xx answer that is not MLflow's JSON (a proxy's login page, another service on the port)
        return new MlflowFailure(MlflowFailure.Kind.REJECTED, 0, null,
                what + ": the server's answer is not MLflow's: " + e.getMessage(), e);
    }

    /** The failure an HTTP answer with {@code status} and {@code body} stands for. */
    static MlflowFailure httpFailure(String what, int status, String body, Throwable cause) {
        String code = null;
        String message = body == null ? "" : body.strip();
        boolean mlflows = false;
        try {
            JsonNode node = JSON.readTree(message);
            if (node != null && node.isObject() && node.path("message").isTextual()) {
                code = node.path("error_code").isTextual() ? node.get("error_code").asText() : null;
                message = node.get("message").asText();
                mlflows = true;
            }
        } catch (IOException notJson) {
            // a proxy's HTML or plain text: summarised below
        }
        if (!mlflows) {
            message = oneLine(message);
        } else if (message.length() > 2000) {
            message = message.substring(0, 2000) + "...";
        }
        MlflowFailure.Kind kind = status == 429 ? MlflowFailure.Kind.NOT_APPLIED
                : status >= 500 ? MlflowFailure.Kind.UNCERTAIN
                : status >= 400 ? MlflowFailure.Kind.REJECTED
                : MlflowFailure.Kind.UNCERTAIN;
        String text = what + ": HTTP " + status + (code == null ? "" : " " + code) + (message.isEmpty() ? "" : ": " + message);
        return new MlflowFailure(kind, status, code, text, cause);
    }

    /**
     * A body that is not MLflow's JSON error as one short line: an HTML page as its title (else its
     * text without tags), whitespace collapsed, at most 200 characters.
     */
    static String oneLine(String body) {
        String text = body;
        if (text.startsWith("<")) {
            java.util.regex.Matcher title = java.util.regex.Pattern.compile("(?is)<title[^>]*>(.*?)</title>").matcher(text);
            text = title.find() && !title.group(1).isBlank() ? title.group(1)
                    : text.replaceAll("(?is)<(script|style)[^>]*>.*?</\\1>", " ").replaceAll("<[^>]*>", " ");
        }
        text = text.replaceAll("\\s+", " ").strip();
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }

    /** The failure an I/O error while doing {@code what} stands for. */
    static MlflowFailure connectionFailure(String what, IOException io) {
        boolean notSent = io instanceof ConnectException || io instanceof UnknownHostException
                || io instanceof NoRouteToHostException || io instanceof ConnectTimeoutException
                || io instanceof java.net.http.HttpConnectTimeoutException;
        String reason = io instanceof UnknownHostException ? "unknown host " + io.getMessage()
                : io instanceof ConnectException ? "connection refused"
                : io instanceof InterruptedIOException ? "no answer in time (" + io.getMessage() + ")"
                : io.getClass().getSimpleName() + (io.getMessage() == null ? "" : ": " + io.getMessage());
        return new MlflowFailure(notSent ? MlflowFailure.Kind.NOT_APPLIED : MlflowFailure.Kind.UNCERTAIN, 0, null,
                what + ": " + reason, io);
    }
}
