package dev.vaelab.core.console;

import java.io.PrintStream;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * A one-line progress bar for a terminal: redraws in place with a carriage return on a terminal and
 * prints a line at most every few seconds otherwise (CI logs, redirected output).
 */
public final class ProgressBar {
    private static final long LOG_INTERVAL_NANOS = 5_000_000_000L;
    private static final int WIDTH = 24;

    /** The share of the work measured before an ETA is shown: the first units' pace says little. */
    static final double ETA_AFTER = 0.05;

    private final PrintStream out;
    private final String label;
    private final long total;
    private final boolean interactive;
    private final LongSupplier nanoTime;
    private final long startNanos;
    private long lastPrintNanos;
    private int lastLength;
    private long originDone = -1;
    private long originNanos;

    public ProgressBar(PrintStream out, String label, long total, boolean interactive) {
        this(out, label, total, interactive, System::nanoTime);
    }

    /** As above, on the clock {@code nanoTime} (tests give their own). */
    public ProgressBar(PrintStream out, String label, long total, boolean interactive, LongSupplier nanoTime) {
        this.out = out;
        this.label = label;
        this.total = total;
        this.interactive = interactive;
        this.nanoTime = nanoTime;
        this.startNanos = nanoTime.getAsLong();
        this.lastPrintNanos = startNanos - LOG_INTERVAL_NANOS;
    }

    /** A bar on standard error, redrawn in place when a console is attached. */
    public static ProgressBar onStderr(String label, long total) {
        return new ProgressBar(System.err, label, total, System.console() != null);
    }

    /** Shows {@code done} of {@code total} units with a free-form status after the bar. */
    public void update(long done, String status) {
        update(done, () -> status);
    }

    /** As {@link #update(long, String)}, building the status only when a line is printed (a training step's is not cheap). */
    public void update(long done, java.util.function.Supplier<String> status) {
        long now = nanoTime.getAsLong();
        if (originDone < 0 && done > 0) {
            // the pace is measured from the first report on: the first unit carries the warm-up
            // (compiling, allocating), which made a 15 s epoch's first ETA half an hour
            originDone = done;
            originNanos = now;
        }
        boolean finished = total > 0 && done >= total;
        if (!finished && now - lastPrintNanos < (interactive ? 100_000_000L : LOG_INTERVAL_NANOS)) {
            return;
        }
        lastPrintNanos = now;
        String line = render(done, status.get(), now);
        if (interactive) {
            String pad = lastLength > line.length() ? " ".repeat(lastLength - line.length()) : "";
            out.print("\r" + line + pad);
            lastLength = line.length();
            if (finished) {
                out.println();
            }
        } else {
            out.println(line);
        }
        out.flush();
    }

    private String render(long done, String status, long now) {
        StringBuilder sb = new StringBuilder(label).append(' ');
        if (total > 0) {
            double fraction = Math.min(1.0, (double) done / total);
            int filled = (int) Math.round(fraction * WIDTH);
            sb.append('[').append("#".repeat(filled)).append(".".repeat(WIDTH - filled)).append("] ");
            sb.append(String.format("%3.0f%%", 100 * fraction));
            if (done >= total) {
                sb.append(" in ").append(formatDuration((now - startNanos) / 1e9));
            } else if (originDone >= 0 && done - originDone >= Math.max(1, (long) Math.ceil(ETA_AFTER * total))) {
                double perUnit = (now - originNanos) / 1e9 / (done - originDone);
                sb.append(" ETA ").append(formatDuration(perUnit * (total - done)));
            }
        } else {
            sb.append(done);
        }
        if (status != null && !status.isEmpty()) {
            sb.append("  ").append(status);
        }
        return sb.toString();
    }

    /** {@code 1:05:03}, {@code 4:07} or {@code 12s}. */
    public static String formatDuration(double seconds) {
        long s = Math.round(seconds);
        Duration d = Duration.ofSeconds(s);
        if (s >= 3600) {
            return String.format("%d:%02d:%02d", d.toHours(), d.toMinutesPart(), d.toSecondsPart());
        }
        if (s >= 60) {
            return String.format("%d:%02d", d.toMinutes(), d.toSecondsPart());
        }
        return s + "s";
    }
}
