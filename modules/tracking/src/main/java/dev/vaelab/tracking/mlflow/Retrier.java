package dev.vaelab.tracking.mlflow;

import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Repeats calls to an MLflow server until they succeed: failures that a retry can fix (5xx, 429,
 * connection errors) are retried after a {@link Backoff} delay, for as long as it takes; a refusal
 * (4xx) is thrown at once, since the same request would be refused again. {@link #stop()} ends the
 * waiting from another thread: the call in progress and every later one throw {@link Stopped}.
 */
final class Retrier {
    /** Thrown once the retrier is stopped. */
    static final class Stopped extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Stopped() {
            super("stopped", null, false, false);
        }
    }

    private final Backoff backoff;
    private final Consumer<MlflowFailure> onRetry;
    private final Duration patience;
    private final Object lock = new Object();
    private boolean stopped;
    private long failingSince = -1;
    private MlflowFailure lastFailure;
    private boolean everSucceeded;
    private MlflowFailure latest;

    /**
     * A retrier that retries for as long as it takes (a live run's sender).
     *
     * @param onRetry told of every failure about to be retried (to report an outage once, say)
     */
    Retrier(Backoff backoff, Consumer<MlflowFailure> onRetry) {
        this(backoff, onRetry, null);
    }

    /**
     * A retrier that gives up, throwing {@link Stopped}, once the server has failed for longer than
     * {@code patience} without a success in between (a sync command, which should end).
     */
    Retrier(Backoff backoff, Consumer<MlflowFailure> onRetry, Duration patience) {
        this.backoff = backoff;
        this.onRetry = onRetry;
        this.patience = patience;
    }

    /** Runs {@code call} until it succeeds or is refused. */
    <T> T call(Supplier<T> call) {
        for (int attempt = 1; ; attempt++) {
            checkStopped();
            try {
                T result = call.get();
                succeeded();
                return result;
            } catch (MlflowFailure f) {
                if (f.rejected()) {
                    throw f;
                }
                pause(attempt, f);
            }
        }
    }

    /** Runs {@code call} until it succeeds or is refused. */
    void run(Runnable call) {
        call(() -> {
            call.run();
            return null;
        });
    }

    /** Reports {@code failure} and waits before retry number {@code attempt}; throws {@link Stopped} when stopped. */
    void pause(int attempt, MlflowFailure failure) {
        onRetry.accept(failure);
        long now = System.nanoTime();
        synchronized (lock) {
            latest = failure;
            if (failingSince < 0) {
                failingSince = now;
            } else if (patience != null && now - failingSince > patience.toNanos()) {
                lastFailure = failure;
                stopped = true;
                lock.notifyAll();
            }
        }
        sleep(backoff.delay(attempt));
    }

    /** Records that a call succeeded, which ends a streak of failures. */
    void succeeded() {
        synchronized (lock) {
            failingSince = -1;
            everSucceeded = true;
        }
    }

    /**
     * Whether no call has succeeded yet and none failed otherwise than by a connection nobody took
     * (refused, unknown host), the first one possibly still under way: a server that is not there,
     * which waiting for would only cost time if it still takes no connection.
     */
    boolean nothingThere() {
        synchronized (lock) {
            return !everSucceeded && (latest == null || latest.unreachable());
        }
    }

    /** The latest failure retried, if any. */
    String latestFailure() {
        synchronized (lock) {
            return latest == null ? "" : latest.getMessage();
        }
    }

    /** The failure the retrier gave up on, when it ran out of patience. */
    MlflowFailure gaveUpOn() {
        synchronized (lock) {
            return lastFailure;
        }
    }

    /** Waits, or throws {@link Stopped} as soon as the retrier is stopped. */
    void sleep(Duration duration) {
        long deadline = System.nanoTime() + duration.toNanos();
        synchronized (lock) {
            while (!stopped) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                try {
                    lock.wait(Math.max(1, left / 1_000_000), 0);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    stopped = true;
                }
            }
        }
        throw new Stopped();
    }

    /** Makes every waiting and later call throw {@link Stopped}. */
    void stop() {
        synchronized (lock) {
            stopped = true;
            lock.notifyAll();
        }
    }

    boolean stopped() {
        synchronized (lock) {
            return stopped;
        }
    }

    void checkStopped() {
        if (stopped()) {
            throw new Stopped();
        }
    }
}
