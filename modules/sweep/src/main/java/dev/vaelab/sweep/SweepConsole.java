package dev.vaelab.sweep;

import java.io.PrintStream;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Draws a sweep's progress. On a terminal the status block is redrawn in place below the events
 * (run started, finished, failed); in a log the events are printed as they happen and the block
 * every {@code LOG_INTERVAL}. Thread-safe: the sweep's loop and its stop hook both print.
 */
public final class SweepConsole {
    private static final long REDRAW_NANOS = 500_000_000L;
    private static final long LOG_INTERVAL_NANOS = 15_000_000_000L;

    private final PrintStream out;
    private final boolean interactive;
    private final int width;
    private final LongSupplier nanoTime;
    private int drawnLines;
    private long lastDraw = Long.MIN_VALUE / 2;
    private SweepStatus last;

    /**
     * @param out where to draw
     * @param interactive redraw in place (a terminal) rather than print (a log)
     * @param width the longest line
     * @param nanoTime the clock
     */
    public SweepConsole(PrintStream out, boolean interactive, int width, LongSupplier nanoTime) {
        this.out = out;
        this.interactive = interactive;
        this.width = width;
        this.nanoTime = nanoTime;
    }

    /** On standard error, redrawn in place when a console is attached, as wide as {@code $COLUMNS} says. */
    public static SweepConsole onStderr() {
        int width = 120;
        try {
            String columns = System.getenv("COLUMNS");
            if (columns != null) {
                width = Math.max(40, Integer.parseInt(columns.strip()));
            }
        } catch (NumberFormatException e) {
            // keep the default
        }
        return new SweepConsole(System.err, System.console() != null, width, System::nanoTime);
    }

    /** Prints one event line above the status block. */
    public synchronized void event(String line) {
        erase();
        out.println(line);
        if (interactive && last != null) {
            draw(last);
        }
        out.flush();
    }

    /**
     * Shows the status, at most twice a second on a terminal and every 15 s in a log; the snapshot
     * is taken only when it is drawn.
     */
    public synchronized void status(Supplier<SweepStatus> snapshot) {
        long now = nanoTime.getAsLong();
        if (now - lastDraw < (interactive ? REDRAW_NANOS : LOG_INTERVAL_NANOS)) {
            return;
        }
        lastDraw = now;
        SweepStatus status = snapshot.get();
        last = status;
        erase();
        draw(status);
        out.flush();
    }

    /** Prints the final status once more and leaves it on screen. */
    public synchronized void finish(SweepStatus status) {
        erase();
        last = null;
        List<String> lines = status.lines(width);
        lines.forEach(out::println);
        drawnLines = 0;
        out.flush();
    }

    private void draw(SweepStatus status) {
        List<String> lines = status.lines(width);
        lines.forEach(out::println);
        drawnLines = interactive ? lines.size() : 0;
    }

    /** Moves up over the block and clears it (terminal only). */
    private void erase() {
        for (int i = 0; i < drawnLines; i++) {
            out.print("\033[1A\033[2K");
        }
        drawnLines = 0;
    }
}
