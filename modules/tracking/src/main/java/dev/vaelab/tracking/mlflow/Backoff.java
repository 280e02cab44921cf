package dev.vaelab.tracking.mlflow;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential back-off between retries: {@code initial}, then twice as long each time up to
 * {@code max}, each delay shortened by a random fraction of up to a quarter so that many runs of a
 * sweep do not retry in lockstep.
 *
 * @param initial the delay before the first retry
 * @param max the longest delay
 */
public record Backoff(Duration initial, Duration max) {
    public Backoff {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("back-off needs 0 < initial <= max, got " + initial + " and " + max);
        }
    }

    /** The delay before retry number {@code attempt} (counted from 1). */
    public Duration delay(int attempt) {
        long millis = initial.toMillis();
        for (int i = 1; i < attempt && millis < max.toMillis(); i++) {
            millis *= 2;
        }
        millis = Math.min(millis, max.toMillis());
        return Duration.ofMillis(millis - (long) (millis * 0.25 * ThreadLocalRandom.current().nextDouble()));
    }
}
