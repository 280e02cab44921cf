package dev.vaelab.tracking.mlflow;

import java.time.Duration;

/**
 * How vaelab talks to an MLflow server.
 *
 * @param connectTimeout how long to wait for a connection
 * @param requestTimeout how long one request may take (upload of a large file included)
 * @param backoff the delays between retries of 5xx, 429 and connection failures
 * @param queueCapacity the events a run's logger holds for its sender thread; when full, rows are
 *     read back from {@code metrics.csv} instead, so nothing is lost
 * @param drainTimeout how long the end of a run waits for the sender to catch up before it records
 *     what did not reach the server and moves on
 */
public record MlflowSettings(Duration connectTimeout, Duration requestTimeout, Backoff backoff, int queueCapacity,
                             Duration drainTimeout) {
    public MlflowSettings {
        if (queueCapacity < 1) {
            throw new IllegalArgumentException("queue capacity must be positive, was " + queueCapacity);
        }
    }

    /** Ten seconds to connect, two minutes per request, back-off from half a second to 30 s, one minute to drain. */
    public static MlflowSettings defaults() {
        return new MlflowSettings(Duration.ofSeconds(10), Duration.ofMinutes(2),
                new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30)), 4096, Duration.ofSeconds(60));
    }
}
