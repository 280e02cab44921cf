package dev.vaelab.data;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Closes a response body when no bytes have arrived for a while, which makes a read blocked on a
 * silent server fail: the JDK's HTTP client has no read timeout of its own.
 */
final class StallWatch implements AutoCloseable {
    private final InputStream body;
    private final long timeoutNanos;
    private final ScheduledExecutorService timer;
    private volatile long lastProgress = System.nanoTime();
    private volatile boolean stalled;

    StallWatch(InputStream body, Duration timeout) {
        this.body = body;
        this.timeoutNanos = timeout.toNanos();
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "vaelab-download-watch");
            t.setDaemon(true);
            return t;
        });
        long period = Math.max(1, timeout.toMillis() / 4);
        timer.scheduleAtFixedRate(this::check, period, period, TimeUnit.MILLISECONDS);
    }

    /** Records that bytes arrived. */
    void progressed() {
        lastProgress = System.nanoTime();
    }

    /** Whether the body was closed for lack of progress. */
    boolean stalled() {
        return stalled;
    }

    private void check() {
        if (!stalled && System.nanoTime() - lastProgress > timeoutNanos) {
            stalled = true;
            try {
                body.close();
            } catch (IOException e) {
                // The reader fails on the closed stream either way.
            }
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
